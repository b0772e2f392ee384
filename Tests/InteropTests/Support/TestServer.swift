import Foundation
import Logging
import NIOCore
import NIOPosix
import Relay

/// The relay engine running in the test process on a free loopback port,
/// logging JSON lines to a file in the test's directory.
final class TestServer {
    let server: RTMPServer
    let port: Int
    let logURL: URL
    private let logFD: Int32

    init(directory: URL, configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.eventLoopThreads = 2
        configure(&config)
        logURL = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        logFD = open(logURL.path, O_WRONLY | O_APPEND)
        let fd = logFD
        var logger = Logger(label: "test-server") { label in JSONLogHandler(label: label, fileDescriptor: fd, level: .debug) }
        logger.logLevel = .debug
        server = RTMPServer(configuration: config, logger: logger)
        let address = try server.start()
        port = address.port ?? 0
    }

    func url(_ key: String) -> String { "rtmp://127.0.0.1:\(port)/\(key)" }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// The log lines with `"msg":"<msg>"` about stream `key`.
    func logLines(msg: String, key: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains("\"msg\":\"\(msg)\"") && $0.contains("\"stream_key\":\"\(key)\"") }
    }

    /// The finding codes of the `stream health` warn lines about `key`, in order.
    func healthWarnings(_ key: String) -> [String] {
        logLines(msg: "stream health", key: key).compactMap { line -> String? in
            guard let r = line.range(of: "\"finding\":\"") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    func stop() {
        server.shutdown()
        close(logFD)
    }

    /// Polls the snapshot until `predicate` holds or the timeout passes.
    @discardableResult
    func waitFor(timeout: TimeInterval, _ predicate: (ServerSnapshot) -> Bool) -> ServerSnapshot {
        let deadline = Date().addingTimeInterval(timeout)
        var s = server.snapshot()
        while !predicate(s) && Date() < deadline {
            usleep(50_000)
            s = server.snapshot()
        }
        return s
    }
}
