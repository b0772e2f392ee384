import NIOCore
import TestSupport
import XCTest

@testable import Media

/// Every track of a ManyTracks message is read, with its own configuration,
/// and a track that does not fit ends the list without a trap.
final class MultitrackTracksTests: XCTestCase {
    private typealias M = MultitrackFixtures

    func testManyTracksSequenceStartGivesEachTrackItsConfiguration() {
        // Keyframe, Multitrack; ManyTracks of SequenceStart; avc1 for all.
        let payload = [0x96, 0x10] + Array("avc1".utf8) + M.track(0, M.avcC640) + M.track(1, M.avcC320) + M.track(2, M.avcC320)
        let info = VideoTagInfo.parse(ByteBuffer(bytes: payload))
        XCTAssertEqual(info?.trackID, 0)
        XCTAssertEqual(info?.isSequenceHeader, true)
        XCTAssertEqual(CodecProbe.videoConfig(ByteBuffer(bytes: payload))?.width, 640, "the first track's")

        let later = CodecProbe.laterVideoTracks(ByteBuffer(bytes: payload))
        XCTAssertEqual(later.map(\.trackID), [1, 2])
        XCTAssertEqual(later.map { $0.videoConfig?.width }, [320, 320])
        XCTAssertEqual(later.map { $0.videoConfig?.height }, [180, 180])
        XCTAssertEqual(later.map(\.bytes), [4 + M.avcC320.count, 4 + M.avcC320.count], "id, size and body")
        XCTAssertEqual(later.map(\.videoCodec), [.avc, .avc])
    }

    func testManyTracksManyCodecsReadEachTracksFourCC() {
        let payload = [0x96, 0x21] + M.track(0, [0, 0, 0, 0x65], fourCC: "avc1") + M.track(3, [0x82, 0x49], fourCC: "vp09")
        XCTAssertEqual(VideoTagInfo.parse(ByteBuffer(bytes: payload))?.codec, .avc)
        let later = CodecProbe.laterVideoTracks(ByteBuffer(bytes: payload))
        XCTAssertEqual(later.map(\.trackID), [3])
        XCTAssertEqual(later.first?.videoCodec, .vp9)
        XCTAssertNil(later.first?.videoConfig, "coded frames carry no configuration record")
        XCTAssertEqual(later.first?.bytes, 4 + 1 + 3 + 2, "FourCC, id, size and body")
    }

    func testATrackThatDoesNotFitEndsTheList() {
        let whole = [0x96, 0x11] + Array("avc1".utf8) + M.track(0, [0, 0, 0, 0x65]) + M.track(1, [0, 0, 0, 0x41])
        // A third track whose size says more than the message holds.
        let lying = whole + [2, 0xFF, 0xFF, 0xFF, 0x41]
        XCTAssertEqual(CodecProbe.laterVideoTracks(ByteBuffer(bytes: lying)).map(\.trackID), [1])
        for cut in 0..<whole.count {
            _ = CodecProbe.laterVideoTracks(ByteBuffer(bytes: Array(whole.prefix(cut))))
        }
        XCTAssertEqual(CodecProbe.laterVideoTracks(ByteBuffer(bytes: Array(whole.dropLast()))), [], "the second track cut short")
    }

