import Media
import NIOCore
import XCTest

/// Hand-built video headers for the cases real files do not cover: legacy
/// codec ids, command frames, and the Enhanced RTMP v2 Metadata, ModEx and
/// Multitrack wrappers.
final class VideoTagInfoTests: XCTestCase {
    private func parse(_ bytes: [UInt8]) -> VideoTagInfo? {
        VideoTagInfo.parse(ByteBuffer(bytes: bytes))
    }

    func testEmptyPayloadIsNil() {
        XCTAssertNil(parse([]))
    }

    func testLegacyAVC() {
        XCTAssertEqual(
            parse([0x17, 0x00, 0, 0, 0]),
            VideoTagInfo(codec: .avc, frameType: 1, isEnhanced: false, isSequenceHeader: true, isKeyframe: false, packetType: 0)
        )
        XCTAssertEqual(
            parse([0x17, 0x01, 0, 0, 0, 0xAA]),
            VideoTagInfo(codec: .avc, frameType: 1, isEnhanced: false, isSequenceHeader: false, isKeyframe: true, packetType: 1)
        )
        XCTAssertEqual(parse([0x27, 0x01])?.isKeyframe, false)
        XCTAssertEqual(parse([0x27, 0x01])?.frameType, 2)
        XCTAssertEqual(
            parse([0x17, 0x02, 0, 0, 0]),
            VideoTagInfo(
                codec: .avc, frameType: 1, isEnhanced: false, isSequenceHeader: false, isKeyframe: false,
                packetType: 2, isSequenceEnd: true
            )
        )
        // Without the packet type byte nobody can tell a sequence header from a picture.
        XCTAssertNil(parse([0x17]))
        XCTAssertNil(parse([0x1C]))
    }

    func testLegacyCodecIDs() {
        let expected: [UInt8: VideoCodec] = [
            2: .sorensonH263, 3: .screenVideo, 4: .vp6, 5: .vp6Alpha, 6: .screenVideo2, 7: .avc, 12: .hevc,
            0: .unknown(0), 13: .unknown(13), 15: .unknown(15),
        ]
        for (codecID, codec) in expected {
            let info = parse([0x10 | codecID, 0x01])
            XCTAssertEqual(info?.codec, codec, "codec id \(codecID)")
            XCTAssertEqual(info?.isKeyframe, true, "codec id \(codecID)")
            XCTAssertEqual(info?.isEnhanced, false)
        }
        XCTAssertEqual(parse([0x22])?.isKeyframe, false)
        XCTAssertEqual(parse([0x32])?.frameType, 3)
    }

    func testLegacyCommandFramesAreNeverKeyframes() {
        for codecID: UInt8 in [2, 7, 12] {
            let info = parse([0x50 | codecID, 0x00])
            XCTAssertEqual(info?.frameType, 5)
            XCTAssertEqual(info?.isKeyframe, false)
            XCTAssertEqual(info?.isSequenceHeader, false)
            XCTAssertNil(info?.packetType)
        }
        XCTAssertNil(parse([0x57]))
    }

    func testEnhancedPacketTypes() {
        let hevc = Array("hvc1".utf8)
        XCTAssertEqual(
            parse([0x90] + hevc + [1, 2, 3]),
            VideoTagInfo(codec: .hevc, frameType: 1, isEnhanced: true, isSequenceHeader: true, isKeyframe: false, packetType: 0)
        )
        XCTAssertEqual(
            parse([0x91] + hevc + [0, 0, 0, 9]),
            VideoTagInfo(codec: .hevc, frameType: 1, isEnhanced: true, isSequenceHeader: false, isKeyframe: true, packetType: 1)
        )
        XCTAssertEqual(parse([0x93] + hevc + [9])?.isKeyframe, true)  // CodedFramesX
        XCTAssertEqual(parse([0xA1] + hevc + [9])?.isKeyframe, false)
        XCTAssertEqual(parse([0xA3] + hevc)?.frameType, 2)
        XCTAssertEqual(parse([0x92] + hevc)?.isSequenceEnd, true)
        XCTAssertEqual(parse([0x92] + hevc)?.isKeyframe, false)
        // Metadata ignores the frame type, so a "key" metadata frame is no key frame.
        XCTAssertEqual(parse([0x94] + hevc + [0x02])?.isKeyframe, false)
        XCTAssertEqual(parse([0x94] + hevc + [0x02])?.isSequenceHeader, false)
        // MPEG2TSSequenceStart is configuration too.
        XCTAssertEqual(parse([0x95] + Array("av01".utf8))?.isSequenceHeader, true)
        // Generated key frames (4) are not counted as key frames.
        XCTAssertEqual(parse([0xC1] + hevc + [9])?.isKeyframe, false)

        XCTAssertEqual(parse([0x91] + Array("avc1".utf8))?.codec, .avc)
        XCTAssertEqual(parse([0x91] + Array("av01".utf8))?.codec, .av1)
        XCTAssertEqual(parse([0x91] + Array("vp09".utf8))?.codec, .vp9)
        XCTAssertEqual(parse([0x91] + Array("vp08".utf8))?.codec, .vp8)
        XCTAssertEqual(parse([0x91] + Array("xyz1".utf8))?.codec, .unknown(0x7879_7A31))
    }

    func testEnhancedHeaderTruncatedInsideFourCCIsNil() {
        for length in 1..<5 {
            XCTAssertNil(parse(Array(([0x91] + Array("hvc1".utf8)).prefix(length))), "length \(length)")
        }
    }

