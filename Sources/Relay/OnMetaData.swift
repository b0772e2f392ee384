import Media
import RTMP

/// An `onMetaData` data message (`@setDataFrame onMetaData {…}` as
/// publishers send it, or bare `onMetaData {…}` as FLV files hold it): for
/// the live stream and for `rtmp-top analyze`.
struct OnMetaData {
    let properties: [AMF0Property]

    init(properties: [AMF0Property]) {
        self.properties = properties
    }

    /// From decoded AMF0 values; nil for any other data message.
    init?(_ decoded: [AMF0Value]) {
        guard let args = Self.arguments(in: decoded) else { return nil }
        switch args.dropFirst().first {
        case .object(let p)?, .ecmaArray(let p)?: properties = p
        default: properties = []
        }
    }

    /// `onMetaData` and its object, without `@setDataFrame`: what is relayed.
    static func arguments(in decoded: [AMF0Value]) -> ArraySlice<AMF0Value>? {
        var args = decoded[...]
        if args.first?.stringValue == "@setDataFrame" { args = args.dropFirst() }
        return args.first?.stringValue == "onMetaData" ? args : nil
    }

    func number(_ key: String) -> Double? { properties.first { $0.key == key }?.value.numberValue }

    /// A picture dimension, which anyone can fill with 1e300 or NaN.
    func pixels(_ key: String) -> Int? { number(key).flatMap { $0.isFinite && $0 > 0 && $0 <= 65536 ? Int($0) : nil } }

    /// What it declares, for the health checks (absurd values dropped).
    var declared: DeclaredMetadata {
        DeclaredMetadata(frameRate: number("framerate") ?? number("fps"), width: pixels("width"), height: pixels("height"),
                         videoKilobitsPerSecond: number("videodatarate"), audioKilobitsPerSecond: number("audiodatarate"),
                         audioSampleRate: number("audiosamplerate"), videoCodecID: number("videocodecid"), audioCodecID: number("audiocodecid"))
    }
}
