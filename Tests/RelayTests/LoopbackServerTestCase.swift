import Logging
import NIOPosix
import RTMPClient
import Relay
import XCTest

/// Tests that run the whole engine on a free loopback port and talk to it
/// with `RTMPClient`.
class LoopbackServerTestCase: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var server: RTMPServer!
    var port = 0

    func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.eventLoopThreads = 2
        configure(&config)
        server = RTMPServer(configuration: config, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        port = try server.start().port ?? 0
    }

    override func tearDown() {
        server?.shutdown()
        try? group?.syncShutdownGracefully()
        super.tearDown()
    }

    func client(_ options: RTMPClient.Options = RTMPClient.Options()) throws -> RTMPClient {
        try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group, options: options)
    }
}
