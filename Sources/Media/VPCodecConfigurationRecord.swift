import NIOCore

/// The VP codec configuration record ("vpcC", VP-Codec-ISO-Media 2.2): the
/// body of an Enhanced `vp09`/`vp08` SequenceStart. It carries profile,
/// level and bit depth, but not the frame size.
struct VPCodecConfigurationRecord {
    var profile: UInt8
    var level: UInt8
    var bitDepth: Int

    /// Enhanced RTMP carries the record without the FullBox version/flags, but
    /// writers that reuse their MP4 code (ffmpeg among them) include them.
    /// Version 1 with zero flags reads as bit depth 0 without the FullBox
    /// header, which is invalid, so the two forms cannot be confused.
    static func parse(_ record: ByteBuffer) -> VPCodecConfigurationRecord? {
        var buffer = record
        if let versionAndFlags = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
           versionAndFlags == 0x0100_0000, buffer.readableBytes >= 12 {
            _ = buffer.skipBytes(4)
        }
        guard let profile: UInt8 = buffer.readInteger(),
              let level: UInt8 = buffer.readInteger(),
              let depthByte: UInt8 = buffer.readInteger(),
              buffer.skipBytes(3),  // colour primaries, transfer, matrix
              let initializationSize: UInt16 = buffer.readInteger(),
              buffer.skipBytes(Int(initializationSize))
        else { return nil }
        let bitDepth = Int(depthByte >> 4)
        guard bitDepth == 8 || bitDepth == 10 || bitDepth == 12 else { return nil }
        return VPCodecConfigurationRecord(profile: profile, level: level, bitDepth: bitDepth)
    }

    /// Levels are stored as ten times the level number (21 = level 2.1); 0 means unknown.
    static func levelName(_ value: UInt8) -> String? {
        guard value != 0 else { return nil }
        return LevelFormatting.decimal(major: Int(value / 10), minor: Int(value % 10))
    }

    func videoConfig(codec: VideoCodec) -> VideoConfig {
        VideoConfig(
            codec: codec,
            profile: "Profile \(profile)",
            level: Self.levelName(level),
            bitDepth: bitDepth
        )
    }
}
