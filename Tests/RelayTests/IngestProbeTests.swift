import Media
import NIOCore
import RTMP
@testable import Relay
import XCTest

/// The probe parses what can still change the stream's figures, and only that.
final class IngestProbeTests: XCTestCase {
    func testSequenceHeadersAreAlwaysParsedOtherConfigurationOnlyWhenWanted() {
        let aacHeader = SyntheticMedia.audioSequenceHeader()
        let seq = IngestProbe(typeID: RTMPMessageType.audio, payload: aacHeader, wants: [])
        XCTAssertTrue(seq.isSequenceHeader)
        XCTAssertEqual(seq.audioConfig?.codec, .aac, "an AAC sequence header is parsed even when nothing is wanted")

        // Legacy MP3-style flags: 0x2F = MP3, 44 kHz, 16-bit, stereo (config from flags only).
        let legacy = ByteBuffer(bytes: [0x2F, 0xFF, 0xFB, 0x90, 0x00])
        XCTAssertNil(IngestProbe(typeID: RTMPMessageType.audio, payload: legacy, wants: []).audioConfig,
                     "not parsed once the stream knows its audio")
        XCTAssertNotNil(IngestProbe(typeID: RTMPMessageType.audio, payload: legacy, wants: .audioConfig).audioConfig)

        let avcHeader = SyntheticMedia.videoSequenceHeader()
        let video = IngestProbe(typeID: RTMPMessageType.video, payload: avcHeader, wants: [])
        XCTAssertTrue(video.isSequenceHeader)
        XCTAssertEqual(video.videoCodec, .avc)
        let key = IngestProbe(typeID: RTMPMessageType.video, payload: SyntheticMedia.video(keyframe: true, size: 10, seed: 1), wants: .all)
        XCTAssertTrue(key.isKeyframe)
        XCTAssertFalse(key.isSequenceHeader)
        XCTAssertNil(key.frameSize, "only VP8/VP9 keyframes carry a size")
    }

    func testStatsWantAudioUntilKnownAndFrameSizeUntilThePictureHasOne() {
        var stats = StreamStats()
        XCTAssertEqual(stats.probeWants, .all)
        let header = SyntheticMedia.audioSequenceHeader()
        let probe = IngestProbe(typeID: RTMPMessageType.audio, payload: header, wants: stats.probeWants)
        _ = stats.observe(MediaFrame.media(typeID: RTMPMessageType.audio, timestamp: 0, payload: header), probe: probe, publisherTimestamp: 0, arrival: 1)
        XCTAssertFalse(stats.probeWants.contains(.audioConfig))
        XCTAssertTrue(stats.probeWants.contains(.frameSize))
        stats.resetForPublisher()
        XCTAssertEqual(stats.probeWants, .all, "a new publisher may send anything")
    }
}
