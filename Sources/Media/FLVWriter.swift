import NIOCore

/// Writes FLV headers and tags, e.g. for recording a live stream.
public enum FLVWriter: Sendable {
    /// The largest payload a tag's 24-bit DataSize can describe.
    public static let maximumPayloadSize = 0xFF_FFFF

    /// The 9-byte header plus PreviousTagSize0 (13 bytes).
    public static func writeHeader(hasAudio: Bool, hasVideo: Bool, into buffer: inout ByteBuffer) {
        buffer.writeBytes(FLVReader.signature)
        buffer.writeInteger(UInt8(1))
        buffer.writeInteger(UInt8((hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0)))
        buffer.writeInteger(UInt32(FLVReader.headerLength))
        buffer.writeInteger(UInt32(0))
    }

    /// The tag followed by its PreviousTagSize. A payload too large for the
    /// 24-bit size field is not written (returns false) rather than written
    /// with a wrong size, which would make the rest of the file unreadable.
    @discardableResult
    public static func writeTag(_ tag: FLVTag, into buffer: inout ByteBuffer) -> Bool {
        let size = tag.payload.readableBytes
        guard size <= maximumPayloadSize else { return false }
        buffer.writeInteger(tag.type)
        buffer.writeUInt24(UInt32(truncatingIfNeeded: size))
        buffer.writeUInt24(tag.timestamp & 0xFF_FFFF)
        buffer.writeInteger(UInt8(truncatingIfNeeded: tag.timestamp >> 24))
        buffer.writeUInt24(tag.streamID & 0xFF_FFFF)
        var payload = tag.payload
        buffer.writeBuffer(&payload)
        buffer.writeInteger(UInt32(truncatingIfNeeded: FLVReader.tagHeaderLength &+ size))
        return true
    }
}
