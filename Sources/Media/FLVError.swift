/// Why an FLV byte stream could not be read.
public enum FLVError: Error, Sendable, Equatable {
    /// Fewer than the 9 header bytes plus PreviousTagSize0.
    case truncatedHeader(available: Int)
    /// The first three bytes are not "FLV".
    case notFLV
    case unsupportedVersion(UInt8)
    /// DataOffset points inside the fixed header or past the end of the input.
    case invalidDataOffset(UInt32)
    /// Input ends inside an 11-byte tag header.
    case truncatedTagHeader(offset: Int, available: Int)
    /// Input ends before the DataSize bytes and trailing PreviousTagSize the tag header announces.
    case truncatedTag(offset: Int, dataSize: Int, available: Int)
    /// TagType is not audio (8), video (9) or script data (18).
    case unknownTagType(offset: Int, type: UInt8)
    /// The Filter (encryption) bit or the reserved bits are set; encrypted FLV is not supported.
    case unsupportedTagFlags(offset: Int, flags: UInt8)
    /// The PreviousTagSize after a tag does not match that tag's size, which
    /// means the stream is corrupt or misaligned.
    case previousTagSizeMismatch(offset: Int, expected: UInt32, found: UInt32)
    case fileUnreadable(path: String, reason: String)
}
