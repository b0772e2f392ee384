import Foundation
import Logging
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import XCTest

/// Garbage on one socket closes that connection only: a live stream on the
/// same server goes on without losing a message.
final class HostileInputTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var server: RTMPServer!
    var port = 0

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.eventLoopThreads = 2
        config.handshakeTimeout = .seconds(1)
        server = RTMPServer(configuration: config, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        port = try server.start().port ?? 0
    }

    override func tearDown() {
        server.shutdown()
        try? group.syncShutdownGracefully()
    }

    /// A publisher and a player on `live/ok`, fed for as long as `attacks` run.
    private func whileStreaming(_ attacks: () throws -> Void) throws {
        let player = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try player.play("ok")
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try publisher.publish("ok")
        let messages = SyntheticMedia.stream(seconds: 6, videoFrameSize: 2000)
        let half = messages.count / 2
        for m in messages[..<half] { publisher.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload) }
        try attacks()
        for m in messages[half...] { publisher.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload) }
        try player.wait(timeout: 10, for: "all media") { $0.filter { $0.typeID == 8 || $0.typeID == 9 }.count >= messages.count }
        XCTAssertEqual(player.messages.filter { $0.typeID == 8 || $0.typeID == 9 }.map(\.payload), messages.map(\.payload))
        XCTAssertTrue(publisher.isActive && player.isActive, "the live stream's connections stay up")
        let stream = try XCTUnwrap(server.snapshot().streams.first { $0.key == "live/ok" })
        XCTAssertEqual(stream.droppedVideo + stream.droppedAudio, 0)
    }

    func testWrongVersionIsClosed() throws {
        try whileStreaming {
            let c = try RawConnection(port: port, group: group)
            c.send([6] + [UInt8](repeating: 1, count: 1536))
            XCTAssertTrue(c.closedByServer(within: 3))
            XCTAssertEqual(c.receivedCount, 0, "nothing is answered to a bad version")
        }
    }

    func testTruncatedHandshakeTimesOut() throws {
        try whileStreaming {
            let c = try RawConnection(port: port, group: group)
            c.send([3] + [UInt8](repeating: 0, count: 700))
            XCTAssertTrue(c.closedByServer(within: 4))
        }
    }

    func testRandomBytesNeverHurtTheServer() throws {
        try whileStreaming {
            var rng = SystemRandomNumberGenerator()
            var connections: [RawConnection] = []
            for i in 0..<20 {
                let c = try RawConnection(port: port, group: group)
                if i % 2 == 0 { try c.handshake() }  // half reach the chunk decoder
                c.send((0..<4096).map { _ in UInt8.random(in: 0...255, using: &rng) })
                connections.append(c)
            }
            Thread.sleep(forTimeInterval: 0.3)
            connections.forEach { $0.close() }
        }
    }

    func testHugeMessagesOnManyChunkStreamsAreRefused() throws {
        try whileStreaming {
            let c = try RawConnection(port: port, group: group)
            try c.handshake()
            var bytes: [UInt8] = []
            for csid in 3..<63 {
                // fmt 0, length 0xFFFFFF, video, stream 1, then one 128-byte chunk.
                bytes += [UInt8(csid), 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0] + [UInt8](repeating: 0x17, count: 128)
            }
            for csid in 64..<200 {
                bytes += [0, UInt8(csid - 64), 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0] + [UInt8](repeating: 0x17, count: 128)
            }
            c.send(bytes)
            XCTAssertTrue(c.closedByServer(within: 3))
        }
    }

    func testInvalidChunkSizesAreRefused() throws {
        try whileStreaming {
            for size: UInt32 in [0, 0x8000_0000, 0x7FFF_FFFF] {
                let c = try RawConnection(port: port, group: group)
                try c.handshake()
                c.send([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0,
                        UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)])
                XCTAssertTrue(c.closedByServer(within: 3), "SetChunkSize \(size) must close the connection")
            }
        }
    }

    func testGarbageCommandsGetAnErrorOrAClose() throws {
        try whileStreaming {
            let c = try RawConnection(port: port, group: group)
            try c.handshake()
            // A command whose AMF0 claims a 60000-byte string it does not have.
            let body: [UInt8] = [0x02, 0xEA, 0x60, 0x61]
            c.send([0x03, 0, 0, 0, 0, 0, UInt8(body.count), 20, 0, 0, 0, 0] + body)
            XCTAssertTrue(c.closedByServer(within: 3))
        }
    }
}
