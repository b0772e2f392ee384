/// The fields of an AV1 sequence header OBU (AV1 spec 5.5) that describe the
/// stream: profile, level of operating point 0, bit depth and maximum frame size.
struct AV1SequenceHeader: Equatable {
    var profile: UInt8
    var levelIndex: UInt8
    var bitDepth: Int
    var maxFrameWidth: Int
    var maxFrameHeight: Int

    /// `payload` is the OBU payload (after the OBU header and size).
    static func parse(payload: [UInt8]) -> AV1SequenceHeader? {
        var reader = BitReader(payload)
        return try? AV1SequenceHeader(reader: &reader)
    }

    private init(reader: inout BitReader) throws(BitstreamError) {
        profile = UInt8(truncatingIfNeeded: try reader.bits(3))
        _ = try reader.flag()  // still_picture
        let reducedStillPictureHeader = try reader.flag()
        if reducedStillPictureHeader {
            levelIndex = UInt8(truncatingIfNeeded: try reader.bits(5))
        } else {
            var decoderModelInfoPresent = false
            var bufferDelayLength = 0
            if try reader.flag() {  // timing_info_present_flag
                try reader.skip(64)  // num_units_in_display_tick, time_scale
                if try reader.flag() {  // equal_picture_interval
                    _ = try reader.uvlc()  // num_ticks_per_picture_minus_1
                }
                decoderModelInfoPresent = try reader.flag()
                if decoderModelInfoPresent {
                    bufferDelayLength = Int(try reader.bits(5)) &+ 1
                    try reader.skip(32)  // num_units_in_decoding_tick
                    try reader.skip(10)  // buffer_removal_time_length_minus_1, frame_presentation_time_length_minus_1
                }
            }
            let initialDisplayDelayPresent = try reader.flag()
            let operatingPointCount = Int(try reader.bits(5)) &+ 1
            var firstLevel: UInt8 = 0
            for index in 0..<operatingPointCount {
                _ = try reader.bits(12)  // operating_point_idc
                let level = UInt8(truncatingIfNeeded: try reader.bits(5))
                if index == 0 {
                    firstLevel = level
                }
                if level > 7 {
                    _ = try reader.flag()  // seq_tier
                }
                if decoderModelInfoPresent, try reader.flag() {  // decoder_model_present_for_this_op
                    try reader.skip(bufferDelayLength &* 2 &+ 1)  // decoder/encoder buffer delay, low_delay_mode_flag
                }
                if initialDisplayDelayPresent, try reader.flag() {
                    try reader.skip(4)  // initial_display_delay_minus_1
                }
            }
            levelIndex = firstLevel
        }
        let widthBits = Int(try reader.bits(4)) &+ 1
        let heightBits = Int(try reader.bits(4)) &+ 1
        maxFrameWidth = Int(try reader.bits(widthBits)) &+ 1
        maxFrameHeight = Int(try reader.bits(heightBits)) &+ 1

        // Bit depth sits in color_config after several optional fields; only
        // the profile-dependent part is needed, so read up to it.
        if !reducedStillPictureHeader {
            if try reader.flag() {  // frame_id_numbers_present_flag
                try reader.skip(7)  // delta_frame_id_length_minus_2, additional_frame_id_length_minus_1
            }
        }
        try reader.skip(3)  // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
        if !reducedStillPictureHeader {
            try reader.skip(4)  // interintra, masked_compound, warped_motion, dual_filter
            let enableOrderHint = try reader.flag()
            if enableOrderHint {
                try reader.skip(2)  // jnt_comp, ref_frame_mvs
            }
            let chooseScreenContentTools = try reader.flag()
            var forceScreenContentTools: UInt32 = 2
            if !chooseScreenContentTools {
                forceScreenContentTools = try reader.bits(1)
            }
            if forceScreenContentTools > 0 {
                if !(try reader.flag()) {  // seq_choose_integer_mv
                    _ = try reader.bits(1)  // seq_force_integer_mv
                }
            }
            if enableOrderHint {
                try reader.skip(3)  // order_hint_bits_minus_1
            }
        }
        try reader.skip(3)  // enable_superres, enable_cdef, enable_restoration
        let highBitDepth = try reader.flag()
        if profile == 2 && highBitDepth {
            bitDepth = try reader.flag() ? 12 : 10
        } else {
            bitDepth = highBitDepth ? 10 : 8
        }
    }
}
