import NIOCore

/// Encodes the AMF3 values this module models, for the body of an AMF0
/// AVM+ switch. Every string and complex value is written inline: the
/// reference tables only save bytes, and leaving them out keeps the output
/// independent of what was written before.
enum AMF3Encoder {
    /// The range an AMF3 integer (a signed 29-bit value) can carry.
    static let integerRange: ClosedRange<Int32> = -(1 << 28)...((1 << 28) - 1)

    /// The largest length or index a U29 header can carry (28 bits).
    static let maxHeaderPayload = (1 << 28) - 1

    static func encode(_ value: AMF3Value, into buffer: inout ByteBuffer) {
        switch value {
        case .undefined:
            buffer.writeInteger(AMF3Marker.undefined.rawValue)
        case .null:
            buffer.writeInteger(AMF3Marker.null.rawValue)
        case .false:
            buffer.writeInteger(AMF3Marker.false.rawValue)
        case .true:
            buffer.writeInteger(AMF3Marker.true.rawValue)
        case .integer(let integer):
            if Self.integerRange.contains(integer) {
                buffer.writeInteger(AMF3Marker.integer.rawValue)
                Self.writeU29(UInt32(bitPattern: integer) & 0x1FFF_FFFF, into: &buffer)
            } else {
                // Out of the 29-bit range the spec requires a double.
                buffer.writeInteger(AMF3Marker.double.rawValue)
                buffer.writeAMFDouble(Double(integer))
            }
        case .double(let double):
            buffer.writeInteger(AMF3Marker.double.rawValue)
            buffer.writeAMFDouble(double)
        case .string(let string):
            buffer.writeInteger(AMF3Marker.string.rawValue)
            Self.writeInlineString(string, into: &buffer)
        case .xmlDocument(let string):
            buffer.writeInteger(AMF3Marker.xmlDocument.rawValue)
            Self.writeInlineString(string, into: &buffer)
        case .xml(let string):
            buffer.writeInteger(AMF3Marker.xml.rawValue)
            Self.writeInlineString(string, into: &buffer)
        case .date(let milliseconds):
            buffer.writeInteger(AMF3Marker.date.rawValue)
            Self.writeU29(1, into: &buffer)  // inline, no other bits used
            buffer.writeAMFDouble(milliseconds)
        case .byteArray(let bytes):
            buffer.writeInteger(AMF3Marker.byteArray.rawValue)
            let length = min(bytes.count, Self.maxHeaderPayload)
            Self.writeInlineHeader(length: length, into: &buffer)
            buffer.writeBytes(bytes.prefix(length))
        }
    }

    /// Writes a string inline; one longer than a header can describe is cut
    /// at the last whole character that fits.
    private static func writeInlineString(_ string: String, into buffer: inout ByteBuffer) {
        let bytes = ByteBuffer.amfUTF8Prefix(of: string, maxBytes: Self.maxHeaderPayload)
        Self.writeInlineHeader(length: bytes.count, into: &buffer)
        buffer.writeBytes(bytes)
    }

    /// - Parameter length: At most `maxHeaderPayload`.
    private static func writeInlineHeader(length: Int, into buffer: inout ByteBuffer) {
        Self.writeU29(UInt32(clamping: length) << 1 | 1, into: &buffer)
    }

    /// Writes the low 29 bits of `value` in AMF3's variable-length form.
    static func writeU29(_ value: UInt32, into buffer: inout ByteBuffer) {
        let value = value & 0x1FFF_FFFF
        switch value {
        case 0..<0x80:
            buffer.writeInteger(UInt8(truncatingIfNeeded: value))
        case 0x80..<0x4000:
            buffer.writeInteger(UInt8(truncatingIfNeeded: value >> 7) | 0x80)
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) & 0x7F)
        case 0x4000..<0x20_0000:
            buffer.writeInteger(UInt8(truncatingIfNeeded: value >> 14) | 0x80)
            buffer.writeInteger(UInt8(truncatingIfNeeded: value >> 7) | 0x80)
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) & 0x7F)
        default:
            // The fourth byte carries 8 bits, so the first three carry the
            // value shifted right by 8 more than in the short forms.
            buffer.writeInteger(UInt8(truncatingIfNeeded: value >> 22) | 0x80)
            buffer.writeInteger(UInt8(truncatingIfNeeded: value >> 15) | 0x80)
            buffer.writeInteger(UInt8(truncatingIfNeeded: value >> 8) | 0x80)
            buffer.writeInteger(UInt8(truncatingIfNeeded: value))
        }
    }
}
