import Media
import NIOCore
import RTMP

/// One message the publisher will send. `seq` numbers the audio/video
/// messages (what players are expected to receive); data messages have nil.
struct PlannedMessage {
    var typeID: UInt8
    /// Media timeline, milliseconds from the first message.
    var timestamp: UInt32
    var payload: ByteBuffer
    var seq: Int?
}

/// What the publisher sends, in order. Payloads are made on demand so a
/// long synthetic run does not sit in memory.
protocol MediaPlan {
    /// Audio/video messages the plan holds (players expect each once).
    var mediaCount: Int { get }
    /// How players recognise a received payload.
    var matcher: PayloadMatcher { get }
    var description: String { get }
    mutating func next() -> PlannedMessage?
}

// MARK: - recognising payloads on the player side

/// Maps a payload a player received to the publisher's sequence number.
/// Immutable once built; shared by every player.
struct PayloadMatcher: Sendable {
    /// Synthetic frames carry `magic` and their sequence number right after
    /// the FLV audio/video tag header.
    static let magic: UInt32 = 0x5242_7631  // "RBv1"
    var embedded: Bool
    /// Fingerprint → sequence numbers with that fingerprint (ascending).
    var fingerprints: [UInt64: [Int32]]

    /// Candidate sequence numbers for a received audio/video payload.
    func candidates(typeID: UInt8, payload: ByteBuffer) -> ArraySlice<Int32> {
        if embedded, let seq = Self.embeddedSeq(typeID: typeID, payload: payload) {
            return [Int32(truncatingIfNeeded: seq)][...]
        }
        return fingerprints[Self.fingerprint(typeID: typeID, payload: payload)]?[...] ?? []
    }

    static func headerLength(typeID: UInt8) -> Int { typeID == RTMPMessageType.video ? 5 : 2 }

    static func embeddedSeq(typeID: UInt8, payload: ByteBuffer) -> UInt32? {
        let at = payload.readerIndex + headerLength(typeID: typeID)
        guard payload.readableBytes >= headerLength(typeID: typeID) + 8,
              payload.getInteger(at: at, as: UInt32.self) == magic
        else { return nil }
        return payload.getInteger(at: at + 4, as: UInt32.self)
    }

    /// FNV-1a over type, length, the first and the last 32 bytes: cheap, and
    /// unique enough for compressed frames; equal fingerprints are told
    /// apart by order (see `PlayerState`).
    static func fingerprint(typeID: UInt8, payload: ByteBuffer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        @inline(__always) func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        mix(typeID)
        let n = payload.readableBytes
        mix(UInt8(truncatingIfNeeded: n)); mix(UInt8(truncatingIfNeeded: n >> 8)); mix(UInt8(truncatingIfNeeded: n >> 16))
        payload.withUnsafeReadableBytes { raw in
            let head = min(32, raw.count)
            for i in 0..<head { mix(raw[i]) }
            let tailStart = max(head, raw.count - 32)
            for i in tailStart..<raw.count { mix(raw[i]) }
        }
        return h
    }
}

// MARK: - synthetic AVC/AAC

/// Made-up H.264 + AAC at a chosen bitrate: real sequence headers (720p
/// High profile from x264, AAC-LC 44.1 kHz stereo), `fps` video frames a
/// second with a keyframe every `gopFrames` (10x the size of other frames),
/// ~43 AAC frames a second at 128 kbit/s. Frame bodies are filler carrying
/// the sequence number, so players match them exactly.
struct SyntheticPlan: MediaPlan {
    static let avcSequenceHeader: [UInt8] = [
        0x17, 0x00, 0x00, 0x00, 0x00, 0x01, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0x00, 0x1a, 0x67, 0x64, 0x00,
        0x1f, 0xac, 0xd9, 0x40, 0x50, 0x05, 0xbb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00,
        0x03, 0x03, 0xc0, 0xf1, 0x83, 0x19, 0x60, 0x01, 0x00, 0x04, 0x68, 0xef, 0xbc, 0xb0, 0xfd, 0xf8,
        0xf8, 0x00,
    ]
    static let aacSequenceHeader: [UInt8] = [0xaf, 0x00, 0x12, 0x10]
    static let audioKbps = 128
    static let audioFrameMs = 1024.0 * 1000 / 44100

