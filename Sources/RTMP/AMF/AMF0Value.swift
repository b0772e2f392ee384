/// A value in Action Message Format 0, the encoding RTMP uses for commands
/// (message type 20) and data messages (type 18), e.g. `connect`,
/// `publish` and `@setDataFrame`/`onMetaData`.
///
/// The cases follow the type markers of the AMF0 specification. A few wire
/// types fold into one case: the long string (0x0C) decodes to `.string`, and
/// the AVM+ switch (0x11) carries one AMF3 value in `.amf3`.
public indirect enum AMF0Value: Sendable, Equatable {
    case number(Double)
    case boolean(Bool)
    /// A string (0x02), or a long string (0x0C) if it did not fit in 65535
    /// bytes; the encoder picks the marker from the length.
    case string(String)
    case object([AMF0Property])
    case null
    case undefined
    /// An index into the table of complex values already seen. Kept as is:
    /// RTMP peers practically never send it, and resolving it would let a
    /// small message expand into a large value.
    case reference(UInt16)
    /// An associative array. Its count on the wire is only a hint (see
    /// `AMF0Decoder`), so it is not stored.
    case ecmaArray([AMF0Property])
    case strictArray([AMF0Value])
    /// Milliseconds since the Unix epoch, plus a time zone the spec says to
    /// send as 0 and ignore; kept so a relayed value round-trips unchanged.
    case date(Double, timeZone: Int16)
    case typedObject(className: String, [AMF0Property])
    case xmlDocument(String)
    /// A value that followed the AVM+ switch marker (0x11).
    case amf3(AMF3Value)
    /// The 0x0D marker, which has no body.
    case unsupported

    /// The value of the first property named `key`, for objects, ECMA arrays
    /// and typed objects; `nil` for every other case or a missing key.
    public subscript(key: String) -> AMF0Value? {
        switch self {
        case .object(let properties), .ecmaArray(let properties), .typedObject(className: _, let properties):
            return properties.first(where: { $0.key == key })?.value
        default:
            return nil
        }
    }

    /// The string, also when a client sent it as an AMF3 value (Flash
    /// clients using object encoding 3 switch to AMF3 for single arguments).
    public var stringValue: String? {
        switch self {
        case .string(let string), .amf3(.string(let string)):
            return string
        default:
            return nil
        }
    }

    /// The number, also when a client sent it as an AMF3 integer or double.
    public var numberValue: Double? {
        switch self {
        case .number(let number), .amf3(.double(let number)):
            return number
        case .amf3(.integer(let integer)):
            return Double(integer)
        default:
            return nil
        }
    }

    /// The boolean, also when a client sent it as an AMF3 true or false.
    public var boolValue: Bool? {
        switch self {
        case .boolean(let bool):
            return bool
        case .amf3(.true):
            return true
        case .amf3(.false):
            return false
        default:
            return nil
        }
    }
}
