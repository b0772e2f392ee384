/// The SoundRate/SoundSize/SoundType bits of a legacy FLV audio header.
///
/// Several codecs ignore them (Flash wrote fixed values), so the interpretation
/// follows what decoders actually do rather than the raw bits.
struct LegacySoundFlags {
    var rateIndex: UInt8
    var isStereo: Bool

    init(byte: UInt8) {
        rateIndex = (byte >> 2) & 0x03
        isStereo = byte & 0x01 == 1
    }

    private static let rates = [5512, 11025, 22050, 44100]

    func sampleRate(for codec: AudioCodec) -> Int? {
        switch codec {
        case .nellymoser16k, .speex: return 16000
        case .nellymoser8k, .g711a, .g711u, .mp3_8k: return 8000
        case .aac, .opus, .flac, .ac3, .eac3, .unknown: return nil
        default: return Self.rates[Int(rateIndex)]
        }
    }

    func channels(for codec: AudioCodec) -> Int? {
        switch codec {
        case .nellymoser16k, .nellymoser8k, .speex: return 1
        case .aac, .opus, .flac, .ac3, .eac3, .unknown: return nil
        default: return isStereo ? 2 : 1
        }
    }
}