    let seconds: Int
    let fps: Int
    let gopFrames: Int
    let keyframeBytes: Int
    let frameBytes: Int
    let audioBytes: Int
    let mediaCount: Int
    let matcher: PayloadMatcher
    let description: String

    private var emittedMetadata = false
    private var emittedHeaders = 0
    private var videoIndex = 0
    private var audioIndex = 0
    private var seq = 0

    init(bitrateKbps: Int, seconds: Int, fps: Int, gopFrames: Int) {
        self.seconds = seconds
        self.fps = fps
        self.gopFrames = gopFrames
        let videoBytesPerSecond = max(1, bitrateKbps - Self.audioKbps) * 1000 / 8
        let gopSeconds = Double(gopFrames) / Double(fps)
        let unit = Double(videoBytesPerSecond) * gopSeconds / Double(10 + gopFrames - 1)
        keyframeBytes = max(64, Int(unit * 10))
        frameBytes = max(32, Int(unit))
        audioBytes = Self.audioKbps * 1000 / 8 * 1024 / 44100
        var videos = 0, audios = 0
        while Double(videos) * 1000 / Double(fps) < Double(seconds * 1000) { videos += 1 }
        while Double(audios) * Self.audioFrameMs < Double(seconds * 1000) { audios += 1 }
        mediaCount = 2 + videos + audios
        var fps_: [UInt64: [Int32]] = [:]
        fps_[PayloadMatcher.fingerprint(typeID: RTMPMessageType.video, payload: ByteBuffer(bytes: Self.avcSequenceHeader)), default: []].append(0)
        fps_[PayloadMatcher.fingerprint(typeID: RTMPMessageType.audio, payload: ByteBuffer(bytes: Self.aacSequenceHeader)), default: []].append(1)
        matcher = PayloadMatcher(embedded: true, fingerprints: fps_)
        description = "synthetic \(bitrateKbps) kbit/s: \(fps) fps, keyframe \(keyframeBytes) B every \(gopFrames) frames, frames \(frameBytes) B, AAC \(audioBytes) B"
        self.bitrateKbps = bitrateKbps
    }

    let bitrateKbps: Int

    mutating func next() -> PlannedMessage? {
        if !emittedMetadata {
            emittedMetadata = true
            return PlannedMessage(typeID: RTMPMessageType.dataAMF0, timestamp: 0, payload: metadata(), seq: nil)
        }
        if emittedHeaders == 0 {
            emittedHeaders = 1
            seq = 1
            return PlannedMessage(typeID: RTMPMessageType.video, timestamp: 0, payload: ByteBuffer(bytes: Self.avcSequenceHeader), seq: 0)
        }
        if emittedHeaders == 1 {
            emittedHeaders = 2
            seq = 2
            return PlannedMessage(typeID: RTMPMessageType.audio, timestamp: 0, payload: ByteBuffer(bytes: Self.aacSequenceHeader), seq: 1)
        }
        let limit = Double(seconds * 1000)
        let vt = Double(videoIndex) * 1000 / Double(fps)
        let at = Double(audioIndex) * Self.audioFrameMs
        let videoLeft = vt < limit, audioLeft = at < limit
        guard videoLeft || audioLeft else { return nil }
        let s = seq
        seq += 1
        if videoLeft && (!audioLeft || vt <= at) {
            let key = videoIndex % gopFrames == 0
            videoIndex += 1
            return PlannedMessage(typeID: RTMPMessageType.video, timestamp: UInt32(vt),
                                  payload: Self.frame(header: [key ? 0x17 : 0x27, 0x01, 0, 0, 0], size: key ? keyframeBytes : frameBytes, seq: s), seq: s)
        }
        audioIndex += 1
        return PlannedMessage(typeID: RTMPMessageType.audio, timestamp: UInt32(at),
                              payload: Self.frame(header: [0xaf, 0x01], size: audioBytes, seq: s), seq: s)
    }

