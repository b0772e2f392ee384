import TestSupport
import Foundation
import NIOPosix
import RTMP
import RTMPClient
import XCTest

/// The `rtmp-top` binary itself: first log line, single-dash flags, a
/// clear error for a busy port, and a clean exit 0 on SIGTERM/SIGINT.
final class ExecutableTests: XCTestCase {
    private var binary: String { RTMPTopProcess.binary }

    private func launch(_ args: [String], in dir: URL, waitForLogLine: Bool = true, shellPrefix: String? = nil) throws -> (ChildProcess, [String: String]) {
        try RTMPTopProcess.launch(args, in: dir, waitForLogLine: waitForLogLine, shellPrefix: shellPrefix)
    }

    func testHeadlessRunAndCleanShutdownOnSIGTERM() throws {
        let dir = Fixtures.workDirectory(name)
        // Single-dash spelling, as the seed's users type it.
        let (p, first) = try launch(["-listen", "127.0.0.1:0", "--headless"], in: dir)
        XCTAssertEqual(first["msg"], "listening", "the first log line says where we listen: \(first)")
        let address = try XCTUnwrap(first["address"])
        let port = try XCTUnwrap(Int(address.split(separator: ":").last ?? ""))
        XCTAssertGreaterThan(port, 0)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let player = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try player.play("x")
        let started = Date()
        p.signal(SIGTERM)
        let result = p.wait(timeout: 5)
        XCTAssertFalse(result.timedOut)
        XCTAssertEqual(result.status, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.0, "exits within 2 s")
        XCTAssertTrue(waitUntil(timeout: 2) { !player.isActive }, "clients are closed")
        XCTAssertTrue(player.messages.contains { m in
            (try? RTMP.CommandMessage.parse(m))?.arguments.first?["code"]?.stringValue == "NetStream.Play.UnpublishNotify"
        }, "players are told the stream ends")
        let log = p.stdout
        XCTAssertTrue(log.contains("\"msg\":\"connection accepted\""))
        XCTAssertTrue(log.contains("\"msg\":\"handshake done\""))
        XCTAssertTrue(log.contains("\"msg\":\"play\""))
    }

    /// Debian shells start programs with 1024 open files: raised to the
    /// hard limit, or --max-connections could not be reached; a hard limit
    /// below the cap is said in the log.
    func testTheOpenFilesLimitIsRaisedToTheHardLimit() throws {
        let dir = Fixtures.workDirectory(name)
        let (p, first) = try launch(["--listen", "127.0.0.1:0", "--headless"], in: dir, shellPrefix: "ulimit -Sn 256;")
        defer { p.signal(SIGKILL) }
        XCTAssertEqual(first["msg"], "listening")
        let limits = try String(contentsOfFile: "/proc/\(p.process.processIdentifier)/limits", encoding: .utf8)
        let line = try XCTUnwrap(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        XCTAssertEqual(fields[3], fields[4], "soft = hard: \(line)")
        XCTAssertNotEqual(fields[3], "256")

        let (q, _) = try launch(["--listen", "127.0.0.1:0", "--headless", "--max-connections", "5000"], in: dir, shellPrefix: "ulimit -n 1024;")
        defer { q.signal(SIGKILL) }
        XCTAssertTrue(waitUntil(timeout: 5) { q.stdout.contains("\"msg\":\"open files limit below --max-connections\"") }, q.stdout)
        XCTAssertTrue(q.stdout.contains("\"open_files_limit\":\"1024\""), q.stdout)
    }

    /// A bad --auth-file at start is an error, not an open door; SIGHUP
    /// reloads a good one, keeps the old rules for a bad one, and says so.
    func testAuthFileAtStartAndOnSIGHUP() throws {
        let dir = Fixtures.workDirectory(name)
        let auth = dir.appendingPathComponent("auth.json")
        try Data("not json".utf8).write(to: auth)
        let bad = try ChildProcess.run(RTMPTopProcess.binary, ["--headless", "--listen", "127.0.0.1:0", "--auth-file", auth.path], in: dir, timeout: 20)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("not a valid auth file"), bad.stderr)

        try Data(#"{"rules": [{"match": "live/*", "publish_tokens": ["one"]}]}"#.utf8).write(to: auth)
        let (p, first) = try launch(["--headless", "--listen", "0.0.0.0:0", "--auth-file", auth.path], in: dir)
        defer { p.signal(SIGKILL) }
        let port = try XCTUnwrap(RTMPTopProcess.port(from: first))
        XCTAssertFalse(p.stdout.contains("anyone who reaches this port may publish"), "publishing is restricted")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        func publishes(_ name: String) -> Bool {
            guard let c = try? RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group) else { return false }
            defer { c.close() }
            return (try? c.publish(name)) != nil
        }
        XCTAssertTrue(publishes("a?token=one"))
        XCTAssertFalse(publishes("b?token=two"))
        try Data(#"{"rules": [{"match": "live/*", "publish_tokens": ["two"]}]}"#.utf8).write(to: auth)
        p.signal(SIGHUP)
        XCTAssertTrue(waitUntil(timeout: 5) { p.stdout.contains("\"msg\":\"auth file reloaded\"") }, p.stdout)
        XCTAssertTrue(publishes("c?token=two"))
        XCTAssertFalse(publishes("d?token=one"))
        try Data("{".utf8).write(to: auth)
        p.signal(SIGHUP)
        XCTAssertTrue(waitUntil(timeout: 5) { p.stdout.contains("auth file not reloaded, the old rules stay") }, p.stdout)
        XCTAssertTrue(publishes("e?token=two"), "the old rules stay")
        XCTAssertTrue(p.isRunning)
    }

    func testOpenPublishingBeyondLoopbackIsSaidOnce() throws {
        let dir = Fixtures.workDirectory(name)
        let (p, _) = try launch(["--headless", "--listen", "0.0.0.0:0"], in: dir)
        defer { p.signal(SIGKILL) }
        XCTAssertTrue(waitUntil(timeout: 5) { p.stdout.contains("anyone who reaches this port may publish") }, p.stdout)
        let (q, _) = try launch(["--headless", "--listen", "127.0.0.1:0"], in: dir)
        defer { q.signal(SIGKILL) }
        // Its SIGTERM handler is installed after the warning would be said
        // (a SIGTERM before that is ignored): once it has shut down through
        // it, everything it would say at startup is in its output.
        XCTAssertTrue(waitUntil(timeout: 10) {
            if q.isRunning { q.signal(SIGTERM) }
            return q.stdout.contains("\"msg\":\"signal received, shutting down\"")
        }, q.stdout)
        XCTAssertEqual(q.wait(timeout: 5).status, 0)
        XCTAssertFalse(q.stdout.contains("anyone who reaches this port may publish"), "loopback only: nobody else can")
    }

    func testSIGINTAlsoExitsZero() throws {
        let dir = Fixtures.workDirectory(name)
        let (p, first) = try launch(["--listen", "127.0.0.1:0", "--log-level", "warn"], in: dir, waitForLogLine: false)
        XCTAssertEqual(first, [:], "warn level hides the info lines")
        XCTAssertTrue(p.isRunning)
        p.signal(SIGINT)
        let result = p.wait(timeout: 5)
        XCTAssertEqual(result.status, 0)
    }

    func testABusyPortIsAClearErrorAndANonZeroExit() throws {
        let dir = Fixtures.workDirectory(name)
        let (p, first) = try launch(["--listen", "127.0.0.1:0"], in: dir)
        defer { p.signal(SIGTERM); p.wait(timeout: 5) }
        let address = try XCTUnwrap(first["address"])
        let second = try ChildProcess.run(binary, ["--listen", address], in: dir, timeout: 20)
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.stderr.contains("address already in use"), second.stderr)
        XCTAssertEqual(second.stderr.split(separator: "\n").count, 1, "one line: \(second.stderr)")
    }

