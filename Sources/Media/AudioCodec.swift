/// An audio codec as signalled in an RTMP/FLV audio message: either a legacy
/// FLV SoundFormat or an Enhanced RTMP (v2) FourCC.
public enum AudioCodec: Sendable, Hashable {
    case pcm
    case adpcm
    case mp3
    case pcmLE
    case nellymoser16k
    case nellymoser8k
    case nellymoser
    case g711a
    case g711u
    case aac
    case speex
    case mp3_8k
    case opus
    case flac
    case ac3
    case eac3
    /// A legacy SoundFormat (small values) or a FourCC this module does not know.
    case unknown(UInt32)

    /// Maps the legacy FLV AudioTagHeader SoundFormat nibble. 9 is the
    /// Enhanced RTMP ExHeader marker, not a codec, so it maps to unknown here.
    public init(soundFormat: UInt8) {
        switch soundFormat {
        case 0: self = .pcm
        case 1: self = .adpcm
        case 2: self = .mp3
        case 3: self = .pcmLE
        case 4: self = .nellymoser16k
        case 5: self = .nellymoser8k
        case 6: self = .nellymoser
        case 7: self = .g711a
        case 8: self = .g711u
        case 10: self = .aac
        case 11: self = .speex
        case 14: self = .mp3_8k
        default: self = .unknown(UInt32(soundFormat))
        }
    }

    /// Maps an Enhanced RTMP AudioFourCc.
    public init(fourCC: UInt32) {
        switch fourCC {
        case FourCC.opus: self = .opus
        case FourCC.flac: self = .flac
        case FourCC.ac3: self = .ac3
        case FourCC.eac3: self = .eac3
        case FourCC.mp4a: self = .aac
        case FourCC.mp3: self = .mp3
        default: self = .unknown(fourCC)
        }
    }

    /// The Enhanced RTMP FourCC for codecs that have one.
    public var fourCC: UInt32? {
        switch self {
        case .opus: return FourCC.opus
        case .flac: return FourCC.flac
        case .ac3: return FourCC.ac3
        case .eac3: return FourCC.eac3
        case .aac: return FourCC.mp4a
        case .mp3: return FourCC.mp3
        default: return nil
        }
    }

    public var displayName: String {
        switch self {
        case .pcm: return "PCM"
        case .adpcm: return "ADPCM"
        case .mp3: return "MP3"
        case .pcmLE: return "PCM (little-endian)"
        case .nellymoser16k: return "Nellymoser 16 kHz"
        case .nellymoser8k: return "Nellymoser 8 kHz"
        case .nellymoser: return "Nellymoser"
        case .g711a: return "G.711 A-law"
        case .g711u: return "G.711 µ-law"
        case .aac: return "AAC"
        case .speex: return "Speex"
        case .mp3_8k: return "MP3 8 kHz"
        case .opus: return "Opus"
        case .flac: return "FLAC"
        case .ac3: return "AC-3"
        case .eac3: return "E-AC-3"
        case .unknown(let value):
            if let text = FourCC.printable(value) {
                return "Unknown (\(text))"
            }
            return "Unknown (\(value))"
        }
    }
}
