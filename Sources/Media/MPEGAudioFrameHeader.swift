/// The 4-byte MPEG-1/2/2.5 audio frame header (ISO/IEC 11172-3 2.4.1.3),
/// which says more about an MP3 stream than the FLV sound flags can.
struct MPEGAudioFrameHeader: Equatable {
    var versionName: String
    var layer: Int
    var sampleRate: Int
    var channels: Int

    private static let mpeg1Rates = [44100, 48000, 32000]

    static func parse(_ bytes: [UInt8]) -> MPEGAudioFrameHeader? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] & 0xE0 == 0xE0 else { return nil }
        let versionBits = (bytes[1] >> 3) & 0x03
        let layerBits = (bytes[1] >> 1) & 0x03
        let rateIndex = Int((bytes[2] >> 2) & 0x03)
        let bitrateIndex = bytes[2] >> 4
        guard versionBits != 1, layerBits != 0, rateIndex < 3, bitrateIndex != 15 else { return nil }
        let divisor: Int
        let versionName: String
        switch versionBits {
        case 3: (divisor, versionName) = (1, "MPEG-1")
        case 2: (divisor, versionName) = (2, "MPEG-2")
        default: (divisor, versionName) = (4, "MPEG-2.5")
        }
        let channelMode = bytes[3] >> 6
        return MPEGAudioFrameHeader(
            versionName: versionName,
            layer: 4 &- Int(layerBits),
            sampleRate: mpeg1Rates[rateIndex] / divisor,
            channels: channelMode == 3 ? 1 : 2
        )
    }

    var profileName: String {
        let numerals = ["I", "II", "III"]
        return "\(versionName) Layer \(numerals[max(0, min(2, layer &- 1))])"
    }
}
