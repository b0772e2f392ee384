// Targets for Sources/Media: FLV files, tag headers, codec probes.

@testable import Media
import NIOCore
import RTMP

// MARK: - flv

@Sendable func fuzzFLV(_ input: [UInt8]) {
    var reader: FLVReader
    do {
        reader = try FLVReader(ByteBuffer(bytes: input))
    } catch {
        require(error is FLVError, "FLVReader.init threw \(error)")
        return
    }
    var tags: [FLVTag] = []
    var cleanEnd = false
    while true {
        do {
            guard let tag = try reader.next() else {
                cleanEnd = true
                break
            }
            require(tag.payload.readableBytes <= FLVWriter.maximumPayloadSize, "tag of \(tag.payload.readableBytes) bytes")
            require([FLVTag.audioType, FLVTag.videoType, FLVTag.scriptDataType].contains(tag.type), "tag type \(tag.type)")
            tags.append(tag)
        } catch {
            require(error is FLVError, "FLVReader.next threw \(error)")
            break
        }
    }
    if cleanEnd {
        require((try? reader.next()) == .some(nil), "a reader at its end reads on")
    }

    // Written again by FLVWriter (as the recorder writes), the tags read back the same.
    var file = ByteBuffer()
    FLVWriter.writeHeader(hasAudio: reader.header.hasAudio, hasVideo: reader.header.hasVideo, into: &file)
    for tag in tags {
        require(FLVWriter.writeTag(tag, into: &file), "FLVWriter refused a tag FLVReader read")
    }
    do {
        var again = try FLVReader(file)
        require(again.header == reader.header, "header \(again.header) != \(reader.header)")
        var reread: [FLVTag] = []
        while let tag = try again.next() { reread.append(tag) }
        require(reread == tags, "re-written file reads back \(reread.count) other tags of \(tags.count)")
    } catch {
        fatalError("fuzz invariant failed: a file FLVWriter wrote does not read: \(error)")
    }

    for tag in tags {
        switch tag.type {
        case FLVTag.videoType: probeVideo(tag.payload)
        case FLVTag.audioType: probeAudio(tag.payload)
        default:
            var script = tag.payload
            _ = try? AMF0Decoder().decodeAll(&script)
        }
    }
}

// MARK: - video

@Sendable func fuzzVideoTag(_ input: [UInt8]) {
    probeVideo(ByteBuffer(bytes: input))
}

private func probeVideo(_ payload: ByteBuffer) {
    let info = VideoTagInfo.parse(payload)
    let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
    require(first != nil || info == nil, "VideoTagInfo from an empty payload")
    if let first, first & 0x80 != 0 {
        let header = ExVideoTagHeader.parse(payload)
        require((header == nil) == (info == nil), "ExVideoTagHeader and VideoTagInfo disagree")
        if let header {
            require(header.body.readableBytes <= payload.readableBytes, "body larger than the payload")
        }
    }
    if let info {
        _ = info.compositionOffset(in: payload)
        _ = info.carriesPicture
        require(!(info.isKeyframe && info.isSequenceHeader), "a sequence header counted as a keyframe")
        require(!(info.isSequenceHeader && info.isSequenceEnd), "both sequence start and end")
    }
    if let config = CodecProbe.videoConfig(payload) {
        require(info?.isSequenceHeader == true, "a configuration from a payload that is no sequence header")
        require(info?.codec == config.codec, "probe says \(config.codec), tag says \(String(describing: info?.codec))")
        checkVideoConfig(config)
    }
    // The other tracks of a ManyTracks message: inside the payload, only from a multitrack message.
    let later = CodecProbe.laterVideoTracks(payload)
    require(later.isEmpty || info?.isMultitrack == true, "later tracks of a message that is not multitrack")
    require(later.reduce(0) { $0 + $1.bytes } <= payload.readableBytes, "later tracks larger than the payload")
    for track in later {
        if let config = track.videoConfig {
            require(info?.isSequenceHeader == true, "a later track's configuration outside a sequence start")
            checkVideoConfig(config)
        }
    }
    if let size = CodecProbe.vp9FrameSize(payload) {
        require(info?.codec == .vp9 && info?.carriesPicture == true, "a VP9 frame size from \(String(describing: info))")
        require((1...65536).contains(size.width) && (1...65536).contains(size.height), "VP9 size \(size)")
    }
    if let size = CodecProbe.vp8FrameSize(payload) {
        require(info?.codec == .vp8 && info?.carriesPicture == true, "a VP8 frame size from \(String(describing: info))")
        require((1...0x3FFF).contains(size.width) && (1...0x3FFF).contains(size.height), "VP8 size \(size)")
    }
}

