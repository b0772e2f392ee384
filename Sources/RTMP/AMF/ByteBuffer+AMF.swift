import NIOCore

// Reading and writing helpers shared by the AMF0 and AMF3 codecs. All of
// them are internal and `amf`-prefixed so they cannot clash with other
// ByteBuffer extensions in the module.
extension ByteBuffer {
    /// Reads a big-endian IEEE 754 double, the only float format AMF uses.
    mutating func readAMFDouble() throws -> Double {
        guard let bits = self.readInteger(as: UInt64.self) else { throw AMF0Error.truncated }
        return Double(bitPattern: bits)
    }

    mutating func writeAMFDouble(_ value: Double) {
        self.writeInteger(value.bitPattern)
    }

    /// Reads `length` bytes as a strictly valid UTF-8 string.
    ///
    /// Strings are not repaired: a peer sending invalid UTF-8 in a stream
    /// name or app name is rejected, rather than having U+FFFD substituted,
    /// so two different byte strings can never map to the same stream key.
    mutating func readAMFUTF8String(length: Int) throws -> String {
        guard let bytes = self.readSlice(length: length) else { throw AMF0Error.truncated }
        let string = String(decoding: bytes.readableBytesView, as: UTF8.self)
        // `String(decoding:)` repairs invalid input with U+FFFD, which
        // changes the bytes; equal bytes mean the input was valid. (The
        // stdlib's validating initializer needs macOS 15.)
        guard string.utf8.elementsEqual(bytes.readableBytesView) else { throw AMF0Error.invalidUTF8 }
        return string
    }

    /// Reads a UTF-8 string preceded by a 16-bit length (AMF0 keys, short
    /// strings, class names).
    mutating func readAMFShortString() throws -> String {
        guard let length = self.readInteger(as: UInt16.self) else { throw AMF0Error.truncated }
        return try self.readAMFUTF8String(length: Int(length))
    }

    /// Reads a UTF-8 string preceded by a 32-bit length (long strings, XML).
    mutating func readAMFLongString() throws -> String {
        guard let length = self.readInteger(as: UInt32.self) else { throw AMF0Error.truncated }
        return try self.readAMFUTF8String(length: Int(clamping: length))
    }

    /// Writes `string` preceded by its UTF-8 length as a 16-bit integer.
    ///
    /// Keys and class names have no long form, so a longer one is cut at the
    /// last whole character within 65535 bytes instead of corrupting the
    /// stream with a wrong length.
    mutating func writeAMFShortString(_ string: String) {
        let bytes = Self.amfUTF8Prefix(of: string, maxBytes: Int(UInt16.max))
        self.writeInteger(UInt16(clamping: bytes.count))
        self.writeBytes(bytes)
    }

    /// Writes `string` preceded by its UTF-8 length as a 32-bit integer.
    mutating func writeAMFLongString(_ string: String) {
        let bytes = Self.amfUTF8Prefix(of: string, maxBytes: Int(UInt32.max))
        self.writeInteger(UInt32(clamping: bytes.count))
        self.writeBytes(bytes)
    }

    /// The longest prefix of `string`'s UTF-8 that fits in `maxBytes` and
    /// does not split a character.
    static func amfUTF8Prefix(of string: String, maxBytes: Int) -> Substring.UTF8View {
        let utf8 = string.utf8
        guard let cut = utf8.index(utf8.startIndex, offsetBy: maxBytes, limitedBy: utf8.endIndex),
              cut != utf8.endIndex
        else {
            return Substring(string).utf8
        }
        var end = cut
        // A continuation byte (0b10xxxxxx) at the cut means a scalar
        // straddles it; back up to that scalar's first byte.
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        return Substring(string)[..<end].utf8
    }
}