    func testEnhancedCommandFrameHasNoFourCC() {
        // 0xD1: frame type 5 (command), packet type 1; then the VideoCommand byte and nothing else.
        let info = parse([0xD1, 0x00])
        XCTAssertEqual(info?.frameType, 5)
        XCTAssertEqual(info?.isKeyframe, false)
        XCTAssertEqual(info?.isSequenceHeader, false)
        XCTAssertEqual(info?.codec, .unknown(0))
        XCTAssertNil(parse([0xD1]))
        // With Metadata the frame type is ignored and the FourCC is present.
        XCTAssertEqual(parse([0xD4] + Array("av01".utf8))?.codec, .av1)
    }

    func testModExIsSkippedToTheRealPacketType() {
        let av1 = Array("av01".utf8)
        // 0x97: key frame, ModEx; size-1 = 2 (3 bytes of nanosecond offset); then TimestampOffsetNano(0) << 4 | CodedFrames.
        let modEx: [UInt8] = [0x97, 0x02, 0x01, 0x02, 0x03, 0x01]
        XCTAssertEqual(
            parse(modEx + av1 + [0xAA]),
            VideoTagInfo(codec: .av1, frameType: 1, isEnhanced: true, isSequenceHeader: false, isKeyframe: true, packetType: 1)
        )
        // Two ModEx blocks in a row, the second with the 16-bit size form (0xFF then UI16 size-1 = 299).
        let wide: [UInt8] = [0xFF, 0x01, 0x2B] + [UInt8](repeating: 7, count: 300) + [0x00]
        let chained = [0x97, 0x00, 0x09, 0x07] + wide + av1
        XCTAssertEqual(parse(chained)?.isSequenceHeader, true)
        XCTAssertEqual(parse(chained)?.codec, .av1)
        // Every cut inside the ModEx blocks or FourCC is truncation.
        for length in 1..<chained.count {
            XCTAssertNil(parse(Array(chained.prefix(length))), "length \(length)")
        }
    }

    func testMultitrack() {
        // OneTrack: multitrack type 0, packet type CodedFrames, shared FourCC, track id, body.
        let oneTrack: [UInt8] = [0x96, 0x01] + Array("hvc1".utf8) + [0x00, 0, 0, 0, 0xAA]
        XCTAssertEqual(
            parse(oneTrack),
            VideoTagInfo(
                codec: .hevc, frameType: 1, isEnhanced: true, isSequenceHeader: false, isKeyframe: true,
                packetType: 1, isMultitrack: true
            )
        )
        // ManyTracks: shared FourCC, then per track id + UI24 size.
        let manyTracks: [UInt8] = [0xA6, 0x11] + Array("av01".utf8) + [0x00, 0x00, 0x00, 0x02, 0xAA, 0xBB, 0x01, 0x00, 0x00, 0x01, 0xCC]
        XCTAssertEqual(parse(manyTracks)?.codec, .av1)
        XCTAssertEqual(parse(manyTracks)?.frameType, 2)
        XCTAssertEqual(parse(manyTracks)?.isMultitrack, true)
        // ManyTracksManyCodecs: FourCC per track; the first track describes the message.
        let manyCodecs: [UInt8] = [0x96, 0x20] + Array("vp09".utf8) + [0x00, 0x00, 0x00, 0x01, 0x42]
        XCTAssertEqual(parse(manyCodecs)?.codec, .vp9)
        XCTAssertEqual(parse(manyCodecs)?.isSequenceHeader, true)
        // A track size larger than what follows is truncation.
        XCTAssertNil(parse([0x96, 0x11] + Array("av01".utf8) + [0x00, 0x00, 0x00, 0x09, 0xAA]))
        // Multitrack inside multitrack is forbidden.
        XCTAssertNil(parse([0x96, 0x06] + Array("av01".utf8) + [0x00]))
        for length in 1..<12 {  // 12 bytes reach the end of the first track
            let info = parse(Array(manyTracks.prefix(length)))
            XCTAssertNil(info, "length \(length)")
        }
    }

    func testDisplayNames() {
        XCTAssertEqual(VideoCodec.avc.displayName, "H.264")
        XCTAssertEqual(VideoCodec.hevc.displayName, "HEVC")
        XCTAssertEqual(VideoCodec.av1.displayName, "AV1")
        XCTAssertEqual(VideoCodec.vp9.displayName, "VP9")
        XCTAssertEqual(VideoCodec.vp8.displayName, "VP8")
        XCTAssertEqual(VideoCodec.sorensonH263.displayName, "Sorenson H.263")
        XCTAssertEqual(VideoCodec.unknown(0x7879_7A31).displayName, "Unknown (xyz1)")
        XCTAssertEqual(VideoCodec.unknown(13).displayName, "Unknown (13)")
        XCTAssertEqual(VideoCodec(fourCC: 0x6876_6331), .hevc)
        XCTAssertEqual(VideoCodec.hevc.fourCC, 0x6876_6331)
        XCTAssertNil(VideoCodec.vp6.fourCC)
    }
}

final class EnhancedRTMPCodecsTests: XCTestCase {
    func testTheFourCcListIsWhatTheCodecTablesMapBack() {
        XCTAssertEqual(EnhancedRTMPCodecs.fourCcList, ["avc1", "hvc1", "av01", "vp09", "vp08", "Opus", "fLaC", "ac-3", "ec-3", "mp4a", ".mp3"])
        for text in EnhancedRTMPCodecs.fourCcList {
            let value = text.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let known = EnhancedRTMPCodecs.video.contains(VideoCodec(fourCC: value)) || EnhancedRTMPCodecs.audio.contains(AudioCodec(fourCC: value))
            XCTAssertTrue(known, "\(text) maps back to a known codec")
        }
    }
}
