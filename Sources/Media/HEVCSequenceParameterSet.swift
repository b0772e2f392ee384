/// The fields of an HEVC sequence parameter set (ITU-T H.265 7.3.2.2) needed
/// for profile, level and displayed size.
struct HEVCSequenceParameterSet: Equatable {
    var profileIDC: UInt8
    var compatibilityFlags: UInt32
    var levelIDC: UInt8
    var bitDepthLuma: Int
    var width: Int
    var height: Int

    static let nalUnitType: UInt8 = 33

    /// `nalUnit` starts with the two-byte NAL header and may still contain
    /// emulation-prevention bytes.
    static func parse(nalUnit: [UInt8]) -> HEVCSequenceParameterSet? {
        guard nalUnit.count > 2, nalUnit[0] & 0x80 == 0, (nalUnit[0] >> 1) & 0x3F == nalUnitType else { return nil }
        var reader = BitReader(RawByteSequencePayload.unescape(Array(nalUnit.dropFirst(2))))
        return try? HEVCSequenceParameterSet(reader: &reader)
    }

    private init(reader: inout BitReader) throws(BitstreamError) {
        _ = try reader.bits(4)  // sps_video_parameter_set_id
        let maxSubLayersMinus1 = Int(try reader.bits(3))
        guard maxSubLayersMinus1 <= 6 else { throw .invalidValue }
        _ = try reader.flag()  // sps_temporal_id_nesting_flag

        // profile_tier_level(1, sps_max_sub_layers_minus1)
        _ = try reader.bits(2)  // general_profile_space
        _ = try reader.flag()  // general_tier_flag
        profileIDC = UInt8(truncatingIfNeeded: try reader.bits(5))
        compatibilityFlags = try reader.bits(32)
        try reader.skip(48)  // progressive/interlaced/non-packed/frame-only + 43 reserved + inbld
        levelIDC = UInt8(truncatingIfNeeded: try reader.bits(8))
        var subLayerProfilePresent: [Bool] = []
        var subLayerLevelPresent: [Bool] = []
        for _ in 0..<maxSubLayersMinus1 {
            subLayerProfilePresent.append(try reader.flag())
            subLayerLevelPresent.append(try reader.flag())
        }
        if maxSubLayersMinus1 > 0 {
            try reader.skip(2 &* (8 &- maxSubLayersMinus1))  // reserved_zero_2bits
        }
        for index in 0..<maxSubLayersMinus1 {
            if subLayerProfilePresent[index] {
                try reader.skip(88)
            }
            if subLayerLevelPresent[index] {
                try reader.skip(8)
            }
        }

        _ = try reader.ue(max: 15)  // sps_seq_parameter_set_id
        let chromaFormatIDC = try reader.ue(max: 3)
        var separateColourPlane = false
        if chromaFormatIDC == 3 {
            separateColourPlane = try reader.flag()
        }
        let codedWidth = Int64(try reader.ue())
        let codedHeight = Int64(try reader.ue())
        var offsets: (left: Int64, right: Int64, top: Int64, bottom: Int64) = (0, 0, 0, 0)
        if try reader.flag() {  // conformance_window_flag
            offsets = (Int64(try reader.ue()), Int64(try reader.ue()), Int64(try reader.ue()), Int64(try reader.ue()))
        }
        let bitDepthLumaMinus8 = try reader.ue(max: 8)
        bitDepthLuma = Int(bitDepthLumaMinus8) &+ 8

        // Conformance window offsets are in chroma sample units.
        let chromaArrayType = separateColourPlane ? 0 : chromaFormatIDC
        let subWidth: Int64 = (chromaArrayType == 1 || chromaArrayType == 2) ? 2 : 1
        let subHeight: Int64 = chromaArrayType == 1 ? 2 : 1
        let displayWidth = codedWidth &- subWidth &* (offsets.left &+ offsets.right)
        let displayHeight = codedHeight &- subHeight &* (offsets.top &+ offsets.bottom)
        guard displayWidth > 0, displayHeight > 0,
              displayWidth <= Int64(Int32.max), displayHeight <= Int64(Int32.max)
        else { throw .invalidValue }
        width = Int(truncatingIfNeeded: displayWidth)
        height = Int(truncatingIfNeeded: displayHeight)
    }
}