private func checkVideoConfig(_ config: VideoConfig) {
    require((config.width == nil) == (config.height == nil), "width without height: \(config)")
    if let width = config.width, let height = config.height {
        require(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max), "size \(width)x\(height)")
    }
    if let depth = config.bitDepth {
        require((8...16).contains(depth), "bit depth \(depth)")
    }
    require(config.profile?.isEmpty != true && config.level?.isEmpty != true, "empty name: \(config)")
}

// MARK: - audio

@Sendable func fuzzAudioTag(_ input: [UInt8]) {
    probeAudio(ByteBuffer(bytes: input))
}

private func probeAudio(_ payload: ByteBuffer) {
    let info = AudioTagInfo.parse(payload)
    if let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self), first >> 4 == ExAudioTagHeader.exHeaderSoundFormat {
        let header = ExAudioTagHeader.parse(payload)
        require((header == nil) == (info == nil), "ExAudioTagHeader and AudioTagInfo disagree")
    }
    let later = CodecProbe.laterAudioTracks(payload)
    require(later.isEmpty || info?.isMultitrack == true, "later audio tracks of a message that is not multitrack")
    require(later.reduce(0) { $0 + $1.bytes } <= payload.readableBytes, "later audio tracks larger than the payload")
    for track in later { if let config = track.audioConfig { checkAudioConfig(config) } }
    if let info {
        if let rate = info.soundRate { require(rate > 0, "sound rate \(rate)") }
        if let channels = info.channels { require(channels == 1 || channels == 2, "channels \(channels)") }
    }
    guard let config = CodecProbe.audioConfig(payload) else { return }
    guard let info else {
        fatalError("fuzz invariant failed: an audio configuration from a payload AudioTagInfo rejects")
    }
    switch (config.codec, info.codec) {
    case (.ac3, .eac3), (.eac3, .ac3):
        // The sync frame's bsid says which it really is, whatever the FourCC claimed.
        break
    default:
        require(config.codec == info.codec, "probe says \(config.codec), tag says \(info.codec)")
    }
    if [.aac, .opus, .flac].contains(config.codec) {
        require(info.isSequenceHeader, "\(config.codec) configuration from a payload that is no sequence header")
    }
    checkAudioConfig(config)
}

private func checkAudioConfig(_ config: AudioConfig) {
    if let rate = config.sampleRate { require(rate > 0, "sample rate \(rate)") }
    if let channels = config.channels { require((1...255).contains(channels), "channels \(channels)") }
    require(config.profile?.isEmpty != true, "empty profile")
}

// MARK: - video-config

@Sendable func fuzzVideoConfig(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let body = Array(input.dropFirst())
    let buffer = ByteBuffer(bytes: body)
    switch selector % 9 {
    case 0:
        if let record = AVCDecoderConfigurationRecord.parse(buffer) {
            require(record.sequenceParameterSets.count <= 31, "\(record.sequenceParameterSets.count) SPS")
            checkVideoConfig(record.videoConfig)
        }
    case 1:
        if let record = HEVCDecoderConfigurationRecord.parse(buffer) {
            require((8...15).contains(record.bitDepthLuma), "record bit depth \(record.bitDepthLuma)")
            checkVideoConfig(record.videoConfig)
        }
    case 2:
        if let record = AV1CodecConfigurationRecord.parse(buffer) {
            checkVideoConfig(record.videoConfig)
        }
    case 3:
        if let record = VPCodecConfigurationRecord.parse(buffer) {
            require([8, 10, 12].contains(record.bitDepth), "VP bit depth \(record.bitDepth)")
            checkVideoConfig(record.videoConfig(codec: .vp9))
        }
    case 4:
        let unescaped = RawByteSequencePayload.unescape(body)
        require(unescaped.count <= body.count, "unescaping grew the NAL unit")
        if let sps = AVCSequenceParameterSet.parse(nalUnit: body) {
            require(sps.width > 0 && sps.height > 0 && sps.width <= Int(Int32.max) && sps.height <= Int(Int32.max), "SPS size \(sps.width)x\(sps.height)")
            require((8...14).contains(sps.bitDepthLuma), "SPS bit depth \(sps.bitDepthLuma)")
            require(!sps.profileName.isEmpty, "empty profile name")
            _ = sps.levelName
        }
    case 5:
        if let sps = HEVCSequenceParameterSet.parse(nalUnit: body) {
            require(sps.width > 0 && sps.height > 0 && sps.width <= Int(Int32.max) && sps.height <= Int(Int32.max), "SPS size \(sps.width)x\(sps.height)")
            require((8...16).contains(sps.bitDepthLuma), "SPS bit depth \(sps.bitDepthLuma)")
            _ = HEVCNaming.profileName(HEVCNaming.profileIDC(sps.profileIDC, compatibilityFlags: sps.compatibilityFlags))
            _ = HEVCNaming.levelName(sps.levelIDC)
        }
    case 6:
        if let header = AV1SequenceHeader.parse(payload: body) {
            require((1...65536).contains(header.maxFrameWidth) && (1...65536).contains(header.maxFrameHeight), "AV1 size \(header.maxFrameWidth)x\(header.maxFrameHeight)")
            require([8, 10, 12].contains(header.bitDepth), "AV1 bit depth \(header.bitDepth)")
            require(header.profile < 8, "AV1 profile \(header.profile)")
            _ = AV1CodecConfigurationRecord.levelName(header.levelIndex)
        }
    case 7:
        if let size = VPFrameHeader.vp9KeyFrameSize(body) {
            require((1...65536).contains(size.width) && (1...65536).contains(size.height), "VP9 size \(size)")
        }
    default:
        if let size = VPFrameHeader.vp8KeyFrameSize(body) {
            require((1...0x3FFF).contains(size.width) && (1...0x3FFF).contains(size.height), "VP8 size \(size)")
        }
    }
}