    /// `--http :0`: the log line after "listening" names the HTTP address,
    /// curl gets JSON there; a busy HTTP port is one line and exit 1.
    func testHTTPFlagServesTheAPIAndABusyHTTPPortIsAClearError() throws {
        let dir = Fixtures.workDirectory(name)
        let (p, first) = try launch(["--headless", "--listen", "127.0.0.1:0", "--http", ":0"], in: dir)
        defer { p.signal(SIGTERM); p.wait(timeout: 5) }
        XCTAssertEqual(first["msg"], "listening")
        var httpLine: [String: String] = [:]
        XCTAssertTrue(waitUntil(timeout: 10) {
            let lines = p.stdout.split(separator: "\n")
            guard lines.count >= 2, let obj = try? JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: String] else { return false }
            httpLine = obj
            return true
        })
        XCTAssertEqual(httpLine["msg"], "http listening", "the line after listening")
        let http = try XCTUnwrap(httpLine["address"])
        XCTAssertTrue(http.hasPrefix("127.0.0.1:"), ":PORT binds loopback: \(http)")
        let r = try ChildProcess.run(try Tool.path("curl"), ["-s", "--max-time", "5", "http://\(http)/api/v1/server"], in: dir, timeout: 10)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
        XCTAssertEqual((doc["listen"] as? [String: Any])?["http"] as? String, http)
        let second = try ChildProcess.run(binary, ["--headless", "--listen", "127.0.0.1:0", "--http", http], in: dir, timeout: 20)
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.contains("address already in use"), second.stderr)
        XCTAssertEqual(second.stderr.split(separator: "\n").count, 1, "one line: \(second.stderr)")
    }

    func testVersionAndHelp() throws {
        let dir = Fixtures.workDirectory(name)
        let v = try ChildProcess.run(binary, ["--version"], in: dir, timeout: 20)
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.stdout.hasPrefix("rtmp-top "))
        let h = try ChildProcess.run(binary, ["--help"], in: dir, timeout: 20)
        for flag in ["--listen", "--headless", "--log-level", "--chunk-size", "--no-gop-cache", "--publish-notify"] {
            XCTAssertTrue(h.stdout.contains(flag), "help mentions \(flag)")
        }
    }
}
