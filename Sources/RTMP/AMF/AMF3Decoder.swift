import NIOCore

/// Decodes the AMF3 value that follows an AMF0 AVM+ switch marker.
///
/// Holds the per-context reference tables AMF3 uses to avoid repeating
/// strings and complex values. Only leaf types are decoded (see
/// `AMF3Value`); within one such value the tables stay small, but they are
/// kept so references resolve exactly as the spec defines.
struct AMF3Decoder {
    /// Strings in the order first sent inline; the empty string is never
    /// added (AMF3 spec, section 1.3.2).
    private var strings: [String] = []
    /// Complex values (here: XML, dates, byte arrays) in the order first
    /// sent inline.
    private var objects: [AMF3Value] = []

    /// Where a U29 header (string, XML, date, byte array) points: an inline
    /// value of some length, or an earlier table entry.
    private enum Header {
        case inline(Int)
        case reference(Int)
    }

    mutating func decodeValue(from buffer: inout ByteBuffer) throws -> AMF3Value {
        guard let byte = buffer.readInteger(as: UInt8.self) else { throw AMF0Error.truncated }
        guard let marker = AMF3Marker(rawValue: byte) else { throw AMF0Error.unknownAMF3Marker(byte) }

        switch marker {
        case .undefined:
            return .undefined
        case .null:
            return .null
        case .false:
            return .false
        case .true:
            return .true
        case .integer:
            let raw = try Self.readU29(from: &buffer)
            // Sign-extend the 29-bit value: move its sign bit to bit 31 and
            // shift back arithmetically. `raw` < 2^29, so nothing is lost.
            return .integer(Int32(bitPattern: raw << 3) >> 3)
        case .double:
            return .double(try buffer.readAMFDouble())
        case .string:
            return .string(try self.readString(from: &buffer))
        case .xmlDocument:
            return try self.readObjectTableValue(from: &buffer) { buffer, length in
                .xmlDocument(try buffer.readAMFUTF8String(length: length))
            }
        case .xml:
            return try self.readObjectTableValue(from: &buffer) { buffer, length in
                .xml(try buffer.readAMFUTF8String(length: length))
            }
        case .byteArray:
            return try self.readObjectTableValue(from: &buffer) { buffer, length in
                guard let bytes = buffer.readBytes(length: length) else { throw AMF0Error.truncated }
                return .byteArray(bytes)
            }
        case .date:
            switch try Self.readHeader(from: &buffer) {
            case .reference(let index):
                return try self.object(at: index)
            case .inline:
                // The remaining header bits are unused for dates.
                let value = AMF3Value.date(try buffer.readAMFDouble())
                self.objects.append(value)
                return value
            }
        case .array, .object, .vectorInt, .vectorUInt, .vectorDouble, .vectorObject, .dictionary:
            throw AMF0Error.unsupportedAMF3Marker(byte)
        }
    }

    /// Reads a string (AMF3 `UTF-8-vr`), inline or by reference.
    private mutating func readString(from buffer: inout ByteBuffer) throws -> String {
        switch try Self.readHeader(from: &buffer) {
        case .reference(let index):
            guard index < self.strings.count else { throw AMF0Error.invalidAMF3Reference(index) }
            return self.strings[index]
        case .inline(let length):
            let string = try buffer.readAMFUTF8String(length: length)
            if !string.isEmpty {
                self.strings.append(string)
            }
            return string
        }
    }

    /// Reads a value that lives in the object reference table: by reference,
    /// or inline with `readBody` given the length from the header.
    private mutating func readObjectTableValue(
        from buffer: inout ByteBuffer,
        readBody: (inout ByteBuffer, Int) throws -> AMF3Value
    ) throws -> AMF3Value {
        switch try Self.readHeader(from: &buffer) {
        case .reference(let index):
            return try self.object(at: index)
        case .inline(let length):
            let value = try readBody(&buffer, length)
            self.objects.append(value)
            return value
        }
    }

    private func object(at index: Int) throws -> AMF3Value {
        guard index < self.objects.count else { throw AMF0Error.invalidAMF3Reference(index) }
        return self.objects[index]
    }

    /// A U29 whose low bit tells inline (1) from reference (0); the other
    /// 28 bits are the length or the table index.
    private static func readHeader(from buffer: inout ByteBuffer) throws -> Header {
        let raw = try readU29(from: &buffer)
        let payload = Int(raw >> 1)  // < 2^28, fits any Int
        return raw & 1 == 1 ? .inline(payload) : .reference(payload)
    }

    /// Reads AMF3's variable-length 29-bit unsigned integer: up to three
    /// bytes of 7 bits with a continuation flag, then one byte of 8 bits.
    static func readU29(from buffer: inout ByteBuffer) throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<3 {
            guard let byte = buffer.readInteger(as: UInt8.self) else { throw AMF0Error.truncated }
            value = (value << 7) | UInt32(byte & 0x7F)
            if byte & 0x80 == 0 {
                return value
            }
        }
        guard let last = buffer.readInteger(as: UInt8.self) else { throw AMF0Error.truncated }
        return (value << 8) | UInt32(last)
    }
}
