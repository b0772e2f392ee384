// Makes the seed corpus in Fuzz/corpus (scripts/fuzz seeds runs it):
// RTMP_TOP_FUZZ_MAKE_SEEDS=<out> RTMP_TOP_FUZZ_SEED_INPUT=<dir> <fuzz binary>
//
// From real traffic and media where there is some (the input folder holds
// what scripts/fuzz seeds captured and encoded: capture-*.bin, the bytes
// ffmpeg and rtmpdump sent to an RTMP server; *.flv media; raw .flac,
// .ac3, .eac3, .mp3 and .ivf streams), and crafted for what no real peer
// here sends (every AMF type, AMF3, digest scheme 1, wide chunk stream ids,
// Abort, ModEx and Multitrack wrappers).

import Foundation
@testable import Media
import NIOCore
@testable import RTMP

struct SeedGenerator {
    let outputDirectory: String
    let inputDirectory: String?

    func run() throws {
        try handshakeSeeds()
        try amfSeeds()
        try chunkSeeds()
        try wrappedTagSeeds()
        try write("health", "made-up-15s-30fps-aac", syntheticHealthRecords())
        guard let inputDirectory else { return }
        let names = try FileManager.default.contentsOfDirectory(atPath: inputDirectory).sorted()
        for name in names {
            let path = inputDirectory + "/" + name
            let label = (name as NSString).deletingPathExtension
            switch (name as NSString).pathExtension {
            case "flv": try mediaSeeds(path: path, label: label)
            case "bin" where name.hasPrefix("capture-"): try captureSeeds(bytes: try read(path), label: String(label.dropFirst("capture-".count)))
            case "flac", "ac3", "eac3", "mp3", "ivf":
                let kind = (name as NSString).pathExtension
                try rawStreamSeeds(bytes: try read(path), kind: kind, label: "\(label)-\(kind)")
            default: break
            }
        }
    }

    // MARK: - Writing