    static func frame(header: [UInt8], size: Int, seq: Int) -> ByteBuffer {
        var b = ByteBuffer()
        b.reserveCapacity(header.count + max(size, 8))
        b.writeBytes(header)
        b.writeInteger(PayloadMatcher.magic)
        b.writeInteger(UInt32(truncatingIfNeeded: seq))
        if size > 8 { b.writeRepeatingByte(UInt8(truncatingIfNeeded: seq), count: size - 8) }
        return b
    }

    private func metadata() -> ByteBuffer {
        let props: [AMF0Property] = [
            AMF0Property(key: "width", value: .number(1280)),
            AMF0Property(key: "height", value: .number(720)),
            AMF0Property(key: "framerate", value: .number(Double(fps))),
            AMF0Property(key: "videocodecid", value: .number(7)),
            AMF0Property(key: "videodatarate", value: .number(Double(bitrateKbps - Self.audioKbps))),
            AMF0Property(key: "audiocodecid", value: .number(10)),
            AMF0Property(key: "audiodatarate", value: .number(Double(Self.audioKbps))),
            AMF0Property(key: "audiosamplerate", value: .number(44100)),
            AMF0Property(key: "stereo", value: .boolean(true)),
            AMF0Property(key: "encoder", value: .string("rtmp-bench")),
        ]
        var b = ByteBuffer()
        AMF0Encoder.encode([.string("@setDataFrame"), .string("onMetaData"), .ecmaArray(props)], into: &b)
        return b
    }
}

// MARK: - FLV file

/// The tags of an FLV file, up to `seconds` of media, in file order.
/// Script tags go out as `@setDataFrame` data messages, like ffmpeg sends them.
struct FLVPlan: MediaPlan {
    let tags: [FLVTag]
    let mediaCount: Int
    let matcher: PayloadMatcher
    let description: String
    private var index = 0
    private var seq = 0
    private let firstTimestamp: UInt32

    init(path: String, seconds: Int) throws {
        let (_, all) = try FLVReader.readFile(path)
        let t0 = all.first(where: { $0.type != FLVTag.scriptDataType })?.timestamp ?? 0
        firstTimestamp = t0
        let limit = UInt32(clamping: seconds * 1000)
        tags = all.filter { $0.type == FLVTag.scriptDataType || $0.timestamp &- t0 <= limit || $0.timestamp < t0 }
        var map: [UInt64: [Int32]] = [:]
        var n: Int32 = 0
        for tag in tags where tag.type != FLVTag.scriptDataType {
            map[PayloadMatcher.fingerprint(typeID: tag.type, payload: tag.payload), default: []].append(n)
            n += 1
        }
        mediaCount = Int(n)
        matcher = PayloadMatcher(embedded: false, fingerprints: map)
        let lastTs = tags.last.map { $0.timestamp &- t0 } ?? 0
        let bytes = tags.reduce(0) { $0 + $1.payload.readableBytes }
        description = "file \(path): \(tags.count) tags, \(mediaCount) audio/video, \(Double(lastTs) / 1000) s, \(bytes) B"
    }

    mutating func next() -> PlannedMessage? {
        guard index < tags.count else { return nil }
        let tag = tags[index]
        index += 1
        let ts = tag.timestamp >= firstTimestamp ? tag.timestamp &- firstTimestamp : 0
        if tag.type == FLVTag.scriptDataType {
            var b = ByteBuffer()
            AMF0Encoder.encode(.string("@setDataFrame"), into: &b)
            var p = tag.payload
            b.writeBuffer(&p)
            return PlannedMessage(typeID: RTMPMessageType.dataAMF0, timestamp: ts, payload: b, seq: nil)
        }
        let s = seq
        seq += 1
        return PlannedMessage(typeID: tag.type, timestamp: ts, payload: tag.payload, seq: s)
    }
}
