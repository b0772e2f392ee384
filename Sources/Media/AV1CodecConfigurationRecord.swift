import NIOCore

/// The AV1 codec configuration record ("av1C", AV1-ISOBMFF 2.3): the body of
/// an Enhanced `av01` SequenceStart. Its configOBUs normally hold the sequence
/// header OBU, which is where the frame size lives.
struct AV1CodecConfigurationRecord {
    var profile: UInt8
    var levelIndex: UInt8
    var highBitDepth: Bool
    var twelveBit: Bool
    var sequenceHeader: AV1SequenceHeader?

    private static let sequenceHeaderOBUType: UInt8 = 1

    /// Nil when the marker bit is missing or the configOBUs are malformed;
    /// a record without configOBUs is valid and yields no frame size.
    static func parse(_ record: ByteBuffer) -> AV1CodecConfigurationRecord? {
        var buffer = record
        guard let markerVersion: UInt8 = buffer.readInteger(), markerVersion & 0x80 != 0,
              let profileLevel: UInt8 = buffer.readInteger(),
              let flags: UInt8 = buffer.readInteger(),
              buffer.readInteger(as: UInt8.self) != nil  // initial_presentation_delay
        else { return nil }

        var sequenceHeader: AV1SequenceHeader?
        while buffer.readableBytes > 0 {
            guard let obu = readOBU(&buffer) else { return nil }
            if obu.type == sequenceHeaderOBUType, sequenceHeader == nil {
                sequenceHeader = AV1SequenceHeader.parse(payload: obu.payload)
            }
        }
        return AV1CodecConfigurationRecord(
            profile: profileLevel >> 5, levelIndex: profileLevel & 0x1F,
            highBitDepth: flags & 0x40 != 0, twelveBit: flags & 0x20 != 0,
            sequenceHeader: sequenceHeader
        )
    }

    /// One low-overhead-format OBU; without obu_has_size_field the OBU runs to
    /// the end of the buffer.
    private static func readOBU(_ buffer: inout ByteBuffer) -> (type: UInt8, payload: [UInt8])? {
        guard let header: UInt8 = buffer.readInteger(), header & 0x80 == 0 else { return nil }
        let type = (header >> 3) & 0x0F
        if header & 0x04 != 0 {  // obu_extension_flag
            guard buffer.readInteger(as: UInt8.self) != nil else { return nil }
        }
        let size: Int
        if header & 0x02 != 0 {  // obu_has_size_field
            guard let declared = readLEB128(&buffer) else { return nil }
            size = declared
        } else {
            size = buffer.readableBytes
        }
        guard let payload = buffer.readBytes(length: size) else { return nil }
        return (type, payload)
    }

    /// leb128() as AV1 defines it: at most 8 bytes, value below 2^32.
    private static func readLEB128(_ buffer: inout ByteBuffer) -> Int? {
        var value: UInt64 = 0
        for index in 0..<8 {
            guard let byte: UInt8 = buffer.readInteger() else { return nil }
            value |= UInt64(byte & 0x7F) << UInt64(index &* 7)
            if byte & 0x80 == 0 {
                guard value <= UInt64(UInt32.max) else { return nil }
                return Int(truncatingIfNeeded: value)
            }
        }
        return nil
    }

    static let profileNames = ["Main", "High", "Professional"]

    /// seq_level_idx maps to "X.Y" with X = 2 + idx/4, Y = idx%4; 31 means
    /// "no level constraint" and has no name.
    static func levelName(_ index: UInt8) -> String? {
        guard index < 24 else { return nil }
        return "\(2 &+ Int(index >> 2)).\(Int(index & 3))"
    }

    var videoConfig: VideoConfig {
        let profile = sequenceHeader?.profile ?? profile
        let level = sequenceHeader?.levelIndex ?? levelIndex
        let recordBitDepth = highBitDepth ? (twelveBit ? 12 : 10) : 8
        return VideoConfig(
            codec: .av1,
            profile: Int(profile) < Self.profileNames.count ? Self.profileNames[Int(profile)] : "Profile \(profile)",
            level: Self.levelName(level),
            width: sequenceHeader?.maxFrameWidth,
            height: sequenceHeader?.maxFrameHeight,
            bitDepth: sequenceHeader?.bitDepth ?? recordBitDepth
        )
    }
}
