import Foundation
import NIOPosix
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// `--config FILE` with the real binary: options and push rules from TOML,
/// the command line winning, mistakes named as the file's, and push rules
/// reloaded on SIGHUP for streams published afterwards.
final class ConfigFileTests: XCTestCase {
    func testOptionsAndPushRulesFromTheFileTheCommandLineWinsAndSIGHUPReloadsPushes() throws {
        let dir = Fixtures.workDirectory(name)
        let first = try TestServer(directory: Fixtures.subdirectory("first", of: dir))
        defer { first.stop() }
        let second = try TestServer(directory: Fixtures.subdirectory("second", of: dir))
        defer { second.stop() }
        let config = dir.appendingPathComponent("rtmp-top.toml")
        func write(pushTo port: Int) throws {
            try """
            # The file's listen address is busy (the first upstream's): only the command line's lets it start.
            listen = "127.0.0.1:\(first.port)"
            headless = true
            log-level = "info"
            health-profile = "twitch"

            [[push]]
            match = "live/*"
            url = "rtmp://127.0.0.1:\(port)/up"

            [app.studio]
            push = ["rtmp://127.0.0.1:\(port)/{app}-copy/{name}"]
            """.write(to: config, atomically: true, encoding: .utf8)
        }
        try write(pushTo: first.port)
        let (p, line) = try RTMPTopProcess.launch(["--config", config.path, "--listen", "127.0.0.1:0"], in: dir)
        defer { p.signal(SIGKILL) }
        let port = try XCTUnwrap(RTMPTopProcess.port(from: line), p.stdout + p.stderr)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }

        func publish(_ app: String, _ name: String) throws -> RTMPClient {
            let c = try RTMPClient.connect(host: "127.0.0.1", port: port, app: app, group: group)
            try c.publish(name)
            return c
        }
        func published(_ server: TestServer, _ key: String) -> Bool {
            waitUntil(timeout: 5) { server.server.snapshot().streams.contains { $0.key == key && $0.publisher != nil } }
        }
        let a = try publish("live", "cam")
        XCTAssertTrue(published(first, "up/cam"), "the [[push]] rule for live/*")
        let b = try publish("studio", "desk")
        XCTAssertTrue(published(first, "studio-copy/desk"), "the [app.studio] push with placeholders")
        let c = try publish("other", "x")
        usleep(300_000)
        XCTAssertFalse(first.server.snapshot().streams.contains { $0.key.hasSuffix("/x") }, "no rule for other/x")
        for client in [a, b, c] { client.close() }

        try write(pushTo: second.port)
        p.signal(SIGHUP)
        XCTAssertTrue(waitUntil(timeout: 5) { p.stdout.contains("\"msg\":\"push rules reloaded\"") }, p.stdout)
        let d = try publish("live", "later")
        XCTAssertTrue(published(second, "up/later"), "streams published after SIGHUP follow the new rules")
        XCTAssertFalse(first.server.snapshot().streams.contains { $0.key == "up/later" })
        d.close()

        try "[[push]]\nmatch = 3".write(to: config, atomically: true, encoding: .utf8)
        p.signal(SIGHUP)
        XCTAssertTrue(waitUntil(timeout: 5) { p.stdout.contains("config file not reloaded, keeping the push rules") }, p.stdout)
        XCTAssertTrue(p.isRunning)
    }

    func testMistakesAreNamedAsTheFilesAndExitOne() throws {
        let dir = Fixtures.workDirectory(name)
        let cases: [(String, String)] = [
            ("listen = [", "line 1"),
            ("bogus = 1", "Unknown option '--bogus'"),
            ("listen = \"nonsense\"", "--listen wants HOST:PORT"),
            ("[[push]]\nurl = \"http://x/live\"", "must be an rtmp:// or rtmps:// URL"),
            ("[app.live]\nrecord = true", "[app.live] takes push"),
        ]
        for (i, (text, expected)) in cases.enumerated() {
            let file = dir.appendingPathComponent("bad\(i).toml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let r = try ChildProcess.run(RTMPTopProcess.binary, ["--config", file.path], in: dir, timeout: 20)
            XCTAssertEqual(r.status, 1, text)
            XCTAssertTrue(r.stderr.contains(file.path) && r.stderr.contains(expected), "\(text): \(r.stderr)")
        }
    }
}
