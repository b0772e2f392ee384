import NIOCore

/// ISO/IEC 14496-15 HEVCDecoderConfigurationRecord ("hvcC"): the body of an
/// Enhanced `hvc1` SequenceStart and of a codec-id-12 sequence header.
struct HEVCDecoderConfigurationRecord {
    var profileIDC: UInt8
    var compatibilityFlags: UInt32
    var levelIDC: UInt8
    var bitDepthLuma: Int
    /// NAL units of all arrays, keyed by nothing: callers pick by NAL type.
    var nalUnits: [[UInt8]]

    private static let fixedHeaderLength = 23

    /// Requires every declared NAL unit to be present.
    static func parse(_ record: ByteBuffer) -> HEVCDecoderConfigurationRecord? {
        var buffer = record
        guard buffer.readableBytes >= fixedHeaderLength,
              buffer.readInteger(as: UInt8.self) != nil,  // configurationVersion
              let profileByte: UInt8 = buffer.readInteger(),
              let compatibility: UInt32 = buffer.readInteger(),
              buffer.skipBytes(6),  // constraint indicator flags
              let level: UInt8 = buffer.readInteger(),
              buffer.skipBytes(4),  // min_spatial_segmentation, parallelismType, chromaFormat
              let bitDepthByte: UInt8 = buffer.readInteger(),
              buffer.skipBytes(4),  // bitDepthChroma, avgFrameRate, frame rate/temporal/length flags
              let arrayCount: UInt8 = buffer.readInteger()
        else { return nil }

        var nalUnits: [[UInt8]] = []
        for _ in 0..<arrayCount {
            guard buffer.readInteger(as: UInt8.self) != nil,  // completeness + NAL type
                  let count: UInt16 = buffer.readInteger()
            else { return nil }
            for _ in 0..<count {
                guard let length: UInt16 = buffer.readInteger(),
                      let nal = buffer.readBytes(length: Int(length))
                else { return nil }
                nalUnits.append(nal)
            }
        }
        return HEVCDecoderConfigurationRecord(
            profileIDC: profileByte & 0x1F, compatibilityFlags: compatibility, levelIDC: level,
            bitDepthLuma: Int(bitDepthByte & 0x07) &+ 8, nalUnits: nalUnits
        )
    }

    /// Profile and level come from the record (they are what the encoder
    /// declares for the whole stream); the size needs the SPS.
    var videoConfig: VideoConfig {
        let sps = nalUnits.lazy.compactMap(HEVCSequenceParameterSet.parse(nalUnit:)).first
        var profile = HEVCNaming.profileIDC(profileIDC, compatibilityFlags: compatibilityFlags)
        var level = levelIDC
        if profile == 0, let sps {
            profile = HEVCNaming.profileIDC(sps.profileIDC, compatibilityFlags: sps.compatibilityFlags)
        }
        if level == 0, let sps {
            level = sps.levelIDC
        }
        return VideoConfig(
            codec: .hevc,
            profile: HEVCNaming.profileName(profile),
            level: HEVCNaming.levelName(level),
            width: sps?.width,
            height: sps?.height,
            bitDepth: sps?.bitDepthLuma ?? bitDepthLuma
        )
    }
}
