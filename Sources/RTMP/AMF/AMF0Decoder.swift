import NIOCore

/// Decodes AMF0 values from bytes a peer sent.
///
/// The input is treated as hostile: malformed or truncated data makes the
/// decoder throw an `AMF0Error` and leave the buffer's reader index where it
/// was, never trap. Nesting is bounded by `maxDepth`, and no count read from
/// the wire makes the decoder allocate more than the bytes at hand justify.
public struct AMF0Decoder: Sendable {
    /// The largest `maxDepth` honoured. Decoding recurses once per level,
    /// and so do encoding, `==` and deinitialisation of the resulting
    /// `indirect` enum. Measured: decoding and encoding 128 levels fits in
    /// 256 KiB of stack in a debug build (64 KiB optimised), half the 512 KiB
    /// of a Swift concurrency thread, even when a caller asks for more.
    public static let depthCeiling = 128

    /// How many containers (objects, ECMA arrays, strict arrays, typed
    /// objects) may nest; 0 allows only scalar values.
    public let maxDepth: Int

    /// - Parameter maxDepth: The nesting limit, clamped to
    ///   `0...AMF0Decoder.depthCeiling`. Real RTMP traffic nests 3 deep at
    ///   most (`onMetaData` with a `trackinfo` array of objects).
    public init(maxDepth: Int = 32) {
        self.maxDepth = min(max(maxDepth, 0), Self.depthCeiling)
    }

    /// Decodes one value from the front of `buffer`.
    ///
    /// On success the reader index is past the value; on error it is
    /// unchanged, so a caller that gets `AMF0Error.truncated` can retry with
    /// more bytes.
    public func decode(_ buffer: inout ByteBuffer) throws -> AMF0Value {
        var reader = buffer
        let value = try self.decodeValue(from: &reader, depth: 0)
        buffer = reader
        return value
    }

    /// Decodes values until `buffer` has no readable bytes left, as for the
    /// body of a command or data message.
    ///
    /// Either every value decodes and the buffer is consumed, or the call
    /// throws and the buffer is unchanged.
    public func decodeAll(_ buffer: inout ByteBuffer) throws -> [AMF0Value] {
        var reader = buffer
        var values: [AMF0Value] = []
        while reader.readableBytes > 0 {
            values.append(try self.decodeValue(from: &reader, depth: 0))
        }
        buffer = reader
        return values
    }

    /// - Parameter depth: How many containers enclose the value.
    private func decodeValue(from buffer: inout ByteBuffer, depth: Int) throws -> AMF0Value {
        guard let byte = buffer.readInteger(as: UInt8.self) else { throw AMF0Error.truncated }
        guard let marker = AMF0Marker(rawValue: byte) else { throw AMF0Error.unknownMarker(byte) }

        switch marker {
        case .number:
            return .number(try buffer.readAMFDouble())
        case .boolean:
            guard let flag = buffer.readInteger(as: UInt8.self) else { throw AMF0Error.truncated }
            // The spec says 0 is false; any other byte counts as true.
            return .boolean(flag != 0)
        case .string:
            return .string(try buffer.readAMFShortString())
        case .longString:
            return .string(try buffer.readAMFLongString())
        case .xmlDocument:
            return .xmlDocument(try buffer.readAMFLongString())
        case .object:
            let inner = try self.enterContainer(at: depth)
            return .object(try self.decodeProperties(from: &buffer, depth: inner))
        case .typedObject:
            let inner = try self.enterContainer(at: depth)
            let className = try buffer.readAMFShortString()
            return .typedObject(className: className, try self.decodeProperties(from: &buffer, depth: inner))
        case .ecmaArray:
            let inner = try self.enterContainer(at: depth)
            // The count is only a hint: some encoders write 0 or a stale
            // number, so the properties run until the end marker, as Flash
            // Player and nginx-rtmp read them.
            guard buffer.readInteger(as: UInt32.self) != nil else { throw AMF0Error.truncated }
            return .ecmaArray(try self.decodeProperties(from: &buffer, depth: inner))
        case .strictArray:
            let inner = try self.enterContainer(at: depth)
            return .strictArray(try self.decodeStrictArrayElements(from: &buffer, depth: inner))
        case .null:
            return .null
        case .undefined:
            return .undefined
        case .unsupported:
            return .unsupported
        case .reference:
            guard let index = buffer.readInteger(as: UInt16.self) else { throw AMF0Error.truncated }
            return .reference(index)
        case .date:
            let milliseconds = try buffer.readAMFDouble()
            guard let timeZone = buffer.readInteger(as: Int16.self) else { throw AMF0Error.truncated }
            return .date(milliseconds, timeZone: timeZone)
        case .avmPlusObject:
            // Each switch starts a fresh AMF3 context (empty reference
            // tables), as the AMF0 spec prescribes for avmplus-object-type.
            var amf3 = AMF3Decoder()
            return .amf3(try amf3.decodeValue(from: &buffer))
        case .objectEnd:
            throw AMF0Error.unexpectedObjectEnd
        case .movieClip, .recordSet:
            // Reserved by the spec with no body defined: the value's length
            // is unknown, so nothing after it can be read either.
            throw AMF0Error.unsupportedMarker(byte)
        }
    }

    /// The depth of a container's contents, or `depthExceeded`.
    private func enterContainer(at depth: Int) throws -> Int {
        // `depth` never exceeds `depthCeiling` + 1, so this cannot overflow.
        let inner = depth + 1
        guard inner <= self.maxDepth else { throw AMF0Error.depthExceeded }
        return inner
    }

    /// Reads key/value pairs up to and including the object-end sequence
    /// (an empty key followed by marker 0x09).
    private func decodeProperties(from buffer: inout ByteBuffer, depth: Int) throws -> [AMF0Property] {
        var properties: [AMF0Property] = []
        while true {
            let key = try buffer.readAMFShortString()
            if key.isEmpty {
                guard let next = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
                    throw AMF0Error.truncated
                }
                if next == AMF0Marker.objectEnd.rawValue {
                    buffer.moveReaderIndex(forwardBy: 1)
                    return properties
                }
                // An empty key followed by a real value: keep it as a
                // property rather than reject the whole message.
            }
            let value = try self.decodeValue(from: &buffer, depth: depth)
            properties.append(AMF0Property(key: key, value: value))
        }
    }

    private func decodeStrictArrayElements(from buffer: inout ByteBuffer, depth: Int) throws -> [AMF0Value] {
        guard let count = buffer.readInteger(as: UInt32.self) else { throw AMF0Error.truncated }
        var elements: [AMF0Value] = []
        // Every element takes at least one byte, so the bytes at hand bound
        // how many can really follow; a count of 4 billion in a 10-byte
        // message must not reserve gigabytes up front.
        elements.reserveCapacity(min(Int(clamping: count), buffer.readableBytes))
        for _ in 0..<count {
            elements.append(try self.decodeValue(from: &buffer, depth: depth))
        }
        return elements
    }
}
