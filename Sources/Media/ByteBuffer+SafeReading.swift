import NIOCore

extension ByteBuffer {
    /// Advances past `count` bytes, or reports that they are not there.
    /// `moveReaderIndex(forwardBy:)` would trap on hostile lengths, so skipping
    /// goes through the bounds-checked slice API instead.
    mutating func skipBytes(_ count: Int) -> Bool {
        readSlice(length: count) != nil
    }

    mutating func readUInt24() -> UInt32? {
        guard let bytes = readBytes(length: 3) else { return nil }
        return UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    }

    func getUInt24(at index: Int) -> UInt32? {
        guard let bytes = getBytes(at: index, length: 3) else { return nil }
        return UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    }

    mutating func writeUInt24(_ value: UInt32) {
        writeInteger(UInt8(truncatingIfNeeded: value >> 16))
        writeInteger(UInt8(truncatingIfNeeded: value >> 8))
        writeInteger(UInt8(truncatingIfNeeded: value))
    }

    /// The remaining readable bytes as an array, for the bit-level parsers.
    var remainingBytes: [UInt8] {
        getBytes(at: readerIndex, length: readableBytes) ?? []
    }
}
