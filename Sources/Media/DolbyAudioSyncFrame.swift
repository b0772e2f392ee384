/// The start of an AC-3 or E-AC-3 sync frame (ATSC A/52 5.3 and Annex E).
/// Enhanced RTMP defines no sequence header for these codecs, so coded frames
/// are the only place their sample rate and channel layout can be read.
struct DolbyAudioSyncFrame: Equatable {
    var isEnhanced: Bool
    var sampleRate: Int
    var channels: Int

    /// Full-bandwidth channels for each acmod.
    private static let channelsForMode = [2, 1, 2, 3, 3, 4, 4, 5]
    private static let ac3Rates = [48000, 44100, 32000]
    private static let reducedRates = [24000, 22050, 16000]

    static func parse(_ bytes: [UInt8]) -> DolbyAudioSyncFrame? {
        var reader = BitReader(bytes)
        do throws(BitstreamError) {
            guard try reader.bits(16) == 0x0B77 else { return nil }
            // bsid sits at the same offset in both syntaxes and says which one this is.
            guard bytes.count >= 6 else { return nil }
            let bsid = bytes[5] >> 3
            if bsid <= 10 {
                return try parseAC3(&reader)
            }
            if bsid >= 11 && bsid <= 16 {
                return try parseEAC3(&reader)
            }
            return nil
        } catch {
            return nil
        }
    }

    private static func parseAC3(_ reader: inout BitReader) throws(BitstreamError) -> DolbyAudioSyncFrame? {
        try reader.skip(16)  // crc1
        let sampleRateCode = Int(try reader.bits(2))
        guard sampleRateCode < 3 else { return nil }
        try reader.skip(6)  // frmsizecod
        try reader.skip(5 &+ 3)  // bsid, bsmod
        let mode = Int(try reader.bits(3))
        if mode & 1 != 0 && mode != 1 {
            try reader.skip(2)  // cmixlev
        }
        if mode & 4 != 0 {
            try reader.skip(2)  // surmixlev
        }
        if mode == 2 {
            try reader.skip(2)  // dsurmod
        }
        let lfe = try reader.flag()
        return DolbyAudioSyncFrame(
            isEnhanced: false, sampleRate: ac3Rates[sampleRateCode],
            channels: channelsForMode[mode] &+ (lfe ? 1 : 0)
        )
    }

    private static func parseEAC3(_ reader: inout BitReader) throws(BitstreamError) -> DolbyAudioSyncFrame? {
        try reader.skip(2 &+ 3 &+ 11)  // strmtyp, substreamid, frmsiz
        let sampleRateCode = Int(try reader.bits(2))
        let sampleRate: Int
        if sampleRateCode == 3 {
            let reducedCode = Int(try reader.bits(2))
            guard reducedCode < 3 else { return nil }
            sampleRate = reducedRates[reducedCode]
        } else {
            try reader.skip(2)  // numblkscod
            sampleRate = ac3Rates[sampleRateCode]
        }
        let mode = Int(try reader.bits(3))
        let lfe = try reader.flag()
        return DolbyAudioSyncFrame(
            isEnhanced: true, sampleRate: sampleRate, channels: channelsForMode[mode] &+ (lfe ? 1 : 0)
        )
    }

    var audioConfig: AudioConfig {
        AudioConfig(codec: isEnhanced ? .eac3 : .ac3, sampleRate: sampleRate, channels: channels)
    }
}
