import NIOCore
import RTMP

/// The onMetaData payload of a recording, padded to a fixed size so that it
/// can be rewritten in place at every flush without moving a byte of media.
struct RecordingMetadata {
    static let encoderName = "rtmp-top"
    /// Name of the property that fills the reserved space. Its value is a
    /// strict array of nulls: the one AMF0 value whose size can be any
    /// number of bytes that readers (ffmpeg among them) skip without turning
    /// it into a visible tag, as a padding string would be.
    static let paddingKey = "padding"
    /// Key (2 + 7 bytes), strict-array marker and count.
    private static let paddingOverhead = 2 + 7 + 1 + 4
    private static let objectEnd: [UInt8] = [0x00, 0x00, 0x09]
    private static let ecmaArrayMarker: UInt8 = 0x08
    private static let strictArrayMarker: UInt8 = 0x0A
    private static let nullMarker: UInt8 = 0x05

    /// Properties the recording measures or states itself: a publisher's
    /// value for any of these would be wrong for the file (its duration is 0
    /// while live, its index points into another file).
    private static let recordingOwnedKeys: Set<String> = [
        "duration", "filesize", "datasize", "videosize", "audiosize", "videodatarate", "audiodatarate",
        "lasttimestamp", "lastkeyframetimestamp", "lastkeyframelocation", "keyframes", "times",
        "filepositions", "haskeyframes", "hasvideo", "hasaudio", "hasmetadata", "hascuepoints",
        "canseektoend", "cuepoints", "encoder", "metadatacreator", "metadatadate", paddingKey,
    ]
    /// ffmpeg reads keys and string values into 256-byte buffers and stops
    /// reading the metadata at the first longer one.
    private static let longestCarriedText = 255

    var durationSeconds: Double = 0
    var fileSize: Int64 = 0
    var info = RecordedStreamInfo()
    /// kbit/s (1024 bits, as ffmpeg reads them back).
    var videoDataRate: Double?
    var audioDataRate: Double?
    /// nil: no `keyframes` object (a stream without video).
    var keyframes: [KeyframeIndex.Entry]?

    /// The whole script-data payload (`"onMetaData"`, ECMA array) of exactly
    /// `size` bytes, or nil if it does not fit. The publisher's properties
    /// get at most an eighth of the space, so that they can never crowd out
    /// the keyframe index.
    func payload(size: Int) -> ByteBuffer? {
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        AMF0Encoder.encode(.string("onMetaData"), into: &buffer)
        buffer.writeInteger(Self.ecmaArrayMarker)
        let countIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))

        let own = ownProperties()
        // Ours and the index first: a reader that gives up on an odd
        // publisher property later on still has everything that matters.
        for property in own {
            Self.write(property, into: &buffer)
        }
        if let keyframes {
            Self.write(Self.keyframesProperty(keyframes), into: &buffer)
        }
        var count = own.count + (keyframes == nil ? 0 : 1)

        let publisherBudget = size / 8
        let publisherStart = buffer.writerIndex
        let ownKeys = Set(own.map { $0.key.lowercased() })
        for property in info.publisherMetadata where Self.isCarried(property, besides: ownKeys) {
            var encoded = ByteBufferAllocator().buffer(capacity: 64)
            Self.write(property, into: &encoded)
            guard buffer.writerIndex - publisherStart + encoded.readableBytes <= publisherBudget else { continue }
            buffer.writeBuffer(&encoded)
            count += 1
        }

        let padding = size - buffer.readableBytes - Self.objectEnd.count - Self.paddingOverhead
        guard padding >= 0 else { return nil }
        Self.writeKey(Self.paddingKey, into: &buffer)
        buffer.writeInteger(Self.strictArrayMarker)
        buffer.writeInteger(UInt32(padding))
        buffer.writeRepeatingByte(Self.nullMarker, count: padding)
        buffer.writeBytes(Self.objectEnd)
        buffer.setInteger(UInt32(count + 1), at: countIndex)
        return buffer
    }

    /// What the file knows, in the order ffmpeg's muxer writes them; unknown
    /// values are left out rather than written as 0.
    private func ownProperties() -> [AMF0Property] {
        var properties: [AMF0Property] = []
        func add(_ key: String, _ value: Double?) {
            if let value, value.isFinite { properties.append(AMF0Property(key: key, value: .number(value))) }
        }
        add("duration", durationSeconds)
        add("width", info.width.map(Double.init))
        add("height", info.height.map(Double.init))
        add("videodatarate", videoDataRate)
        add("framerate", info.frameRate)
        add("videocodecid", info.videoCodec?.metadataValue)
        add("audiodatarate", audioDataRate)
        add("audiosamplerate", info.audioSampleRate.map(Double.init))
        add("audiosamplesize", info.audioSampleSize.map(Double.init))
        if let channels = info.audioChannels {
            properties.append(AMF0Property(key: "stereo", value: .boolean(channels == 2)))
        }
        add("audiocodecid", info.audioCodec?.metadataValue)
        properties.append(AMF0Property(key: "encoder", value: .string(Self.encoderName)))
        add("filesize", Double(fileSize))
        return properties
    }

    private static func keyframesProperty(_ entries: [KeyframeIndex.Entry]) -> AMF0Property {
        let times = entries.map { AMF0Value.number(KeyframeIndex.seconds($0.timestamp)) }
        let positions = entries.map { AMF0Value.number(Double($0.fileOffset)) }
        return AMF0Property(key: "keyframes", value: .object([
            AMF0Property(key: "times", value: .strictArray(times)),
            AMF0Property(key: "filepositions", value: .strictArray(positions)),
        ]))
    }

    private static func isCarried(_ property: AMF0Property, besides ownKeys: Set<String>) -> Bool {
        let key = property.key.lowercased()
        // An empty key reads as the end of the array to most parsers.
        guard !property.key.isEmpty, property.key.utf8.count <= longestCarriedText,
              !recordingOwnedKeys.contains(key), !ownKeys.contains(key)
        else { return false }
        if case .string(let text) = property.value, text.utf8.count > longestCarriedText { return false }
        return true
    }

    private static func write(_ property: AMF0Property, into buffer: inout ByteBuffer) {
        writeKey(property.key, into: &buffer)
        AMF0Encoder.encode(property.value, into: &buffer)
    }

    /// Keys are ours or publisher keys of at most `longestCarriedText`
    /// bytes, so the 16-bit length always holds them whole.
    private static func writeKey(_ key: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(truncatingIfNeeded: key.utf8.count))
        buffer.writeBytes(key.utf8)
    }
}
