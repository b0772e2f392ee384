import Foundation
import NIOPosix
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// Access control with real clients: ffmpeg publishing and playing with and
/// without tokens, an OBS-style token in the tcUrl, address allow lists,
/// and nginx-rtmp's HTTP callbacks against a real HTTP server (Python's).
/// A refusal is an error status before any Start, nothing is published or
/// recorded, and the token never reaches the log.
final class AccessControlInteropTests: XCTestCase {
    var work: URL!
    var server: TestServer?
    var children: [ChildProcess] = []
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let publishToken = "Zq9-publish-secret"
    static let playToken = "Vw4-viewer-secret"

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
    }

    override func tearDown() {
        for c in children where c.isRunning { c.signal(SIGKILL) }
        if let s = server, (testRun?.totalFailureCount ?? 0) > 0 { print("--- server log ---\n\(s.log.suffix(6000))") }
        server?.stop()
        try? group.syncShutdownGracefully()
    }

    private func statusOf(_ c: RTMPClient) -> (code: String?, level: String?, description: String?) {
        let s = c.messages.compactMap { try? CommandMessage.parse($0) }.last { $0.name == "onStatus" }?.arguments.first
        return (s?["code"]?.stringValue, s?["level"]?.stringValue, s?["description"]?.stringValue)
    }

    func testTokensWithFFmpegAndOBSStyleAndTheyAreNeverLogged() throws {
        let s = try TestServer(directory: work) {
            $0.access.rules = AccessRules(publishToken: Self.publishToken, playToken: Self.playToken)
            $0.recordAll = true
            $0.recording.directory = self.work.appendingPathComponent("rec").path
        }
        server = s
        let ffmpeg = try Tool.path("ffmpeg")
        let source = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        func push(_ url: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try ChildProcess.run(ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", source.path, "-t", "1", "-c", "copy", "-f", "flv", url], in: work, timeout: 30)
        }
        XCTAssertNotEqual(try push(s.url("live/cam")).status, 0, "no token")
        XCTAssertNotEqual(try push(s.url("live/cam?token=wrong")).status, 0, "a wrong token")
        XCTAssertFalse(s.server.snapshot().streams.contains { $0.isLive })
        let rec = (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("rec").path)) ?? []
        XCTAssertEqual(rec, [], "no recording starts for a refused publish")
        XCTAssertEqual(s.server.snapshot().lifetime.errorsByReason["token_missing"], 1)
        XCTAssertEqual(s.server.snapshot().lifetime.errorsByReason["token_wrong"], 1)

        // The right token publishes; players need theirs.
        children.append(try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", source.path, "-c", "copy",
                                                  "-f", "flv", s.url("live/cam?token=\(Self.publishToken)")], in: work, name: "ffmpeg-pub").start())
        XCTAssertTrue(s.waitFor(timeout: 10) { $0.streams.contains { $0.key == "live/cam" && $0.isLive } }.streams.contains { $0.isLive })
        let refusedPlay = try ChildProcess.run(ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", s.url("live/cam"), "-frames:v", "1", "-f", "null", "-"],
                                               in: work, timeout: 30)
        XCTAssertNotEqual(refusedPlay.status, 0)
        let play = try ChildProcess.run(ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", s.url("live/cam?token=\(Self.playToken)"), "-frames:v", "5",
                                                 "-f", "null", "-"], in: work, timeout: 30)
        XCTAssertEqual(play.status, 0, play.stderr)

        // OBS puts the token in the server URL: it reaches us as the tcUrl's query.
        let obs = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live?token=\(Self.playToken)", group: group)
        try obs.play("cam")
        let wrong = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
        XCTAssertThrowsError(try wrong.play("cam?token=\(Self.publishToken)"), "the publish token is not a play token")
        XCTAssertEqual(statusOf(wrong).code, "NetStream.Play.Failed")
        XCTAssertEqual(statusOf(wrong).level, "error")
        XCTAssertTrue(waitUntil(timeout: 3) { !wrong.isActive }, "closed after the refusal")
        XCTAssertFalse(wrong.messages.contains { $0.typeID == 8 || $0.typeID == 9 })

        let log = s.log
        XCTAssertTrue(log.contains("\"msg\":\"publish refused\""))
        XCTAssertFalse(log.contains(Self.publishToken), "the publish token is never logged")
        XCTAssertFalse(log.contains(Self.playToken), "the play token is never logged")
        let snap = s.server.snapshot()
        let api = String(decoding: try JSONEncoder().encode(snap.streams), as: UTF8.self) + String(decoding: try JSONEncoder().encode(snap.connections), as: UTF8.self)
        XCTAssertFalse(api.contains(Self.publishToken) || api.contains(Self.playToken), "nor shown in the snapshot")
    }

    func testAddressAllowLists() throws {
        let s = try TestServer(directory: work) {
            $0.access.rules = AccessRules(allowPublish: [CIDRBlock("10.0.0.0/8")!], allowPlay: [CIDRBlock("127.0.0.0/8")!])
        }
        server = s
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
        XCTAssertThrowsError(try publisher.publish("cam"))
        XCTAssertEqual(statusOf(publisher).code, "NetStream.Publish.BadName")
        XCTAssertEqual(statusOf(publisher).description, "publish is not allowed from 127.0.0.1.")
        let player = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
        try player.play("cam")  // 127.0.0.1 may play
        XCTAssertEqual(s.server.snapshot().lifetime.errorsByReason["address_not_allowed"], 1)
    }

    func testNginxRTMPCallbacks() throws {
        let python = try Tool.path("python3")
        let requests = work.appendingPathComponent("requests.log")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support/notify_server.py")
        let http = try ChildProcess(python, [script.path, requests.path], in: work, name: "notify-server").start()
        children.append(http)
        XCTAssertTrue(waitUntil(timeout: 10) { Int(http.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) != nil }, http.stderr)
        let port = Int(http.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
        let base = "http://127.0.0.1:\(port)"
        let s = try TestServer(directory: work) {
            $0.access.notify = NotifyURLs(onPublish: "\(base)/on_publish", onPlay: "\(base)/on_play", onPublishDone: "\(base)/on_publish_done",
                                          onPlayDone: "\(base)/on_play_done", onDone: "\(base)/on_done")
            $0.access.callbackTimeout = .seconds(1)
        }
        server = s
        func publisher(_ name: String) throws -> RTMPClient {
            let c = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
            try c.publish(name)
            return c
        }
        // 2xx allows; the body is nginx-rtmp's, with the stream's own query arguments last.
        let ok = try publisher("ok?sign=abc")
        XCTAssertTrue(s.waitFor(timeout: 3) { $0.streams.contains { $0.key == "live/ok" && $0.isLive } }.streams.contains { $0.key == "live/ok" })
        // 403 refuses, before any Start.
        for (name, reason) in [("deny-1", "callback_refused"), ("relay-1", "callback_relay_redirect"), ("slow-1", "callback_timeout")] {
            let c = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
            XCTAssertThrowsError(try c.publish(name), name)
            XCTAssertEqual(statusOf(c).code, "NetStream.Publish.BadName", name)
            XCTAssertEqual(s.server.snapshot().lifetime.errorsByReason[reason], 1, "\(name): \(s.server.snapshot().lifetime.errorsByReason)")
            XCTAssertFalse(s.server.snapshot().streams.contains { $0.name == name && $0.isLive })
        }
        // A 3xx to a plain name renames the stream.
        _ = try publisher("rename-me")
        XCTAssertTrue(s.waitFor(timeout: 3) { $0.streams.contains { $0.key == "live/renamed" && $0.isLive } }.streams.contains { $0.key == "live/renamed" },
                      "published under the callback's name")
        // on_play, then the done calls when the player and the publisher leave.
        let player = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
        try player.play("ok")
        let denied = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
        XCTAssertThrowsError(try denied.play("deny-view"))
        XCTAssertEqual(statusOf(denied).code, "NetStream.Play.Failed")
        player.close()
        ok.close()
        func logged() -> [String] { ((try? String(contentsOf: requests, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        XCTAssertTrue(waitUntil(timeout: 5) { logged().contains { $0.hasPrefix("/on_publish_done") && $0.contains("name=ok") } }, "\(logged())")
        XCTAssertTrue(waitUntil(timeout: 5) { logged().filter { $0.hasPrefix("/on_done") }.count >= 2 }, "on_done for the player and the publisher")
        let lines = logged()
        let publish = try XCTUnwrap(lines.first { $0.hasPrefix("/on_publish ") && $0.contains("name=ok") })
        XCTAssertTrue(publish.contains("application/x-www-form-urlencoded"))
        for field in ["app=live", "flashver=", "tcurl=rtmp%3A%2F%2F127.0.0.1", "addr=127.0.0.1", "clientid=", "call=publish", "type=live", "&sign=abc"] {
            XCTAssertTrue(publish.contains(field), "\(field) in \(publish)")
        }
        let play = try XCTUnwrap(lines.first { $0.hasPrefix("/on_play ") })
        XCTAssertTrue(play.contains("call=play") && play.contains("start=") && play.contains("duration=") && play.contains("reset="), play)
        XCTAssertTrue(lines.contains { $0.hasPrefix("/on_play_done") && $0.contains("call=play_done") && $0.contains("name=ok") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("/on_done") && $0.contains("call=done") })
        XCTAssertFalse(lines.contains { $0.hasPrefix("/on_play_done") && $0.contains("deny-view") }, "no done for a refused play")
    }
}
