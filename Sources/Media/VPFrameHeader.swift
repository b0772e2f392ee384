/// Frame sizes from the uncompressed headers of VP8 and VP9 key frames: the
/// only place those codecs put the picture size, since their configuration
/// records do not.
enum VPFrameHeader {
    /// VP9 uncompressed_header() (VP9 bitstream spec 6.2) up to frame_size().
    /// Nil for non-key frames, show-existing frames and malformed input.
    static func vp9KeyFrameSize(_ frame: [UInt8]) -> (width: Int, height: Int)? {
        var reader = BitReader(frame)
        do throws(BitstreamError) {
            guard try reader.bits(2) == 2 else { return nil }  // frame_marker
            let profileLow = try reader.bits(1)
            let profileHigh = try reader.bits(1)
            let profile = profileHigh << 1 | profileLow
            if profile == 3 {
                _ = try reader.bits(1)  // reserved_zero
            }
            guard try reader.bits(1) == 0 else { return nil }  // show_existing_frame
            guard try reader.bits(1) == 0 else { return nil }  // frame_type: 0 is KEY_FRAME
            try reader.skip(2)  // show_frame, error_resilient_mode
            guard try reader.bits(24) == 0x49_83_42 else { return nil }  // frame_sync_code
            // color_config()
            if profile >= 2 {
                _ = try reader.bits(1)  // ten_or_twelve_bit
            }
            let colorSpaceRGB: UInt32 = 7
            if try reader.bits(3) != colorSpaceRGB {
                _ = try reader.bits(1)  // color_range
                if profile == 1 || profile == 3 {
                    try reader.skip(3)  // subsampling_x, subsampling_y, reserved_zero
                }
            } else if profile == 1 || profile == 3 {
                _ = try reader.bits(1)  // reserved_zero
            }
            let width = Int(try reader.bits(16)) &+ 1
            let height = Int(try reader.bits(16)) &+ 1
            return (width, height)
        } catch {
            return nil
        }
    }

    /// VP8 key frame header (RFC 6386 9.1): 3-byte frame tag, start code
    /// 9d 01 2a, then 14-bit little-endian width and height (top 2 bits are scaling).
    static func vp8KeyFrameSize(_ frame: [UInt8]) -> (width: Int, height: Int)? {
        guard frame.count >= 10, frame[0] & 0x01 == 0,
              frame[3] == 0x9D, frame[4] == 0x01, frame[5] == 0x2A
        else { return nil }
        let width = (Int(frame[7]) << 8 | Int(frame[6])) & 0x3FFF
        let height = (Int(frame[9]) << 8 | Int(frame[8])) & 0x3FFF
        guard width > 0, height > 0 else { return nil }
        return (width, height)
    }
}
