import Foundation
import Logging
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import XCTest

/// A player that stops reading must not disturb the publisher or another
/// player; its drops are counted, whole GOPs at a time.
final class SlowPlayerTests: XCTestCase {
    func testAStalledPlayerDropsWhileAGoodPlayerGetsEverything() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { try? group.syncShutdownGracefully() }
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.eventLoopThreads = 2
        // Small caps so the test overflows a queue quickly: 1 s of GOP
        // cache, and a player queue of that plus its slack.
        config.gopLimits.maxDurationMilliseconds = 1000
        config.writeBufferHigh = 64 << 10
        config.writeBufferLow = 32 << 10
        let server = RTMPServer(configuration: config, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let port = try server.start().port ?? 0
        defer { server.shutdown() }

        var slowOptions = RTMPClient.Options()
        slowOptions.receiveBufferSize = 4096
        let slow = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group, options: slowOptions)
        try slow.play("bp")
        try slow.stopReading()
        let good = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try good.play("bp")

        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try publisher.publish("bp")
        // 40 s of 30 KB frames (~36 MB) at 10x real time: far more than
        // loopback buffers and the stalled player's queue hold, and a pace
        // the good player keeps up with.
        let messages = SyntheticMedia.stream(seconds: 40, gop: 30, videoFrameSize: 30_000)
        let start = Date()
        for m in messages {
            let due = Double(m.timestamp) / 1000 / 10
            let now = Date().timeIntervalSince(start)
            if due > now { Thread.sleep(forTimeInterval: due - now) }
            publisher.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload)
        }

        try good.wait(timeout: 30, for: "every message at the good player") { $0.filter { $0.typeID == 8 || $0.typeID == 9 }.count >= messages.count }
        let received = good.messages.filter { $0.typeID == 8 || $0.typeID == 9 }
        XCTAssertEqual(received.count, messages.count)
        XCTAssertEqual(received.map(\.payload), messages.map(\.payload), "the good player gets every payload in order")

        let snap = server.snapshot()
        let stream = try XCTUnwrap(snap.streams.first)
        let players = stream.players.sorted { $0.droppedVideo < $1.droppedVideo }
        XCTAssertEqual(players.count, 2)
        XCTAssertEqual(players[0].droppedVideo + players[0].droppedAudio, 0, "no drops for the good player")
        XCTAssertGreaterThan(players[1].droppedVideo, 0, "the stalled player's drops are counted")
        XCTAssertEqual(stream.droppedVideo, players[1].droppedVideo, "and added to the stream's count")
        XCTAssertLessThanOrEqual(players[1].queuedBytes, (24 << 20) + (8 << 20), "its queue stays bounded")

        // What the stalled player does get is whole GOPs: read it now and
        // check every video run after a gap starts with a keyframe.
        try slow.channel.setOption(.autoRead, value: true).wait()
        slow.channel.read()
        Thread.sleep(forTimeInterval: 1.5)
        var previous: UInt32?
        var sawGap = false
        let frameInterval: UInt32 = 1000 / 30 + 1
        for m in slow.messages where m.typeID == 9 {
            let isKey = m.payload.getInteger(at: m.payload.readerIndex, as: UInt8.self) == 0x17
            if let p = previous, m.timestamp &- p > frameInterval {
                sawGap = true
                XCTAssertTrue(isKey, "after a drop, video resumes on a keyframe (ts \(m.timestamp))")
            }
            previous = m.timestamp
        }
        let slowVideo = slow.messages.filter { $0.typeID == 9 }.count
        XCTAssertTrue(sawGap, "the stalled player must have lost frames (got \(slowVideo) video messages, \(players[1].droppedVideo) dropped)")
    }
}