// MARK: - audio-config

@Sendable func fuzzAudioConfig(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let body = Array(input.dropFirst())
    switch selector % 5 {
    case 0:
        if let config = AudioSpecificConfig.parse(body) {
            require(config.audioObjectType > 0, "object type \(config.audioObjectType)")
            require(!config.psPresent || config.sbrPresent, "PS without SBR")
            checkAudioConfig(config.audioConfig)
        }
    case 1:
        if let header = OpusHeader.parse(ByteBuffer(bytes: body)) {
            require((1...255).contains(header.channels), "Opus channels \(header.channels)")
            checkAudioConfig(header.audioConfig)
        }
    case 2:
        if let info = FLACStreamInfo.parse(ByteBuffer(bytes: body)) {
            require((1...0xF_FFFF).contains(info.sampleRate), "FLAC rate \(info.sampleRate)")
            require((1...8).contains(info.channels) && (1...32).contains(info.bitsPerSample), "FLAC \(info)")
            checkAudioConfig(info.audioConfig)
        }
    case 3:
        if let header = MPEGAudioFrameHeader.parse(body) {
            let rates = [44100, 48000, 32000, 22050, 24000, 16000, 11025, 12000, 8000]
            require(rates.contains(header.sampleRate), "MPEG rate \(header.sampleRate)")
            require((1...3).contains(header.layer) && (1...2).contains(header.channels), "MPEG \(header)")
            require(!header.profileName.isEmpty, "empty MPEG profile")
        }
    default:
        if let frame = DolbyAudioSyncFrame.parse(body) {
            require([48000, 44100, 32000, 24000, 22050, 16000].contains(frame.sampleRate), "Dolby rate \(frame.sampleRate)")
            require((1...6).contains(frame.channels), "Dolby channels \(frame.channels)")
            checkAudioConfig(frame.audioConfig)
        }
    }
}

// MARK: - health

