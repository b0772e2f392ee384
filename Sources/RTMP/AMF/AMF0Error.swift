/// Why bytes could not be decoded as AMF0 (or the AMF3 embedded in it).
///
/// Every case describes the input, never a bug of ours: decoders throw
/// these for anything a peer can send, and leave the buffer untouched.
public enum AMF0Error: Error, Equatable, Sendable {
    /// The input ended inside a value. More bytes may make it decodable.
    case truncated
    /// A type marker that AMF0 does not define (above 0x11).
    case unknownMarker(UInt8)
    /// A marker AMF0 reserves without defining a body (movie clip 0x04,
    /// record set 0x0E), so the value's end cannot be found.
    case unsupportedMarker(UInt8)
    /// An object-end marker (0x09) where a value should start.
    case unexpectedObjectEnd
    /// Containers nested deeper than the decoder's `maxDepth`.
    case depthExceeded
    /// A string, key, class name or XML document that is not valid UTF-8.
    case invalidUTF8
    /// A type marker that AMF3 does not define (above 0x11).
    case unknownAMF3Marker(UInt8)
    /// An AMF3 type this module does not decode (arrays, objects, vectors,
    /// dictionaries); see `AMF3Value`.
    case unsupportedAMF3Marker(UInt8)
    /// An AMF3 string or object reference to an entry not (yet) in its table.
    case invalidAMF3Reference(Int)
}
