import Logging
import NIOPosix
import RTMPClient
import TestSupport
@testable import Relay
import XCTest

/// A server that has shut down is freed, with everything it owned: no cycle
/// keeps a stopped server's state, streams or sessions alive.
final class ServerLifetimeTests: XCTestCase {
    func testAStoppedServerIsFreed() throws {
        weak var server: RTMPServer?
        weak var state: ServerState?
        do {
            var config = ServerConfiguration()
            config.host = "127.0.0.1"
            config.port = 0
            config.eventLoopThreads = 1
            let s = RTMPServer(configuration: config, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            let port = try s.start().port ?? 0
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let publisher = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
            try publisher.publish("cam")
            let player = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
            try player.play("cam")
            s.shutdown()
            try group.syncShutdownGracefully()
            server = s
            state = s.state
        }
        XCTAssertTrue(waitUntil(timeout: 3) { server == nil && state == nil }, "server \(server == nil ? "freed" : "alive"), state \(state == nil ? "freed" : "alive")")
    }
}
