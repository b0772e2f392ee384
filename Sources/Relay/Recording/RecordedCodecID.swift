import Media
import NIOCore

/// A codec as onMetaData's `videocodecid` / `audiocodecid` names it: the
/// legacy FLV number (CodecID, SoundFormat) or, for Enhanced RTMP, a FourCC.
enum RecordedCodecID: Sendable, Equatable {
    /// Legacy video CodecID (7 AVC, 12 the CDN convention for HEVC) or audio SoundFormat (10 AAC, 2 MP3).
    case flv(UInt8)
    /// Enhanced RTMP FourCC, e.g. "hvc1", "av01", "vp09", "Opus", "mp4a".
    case fourCC(String)

    /// The number onMetaData carries. The Enhanced RTMP spec writes a FourCC
    /// as its four bytes read as a big-endian 32-bit integer, which is also
    /// what ffmpeg's enhanced FLV muxer and demuxer use.
    var metadataValue: Double {
        switch self {
        case .flv(let id):
            return Double(id)
        case .fourCC(let text):
            let value = text.utf8.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return Double(value)
        }
    }

    /// From a video tag payload; nil for an empty payload or an Enhanced
    /// command frame, which names no codec.
    static func video(in payload: ByteBuffer) -> RecordedCodecID? {
        guard let info = VideoTagInfo.parse(payload),
              let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        else { return nil }
        guard info.isEnhanced else { return .flv(first & 0x0F) }
        switch info.codec {
        case .unknown(0): return nil
        case .unknown(let code): return printableFourCC(code)
        default: return info.codec.fourCC.flatMap(printableFourCC)
        }
    }

    /// From an audio tag payload; nil for an empty payload.
    static func audio(in payload: ByteBuffer) -> RecordedCodecID? {
        guard let info = AudioTagInfo.parse(payload),
              let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        else { return nil }
        guard info.isEnhanced else { return .flv(first >> 4) }
        switch info.codec {
        case .unknown(let code): return printableFourCC(code)
        default: return info.codec.fourCC.flatMap(printableFourCC)
        }
    }

    /// Only printable ASCII survives as text; anything else could not be
    /// turned back into the same number.
    private static func printableFourCC(_ code: UInt32) -> RecordedCodecID? {
        let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: code >> UInt32($0)) }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return .fourCC(String(decoding: bytes, as: UTF8.self))
    }
}
