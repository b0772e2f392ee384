import TestSupport
import Foundation
import XCTest

/// The dashboard end to end: the real binary in tmux, real ffmpeg streams,
/// keys sent with send-keys, the screen read with capture-pane.
final class DashboardTmuxTests: XCTestCase {
    var work: URL!
    var socket = ""
    var children: [ChildProcess] = []

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
        socket = "rtmp-top-test-\(getpid())-\(UUID().uuidString.prefix(6))"
    }

    override func tearDown() {
        _ = try? tmux(["kill-server"])
        for c in children where c.isRunning { c.signal(SIGKILL) }
    }

    /// tmux through posix_spawn + waitpid: a tmux client that starts the
    /// tmux server leaves that daemon holding inherited descriptors, which
    /// keeps Foundation's Process from ever noticing the client's exit.
    @discardableResult
    private func tmux(_ args: [String]) throws -> String {
        let out = work.appendingPathComponent("tmux-\(UUID().uuidString.prefix(6)).out").path
        // CI has neither TERM nor LANG; tmux and the program in it get them here.
        let argv = ["/usr/bin/env", "TERM=xterm-256color", "LANG=C.UTF-8", try Tool.path("tmux"), "-L", socket] + args
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cArgs, environ) == 0 else { throw ChildProcessError("cannot run tmux") }
        let deadline = Date().addingTimeInterval(10)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw ChildProcessError("tmux \(args.first ?? "") timed out")
            }
            usleep(10_000)
        }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    private func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "rt"]) }

    /// Polls the screen until `predicate` holds.
    @discardableResult
    private func waitScreen(_ timeout: TimeInterval, _ what: String, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = try screen()
        while !predicate(text) {
            if Date() > deadline {
                XCTFail("screen never showed \(what):\n\(text)")
                return text
            }
            usleep(200_000)
            text = try screen()
        }
        return text
    }

    private func keys(_ k: String...) throws {
        try tmux(["send-keys", "-t", "rt"] + k)
        usleep(300_000)
    }

    func testWatchRecordKickResizeQuit() throws {
        let binary = RTMPTopProcess.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ChildProcessError("no rtmp-top binary at \(binary)") }
        let exitFile = work.appendingPathComponent("exit.txt").path
        let rec = work.appendingPathComponent("rec").path
        let command = "cd '\(work.path)' && env TERM=xterm-256color LANG=C.UTF-8 '\(binary)' --listen 127.0.0.1:0 --record-dir '\(rec)'; echo EXIT=$? > '\(exitFile)'; sleep 30"
        try tmux(["new-session", "-d", "-s", "rt", "-x", "120", "-y", "36", command])

        // The port is in the first log line (logs go to rtmp-top.log while the dashboard is up).
        var port = 0
        let logURL = work.appendingPathComponent("rtmp-top.log")
        XCTAssertTrue(waitUntil(timeout: 10) {
            guard let line = (try? String(contentsOf: logURL, encoding: .utf8))?.split(separator: "\n").first,
                  let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                  let p = RTMPTopProcess.port(from: obj) else { return false }
            port = p
            return true
        }, "rtmp-top logged its address")
        try waitScreen(10, "the empty-server hint") { $0.contains("ffmpeg -re -i") && $0.contains("127.0.0.1:\(port)") }
        XCTAssertFalse(try screen().contains("\"msg\""), "no log lines on the screen")

        let source = try Fixtures.h264aac(seconds: 40, gop: 60, size: "1280x720", name: "dash-720p-40s.flv")
        let url = "rtmp://127.0.0.1:\(port)/live/test"
        let ffmpeg = try Tool.path("ffmpeg")
        children.append(try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", url], in: work, name: "pub").start())
        let players = try (0..<2).map { _ in
            try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-rw_timeout", "5000000", "-i", url, "-c", "copy", "-f", "null", "-"], in: work, name: "play").start()
        }
        children += players

        try waitScreen(15, "the stream with its codecs and 2 players") { s in
            s.contains("live/test") && s.contains("H.264") && s.contains("AAC") && s.contains("1280x720") && Self.playerCount(in: s) == 2
        }

        // r: a recording file appears and the indicator shows.
        try keys("r")
        try waitScreen(10, "the recording indicator") { $0.contains("REC") }
        XCTAssertTrue(waitUntil(timeout: 10) {
            ((try? FileManager.default.contentsOfDirectory(atPath: rec)) ?? []).contains { $0.hasSuffix(".flv") }
        }, "a recording file appears")

        // Detail view, select the first player, k + y: that player's ffmpeg exits.
        try keys("Enter")
        try waitScreen(5, "the detail view") { $0.contains("player") }
        try keys("Down")
        try keys("k")
        let prompt = try waitScreen(5, "the kick confirmation") { $0.contains("Kick connection") }
        XCTAssertTrue(prompt.contains("y/n"))
        try keys("y")
        XCTAssertTrue(waitUntil(timeout: 10) { players.contains { !$0.isRunning } }, "the kicked player's ffmpeg exits")
        try keys("Escape")
        try waitScreen(10, "1 player left") { Self.playerCount(in: $0) == 1 }

        // Resize: a full redraw at the new size, nothing past its edge.
        try tmux(["resize-window", "-t", "rt", "-x", "90", "-y", "28"])
        let resized = try waitScreen(5, "a redraw at 90 columns") { $0.contains("live/test") }
        for line in resized.split(separator: "\n", omittingEmptySubsequences: false) {
            XCTAssertLessThanOrEqual(line.count, 90, "line wider than the window: \(line)")
        }
        XCTAssertLessThanOrEqual(resized.split(separator: "\n", omittingEmptySubsequences: false).count, 29)

        // q: exit 0, terminal restored (the dashboard is gone from the screen).
        try keys("q")
        XCTAssertTrue(waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: exitFile) })
        XCTAssertEqual(try String(contentsOfFile: exitFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "EXIT=0")
        let after = try screen()
        XCTAssertFalse(after.contains("live/test"), "the alternate screen is gone:\n\(after)")
    }

    /// The PLAYERS column of the live/test row (or "2 players" style text).
    static func playerCount(in screen: String) -> Int? {
        guard let header = screen.split(separator: "\n").first(where: { $0.contains("PLAY") }),
              let row = screen.split(separator: "\n").first(where: { $0.contains("live/test") }),
              let col = header.range(of: "PLAY") else { return nil }
        let start = header.distance(from: header.startIndex, to: col.lowerBound)
        let chars = Array(row)
        guard start < chars.count else { return nil }
        var i = start
        while i < chars.count && chars[i] == " " { i += 1 }
        var digits = ""
        while i < chars.count && chars[i].isNumber { digits.append(chars[i]); i += 1 }
        return Int(digits)
    }
}
