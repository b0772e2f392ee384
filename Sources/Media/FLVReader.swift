import NIOCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads an FLV byte stream tag by tag. Strict on purpose: anything that
/// does not add up (sizes, PreviousTagSize, tag types) throws rather than
/// being skipped, because a misaligned reader would otherwise hand out garbage
/// payloads as media.
public struct FLVReader: Sendable {
    public var header: FLVHeader
    private var buffer: ByteBuffer
    /// Offset of `buffer`'s reader index in the original input, for error reports.
    private var offset: Int

    static let signature: [UInt8] = Array("FLV".utf8)
    static let headerLength = 9
    static let tagHeaderLength = 11
    private static let previousTagSizeLength = 4

    /// Parses the header and PreviousTagSize0; tags are read with `next()`.
    public init(_ buffer: ByteBuffer) throws {
        var input = buffer
        let total = input.readableBytes
        guard total >= Self.headerLength &+ Self.previousTagSizeLength else {
            throw FLVError.truncatedHeader(available: total)
        }
        guard input.readBytes(length: 3) == Self.signature else { throw FLVError.notFLV }
        guard let version: UInt8 = input.readInteger(),
              let flags: UInt8 = input.readInteger(),
              let dataOffset: UInt32 = input.readInteger()
        else {
            throw FLVError.truncatedHeader(available: total)
        }
        guard version == 1 else { throw FLVError.unsupportedVersion(version) }
        // DataOffset lets future versions grow the header; skip whatever it adds.
        let extraHeaderBytes = Int(dataOffset) &- Self.headerLength
        guard extraHeaderBytes >= 0, input.skipBytes(extraHeaderBytes) else {
            throw FLVError.invalidDataOffset(dataOffset)
        }
        // PreviousTagSize0 should be 0; its value carries no information, so it is not checked.
        guard input.readInteger(as: UInt32.self) != nil else {
            throw FLVError.truncatedHeader(available: total)
        }
        self.header = FLVHeader(hasAudio: flags & 0x04 != 0, hasVideo: flags & 0x01 != 0)
        self.buffer = input
        self.offset = total &- input.readableBytes
    }

    /// The next tag, or nil at a clean end (input ends right after a PreviousTagSize).
    public mutating func next() throws -> FLVTag? {
        let available = buffer.readableBytes
        guard available > 0 else { return nil }
        guard available >= Self.tagHeaderLength,
              let typeByte: UInt8 = buffer.getInteger(at: buffer.readerIndex),
              let dataSize = buffer.getUInt24(at: buffer.readerIndex &+ 1),
              let timestampLow = buffer.getUInt24(at: buffer.readerIndex &+ 4),
              let timestampHigh: UInt8 = buffer.getInteger(at: buffer.readerIndex &+ 7),
              let streamID = buffer.getUInt24(at: buffer.readerIndex &+ 8)
        else {
            throw FLVError.truncatedTagHeader(offset: offset, available: available)
        }
        let flags = typeByte & 0xE0
        guard flags == 0 else { throw FLVError.unsupportedTagFlags(offset: offset, flags: flags) }
        let type = typeByte & 0x1F
        guard type == FLVTag.audioType || type == FLVTag.videoType || type == FLVTag.scriptDataType else {
            throw FLVError.unknownTagType(offset: offset, type: type)
        }
        let size = Int(dataSize)
        let needed = Self.tagHeaderLength &+ size &+ Self.previousTagSizeLength
        guard available >= needed,
              let payload = buffer.getSlice(at: buffer.readerIndex &+ Self.tagHeaderLength, length: size),
              let previousTagSize: UInt32 = buffer.getInteger(at: buffer.readerIndex &+ Self.tagHeaderLength &+ size)
        else {
            throw FLVError.truncatedTag(offset: offset, dataSize: size, available: available)
        }
        let expected = UInt32(truncatingIfNeeded: Self.tagHeaderLength &+ size)
        guard previousTagSize == expected else {
            throw FLVError.previousTagSizeMismatch(
                offset: offset &+ Self.tagHeaderLength &+ size, expected: expected, found: previousTagSize
            )
        }
        _ = buffer.skipBytes(needed)
        offset &+= needed
        return FLVTag(
            type: type,
            timestamp: UInt32(timestampHigh) << 24 | timestampLow,
            streamID: streamID,
            payload: payload
        )
    }

    /// Reads a whole file into memory; meant for tests and tools, not for
    /// recordings of unbounded size.
    public static func readFile(_ path: String) throws -> (FLVHeader, [FLVTag]) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw FLVError.fileUnreadable(path: path, reason: String(describing: error))
        }
        var reader = try FLVReader(ByteBuffer(bytes: data))
        var tags: [FLVTag] = []
        while let tag = try reader.next() {
            tags.append(tag)
        }
        return (reader.header, tags)
    }
}
