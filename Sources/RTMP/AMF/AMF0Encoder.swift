import NIOCore

/// Encodes AMF0 values, e.g. for the commands and data messages a server
/// sends (`_result`, `onStatus`, relayed `onMetaData`).
///
/// Encoding cannot fail: every `AMF0Value` has a wire form. Where a field is
/// narrower than the value (keys and class names have a 16-bit length),
/// the text is cut at the last whole character that fits rather than
/// writing a length that disagrees with the bytes.
public enum AMF0Encoder: Sendable {
    /// Writes `value` at the writer index of `buffer`.
    public static func encode(_ value: AMF0Value, into buffer: inout ByteBuffer) {
        switch value {
        case .number(let number):
            buffer.writeInteger(AMF0Marker.number.rawValue)
            buffer.writeAMFDouble(number)
        case .boolean(let bool):
            buffer.writeInteger(AMF0Marker.boolean.rawValue)
            buffer.writeInteger(UInt8(bool ? 1 : 0))
        case .string(let string):
            // A short string's length field is 16 bits; longer text needs
            // the long-string marker.
            if string.utf8.count <= Int(UInt16.max) {
                buffer.writeInteger(AMF0Marker.string.rawValue)
                buffer.writeAMFShortString(string)
            } else {
                buffer.writeInteger(AMF0Marker.longString.rawValue)
                buffer.writeAMFLongString(string)
            }
        case .object(let properties):
            buffer.writeInteger(AMF0Marker.object.rawValue)
            Self.encodeProperties(properties, into: &buffer)
        case .null:
            buffer.writeInteger(AMF0Marker.null.rawValue)
        case .undefined:
            buffer.writeInteger(AMF0Marker.undefined.rawValue)
        case .reference(let index):
            buffer.writeInteger(AMF0Marker.reference.rawValue)
            buffer.writeInteger(index)
        case .ecmaArray(let properties):
            buffer.writeInteger(AMF0Marker.ecmaArray.rawValue)
            buffer.writeInteger(UInt32(clamping: properties.count))
            Self.encodeProperties(properties, into: &buffer)
        case .strictArray(let elements):
            buffer.writeInteger(AMF0Marker.strictArray.rawValue)
            let count = UInt32(clamping: elements.count)
            buffer.writeInteger(count)
            for element in elements.prefix(Int(count)) {
                Self.encode(element, into: &buffer)
            }
        case .date(let milliseconds, let timeZone):
            buffer.writeInteger(AMF0Marker.date.rawValue)
            buffer.writeAMFDouble(milliseconds)
            buffer.writeInteger(timeZone)
        case .typedObject(let className, let properties):
            buffer.writeInteger(AMF0Marker.typedObject.rawValue)
            buffer.writeAMFShortString(className)
            Self.encodeProperties(properties, into: &buffer)
        case .xmlDocument(let xml):
            buffer.writeInteger(AMF0Marker.xmlDocument.rawValue)
            buffer.writeAMFLongString(xml)
        case .amf3(let amf3):
            buffer.writeInteger(AMF0Marker.avmPlusObject.rawValue)
            AMF3Encoder.encode(amf3, into: &buffer)
        case .unsupported:
            buffer.writeInteger(AMF0Marker.unsupported.rawValue)
        }
    }

    /// Writes `values` one after another, as in a command message body.
    public static func encode(_ values: [AMF0Value], into buffer: inout ByteBuffer) {
        for value in values {
            Self.encode(value, into: &buffer)
        }
    }

    /// Writes key/value pairs and the object-end sequence 0x00 0x00 0x09.
    private static func encodeProperties(_ properties: [AMF0Property], into buffer: inout ByteBuffer) {
        for property in properties {
            buffer.writeAMFShortString(property.key)
            Self.encode(property.value, into: &buffer)
        }
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(AMF0Marker.objectEnd.rawValue)
    }
}
