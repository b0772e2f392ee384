import NIOCore

/// The Opus identification header "OpusHead" (RFC 7845 5.1): the body of an
/// Enhanced `Opus` SequenceStart. Its integers are little-endian.
struct OpusHeader: Equatable {
    var channels: Int
    var inputSampleRate: Int

    private static let magic: [UInt8] = Array("OpusHead".utf8)
    /// Opus always decodes at 48 kHz; the input rate is informational and may be 0.
    static let decodingSampleRate = 48000

    static func parse(_ body: ByteBuffer) -> OpusHeader? {
        var buffer = body
        guard buffer.readBytes(length: 8) == magic,
              let version: UInt8 = buffer.readInteger(),
              // RFC 7845: a major version other than 0 is incompatible.
              version >> 4 == 0,
              let channels: UInt8 = buffer.readInteger(), channels > 0,
              buffer.readInteger(endianness: .little, as: UInt16.self) != nil,  // pre-skip
              let rate = buffer.readInteger(endianness: .little, as: UInt32.self),
              buffer.readInteger(endianness: .little, as: Int16.self) != nil,  // output gain
              buffer.readInteger(as: UInt8.self) != nil  // channel mapping family
        else { return nil }
        return OpusHeader(channels: Int(channels), inputSampleRate: Int(rate))
    }

    var audioConfig: AudioConfig {
        AudioConfig(
            codec: .opus,
            sampleRate: inputSampleRate > 0 ? inputSampleRate : Self.decodingSampleRate,
            channels: channels
        )
    }
}
