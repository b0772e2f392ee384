import Media
import NIOCore
import XCTest

/// HEVC and AV1 headers built bit by bit for syntax the installed encoders do
/// not emit: HEVC sub-layers, other chroma formats and profile fallbacks; AV1
/// timing/decoder-model info, several operating points and reduced still
/// picture headers.
final class CraftedVideoConfigTests: XCTestCase {
    struct HEVCParameters {
        var profileIDC: UInt64 = 2
        var compatibilityFlags: UInt64 = 0x2000_0000
        var levelIDC: UInt64 = 153
        var maxSubLayersMinus1 = 0
        var chromaFormat: UInt64 = 1
        var codedWidth: UInt64 = 1920
        var codedHeight: UInt64 = 1088
        var window: (left: UInt64, right: UInt64, top: UInt64, bottom: UInt64)?
        var bitDepthMinus8: UInt64 = 2
    }

    /// An HEVC SPS NAL unit (header + escaped RBSP) up to the bit depth fields.
    private func hevcSPS(_ parameters: HEVCParameters) -> [UInt8] {
        var writer = BitWriter()
        writer.write(0, bits: 4)  // sps_video_parameter_set_id
        writer.write(UInt64(parameters.maxSubLayersMinus1), bits: 3)
        writer.write(1, bits: 1)  // temporal_id_nesting
        writer.write(0, bits: 2)
        writer.write(0, bits: 1)
        writer.write(parameters.profileIDC, bits: 5)
        writer.write(parameters.compatibilityFlags, bits: 32)
        writer.write(0b1001 << 44, bits: 48)  // progressive, frame-only, then reserved zeros
        writer.write(parameters.levelIDC, bits: 8)
        for index in 0..<parameters.maxSubLayersMinus1 {
            writer.write(index == 0 ? 1 : 0, bits: 1)  // sub_layer_profile_present
            writer.write(1, bits: 1)  // sub_layer_level_present
        }
        if parameters.maxSubLayersMinus1 > 0 {
            for _ in parameters.maxSubLayersMinus1..<8 {
                writer.write(0, bits: 2)
            }
        }
        for index in 0..<parameters.maxSubLayersMinus1 {
            if index == 0 {
                writer.write(parameters.profileIDC << 32 | parameters.compatibilityFlags, bits: 40)
                writer.write(0, bits: 48)
            }
            writer.write(90, bits: 8)
        }
        writer.writeUE(0)  // sps_seq_parameter_set_id
        writer.writeUE(parameters.chromaFormat)
        if parameters.chromaFormat == 3 {
            writer.write(0, bits: 1)
        }
        writer.writeUE(parameters.codedWidth)
        writer.writeUE(parameters.codedHeight)
        if let window = parameters.window {
            writer.write(1, bits: 1)
            writer.writeUE(window.left)
            writer.writeUE(window.right)
            writer.writeUE(window.top)
            writer.writeUE(window.bottom)
        } else {
            writer.write(0, bits: 1)
        }
        writer.writeUE(parameters.bitDepthMinus8)
        writer.writeUE(parameters.bitDepthMinus8)
        writer.writeTrailingBits()
        return [33 << 1, 0x01] + BitWriter.escapeEmulation(writer.bytes)
    }

    private func hvcC(_ parameters: HEVCParameters, sps: [UInt8]) -> [UInt8] {
        var record: [UInt8] = [0x01, UInt8(parameters.profileIDC)]
        record += withUnsafeBytes(of: UInt32(parameters.compatibilityFlags).bigEndian, Array.init)
        record += [0x90, 0, 0, 0, 0, 0, UInt8(parameters.levelIDC), 0xF0, 0x00, 0xFC]
        record += [0xFC | UInt8(parameters.chromaFormat), 0xF8 | UInt8(parameters.bitDepthMinus8), 0xF8 | UInt8(parameters.bitDepthMinus8)]
        record += [0x00, 0x00, 0x0F, 0x01]  // avgFrameRate, flags, one array
        record += [0xA1, 0x00, 0x01, UInt8(sps.count >> 8), UInt8(sps.count & 0xFF)] + sps
        return record
    }

