/// A video codec as signalled in an RTMP/FLV video message: either a legacy
/// FLV CodecID or an Enhanced RTMP FourCC.
public enum VideoCodec: Sendable, Hashable {
    case sorensonH263
    case screenVideo
    case vp6
    case vp6Alpha
    case screenVideo2
    case avc
    case hevc
    case av1
    case vp9
    case vp8
    /// A legacy CodecID (small values) or a FourCC this module does not know.
    case unknown(UInt32)

    /// Maps the legacy FLV VideoTagHeader CodecID nibble. 12 is the
    /// non-standard HEVC id some CDNs use; it has no home in any spec but is
    /// common enough in the wild that treating it as unknown would hide real streams.
    public init(legacyCodecID: UInt8) {
        switch legacyCodecID {
        case 2: self = .sorensonH263
        case 3: self = .screenVideo
        case 4: self = .vp6
        case 5: self = .vp6Alpha
        case 6: self = .screenVideo2
        case 7: self = .avc
        case 12: self = .hevc
        default: self = .unknown(UInt32(legacyCodecID))
        }
    }

    /// Maps an Enhanced RTMP VideoFourCc.
    public init(fourCC: UInt32) {
        switch fourCC {
        case FourCC.avc1: self = .avc
        case FourCC.hvc1: self = .hevc
        case FourCC.av01: self = .av1
        case FourCC.vp09: self = .vp9
        case FourCC.vp08: self = .vp8
        default: self = .unknown(fourCC)
        }
    }

    /// The Enhanced RTMP FourCC for codecs that have one.
    public var fourCC: UInt32? {
        switch self {
        case .avc: return FourCC.avc1
        case .hevc: return FourCC.hvc1
        case .av1: return FourCC.av01
        case .vp9: return FourCC.vp09
        case .vp8: return FourCC.vp08
        default: return nil
        }
    }

    public var displayName: String {
        switch self {
        case .sorensonH263: return "Sorenson H.263"
        case .screenVideo: return "Screen Video"
        case .vp6: return "VP6"
        case .vp6Alpha: return "VP6 Alpha"
        case .screenVideo2: return "Screen Video 2"
        case .avc: return "H.264"
        case .hevc: return "HEVC"
        case .av1: return "AV1"
        case .vp9: return "VP9"
        case .vp8: return "VP8"
        case .unknown(let value):
            if let text = FourCC.printable(value) {
                return "Unknown (\(text))"
            }
            return "Unknown (\(value))"
        }
    }
}
