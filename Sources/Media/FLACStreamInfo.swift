import NIOCore

/// The FLAC STREAMINFO metadata block: the body of an Enhanced `fLaC`
/// SequenceStart. Accepted bare, with its 4-byte block header, or after the
/// "fLaC" stream marker, since writers differ in how much they copy.
struct FLACStreamInfo: Equatable {
    var sampleRate: Int
    var channels: Int
    var bitsPerSample: Int

    private static let streamInfoLength = 34
    private static let marker: [UInt8] = Array("fLaC".utf8)

    static func parse(_ body: ByteBuffer) -> FLACStreamInfo? {
        var buffer = body
        if buffer.getBytes(at: buffer.readerIndex, length: 4) == marker {
            _ = buffer.skipBytes(4)
        }
        if buffer.readableBytes >= streamInfoLength &+ 4,
           let blockHeader: UInt32 = buffer.getInteger(at: buffer.readerIndex),
           blockHeader & 0x7FFF_FFFF == UInt32(streamInfoLength) {
            _ = buffer.skipBytes(4)  // block type 0 (STREAMINFO) with its length
        }
        guard let block = buffer.readBytes(length: streamInfoLength) else { return nil }
        var reader = BitReader(block)
        guard (try? reader.skip(16 &+ 16 &+ 24 &+ 24)) != nil,  // block sizes, frame sizes
              let rate = try? reader.bits(20), rate > 0,
              let channelsMinus1 = try? reader.bits(3),
              let bitsMinus1 = try? reader.bits(5)
        else { return nil }
        return FLACStreamInfo(
            sampleRate: Int(rate), channels: Int(channelsMinus1) &+ 1, bitsPerSample: Int(bitsMinus1) &+ 1
        )
    }

    var audioConfig: AudioConfig {
        AudioConfig(codec: .flac, sampleRate: sampleRate, channels: channels)
    }
}
