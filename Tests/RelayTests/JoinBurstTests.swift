import TestSupport
import Foundation
import Logging
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import XCTest

/// What players get at join and as the stream goes on: onMetaData always at
/// timestamp 0, and a join burst long enough for a real player to start.
final class JoinBurstTests: LoopbackServerTestCase {
    private func data(_ values: [AMF0Value]) -> ByteBuffer {
        var b = ByteBuffer()
        AMF0Encoder.encode(values, into: &b)
        return b
    }

    private func metadata(version: Double) -> ByteBuffer {
        data([.string("@setDataFrame"), .string("onMetaData"), .ecmaArray([
            AMF0Property(key: "width", value: .number(640)),
            AMF0Property(key: "version", value: .number(version)),
        ])])
    }

    /// The data messages a client received: (name, timestamp, version field).
    private func dataMessages(_ c: RTMPClient) -> [(name: String, timestamp: UInt32, version: Double?)] {
        c.messages.filter { $0.typeID == RTMPMessageType.dataAMF0 }.compactMap { m in
            guard let values = try? CommandMessage.parseData(m), let name = values.first?.stringValue, name != "|RtmpSampleAccess" else { return nil }
            return (name, m.timestamp, values.dropFirst().first?["version"]?.numberValue)
        }
    }

    func testEveryOnMetaDataReachesPlayersAtTimestampZeroAndOtherDataKeepsItsOwn() throws {
        try start()
        let early = try client()
        try early.play("meta")
        let pub = try client()
        try pub.publish("meta")
        let media = SyntheticMedia.stream(seconds: 3, gop: 30)
        for (i, m) in media.enumerated() {
            pub.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload)
            // Metadata three times, as GStreamer's flvmux and some encoders resend it.
            if i == 0 { pub.sendMedia(typeID: 18, timestamp: 0, payload: metadata(version: 1)) }
            if m.timestamp == 1000 && m.typeID == 9 { pub.sendMedia(typeID: 18, timestamp: 1000, payload: metadata(version: 2)) }
            if m.timestamp == 1500 && m.typeID == 9 {
                pub.sendMedia(typeID: 18, timestamp: 1500, payload: data([.string("onTextData"), .object([AMF0Property(key: "text", value: .string("hi"))])]))
            }
            if m.timestamp == 2000 && m.typeID == 9 { pub.sendMedia(typeID: 18, timestamp: 2000, payload: metadata(version: 3)) }
        }
        try early.wait(timeout: 5, for: "the whole stream") { ms in ms.contains { $0.typeID == 9 && $0.timestamp >= 2900 } }
        let seen = dataMessages(early)
        XCTAssertEqual(seen.filter { $0.name == "onMetaData" }.map(\.version), [1, 2, 3], "every update is relayed, without @setDataFrame")
        XCTAssertEqual(seen.filter { $0.name == "onMetaData" }.map(\.timestamp), [0, 0, 0], "ffmpeg reads onMetaData at any other timestamp as a subtitle packet")
        XCTAssertEqual(seen.filter { $0.name == "onTextData" }.map(\.timestamp), [1500], "other data keeps its timestamp")

        let late = try client()
        try late.play("meta")
        try late.wait(timeout: 5, for: "the burst") { ms in ms.contains { $0.typeID == 9 && $0.timestamp >= 2900 } }
        let lateSeen = dataMessages(late).filter { $0.name == "onMetaData" }
        XCTAssertEqual(lateSeen.map(\.version), [3], "a late joiner gets the latest metadata, once")
        XCTAssertEqual(lateSeen.map(\.timestamp), [0])
    }

    /// The video messages a late joiner gets at once, after the sequence header.
    private func joinBurstVideo(gop: Int, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> [RTMPMessage] {
        try start(configure)
        let pub = try client()
        try pub.publish("burst")
        let media = SyntheticMedia.stream(seconds: 4, gop: gop)
        for m in media { pub.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload) }
        let lastVideo = try XCTUnwrap(media.last { $0.typeID == 9 }).timestamp
        XCTAssertTrue(waitUntil(timeout: 5) { (self.server.snapshot().streams.first?.videoFrames ?? 0) >= 120 })
        let player = try client()
        try player.play("burst")
        try player.wait(timeout: 5, for: "the burst") { ms in ms.contains { $0.typeID == 9 && $0.timestamp == lastVideo } }
        let video = player.messages.filter { $0.typeID == 9 }
        XCTAssertEqual(video.first.flatMap { VideoTagInfo.parse($0.payload) }?.isSequenceHeader, true)
        return Array(video.dropFirst())
    }

    func testALateJoinerGetsEarlierGOPsUntilTheBurstIsLongEnoughToProbe() throws {
        // 0.5 s GOPs: the current one alone is 15 frames, far from enough.
        let video = try joinBurstVideo(gop: 15)
        XCTAssertEqual(video.first.flatMap { VideoTagInfo.parse($0.payload) }?.isKeyframe, true, "the burst starts on a keyframe")
        let span = (video.last?.timestamp ?? 0) &- (video.first?.timestamp ?? 0)
        XCTAssertGreaterThanOrEqual(span, GOPCache.defaultJoinBurstMilliseconds, "at least --join-burst-ms of media")
        XCTAssertGreaterThanOrEqual(video.count, 48, "enough frames for ffmpeg's probe")
        // The burst is the fewest GOPs that meet both minimums (48 frames
        // at 30 fps is 1.6 s): never a whole GOP more.
        XCTAssertLessThan(span, max(GOPCache.defaultJoinBurstMilliseconds, 1600) + 500, "no more than one GOP beyond what is needed")
        XCTAssertGreaterThan(video.filter { VideoTagInfo.parse($0.payload)?.isKeyframe == true }.count, 1, "several GOPs")
    }

    func testJoinBurstZeroSendsTheCurrentGOPOnly() throws {
        let video = try joinBurstVideo(gop: 15) { $0.gopLimits.joinBurstMilliseconds = 0 }
        XCTAssertEqual(video.first.flatMap { VideoTagInfo.parse($0.payload) }?.isKeyframe, true)
        XCTAssertEqual(video.filter { VideoTagInfo.parse($0.payload)?.isKeyframe == true }.count, 1, "one GOP")
        XCTAssertLessThanOrEqual(video.count, 15)
    }
}