    private func probeHEVC(_ parameters: HEVCParameters) throws -> VideoConfig? {
        let sps = hevcSPS(parameters)
        let payload = MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "hvc1", body: hvcC(parameters, sps: sps))
        return CodecProbe.videoConfig(payload)
    }

    func testHEVCWithSubLayersAndEmulationPrevention() throws {
        var parameters = HEVCParameters()
        parameters.maxSubLayersMinus1 = 2
        parameters.window = (0, 0, 0, 4)
        let sps = hevcSPS(parameters)
        // The reserved zeros of profile_tier_level force escapes: without unescaping, every later field would be misread.
        XCTAssertTrue(sps.indices.dropLast(2).contains { sps[$0] == 0 && sps[$0 + 1] == 0 && sps[$0 + 2] == 3 })
        XCTAssertEqual(
            try probeHEVC(parameters),
            VideoConfig(codec: .hevc, profile: "Main 10", level: "5.1", width: 1920, height: 1080, bitDepth: 10)
        )
    }

    func testHEVCChromaFormatsScaleTheConformanceWindow() throws {
        let cases: [(chroma: UInt64, width: Int, height: Int)] = [(1, 1280 - 8, 720 - 4), (2, 1280 - 8, 720 - 2), (3, 1280 - 4, 720 - 2)]
        for testCase in cases {
            var parameters = HEVCParameters()
            parameters.profileIDC = 4
            parameters.compatibilityFlags = 0x0800_0000
            parameters.levelIDC = 93
            parameters.chromaFormat = testCase.chroma
            parameters.codedWidth = 1280
            parameters.codedHeight = 720
            parameters.window = (1, 3, 1, 1)
            parameters.bitDepthMinus8 = 0
            XCTAssertEqual(
                try probeHEVC(parameters),
                VideoConfig(
                    codec: .hevc, profile: "Range Extensions", level: "3.1",
                    width: testCase.width, height: testCase.height, bitDepth: 8
                ),
                "chroma_format_idc \(testCase.chroma)"
            )
        }
    }

    func testHEVCProfileFromCompatibilityFlagsWhenIDCIsZero() throws {
        var parameters = HEVCParameters()
        parameters.profileIDC = 0
        parameters.compatibilityFlags = 0x4000_0000  // Main
        parameters.levelIDC = 120
        parameters.bitDepthMinus8 = 0
        XCTAssertEqual(try probeHEVC(parameters)?.profile, "Main")
        XCTAssertEqual(try probeHEVC(parameters)?.level, "4")
    }

    func testHEVCSPSThatCropsEverythingAwayHasNoSize() throws {
        var parameters = HEVCParameters()
        parameters.codedWidth = 64
        parameters.window = (16, 16, 0, 0)
        let config = try XCTUnwrap(try probeHEVC(parameters))
        XCTAssertNil(config.width)
        XCTAssertNil(config.height)
        XCTAssertEqual(config.profile, "Main 10")
    }

    // MARK: AV1

    private func av1C(profile: UInt8, level: UInt8, flags: UInt8 = 0x0C, obus: [UInt8]) -> [UInt8] {
        [0x81, profile << 5 | level, flags, 0x00] + obus
    }

    private func obu(type: UInt8, payload: [UInt8], withSize: Bool = true, extensionByte: UInt8? = nil) -> [UInt8] {
        var header = type << 3
        if extensionByte != nil { header |= 0x04 }
        if withSize { header |= 0x02 }
        var bytes = [header]
        if let extensionByte { bytes.append(extensionByte) }
        if withSize {
            var size = payload.count
            repeat {
                var byte = UInt8(size & 0x7F)
                size >>= 7
                if size > 0 { byte |= 0x80 }
                bytes.append(byte)
            } while size > 0
        }
        return bytes + payload
    }

    private func fullSequenceHeader() -> [UInt8] {
        var writer = BitWriter()
        writer.write(0, bits: 3)  // seq_profile
        writer.write(0, bits: 1)  // still_picture
        writer.write(0, bits: 1)  // reduced_still_picture_header
        writer.write(1, bits: 1)  // timing_info_present_flag
        writer.write(1001, bits: 32)
        writer.write(60000, bits: 32)
        writer.write(1, bits: 1)  // equal_picture_interval
        writer.writeUVLC(0)
        writer.write(1, bits: 1)  // decoder_model_info_present_flag
        writer.write(9, bits: 5)  // buffer_delay_length_minus_1 -> 10-bit delays
        writer.write(1001, bits: 32)
        writer.write(31, bits: 5)
        writer.write(31, bits: 5)
        writer.write(1, bits: 1)  // initial_display_delay_present_flag
        writer.write(1, bits: 5)  // two operating points
        writer.write(0x103, bits: 12)
        writer.write(9, bits: 5)  // level 4.1
        writer.write(0, bits: 1)  // seq_tier
        writer.write(1, bits: 1)  // decoder_model_present_for_this_op
        writer.write(123, bits: 10)
        writer.write(456, bits: 10)
        writer.write(0, bits: 1)
        writer.write(1, bits: 1)  // initial_display_delay_present_for_this_op
        writer.write(9, bits: 4)
        writer.write(0x101, bits: 12)
        writer.write(5, bits: 5)
        writer.write(0, bits: 1)
        writer.write(0, bits: 1)
        writer.write(10, bits: 4)  // frame_width_bits_minus_1
        writer.write(10, bits: 4)
        writer.write(1919, bits: 11)
        writer.write(1079, bits: 11)
        writer.write(0, bits: 1)  // frame_id_numbers_present_flag
        writer.write(0, bits: 3)
        writer.write(0, bits: 4)
        writer.write(1, bits: 1)  // enable_order_hint
        writer.write(0, bits: 2)
        writer.write(1, bits: 1)  // seq_choose_screen_content_tools
        writer.write(1, bits: 1)  // seq_choose_integer_mv
        writer.write(6, bits: 3)  // order_hint_bits_minus_1
        writer.write(0b011, bits: 3)
        writer.write(1, bits: 1)  // high_bitdepth
        writer.write(0, bits: 6)
        writer.writeTrailingBits()
        return writer.bytes
    }

    func testAV1SequenceHeaderWithTimingDecoderModelAndOperatingPoints() {
        let temporalDelimiter = obu(type: 2, payload: [])
        let record = av1C(profile: 0, level: 9, obus: temporalDelimiter + obu(type: 1, payload: fullSequenceHeader()))
        let payload = MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "av01", body: record)
        XCTAssertEqual(
            CodecProbe.videoConfig(payload),
            VideoConfig(codec: .av1, profile: "Main", level: "4.1", width: 1920, height: 1080, bitDepth: 10)
        )
        // Same OBU with an extension byte, and as the last OBU without a size field.
        for variant in [obu(type: 1, payload: fullSequenceHeader(), extensionByte: 0x08),
                        obu(type: 1, payload: fullSequenceHeader(), withSize: false)] {
            let other = MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "av01", body: av1C(profile: 0, level: 9, obus: variant))
            XCTAssertEqual(CodecProbe.videoConfig(other)?.width, 1920)
        }
    }

    func testConfigurationInsideModExAndMultitrackWrappers() {
        let record = av1C(profile: 0, level: 9, obus: obu(type: 1, payload: fullSequenceHeader()))
        let expected = VideoConfig(codec: .av1, profile: "Main", level: "4.1", width: 1920, height: 1080, bitDepth: 10)
        let fourCC = Array("av01".utf8)
        // ModEx (3-byte nanosecond offset) then SequenceStart.
        let modEx: [UInt8] = [0x97, 0x02, 0x00, 0x00, 0x10, 0x00] + fourCC + record
        XCTAssertEqual(CodecProbe.videoConfig(ByteBuffer(bytes: modEx)), expected)
        // Multitrack OneTrack: no track size, the record runs to the end.
        let oneTrack: [UInt8] = [0x96, 0x00] + fourCC + [0x00] + record
        XCTAssertEqual(CodecProbe.videoConfig(ByteBuffer(bytes: oneTrack)), expected)
        // ManyTracksManyCodecs: the first track's record is bounded by its size, the second track ignored.
        let size = [UInt8(record.count >> 16), UInt8(record.count >> 8 & 0xFF), UInt8(record.count & 0xFF)]
        let manyCodecs: [UInt8] = [0x96, 0x20] + fourCC + [0x00] + size + record + Array("vp09".utf8) + [0x01, 0x00, 0x00, 0x00]
        XCTAssertEqual(CodecProbe.videoConfig(ByteBuffer(bytes: manyCodecs)), expected)
        // Coded frames in the same wrappers are not configuration.
        XCTAssertNil(CodecProbe.videoConfig(ByteBuffer(bytes: [0x96, 0x01] + fourCC + [0x00] + record)))
    }

    func testAV1ReducedStillPictureHeader() {
        var writer = BitWriter()
        writer.write(1, bits: 3)  // High profile
        writer.write(1, bits: 1)  // still_picture
        writer.write(1, bits: 1)  // reduced_still_picture_header
        writer.write(5, bits: 5)  // seq_level_idx 3.1
        writer.write(9, bits: 4)
        writer.write(8, bits: 4)
        writer.write(639, bits: 10)
        writer.write(479, bits: 9)
        writer.write(0, bits: 3)
        writer.write(0, bits: 3)
        writer.write(0, bits: 1)  // high_bitdepth
        writer.writeTrailingBits()
        let record = av1C(profile: 1, level: 5, flags: 0, obus: obu(type: 1, payload: writer.bytes))
        XCTAssertEqual(
            CodecProbe.videoConfig(MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "av01", body: record)),
            VideoConfig(codec: .av1, profile: "High", level: "3.1", width: 640, height: 480, bitDepth: 8)
        )
    }

    func testAV1MalformedConfigOBUsAreRejected() {
        let sequence = obu(type: 1, payload: fullSequenceHeader())
        let cases: [[UInt8]] = [
            av1C(profile: 0, level: 9, obus: [0x8A] + Array(sequence.dropFirst())),  // forbidden bit
            av1C(profile: 0, level: 9, obus: [0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),  // leb128 > 8 bytes
            av1C(profile: 0, level: 9, obus: [0x0A, 0x7F, 0x00]),  // size beyond the record
            [0x01, 0x09, 0x0C, 0x00] + sequence,  // marker bit clear
        ]
        for (index, record) in cases.enumerated() {
            XCTAssertNil(
                CodecProbe.videoConfig(MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "av01", body: record)),
                "case \(index)"
            )
        }
    }
}