    func testMessagesWithOneTrackHaveNoLaterTracks() {
        let oneTrack: [UInt8] = [0x96, 0x01] + Array("hvc1".utf8) + [0x01, 0, 0, 0, 0xAA]
        XCTAssertEqual(CodecProbe.laterVideoTracks(ByteBuffer(bytes: oneTrack)), [])
        XCTAssertEqual(CodecProbe.laterVideoTracks(ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0, 0x65])), [])
        XCTAssertEqual(CodecProbe.laterAudioTracks(ByteBuffer(bytes: [0xAF, 0x01, 0x21])), [])
    }

    func testAudioManyTracksSequenceStart() {
        // SoundFormat 9 + Multitrack (5); ManyTracks of SequenceStart; mp4a.
        // AudioSpecificConfig: AAC LC 48 kHz stereo, then 44.1 kHz mono.
        let payload = [0x95, 0x10] + Array("mp4a".utf8) + M.track(0, [0x11, 0x90]) + M.track(1, [0x12, 0x08])
        XCTAssertEqual(AudioTagInfo.parse(ByteBuffer(bytes: payload))?.isSequenceHeader, true)
        XCTAssertEqual(CodecProbe.audioConfig(ByteBuffer(bytes: payload))?.sampleRate, 48000)
        let later = CodecProbe.laterAudioTracks(ByteBuffer(bytes: payload))
        XCTAssertEqual(later.map(\.trackID), [1])
        XCTAssertEqual(later.first?.audioConfig?.sampleRate, 44100)
        XCTAssertEqual(later.first?.audioConfig?.channels, 1)
    }
}

/// What a hostile ManyTracks message cannot do.
final class MultitrackTracksLimitTests: XCTestCase {
    private typealias M = MultitrackFixtures

    func testThousandsOfEmptyTracksAreReadOnlyUpToTheCap() {
        var payload = [0x96, 0x11] + Array("avc1".utf8) + M.track(0, [0, 0, 0, 0x65])
        for i in 0..<20_000 { payload += M.track(UInt8(truncatingIfNeeded: i), []) }
        let later = CodecProbe.laterVideoTracks(ByteBuffer(bytes: payload))
        XCTAssertEqual(later.count, CodecProbe.maxLaterTracks)
        XCTAssertEqual(VideoTagInfo.parse(ByteBuffer(bytes: payload))?.isManyTracks, true)
    }

    func testReservedMultitrackTypesAreNotRead() {
        for type: UInt8 in 3...15 {
            let payload = [0x96, type << 4 | 1] + Array("avc1".utf8) + M.track(0, [0, 0, 0, 0x65]) + M.track(1, [0, 0, 0, 0x65])
            XCTAssertNil(VideoTagInfo.parse(ByteBuffer(bytes: payload)), "type \(type)")
            XCTAssertEqual(CodecProbe.laterVideoTracks(ByteBuffer(bytes: payload)), [])
            let audio = [0x95, type << 4 | 1] + Array("mp4a".utf8) + M.track(0, [1]) + M.track(1, [1])
            XCTAssertNil(AudioTagInfo.parse(ByteBuffer(bytes: audio)), "audio type \(type)")
        }
    }

    func testOneTrackMessagesAreNotManyTracks() {
        XCTAssertEqual(VideoTagInfo.parse(ByteBuffer(bytes: M.oneTrack(1, keyframe: true, packetType: 1, [0, 0, 0, 0x65])))?.isManyTracks, false)
        XCTAssertEqual(VideoTagInfo.parse(ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0, 0x65]))?.isManyTracks, false)
    }

    func testLaterAC3TracksSayTheirConfigurationFromTheirFrames() throws {
        // An AC-3 sync frame header: 0x0B77, crc, fscod 0 (48 kHz) + frmsizecod, bsid 8 + bsmod, acmod 2 (stereo).
        let ac3: [UInt8] = [0x0B, 0x77, 0x00, 0x00, 0x14, 0x40, 0x40] + [UInt8](repeating: 0, count: 200)
        // SoundFormat 9 + Multitrack (5); ManyTracks of CodedFrames; ac-3.
        let payload = [0x95, 0x11] + Array("ac-3".utf8) + M.track(0, ac3) + M.track(1, ac3)
        let later = CodecProbe.laterAudioTracks(ByteBuffer(bytes: payload))
        XCTAssertEqual(later.map(\.trackID), [1])
        let config = try XCTUnwrap(later.first?.audioConfig)
        XCTAssertEqual(config.codec, .ac3)
        XCTAssertEqual(config.sampleRate, 48000)
        XCTAssertEqual(later.first?.bytes, 4 + ac3.count, "its whole share, though only its header was read")
    }
}
