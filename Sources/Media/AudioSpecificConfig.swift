/// MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): the body of an AAC
/// sequence header. Handles explicit (AOT 5/29) and backward-compatible
/// (sync extension 0x2b7/0x548) SBR/PS signalling, and channel configuration 0
/// with a program_config_element, because each changes what a listener hears.
struct AudioSpecificConfig: Equatable {
    /// The core object type (2 for LC, also under HE-AAC).
    var audioObjectType: Int
    var sbrPresent: Bool
    var psPresent: Bool
    /// Output sample rate: the SBR rate when SBR is present and signalled with one.
    var sampleRate: Int?
    var channels: Int?

    static let sampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]

    /// Object types whose specific config is GASpecificConfig.
    private static let generalAudioTypes: Set<Int> = [1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]
    /// Error-resilient object types, which append epConfig.
    private static let errorResilientTypes: Set<Int> = [17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 39]
    private static let sbrObjectType = 5
    private static let psObjectType = 29
    private static let bsacObjectType = 22

    static func parse(_ bytes: [UInt8]) -> AudioSpecificConfig? {
        var reader = BitReader(bytes)
        return try? AudioSpecificConfig(reader: &reader)
    }

    private init(reader: inout BitReader) throws(BitstreamError) {
        var objectType = try Self.readObjectType(&reader)
        let coreRate = try Self.readSampleRate(&reader)
        let channelConfiguration = Int(try reader.bits(4))
        var extensionRate: Int?
        var sbr = false
        var ps = false

        if objectType == Self.sbrObjectType || objectType == Self.psObjectType {
            sbr = true
            ps = objectType == Self.psObjectType
            extensionRate = try Self.readSampleRate(&reader)
            objectType = try Self.readObjectType(&reader)
            if objectType == Self.bsacObjectType {
                _ = try reader.bits(4)  // extensionChannelConfiguration
            }
        }
        guard objectType != 0 else { throw .invalidValue }

        var channelCount = Self.channelCount(configuration: channelConfiguration)

        // Everything below refines the answer; the fields above are already a
        // usable result, so a failure here keeps them instead of discarding them.
        if Self.generalAudioTypes.contains(objectType) {
            do throws(BitstreamError) {
                let pceChannels = try Self.skipGeneralAudioSpecificConfig(
                    &reader, channelConfiguration: channelConfiguration, objectType: objectType
                )
                if channelConfiguration == 0 {
                    channelCount = pceChannels
                }
                if Self.errorResilientTypes.contains(objectType) {
                    let epConfig = try reader.bits(2)
                    guard epConfig < 2 else { throw .invalidValue }  // ErrorProtectionSpecificConfig not handled
                }
                if !sbr, let implicit = try Self.readBackwardCompatibleExtension(&reader) {
                    sbr = implicit.sbr
                    ps = implicit.ps
                    extensionRate = implicit.rate
                }
            } catch {
                // Keep the core fields.
            }
        }

        if ps, channelCount == 1 {
            // Parametric stereo decodes a mono core into two channels.
            channelCount = 2
        }
        audioObjectType = objectType
        sbrPresent = sbr
        psPresent = ps
        channels = channelCount
        sampleRate = sbr ? (extensionRate ?? coreRate.map { $0 &* 2 }) : coreRate
    }

    /// Implicit SBR/PS signalling appended after the core config by encoders
    /// that wanted old decoders to keep playing the LC core.
    private static func readBackwardCompatibleExtension(
        _ reader: inout BitReader
    ) throws(BitstreamError) -> (sbr: Bool, ps: Bool, rate: Int?)? {
        guard reader.bitsRemaining >= 16, try reader.bits(11) == 0x2B7 else { return nil }
        guard try readObjectType(&reader) == sbrObjectType, try reader.flag() else { return nil }
        let rate = try readSampleRate(&reader)
        var ps = false
        if reader.bitsRemaining >= 12, try reader.bits(11) == 0x548 {
            ps = try reader.flag()
        }
        return (true, ps, rate)
    }

    private static func readObjectType(_ reader: inout BitReader) throws(BitstreamError) -> Int {
        let value = Int(try reader.bits(5))
        if value == 31 {
            return 32 &+ Int(try reader.bits(6))
        }
        return value
    }

    /// Nil for the reserved indices 13 and 14: the stream is still parseable,
    /// the rate is just unknown.
    private static func readSampleRate(_ reader: inout BitReader) throws(BitstreamError) -> Int? {
        let index = Int(try reader.bits(4))
        if index == 15 {
            let explicit = Int(try reader.bits(24))
            return explicit > 0 ? explicit : nil
        }
        return index < sampleRates.count ? sampleRates[index] : nil
    }

    /// Channel configurations 1-7 per 14496-3, 11-14 per its later amendments.
    private static func channelCount(configuration: Int) -> Int? {
        switch configuration {
        case 1...6: return configuration
        case 7, 12, 14: return 8
        case 11: return 7
        case 13: return 24
        default: return nil
        }
    }

    /// Walks GASpecificConfig to reach the extension fields after it; returns
    /// the channel count from the program_config_element when there is one.
    private static func skipGeneralAudioSpecificConfig(
        _ reader: inout BitReader, channelConfiguration: Int, objectType: Int
    ) throws(BitstreamError) -> Int? {
        _ = try reader.bits(1)  // frameLengthFlag
        if try reader.flag() {  // dependsOnCoreCoder
            try reader.skip(14)  // coreCoderDelay
        }
        let extensionFlag = try reader.flag()
        var pceChannels: Int?
        if channelConfiguration == 0 {
            pceChannels = try skipProgramConfigElement(&reader)
        }
        if objectType == 6 || objectType == 20 {
            try reader.skip(3)  // layerNr
        }
        if extensionFlag {
            if objectType == bsacObjectType {
                try reader.skip(16)  // numOfSubFrame, layer_length
            }
            if [17, 19, 20, 23].contains(objectType) {
                try reader.skip(3)  // aacSection/Scalefactor/SpectralDataResilienceFlag
            }
            _ = try reader.bits(1)  // extensionFlag3
        }
        return pceChannels
    }

    /// program_config_element() (14496-3 4.4.1.1); counts output channels:
    /// a channel pair element is two, everything else one.
    private static func skipProgramConfigElement(_ reader: inout BitReader) throws(BitstreamError) -> Int {
        try reader.skip(4 &+ 2 &+ 4)  // element_instance_tag, object_type, sampling_frequency_index
        let front = Int(try reader.bits(4))
        let side = Int(try reader.bits(4))
        let back = Int(try reader.bits(4))
        let lfe = Int(try reader.bits(2))
        let associatedData = Int(try reader.bits(3))
        let validCC = Int(try reader.bits(4))
        if try reader.flag() { try reader.skip(4) }  // mono_mixdown
        if try reader.flag() { try reader.skip(4) }  // stereo_mixdown
        if try reader.flag() { try reader.skip(3) }  // matrix_mixdown_idx + pseudo_surround
        var channels = 0
        for _ in 0..<(front &+ side &+ back) {
            let isPair = try reader.flag()
            try reader.skip(4)  // element tag
            channels &+= isPair ? 2 : 1
        }
        try reader.skip(lfe &* 4)
        channels &+= lfe
        try reader.skip(associatedData &* 4)
        try reader.skip(validCC &* 5)
        try reader.alignToByte()
        let commentBytes = Int(try reader.bits(8))
        try reader.skip(commentBytes &* 8)
        guard channels > 0 else { throw .invalidValue }
        return channels
    }

    var profileName: String {
        if psPresent { return "HE-AACv2" }
        if sbrPresent { return "HE-AAC" }
        switch audioObjectType {
        case 1: return "Main"
        case 2: return "LC"
        case 3: return "SSR"
        case 4: return "LTP"
        case 6: return "Scalable"
        case 17: return "ER AAC LC"
        case 19: return "ER AAC LTP"
        case 20: return "ER AAC Scalable"
        case 22: return "ER BSAC"
        case 23: return "LD"
        case 39: return "ELD"
        case 42: return "xHE-AAC"
        default: return "AOT \(audioObjectType)"
        }
    }

    var audioConfig: AudioConfig {
        AudioConfig(codec: .aac, profile: profileName, sampleRate: sampleRate, channels: channels)
    }
}
