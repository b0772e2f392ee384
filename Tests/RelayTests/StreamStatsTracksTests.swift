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

    private func feed(_ stats: inout StreamStats, _ payload: [UInt8], timestamp: UInt32) {
        let buffer = ByteBuffer(bytes: payload)
        let probe = IngestProbe(typeID: RTMPMessageType.video, payload: buffer, wants: stats.probeWants)
        let frame = MediaFrame.media(typeID: RTMPMessageType.video, timestamp: timestamp, payload: buffer, probe: probe, wire: nil)
        _ = stats.observe(frame, probe: probe, publisherTimestamp: timestamp, arrival: UInt64(timestamp) * 1_000_000 + 1)
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
}
