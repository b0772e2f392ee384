/// The fields of an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1)
/// needed to name the profile and level and to compute the displayed size.
struct AVCSequenceParameterSet: Equatable {
    var profileIDC: UInt8
    var constraintFlags: UInt8
    var levelIDC: UInt8
    var bitDepthLuma: Int
    var width: Int
    var height: Int

    /// Profiles whose SPS carries chroma format, bit depth and scaling lists.
    private static let highProfiles: Set<UInt8> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// `nalUnit` starts with the one-byte NAL header and may still contain
    /// emulation-prevention bytes. Returns nil for anything that is not a
    /// consistent SPS.
    static func parse(nalUnit: [UInt8]) -> AVCSequenceParameterSet? {
        guard let header = nalUnit.first, header & 0x80 == 0, header & 0x1F == 7 else { return nil }
        var reader = BitReader(RawByteSequencePayload.unescape(Array(nalUnit.dropFirst())))
        return try? AVCSequenceParameterSet(reader: &reader)
    }

    private init(reader: inout BitReader) throws(BitstreamError) {
        profileIDC = UInt8(truncatingIfNeeded: try reader.bits(8))
        constraintFlags = UInt8(truncatingIfNeeded: try reader.bits(8))
        levelIDC = UInt8(truncatingIfNeeded: try reader.bits(8))
        _ = try reader.ue(max: 31)  // seq_parameter_set_id

        var chromaFormatIDC: UInt32 = 1
        var separateColourPlane = false
        var bitDepthLumaMinus8: UInt32 = 0
        if Self.highProfiles.contains(profileIDC) {
            chromaFormatIDC = try reader.ue(max: 3)
            if chromaFormatIDC == 3 {
                separateColourPlane = try reader.flag()
            }
            bitDepthLumaMinus8 = try reader.ue(max: 6)
            _ = try reader.ue(max: 6)  // bit_depth_chroma_minus8
            _ = try reader.flag()  // qpprime_y_zero_transform_bypass_flag
            if try reader.flag() {  // seq_scaling_matrix_present_flag
                let listCount = chromaFormatIDC == 3 ? 12 : 8
                for index in 0..<listCount {
                    if try reader.flag() {  // seq_scaling_list_present_flag
                        try Self.skipScalingList(&reader, size: index < 6 ? 16 : 64)
                    }
                }
            }
        }
        bitDepthLuma = Int(bitDepthLumaMinus8) &+ 8

        _ = try reader.ue(max: 12)  // log2_max_frame_num_minus4
        let picOrderCountType = try reader.ue(max: 2)
        if picOrderCountType == 0 {
            _ = try reader.ue(max: 12)  // log2_max_pic_order_cnt_lsb_minus4
        } else if picOrderCountType == 1 {
            _ = try reader.flag()  // delta_pic_order_always_zero_flag
            _ = try reader.se()  // offset_for_non_ref_pic
            _ = try reader.se()  // offset_for_top_to_bottom_field
            let cycleLength = try reader.ue(max: 255)
            for _ in 0..<cycleLength {
                _ = try reader.se()
            }
        }
        _ = try reader.ue()  // max_num_ref_frames
        _ = try reader.flag()  // gaps_in_frame_num_value_allowed_flag
        let widthInMacroblocks = Int64(try reader.ue()) &+ 1
        let heightInMapUnits = Int64(try reader.ue()) &+ 1
        let frameMacroblocksOnly = try reader.flag()
        if !frameMacroblocksOnly {
            _ = try reader.flag()  // mb_adaptive_frame_field_flag
        }
        _ = try reader.flag()  // direct_8x8_inference_flag

        var cropLeft: Int64 = 0
        var cropRight: Int64 = 0
        var cropTop: Int64 = 0
        var cropBottom: Int64 = 0
        if try reader.flag() {  // frame_cropping_flag
            cropLeft = Int64(try reader.ue())
            cropRight = Int64(try reader.ue())
            cropTop = Int64(try reader.ue())
            cropBottom = Int64(try reader.ue())
        }

        // Crop offsets count in chroma samples (and in field pairs for interlaced
        // coding), so they are scaled by the chroma subsampling and frame/field factor.
        let chromaArrayType = separateColourPlane ? 0 : chromaFormatIDC
        let subWidth: Int64 = (chromaArrayType == 1 || chromaArrayType == 2) ? 2 : 1
        let subHeight: Int64 = chromaArrayType == 1 ? 2 : 1
        let fieldFactor: Int64 = frameMacroblocksOnly ? 1 : 2
        let cropUnitX = subWidth
        let cropUnitY = subHeight &* fieldFactor

        let codedWidth = widthInMacroblocks &* 16
        let codedHeight = heightInMapUnits &* 16 &* fieldFactor
        let displayWidth = codedWidth &- cropUnitX &* (cropLeft &+ cropRight)
        let displayHeight = codedHeight &- cropUnitY &* (cropTop &+ cropBottom)
        guard displayWidth > 0, displayHeight > 0,
              displayWidth <= Int64(Int32.max), displayHeight <= Int64(Int32.max)
        else { throw .invalidValue }
        width = Int(truncatingIfNeeded: displayWidth)
        height = Int(truncatingIfNeeded: displayHeight)
    }

    /// scaling_list() has no length field: its deltas must be decoded to find its end.
    private static func skipScalingList(_ reader: inout BitReader, size: Int) throws(BitstreamError) {
        var lastScale: Int64 = 8
        var nextScale: Int64 = 8
        for _ in 0..<size {
            if nextScale != 0 {
                let delta = try reader.se()
                guard delta >= -128, delta <= 127 else { throw .invalidValue }
                nextScale = (lastScale &+ delta &+ 256) % 256
            }
            if nextScale != 0 {
                lastScale = nextScale
            }
        }
    }

    var profileName: String {
        AVCNaming.profileName(profileIDC: profileIDC, constraintFlags: constraintFlags)
    }

    var levelName: String? {
        AVCNaming.levelName(levelIDC: levelIDC, profileIDC: profileIDC, constraintFlags: constraintFlags)
    }
}