    private func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func write(_ target: String, _ name: String, _ bytes: [UInt8]) throws {
        require(allTargets.contains { $0.name == target }, "seed for unknown target \(target)")
        let directory = outputDirectory + "/" + target
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let safe = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? $0 : "-" })
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + safe))
    }

    private func bytes(_ buffer: ByteBuffer) -> [UInt8] {
        Array(buffer.readableBytesView)
    }

    private func amf0(_ values: [AMF0Value]) -> [UInt8] {
        var buffer = ByteBuffer()
        AMF0Encoder.encode(values, into: &buffer)
        return bytes(buffer)
    }

    private func commandSelector(_ typeID: UInt8) -> UInt8 {
        UInt8(commandTypes.firstIndex(of: typeID)!)
    }

    // MARK: - Handshake

    private func handshakeSeeds() throws {
        let packet = RTMPHandshake.packetSize
        let plain = RTMPHandshake.clientHello(digest: false)
        try write("handshake", "plain-c0c1", plain.c0c1)
        // A Flash Player 9 client using scheme 1 (digest offset from bytes 772...),
        // then C2 and a first chunk.
        var c1 = (0..<packet).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        c1.replaceSubrange(4..<8, with: [0x0A, 0x00, 0x20, 0x03])
        HandshakeDigest.imprint(into: &c1, scheme: 1, key: HandshakeDigest.playerPartialKey)
        let c2 = [UInt8](repeating: 0x5A, count: packet)
        try write("handshake", "digest-scheme1-c0c1c2", [3] + c1 + c2 + [0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0x10, 0])
        // RTMPE asks for version 6.
        try write("handshake", "rtmpe-version6", [6] + c1)

        let digestAnswer = try RTMPHandshake.serverResponse(c0: 3, c1: fuzzClientC1).response
        try write("handshake-client", "digest-answer", digestAnswer)
        var plainS1 = (0..<packet).map { UInt8(truncatingIfNeeded: $0 &* 5) }
        plainS1.replaceSubrange(4..<8, with: [0, 0, 0, 0])
        try write("handshake-client", "plain-answer", [3] + plainS1 + fuzzClientC1)
    }

    // MARK: - AMF and commands

    private func amfSeeds() throws {
        let everyType: [AMF0Value] = [
            .number(1.5), .boolean(true), .string("text"), .null, .undefined, .reference(1), .unsupported,
            .object([AMF0Property(key: "a", value: .number(-0.0)), AMF0Property(key: "", value: .string("empty key"))]),
            .ecmaArray([AMF0Property(key: "duration", value: .number(6)), AMF0Property(key: "width", value: .number(640))]),
            .strictArray([.number(1), .string("two"), .strictArray([.null])]),
            .date(1_700_000_000_000, timeZone: 0),
            .typedObject(className: "flex.messaging.io.ObjectProxy", [AMF0Property(key: "k", value: .boolean(false))]),
            .xmlDocument("<a b=\"c\"/>"),
            .amf3(.string("avmplus")), .amf3(.integer(-42)), .amf3(.true),
            .string("Grüße, 世界"),
        ]
        try write("amf0", "every-type", amf0(everyType))
        // A long string (0x0C) that would fit a short one, and an ECMA array whose count lies.
        try write("amf0", "long-string-and-ecma-count", [0x0C, 0, 0, 0, 5] + Array("hello".utf8) + [0x08, 0, 0, 0, 9, 0, 1, 0x78, 0x05, 0, 0, 0x09])

        // OBS 30 style connect, Enhanced RTMP: fourCcList and capsEx.
        let obsConnect: [AMF0Value] = [
            .string("connect"), .number(1),
            .object([
                AMF0Property(key: "app", value: .string("live/")),
                AMF0Property(key: "type", value: .string("nonprivate")),
                AMF0Property(key: "flashVer", value: .string("FMLE/3.0 (compatible; FMSc/1.0)")),
                AMF0Property(key: "swfUrl", value: .string("rtmp://127.0.0.1/live")),
                AMF0Property(key: "tcUrl", value: .string("rtmp://127.0.0.1/live?token=abc")),
                AMF0Property(key: "fourCcList", value: .strictArray([.string("av01"), .string("vp09"), .string("hvc1")])),
                AMF0Property(key: "capsEx", value: .number(1)),
            ]),
        ]
        try write("amf0", "obs-connect-enhanced", amf0(obsConnect))
        try write("command", "obs-connect-enhanced", [commandSelector(RTMPMessageType.commandAMF0)] + amf0(obsConnect))
        // The same connect as an AMF3 command (type 17: a format byte, then AMF0).
        try write("command", "connect-type17", [commandSelector(RTMPMessageType.commandAMF3), 0] + amf0(obsConnect))
        // A Flash player's play with a numeric reset, and pauseRaw.
        let play: [AMF0Value] = [.string("play"), .number(4), .null, .string("stream?key=1"), .number(-2), .number(-1), .number(0)]
        try write("command", "play-numeric-reset", [commandSelector(RTMPMessageType.commandAMF0)] + amf0(play))
        try write("command", "pauseRaw", [commandSelector(RTMPMessageType.commandAMF0)] + amf0([.string("pauseRaw"), .number(0), .null, .amf3(.true), .number(1200)]))
        try write("command", "data-type15-metadata", [commandSelector(RTMPMessageType.dataAMF3), 0] + amf0([.string("@setDataFrame"), .string("onMetaData"), .ecmaArray([AMF0Property(key: "framerate", value: .number(30))])]))
        for control in [ControlMessage.setChunkSize(4096), .abort(chunkStreamID: 6), .acknowledgement(sequenceNumber: 5_000_000),
                        .windowAcknowledgementSize(2_500_000), .setPeerBandwidth(2_500_000, limitType: 2),
                        .userControl(.setBufferLength(streamID: 1, milliseconds: 3000)), .userControl(.pingResponse(timestamp: 77))] {
            let message = control.message
            try write("command", "control-\(message.typeID)-\(bytes(message.payload).count)", [commandSelector(message.typeID)] + bytes(message.payload))
        }

        // AMF3 leaves, with a string reference and an object (date) reference.
        var amf3 = ByteBuffer()
        for value: AMF3Value in [.undefined, .null, .false, .true, .integer(-5), .integer(1 << 20), .integer(-(1 << 28)),
                                 .double(3.25), .string("abc"), .xmlDocument("<x/>"), .date(1e12), .xml("<y/>"), .byteArray([1, 2, 3])] {
            AMF3Encoder.encode(value, into: &amf3)
        }
        try write("amf3", "every-leaf-type", bytes(amf3) + [0x06, 0x00, 0x08, 0x02, 0x0C, 0x04])
        try write("amf3", "u29-widths", [0x04, 0x7F, 0x04, 0x81, 0x00, 0x04, 0x81, 0x80, 0x00, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 0x06, 0x01])
    }

    // MARK: - Chunk streams

    /// Messages a publisher sends, made up (the captures have the real ones).
    private func publisherMessages() -> [RTMPMessage] {
        func payload(_ count: Int, _ seed: Int) -> ByteBuffer { ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed) }) }
        var messages: [RTMPMessage] = []
        messages.append(CommandMessage(name: "publish", transactionID: 5, arguments: [.string("stream"), .string("live")]).message(messageStreamID: 1, chunkStreamID: 8))
        for index in 0..<4 {
            messages.append(RTMPMessage(chunkStreamID: 6, typeID: RTMPMessageType.video, messageStreamID: 1, timestamp: UInt32(index * 33), payload: payload(300 + index, index)))
            messages.append(RTMPMessage(chunkStreamID: 4, typeID: RTMPMessageType.audio, messageStreamID: 1, timestamp: UInt32(index * 23), payload: payload(40, index)))
        }
        return messages
    }

    private func encode(_ messages: [RTMPMessage], chunkSize: Int = 128) -> [UInt8] {
        var encoder = RTMPChunkEncoder(chunkSize: chunkSize)
        var out = ByteBuffer()
        for message in messages { encoder.encode(message, into: &out) }
        return bytes(out)
    }

    private func chunkSeeds() throws {
        let messages = publisherMessages()
        try write("chunk", "made-up-publish-128", encode(messages))
        try write("chunk", "set-chunk-size-4096", encode([ControlMessage.setChunkSize(4096).message]) + encode(messages, chunkSize: 4096))
        // Timestamps crossing 0xFFFFFF: extended timestamps, also on continuations.
        try write("chunk", "extended-timestamps", encode(messages.map { var m = $0; m.timestamp &+= 0xFF_FF00; return m }))
        // 2- and 3-byte basic headers.
        try write("chunk", "wide-chunk-stream-ids", encode(messages.enumerated().map { index, message in
            var m = message
            m.chunkStreamID = [64, 319, 320, 65599][index % 4]
            return m
        }))

        // Interleaved chunk streams and an Abort of a half-sent message.
        var out = ByteBuffer()
        var encoder = RTMPChunkEncoder()
        let video = messages[1], audio = messages[2]
        encoder.writeFirstHeader(chunkStreamID: 6, messageStreamID: 1, typeID: video.typeID, length: video.payload.readableBytes, timestamp: 0, into: &out)
        out.writeImmutableBuffer(video.payload.getSlice(at: 0, length: 128)!)
        encoder.encode(audio, into: &out)
        RTMPChunkEncoder.writeBasicHeader(fmt: 3, csid: 6, into: &out)
        out.writeImmutableBuffer(video.payload.getSlice(at: 128, length: 128)!)
        encoder.encode(ControlMessage.abort(chunkStreamID: 6).message, into: &out)
        encoder.reset(chunkStreamID: 6)
        encoder.encode(video, into: &out)
        // A new message that starts with fmt 3 (same length, type and delta), as librtmp sends.
        var next = video
        next.timestamp = 66
        encoder.encode(next, into: &out)
        RTMPChunkEncoder.writeBasicHeader(fmt: 3, csid: 6, into: &out)
        RTMPChunkEncoder.writeBody(next.payload, chunkStreamID: 6, chunkSize: 128, extendedTimestamp: nil, into: &out)
        try write("chunk", "interleaved-abort-fmt3-start", bytes(out))
    }

    // MARK: - Tag wrappers no file here has

    private func wrappedTagSeeds() throws {
        let hvc1 = Array("hvc1".utf8), opus = Array("Opus".utf8), ac3 = Array("ac-3".utf8)
        // ModEx (a nanosecond offset) around a CodedFrames packet.
        try write("video", "modex-codedframes", [0x80 | 0x10 | 7, 2, 0x00, 0x01, 0x02, 1] + hvc1 + [0, 0, 0, 0, 0, 0, 1, 0x26])
        // Multitrack: one track, then many tracks of one codec, then many codecs.
        try write("video", "multitrack-one-track", [0x80 | 0x10 | 6, 0x01] + hvc1 + [0, 0, 0, 0, 0, 0, 1])
        try write("video", "multitrack-many-tracks", [0x80 | 0x10 | 6, 0x13] + hvc1 + [0, 0, 0, 5, 0, 0, 0, 0, 0x26, 1, 0, 0, 1, 0])
        try write("video", "multitrack-many-codecs", [0x80 | 0x20 | 6, 0x21] + hvc1 + [0, 0, 0, 4, 1, 2, 3, 4] + Array("av01".utf8) + [1, 0, 0, 0])
        try write("video", "command-frame", [0x80 | 0x50 | 1, 0])
        try write("video", "legacy-command-frame", [0x57, 1])
        try write("video", "enhanced-metadata", [0x80 | 0x10 | 4] + hvc1 + amf0([.string("colorInfo"), .object([])]))
        try write("audio", "multitrack-many-tracks", [0x90 | 5, 0x11] + opus + [0, 0, 0, 3, 0xFC, 0xFF, 0xFE])
        try write("audio", "modex-sequence-start", [0x90 | 7, 0, 0x2A, 0] + opus + Array("OpusHead".utf8) + [1, 2, 0x38, 1, 0x80, 0xBB, 0, 0, 0, 0, 0])
        try write("audio", "enhanced-ac3-frame", [0x90 | 1] + ac3 + [0x0B, 0x77, 0x12, 0x34, 0x14, 0x40, 0xE1, 0x00])
    }

    // MARK: - Media files

    /// A payload cut to `limit` bytes (frames only need their headers).
    private func clip(_ payload: ByteBuffer, _ limit: Int) -> ByteBuffer {
        payload.getSlice(at: payload.readerIndex, length: min(limit, payload.readableBytes))!
    }

    private func mediaSeeds(path: String, label: String) throws {
        let (header, tags) = try FLVReader.readFile(path)

        // flv: the file's start, frames clipped, read as a whole file.
        var file = ByteBuffer()
        FLVWriter.writeHeader(hasAudio: header.hasAudio, hasVideo: header.hasVideo, into: &file)
        var videoFrames = 0, audioFrames = 0
        for tag in tags {
            var clipped = tag
            if tag.type == FLVTag.videoType {
                let info = VideoTagInfo.parse(tag.payload)
                if info?.isSequenceHeader != true {
                    guard videoFrames < 3 else { continue }
                    videoFrames += 1
                    clipped.payload = clip(tag.payload, 300)
                }
            } else if tag.type == FLVTag.audioType {
                if AudioTagInfo.parse(tag.payload)?.isSequenceHeader != true {
                    guard audioFrames < 3 else { continue }
                    audioFrames += 1
                    clipped.payload = clip(tag.payload, 100)
                }
            }
            FLVWriter.writeTag(clipped, into: &file)
            if videoFrames >= 3 && audioFrames >= 3 { break }
        }
        try write("flv", label, bytes(file))

        // video, audio: the first payload of each kind; amf0: the script data.
        var kinds: Set<String> = []
        var messages: [RTMPMessage] = []
        for tag in tags {
            switch tag.type {
            case FLVTag.videoType:
                guard let info = VideoTagInfo.parse(tag.payload) else { continue }
                let kind = "video-\(info.frameType)-\(info.packetType.map(String.init) ?? "none")"
                guard kinds.insert(kind).inserted else { continue }
                try write("video", "\(label)-\(kind)", bytes(info.isSequenceHeader ? tag.payload : clip(tag.payload, 128)))
                try videoConfigSeeds(tag.payload, info: info, label: label)
            case FLVTag.audioType:
                guard let info = AudioTagInfo.parse(tag.payload) else { continue }
                let kind = "audio-\(info.packetType.map(String.init) ?? "none")"
                guard kinds.insert(kind).inserted else { continue }
                try write("audio", "\(label)-\(kind)", bytes(info.isSequenceHeader ? tag.payload : clip(tag.payload, 64)))
                try audioConfigSeeds(tag.payload, info: info, label: label)
            default:
                if kinds.insert("script").inserted {
                    try write("amf0", "\(label)-onMetaData", bytes(tag.payload))
                }
            }
        }

        // chunk: the file's first messages as a publisher sends them.
        for tag in tags.prefix(16) {
            var payload = tag.payload
            if tag.type == FLVTag.scriptDataType {
                var wrapped = ByteBuffer()
                AMF0Encoder.encode(.string("@setDataFrame"), into: &wrapped)
                wrapped.writeBuffer(&payload)
                payload = wrapped
            }
            messages.append(RTMPMessage(chunkStreamID: RTMPChunkStreamID.forType(tag.type), typeID: tag.type, messageStreamID: 1,
                                        timestamp: tag.timestamp, payload: clip(payload, 400)))
        }
        try write("chunk", "\(label)-publish", encode(messages))
        try write("health", "\(label)-timing", healthRecords(tags))
    }

    /// 15 s of 30 fps video (a keyframe every 2 s) and 44.1 kHz AAC, in
    /// DTS order, arriving in real time, with a tick a second.
    private func syntheticHealthRecords() -> [UInt8] {
        var events: [(dts: Int, op: UInt8)] = []
        for frame in 0..<450 { events.append((frame * 1000 / 30, frame % 60 == 0 ? 1 : 0)) }
        for frame in 0..<646 { events.append((frame * 1024 * 1000 / 44100, 2)) }
        for second in 1...15 { events.append((second * 1000, 4)) }
        events.sort { $0.dts < $1.dts }
        var out: [UInt8] = [0]
        var last = 0
        for event in events {
            let advance = UInt16(event.dts - last)
            last = event.dts
            let dts = UInt32(event.dts)
            let size: UInt16 = event.op == 1 ? 300 : event.op == 0 ? 40 : 6
            out += [event.op | 8, UInt8(dts >> 24), UInt8(dts >> 16 & 0xFF), UInt8(dts >> 8 & 0xFF), UInt8(dts & 0xFF),
                    0, 0, event.op == 0 ? 66 : 0, UInt8(size >> 8), UInt8(size & 0xFF), UInt8(advance >> 8), UInt8(advance & 0xFF)]
        }
        return out
    }

    /// The tags' timing as `health` records: absolute DTS, composition
    /// offsets, sizes, arrival in step with the DTS, a tick a second, the
    /// configurations the probes find.
    private func healthRecords(_ tags: [FLVTag]) -> [UInt8] {
        var out: [UInt8] = [0]
        var lastTimestamp: UInt32 = 0
        var lastTick: UInt32 = 0
        func record(_ op: UInt8, _ value: UInt32, offset: Int32 = 0, size: Int = 0, advance: UInt32 = 0, extra: [UInt8] = [0, 0, 0]) {
            let o = UInt32(bitPattern: offset) & 0xFF_FFFF
            let s = UInt16(min(size / 64, Int(UInt16.max)))
            out += [op, UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF),
                    UInt8(o >> 16), UInt8(o >> 8 & 0xFF), UInt8(o & 0xFF), UInt8(s >> 8), UInt8(s & 0xFF),
                    UInt8(min(advance, 0xFFFF) >> 8), UInt8(min(advance, 0xFFFF) & 0xFF)]
        }
        for tag in tags.prefix(400) {
            let advance = tag.timestamp &- lastTimestamp
            lastTimestamp = tag.timestamp
            switch tag.type {
            case FLVTag.videoType:
                guard let info = VideoTagInfo.parse(tag.payload) else { continue }
                if info.isSequenceHeader, let config = CodecProbe.videoConfig(tag.payload) {
                    // op 6, absolute size in the DTS field and the offset field.
                    record(6 | 8, UInt32(config.width ?? 1), offset: Int32((config.height ?? 1) - 1))
                }
                let op: UInt8 = info.isSequenceHeader ? 3 : info.isKeyframe ? 1 : 0
                record(op | 8, tag.timestamp, offset: info.compositionOffset(in: tag.payload), size: tag.payload.readableBytes, advance: advance)
            case FLVTag.audioType:
                guard let info = AudioTagInfo.parse(tag.payload) else { continue }
                if info.isSequenceHeader, let config = CodecProbe.audioConfig(tag.payload) {
                    record(7 | 8, UInt32((config.sampleRate ?? 1) - 1))
                }
                record((info.isSequenceHeader ? 3 : 2) | 8, tag.timestamp, size: tag.payload.readableBytes, advance: advance)
            default:
                record(5, 0, advance: advance)
            }
            if tag.timestamp &- lastTick >= 1000 {
                lastTick = tag.timestamp
                record(4, 0)
            }
        }
        return out
    }

    private func videoConfigSeeds(_ payload: ByteBuffer, info: VideoTagInfo, label: String) throws {
        let body: ByteBuffer
        if info.isEnhanced {
            guard let header = ExVideoTagHeader.parse(payload) else { return }
            body = header.body
        } else {
            guard let legacy = payload.getSlice(at: payload.readerIndex + 5, length: max(0, payload.readableBytes - 5)) else { return }
            body = legacy
        }
        if info.isSequenceHeader {
            switch info.codec {
            case .avc:
                try write("video-config", "\(label)-avcC", [0] + bytes(body))
                if let sps = AVCDecoderConfigurationRecord.parse(body)?.sequenceParameterSets.first {
                    try write("video-config", "\(label)-avc-sps", [4] + sps)
                }
            case .hevc:
                try write("video-config", "\(label)-hvcC", [1] + bytes(body))
                if let sps = HEVCDecoderConfigurationRecord.parse(body)?.nalUnits.first(where: { ($0.first ?? 0) >> 1 & 0x3F == 33 }) {
                    try write("video-config", "\(label)-hevc-sps", [5] + sps)
                }
            case .av1:
                try write("video-config", "\(label)-av1C", [2] + bytes(body))
                if let obu = firstOBUPayload(Array(bytes(body).dropFirst(4))) {
                    try write("video-config", "\(label)-av1-sequence-header", [6] + obu)
                }
            case .vp9, .vp8:
                try write("video-config", "\(label)-vpcC", [3] + bytes(body))
            default:
                break
            }
        } else if info.isKeyframe, info.codec == .vp9 {
            try write("video-config", "\(label)-vp9-keyframe", [7] + Array(bytes(body).prefix(64)))
        }
    }

    /// The payload of the first OBU of an av1C's configOBUs.
    private func firstOBUPayload(_ obus: [UInt8]) -> [UInt8]? {
        guard let header = obus.first, header & 0x02 != 0 else { return nil }
        var index = header & 0x04 != 0 ? 2 : 1
        var size = 0, shift = 0
        while index < obus.count {
            let byte = obus[index]
            index += 1
            size |= Int(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 { break }
        }
        guard index + size <= obus.count else { return nil }
        return Array(obus[index..<(index + size)])
    }

    private func audioConfigSeeds(_ payload: ByteBuffer, info: AudioTagInfo, label: String) throws {
        guard info.isSequenceHeader || info.codec == .mp3 else { return }
        let body: [UInt8]
        if info.isEnhanced {
            guard let header = ExAudioTagHeader.parse(payload) else { return }
            body = bytes(header.body)
        } else {
            body = Array(bytes(payload).dropFirst(info.codec == .aac ? 2 : 1))
        }
        switch info.codec {
        case .aac: try write("audio-config", "\(label)-asc", [0] + body)
        case .opus: try write("audio-config", "\(label)-opushead", [1] + body)
        case .flac: try write("audio-config", "\(label)-streaminfo", [2] + body)
        case .mp3: try write("audio-config", "\(label)-mpeg-header", [3] + Array(body.prefix(8)))
        default: break
        }
    }

    // MARK: - Raw streams

    private func rawStreamSeeds(bytes stream: [UInt8], kind: String, label: String) throws {
        switch kind {
        case "flac":
            // "fLaC", the STREAMINFO block header and its 34 bytes.
            let streamInfo = Array(stream.prefix(42))
            try write("audio-config", "\(label)-streaminfo", [2] + streamInfo)
            try write("audio", "\(label)-enhanced-sequence-start", [0x90] + Array("fLaC".utf8) + streamInfo)
        case "ac3", "eac3":
            let frame = Array(stream.prefix(16))
            try write("audio-config", "\(label)-sync-frame", [4] + frame)
            try write("audio", "\(label)-enhanced-coded-frame", [0x91] + Array((kind == "ac3" ? "ac-3" : "ec-3").utf8) + frame)
        case "mp3":
            // Skip an ID3v2 tag if the encoder wrote one.
            var start = 0
            if stream.count > 10, stream[0] == 0x49, stream[1] == 0x44, stream[2] == 0x33 {
                start = 10 + (Int(stream[6]) << 21 | Int(stream[7]) << 14 | Int(stream[8]) << 7 | Int(stream[9]))
            }
            guard start + 8 <= stream.count else { return }
            let frame = Array(stream[start..<(start + 8)])
            try write("audio-config", "\(label)-mpeg-header", [3] + frame)
            try write("audio", "\(label)-enhanced-coded-frame", [0x91] + Array(".mp3".utf8) + frame)
        case "ivf":
            // A 32-byte file header, then a 12-byte header before each frame.
            guard stream.count >= 44 + 10 else { return }
            let frame = Array(stream[44..<min(stream.count, 44 + 32)])
            try write("video-config", "\(label)-vp8-keyframe", [8] + frame)
            try write("video", "\(label)-enhanced-vp8-keyframe", [0x80 | 0x10 | 1] + Array("vp08".utf8) + frame)
        default:
            break
        }
    }

    // MARK: - Captured connections

    private func captureSeeds(bytes capture: [UInt8], label: String) throws {
        let handshake = 1 + 2 * RTMPHandshake.packetSize
        try write("handshake", label, Array(capture.prefix(handshake + 512)))
        guard capture.count > handshake else { return }
        let stream = Array(capture[handshake...])
        try write("chunk", label, Array(stream.prefix(12 << 10)))

        // Each command, data and control message it sent.
        var decoder = RTMPChunkDecoder()
        var buffer = ByteBuffer(bytes: stream)
        var index = 0
        while let message = try? decoder.decodeMessage(from: &buffer) {
            guard let selector = commandTypes.firstIndex(of: message.typeID), index < 24 else { continue }
            index += 1
            var name = "type\(message.typeID)"
            if let command = try? CommandMessage.parse(message) {
                name = command.name
            } else if let values = try? CommandMessage.parseData(message), let first = values.first?.stringValue {
                name = first
            }
            let payload = bytes(message.payload)
            try write("command", "\(label)-\(index)-\(name)", [UInt8(selector)] + payload)
            if message.typeID == RTMPMessageType.commandAMF0 || message.typeID == RTMPMessageType.dataAMF0 {
                try write("amf0", "\(label)-\(index)-\(name)", payload)
            }
        }
    }
}
