/// Thrown by `BitReader` when a field runs past the end of its input or a
/// value is outside what the syntax allows.
enum BitstreamError: Error, Equatable {
    case exhausted
    case invalidValue
}

/// Reads MSB-first bit fields (H.264/HEVC/AV1/AAC syntax) from a byte array.
///
/// Every read can fail instead of trapping because the bytes arrive from the
/// network; callers turn a failure into "no information" rather than a crash.
struct BitReader {
    private let bytes: [UInt8]
    private(set) var bitPosition: Int = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var bitsRemaining: Int {
        bytes.count &* 8 &- bitPosition
    }

    var isByteAligned: Bool {
        bitPosition & 7 == 0
    }

    mutating func bit() throws(BitstreamError) -> UInt32 {
        guard bitPosition < bytes.count &* 8 else { throw .exhausted }
        let byte = bytes[bitPosition >> 3]
        let shift = 7 &- (bitPosition & 7)
        bitPosition &+= 1
        return UInt32((byte >> UInt8(truncatingIfNeeded: shift)) & 1)
    }

    mutating func flag() throws(BitstreamError) -> Bool {
        try bit() == 1
    }

    /// Reads `count` bits (0...32) as an unsigned value.
    mutating func bits(_ count: Int) throws(BitstreamError) -> UInt32 {
        guard count >= 0, count <= 32 else { throw .invalidValue }
        guard count <= bitsRemaining else { throw .exhausted }
        var value: UInt64 = 0
        for _ in 0..<count {
            value = (value << 1) | UInt64(try bit())
        }
        return UInt32(truncatingIfNeeded: value)
    }

    /// Reads more than 32 bits; only used to skip wide fields whose value is irrelevant.
    mutating func skip(_ count: Int) throws(BitstreamError) {
        guard count >= 0 else { throw .invalidValue }
        guard count <= bitsRemaining else { throw .exhausted }
        bitPosition &+= count
    }

    mutating func alignToByte() throws(BitstreamError) {
        let remainder = bitPosition & 7
        if remainder != 0 {
            try skip(8 &- remainder)
        }
    }

    /// Exp-Golomb ue(v). More than 31 leading zeros cannot encode a 32-bit value,
    /// so such input is rejected rather than looped over.
    mutating func ue() throws(BitstreamError) -> UInt32 {
        var leadingZeros = 0
        while try bit() == 0 {
            leadingZeros &+= 1
            if leadingZeros > 31 { throw .invalidValue }
        }
        let suffix = UInt64(try bits(leadingZeros))
        let value = (UInt64(1) << UInt64(leadingZeros)) &- 1 &+ suffix
        guard value <= UInt64(UInt32.max) else { throw .invalidValue }
        return UInt32(truncatingIfNeeded: value)
    }

    /// Exp-Golomb se(v), widened so that the largest magnitude cannot overflow.
    mutating func se() throws(BitstreamError) -> Int64 {
        let code = Int64(try ue())
        if code & 1 == 1 {
            return (code &+ 1) >> 1
        }
        return -(code >> 1)
    }

    /// ue() bounded by the largest value the syntax allows; larger values mean
    /// the stream is corrupt and later fields would be read from the wrong place.
    mutating func ue(max: UInt32) throws(BitstreamError) -> UInt32 {
        let value = try ue()
        guard value <= max else { throw .invalidValue }
        return value
    }

    /// AV1 uvlc(): unlike H.264 ue(v), 32 or more leading zeros are legal and mean 2^32 - 1.
    mutating func uvlc() throws(BitstreamError) -> UInt32 {
        var leadingZeros = 0
        while try bit() == 0 {
            leadingZeros &+= 1
        }
        if leadingZeros >= 32 {
            return UInt32.max
        }
        let suffix = UInt64(try bits(leadingZeros))
        let value = (UInt64(1) << UInt64(leadingZeros)) &- 1 &+ suffix
        return UInt32(truncatingIfNeeded: value)
    }
}
