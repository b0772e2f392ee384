import Foundation
import Logging
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// The limits on a real server over loopback: connections over the caps
/// are closed at accept, a connection that never sends `connect` is closed,
/// and the stream caps refuse with an error status that says why.
final class ServerLimitsTests: LoopbackServerTestCase {
    private func errors(_ reason: String) -> UInt64 { server.snapshot().lifetime.errorsByReason[reason] ?? 0 }

    func testConnectionsOverTheServerCapAreClosedAtAccept() throws {
        try start { $0.maxConnections = 3 }
        let held = try (0..<3).map { _ in try RawConnection(port: port, group: group) }
        XCTAssertTrue(waitUntil(timeout: 2) { self.server.snapshot().connections.count == 3 })
        let extra = try RawConnection(port: port, group: group)
        XCTAssertTrue(extra.closedByServer(within: 2))
        XCTAssertEqual(extra.receivedCount, 0, "not a byte served")
        XCTAssertEqual(errors("too_many_connections"), 1)
        XCTAssertTrue(held.allSatisfy { $0.channel.isActive }, "those already in stay")
        held[0].close()
        XCTAssertTrue(waitUntil(timeout: 2) { self.server.snapshot().connections.count == 2 })
        let next = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        XCTAssertTrue(next.isActive, "a slot freed is a slot")
        next.close()
    }

    func testThePerAddressCap() throws {
        try start { $0.maxConnectionsPerAddress = 2 }
        let held = try (0..<2).map { _ in try RawConnection(port: port, group: group) }
        XCTAssertTrue(waitUntil(timeout: 2) { self.server.snapshot().connections.count == 2 })
        let extra = try RawConnection(port: port, group: group)
        XCTAssertTrue(extra.closedByServer(within: 2))
        XCTAssertEqual(errors("too_many_connections_from_address"), 1)
        held.forEach { $0.close() }
    }

    func testAConnectionThatNeverSendsConnectIsClosed() throws {
        try start { $0.connectTimeout = .seconds(1) }
        let c = try RawConnection(port: port, group: group)
        try c.handshake()
        XCTAssertTrue(c.closedByServer(within: 4))
        XCTAssertEqual(errors("connect_timeout"), 1)
    }

    func testStreamCapsRefuseWithAnErrorStatusBeforeStart() throws {
        try start {
            $0.maxStreamsPerApp = 1
            $0.maxPlayersPerStream = 1
        }
        let first = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try first.publish("one")
        let second = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        XCTAssertThrowsError(try second.publish("two")) { XCTAssertEqual("\($0)", "\(RTMPClient.ClientError.status("NetStream.Publish.BadName"))") }
        let said = second.messages.compactMap { try? CommandMessage.parse($0) }.first { $0.name == "onStatus" }?.arguments.first
        XCTAssertEqual(said?["level"]?.stringValue, "error")
        XCTAssertEqual(said?["description"]?.stringValue, "app live already has 1 published streams (--max-streams-per-app).")
        XCTAssertTrue(waitUntil(timeout: 2) { !second.isActive }, "then closed")
        let other = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "other", group: group)
        try other.publish("two")  // another app has its own count

        let player = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try player.play("one")
        let late = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        XCTAssertThrowsError(try late.play("one"))
        XCTAssertFalse(late.messages.contains { ($0.typeID == 8 || $0.typeID == 9) }, "no media to a refused player")
        XCTAssertEqual(errors("max_players_per_stream"), 1)
        XCTAssertEqual(errors("max_streams_per_app"), 1)
        XCTAssertEqual(server.snapshot().streams.first { $0.key == "live/one" }?.players.count, 1)
    }
}
