import Foundation
import Logging
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import XCTest

/// Streams with one kind of media only: relayed, detected and joined late
/// like any other.
final class AudioOnlyVideoOnlyTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var server: RTMPServer!
    var port = 0

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.eventLoopThreads = 2
        server = RTMPServer(configuration: config, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        port = try server.start().port ?? 0
    }

    override func tearDown() {
        server?.shutdown()
        try? group?.syncShutdownGracefully()
    }

    private func run(keeping typeID: UInt8) throws -> (early: RTMPClient, late: RTMPClient, sent: [SyntheticMedia.Message]) {
        let messages = SyntheticMedia.stream(seconds: 3).filter { $0.typeID == typeID }
        let early = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try early.play("one")
        let pub = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try pub.publish("one")
        let half = messages.count / 2 + 5
        for m in messages[..<half] { pub.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload) }
        try early.wait(timeout: 5, for: "first half") { $0.filter { $0.typeID == typeID }.count >= half }
        let late = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try late.play("one")
        for m in messages[half...] { pub.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload) }
        try early.wait(timeout: 5, for: "everything") { $0.filter { $0.typeID == typeID }.count >= messages.count }
        try late.wait(timeout: 5, for: "the rest") { $0.filter { $0.typeID == typeID }.last?.timestamp == messages.last?.timestamp }
        XCTAssertEqual(early.messages.filter { $0.typeID == typeID }.map(\.payload), messages.map(\.payload))
        return (early, late, messages)
    }

    func testAudioOnly() throws {
        let (_, late, _) = try run(keeping: 8)
        let audio = late.messages.filter { $0.typeID == 8 }
        XCTAssertEqual(audio.first.flatMap { AudioTagInfo.parse($0.payload) }?.isSequenceHeader, true, "the late joiner starts with the AAC sequence header")
        XCTAssertFalse(late.messages.contains { $0.typeID == 9 })
        let stream = try XCTUnwrap(server.snapshot().streams.first)
        XCTAssertEqual(stream.audio?.codec, "AAC")
        XCTAssertNil(stream.video)
        XCTAssertEqual(stream.videoFrames, 0)
    }

    func testVideoOnly() throws {
        let (_, late, _) = try run(keeping: 9)
        let video = late.messages.filter { $0.typeID == 9 }.compactMap { VideoTagInfo.parse($0.payload) }
        XCTAssertEqual(video.first?.isSequenceHeader, true)
        XCTAssertEqual(video.dropFirst().first?.isKeyframe, true, "the late joiner's first coded frame is the cached GOP's keyframe")
        XCTAssertFalse(late.messages.contains { $0.typeID == 8 })
        let stream = try XCTUnwrap(server.snapshot().streams.first)
        XCTAssertEqual(stream.video?.codec, "H.264")
        XCTAssertNil(stream.audio)
    }
}
