import Media
import NIOCore
import RTMP
import TestSupport
@testable import Relay
import XCTest

/// A ManyTracks message's tracks are each listed, with the codec and size of
/// their own sequence start and their share of the bytes.
final class StreamStatsTracksTests: XCTestCase {
    private typealias M = MultitrackFixtures

    @discardableResult
    private func feed(_ stats: inout StreamStats, _ payload: [UInt8], timestamp: UInt32) -> MediaFrame {
        let buffer = ByteBuffer(bytes: payload)
        var probe = IngestProbe(typeID: RTMPMessageType.video, payload: buffer, wants: stats.probeWants)
        stats.settleTrack(&probe, messageBytes: buffer.readableBytes)
        let frame = MediaFrame.media(typeID: RTMPMessageType.video, timestamp: timestamp, payload: buffer, probe: probe, wire: nil)
        _ = stats.observe(frame, probe: probe, publisherTimestamp: timestamp, arrival: UInt64(timestamp) * 1_000_000 + 1)
        return frame
    }

    func testEveryTrackOfAManyTracksMessageIsListed() {
        var stats = StreamStats()
        let header = [0x96, 0x10] + Array("avc1".utf8) + M.track(0, M.avcC640) + M.track(1, M.avcC320)
        feed(&stats, header, timestamp: 0)
        let big = [UInt8](repeating: 0x11, count: 1000), small = [UInt8](repeating: 0x22, count: 250)
        let frame = [0x96, 0x11] + Array("avc1".utf8) + M.track(0, [0, 0, 0] + big) + M.track(1, [0, 0, 0] + small)
        feed(&stats, frame, timestamp: 33)

        let tracks = stats.tracks()
        XCTAssertEqual(tracks.map(\.id), [0, 1])
        XCTAssertEqual(tracks.map { $0.video?.width }, [640, 320])
        XCTAssertEqual(tracks.map { $0.video?.height }, [360, 180])
        XCTAssertEqual(tracks[1].bytesIn, UInt64(2 * 4 + M.avcC320.count + 3 + small.count), "track 1's share of both messages")
        XCTAssertEqual(tracks[0].bytesIn + tracks[1].bytesIn, UInt64(header.count + frame.count), "the rest is track 0's")
        XCTAssertEqual(stats.video?.width, 640, "the stream's figures are the default track's")
    }

    func testALaterTrackZeroIsTheDefaultTracksAndNotListedTwice() {
        var stats = StreamStats()
        // The first track is 1 and track 0 comes second.
        let m = [0x96, 0x10] + Array("avc1".utf8) + M.track(1, M.avcC320) + M.track(0, M.avcC640)
        feed(&stats, m, timestamp: 0)
        XCTAssertEqual(stats.tracks().map(\.id), [0, 1])
        XCTAssertEqual(stats.tracks().last?.video?.width, 320)
    }

    func testWithoutATrackZeroTheLowestTrackIsTheDefault() {
        var stats = StreamStats()
        feed(&stats, M.oneTrack(2, keyframe: true, packetType: 0, M.avcC320), timestamp: 0)
        feed(&stats, M.oneTrack(1, keyframe: true, packetType: 0, M.avcC640), timestamp: 0)
        var keyframes: [Bool] = []
        for i in 0..<4 {
            keyframes.append(feed(&stats, M.oneTrack(1, keyframe: i % 2 == 0, packetType: 1, [0, 0, 0, 0x65]), timestamp: UInt32(i * 33)).isKeyframe)
            keyframes.append(feed(&stats, M.oneTrack(2, keyframe: i % 2 == 0, packetType: 1, [0, 0, 0, 0x65]), timestamp: UInt32(i * 33)).isKeyframe)
        }
        XCTAssertEqual(keyframes, [true, false, false, false, true, false, false, false], "only track 1's keyframes start a GOP")
        XCTAssertEqual(stats.keyframes, 2)
        XCTAssertEqual(stats.videoFrames, 6, "the default track's messages: track 1's 4 frames and sequence start, and track 2's sequence start from while it was the default")
        XCTAssertEqual(stats.video?.width, 640, "the figures are track 1's")
        XCTAssertEqual(stats.tracks().map(\.id), [1, 2])
        XCTAssertEqual(stats.tracks().map { $0.video?.width }, [640, 320], "track 2, the default until track 1 came, kept its own codec")
    }

    func testAManyTracksMessageCarryingTheDefaultTrackSecondIsItsKeyframe() {
        var stats = StreamStats()
        // Track 0 only as the second track of ManyTracks messages.
        let header = [0x96, 0x10] + Array("avc1".utf8) + M.track(1, M.avcC320) + M.track(0, M.avcC640)
        let headerFrame = feed(&stats, header, timestamp: 0)
        XCTAssertEqual(headerFrame.track, 0, "described by the default track")
        let key = feed(&stats, [0x96, 0x11] + Array("avc1".utf8) + M.track(1, [0, 0, 0, 1]) + M.track(0, [0, 0, 0, 2]), timestamp: 0)
        XCTAssertTrue(key.isKeyframe)
        XCTAssertEqual(stats.video?.width, 640)
        XCTAssertEqual(stats.tracks().map { $0.video?.width }, [640, 320])
        XCTAssertEqual(stats.tracks().reduce(0) { $0 + $1.bytesIn }, UInt64(header.count + key.size))
    }
}

/// A publisher inventing track ids cannot grow a stream's track table past its cap.
final class StreamStatsTrackLimitTests: XCTestCase {
    func testDescendingTrackIdsDemoteNoMoreThanTheCap() {
        var stats = StreamStats()
        var total = 0
        for id in stride(from: 255, through: 0, by: -1) {
            let payload = ByteBuffer(bytes: MultitrackFixtures.oneTrack(UInt8(id), keyframe: true, packetType: 1, [0, 0, 0, 0x65]))
            total += payload.readableBytes
            var probe = IngestProbe(typeID: RTMPMessageType.video, payload: payload, wants: stats.probeWants)
            stats.settleTrack(&probe, messageBytes: payload.readableBytes)
            let frame = MediaFrame.media(typeID: RTMPMessageType.video, timestamp: 0, payload: payload, probe: probe, wire: nil)
            _ = stats.observe(frame, probe: probe, publisherTimestamp: 0, arrival: 1)
        }
        let tracks = stats.tracks()
        XCTAssertEqual(tracks.count, 1 + StreamStats.maxExtraTracks, "the default and the capped extras")
        XCTAssertEqual(tracks.first?.id, 0, "the lowest is the default")
        XCTAssertEqual(tracks.reduce(0) { $0 + $1.bytesIn }, UInt64(total), "every byte still counted once")
    }
}
