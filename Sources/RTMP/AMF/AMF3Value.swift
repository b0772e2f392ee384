/// A value in Action Message Format 3, as far as this module decodes it.
///
/// RTMP only meets AMF3 behind the AVM+ switch marker of an AMF0 stream.
/// The leaf types are decoded; arrays, objects, vectors and dictionaries
/// make `AMF0Decoder` throw `AMF0Error.unsupportedAMF3Marker`, because no
/// RTMP publisher or player we relay needs them and each brings reference
/// tables and traits that widen what a hostile peer can make us build.
public indirect enum AMF3Value: Sendable, Equatable {
    case undefined
    case null
    case `false`
    case `true`
    /// A 29-bit signed integer on the wire. The encoder writes values outside
    /// -2^28 ..< 2^28 as `.double`, as the AMF3 spec requires.
    case integer(Int32)
    case double(Double)
    case string(String)
    case xmlDocument(String)
    /// Milliseconds since the Unix epoch (AMF3 dates carry no time zone).
    case date(Double)
    case xml(String)
    case byteArray([UInt8])
}