/// The stream health analyzer fed what a hostile publisher controls: its
/// timestamps, composition offsets, frame sizes, onMetaData and
/// configurations, with arrival times that only go forward (a monotonic
/// clock). Byte 0 picks the profile; then 12-byte records:
/// op, DTS (u32: a delta from the track's last DTS unless op's bit 3 is
/// set), composition offset (s24), size (u16, × 64 bytes), arrival advance
/// (u16 ms, × 16 if op's bit 4 is set).
@Sendable func fuzzHealth(_ input: [UInt8]) {
    guard let first = input.first else { return }
    let profiles = HealthProfile.allCases
    var analyzer = StreamHealthAnalyzer(profile: profiles[Int(first) % profiles.count])
    var now: UInt64 = 1_000_000_000
    var lastDTS: [UInt32] = [0, 0]
    var open: [HealthFinding.Code: Bool] = [:]
    let videoCodecs: [VideoCodec] = [.avc, .hevc, .av1, .vp9, .vp8, .sorensonH263, .unknown(1234)]
    let audioCodecs: [AudioCodec] = [.aac, .mp3, .opus, .flac, .ac3, .eac3, .speex, .mp3_8k, .unknown(99)]
    var record = input.dropFirst()[...]
    while record.count >= 12 {
        let r = Array(record.prefix(12))
        record = record.dropFirst(12)
        let op = r[0]
        let u32 = UInt32(r[1]) << 24 | UInt32(r[2]) << 16 | UInt32(r[3]) << 8 | UInt32(r[4])
        let raw24 = Int32(r[5]) << 16 | Int32(r[6]) << 8 | Int32(r[7])
        let offset = raw24 & 0x80_0000 != 0 ? raw24 - 0x100_0000 : raw24
        let size = Int(UInt16(r[8]) << 8 | UInt16(r[9])) * 64
        let advance = UInt64(UInt16(r[10]) << 8 | UInt16(r[11])) * (op & 0x10 != 0 ? 16 : 1)
        now &+= advance * 1_000_000
        switch op & 0x07 {
        case 0, 1, 2, 3:
            let track = op & 0x07 == 2 ? 1 : 0
            let dts = op & 0x08 != 0 ? u32 : lastDTS[track] &+ u32 % 4096
            lastDTS[track] = dts
            analyzer.observe(StreamHealthAnalyzer.Frame(
                track: track == 1 ? .audio : .video, dts: dts, compositionOffset: track == 0 ? offset : 0,
                isKeyframe: op & 0x07 == 1, isSequenceHeader: op & 0x07 == 3, arrivalNanos: now, bytes: size))
        case 4:
            analyzer.tick(now: now)
        case 5:
            // onMetaData numbers as the wire can carry them: any double.
            func double(_ bits: UInt32) -> Double { Double(bitPattern: UInt64(bits) << 32 | UInt64(bits)) }
            analyzer.noteMetadata(DeclaredMetadata(
                frameRate: r[5] & 1 == 0 ? Double(r[6]) : double(u32), width: Int(r[8]) * 16, height: Int(r[9]) * 9,
                videoKilobitsPerSecond: r[5] & 2 == 0 ? Double(u32 % 100_000) : double(u32 ^ 0x7FF0_0000),
                audioKilobitsPerSecond: Double(r[7]), audioSampleRate: [44100, 48000, 22050, 0, -1][Int(r[10]) % 5],
                videoCodecID: [7, 12, Double(FourCC.hvc1), 0.5, 1e300][Int(r[11]) % 5],
                audioCodecID: [10, 2, Double(FourCC.opus), 14, .nan][Int(r[5] >> 4) % 5]))
        case 6:
            let width = op & 0x08 != 0 ? Int(u32 & 0x7FFF_FFFF) : Int(r[8]) * 16 + 16
            let height = op & 0x08 != 0 ? Int(UInt32(bitPattern: offset) & 0x7FFF_FFFF) + 1 : Int(r[9]) * 9 + 9
            if r[7] & 1 == 0 {
                analyzer.noteVideoConfig(VideoConfig(codec: videoCodecs[Int(r[5]) % videoCodecs.count], profile: ["High", "Main", nil][Int(r[6]) % 3],
                                                     level: "4", width: max(width, 1), height: max(height, 1), bitDepth: [8, 10, 12][Int(r[7] >> 1) % 3]), now: now)
            } else {
                analyzer.noteVideoSize(width: max(width, 1), height: max(height, 1), now: now)
            }
        default:
            if r[7] & 1 == 0 {
                analyzer.noteAudioConfig(AudioConfig(codec: audioCodecs[Int(r[5]) % audioCodecs.count], profile: ["LC", "HE-AAC", nil][Int(r[6]) % 3],
                                                     sampleRate: op & 0x08 != 0 ? Int(u32 & 0xFF_FFFF) + 1 : [48000, 44100, 8000][Int(r[8]) % 3],
                                                     channels: Int(r[9] % 8) + 1), now: now)
            } else {
                analyzer.noteReadingPaused()
            }
        }
        // Appearing and clearing alternate per code; one slot per code.
        for change in analyzer.takeChanges() {
            switch change {
            case .appeared(let finding):
                require(open[finding.code] != true, "\(finding.code) appeared twice")
                open[finding.code] = true
            case .cleared(let code):
                require(open[code] == true, "\(code) cleared but not open")
                open[code] = false
            }
        }
    }
    let findings = analyzer.findings
    require(findings.count == open.values.filter { $0 }.count, "\(findings.count) findings, \(open) open")
    require(analyzer.faultCount <= findings.count, "faults \(analyzer.faultCount) of \(findings.count)")
    require(analyzer.recentKeyframeArrivals(since: 0).count <= 128, "keyframe strip")
    // The figures go out as JSON (the HTTP API): no NaN or infinity.
    let f = analyzer.figures
    for (name, value) in [("keyframeIntervalLast", f.keyframeIntervalLast), ("keyframeIntervalMin", f.keyframeIntervalMin),
                          ("keyframeIntervalMax", f.keyframeIntervalMax), ("keyframeIntervalMean", f.keyframeIntervalMean),
                          ("measuredFrameRate", f.measuredFrameRate), ("declaredFrameRate", f.declaredFrameRate),
                          ("frameIntervalJitterMs", f.frameIntervalJitterMs), ("pace", f.pace), ("audioFrameRate", f.audioFrameRate),
                          ("videoBitrate.variation", f.videoBitrate?.variation), ("audioBitrate.variation", f.audioBitrate?.variation)] {
        if let value { require(value.isFinite, "figure \(name) is \(value)") }
    }
}
