/// One key/value pair of an AMF0 object, ECMA array or typed object.
///
/// Properties are kept as an ordered list rather than a dictionary: the wire
/// order matters to some peers (Flash's `onMetaData` readers, Wowza's
/// connect parser), and duplicate keys do occur in the wild, so a dictionary
/// would silently lose information on a round trip.
public struct AMF0Property: Sendable, Equatable {
    public var key: String
    public var value: AMF0Value

    public init(key: String, value: AMF0Value) {
        self.key = key
        self.value = value
    }
}
