import NIOCore

/// ISO/IEC 14496-15 AVCDecoderConfigurationRecord ("avcC"): the body of an
/// AVC sequence header, legacy or Enhanced.
struct AVCDecoderConfigurationRecord {
    var profileIndication: UInt8
    var profileCompatibility: UInt8
    var levelIndication: UInt8
    var sequenceParameterSets: [[UInt8]]

    /// Requires every declared SPS and PPS to be present: a record cut short
    /// is treated as garbage, not as a smaller valid record.
    static func parse(_ record: ByteBuffer) -> AVCDecoderConfigurationRecord? {
        var buffer = record
        guard let version: UInt8 = buffer.readInteger(), version == 1,
              let profile: UInt8 = buffer.readInteger(),
              let compatibility: UInt8 = buffer.readInteger(),
              let level: UInt8 = buffer.readInteger(),
              buffer.readInteger(as: UInt8.self) != nil,  // lengthSizeMinusOne
              let spsCountByte: UInt8 = buffer.readInteger()
        else { return nil }

        var spsList: [[UInt8]] = []
        for _ in 0..<(spsCountByte & 0x1F) {
            guard let length: UInt16 = buffer.readInteger(),
                  let nal = buffer.readBytes(length: Int(length))
            else { return nil }
            spsList.append(nal)
        }
        guard let ppsCount: UInt8 = buffer.readInteger() else { return nil }
        for _ in 0..<ppsCount {
            guard let length: UInt16 = buffer.readInteger(), buffer.skipBytes(Int(length)) else { return nil }
        }
        return AVCDecoderConfigurationRecord(
            profileIndication: profile, profileCompatibility: compatibility,
            levelIndication: level, sequenceParameterSets: spsList
        )
    }

    /// Prefers the SPS (it also gives the size); falls back to the record's
    /// own profile/level bytes when the SPS cannot be parsed.
    var videoConfig: VideoConfig {
        if let sps = sequenceParameterSets.lazy.compactMap(AVCSequenceParameterSet.parse(nalUnit:)).first {
            return VideoConfig(
                codec: .avc, profile: sps.profileName, level: sps.levelName,
                width: sps.width, height: sps.height, bitDepth: sps.bitDepthLuma
            )
        }
        return VideoConfig(
            codec: .avc,
            profile: AVCNaming.profileName(profileIDC: profileIndication, constraintFlags: profileCompatibility),
            level: AVCNaming.levelName(
                levelIDC: levelIndication, profileIDC: profileIndication, constraintFlags: profileCompatibility
            )
        )
    }
}
