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

    /// The URL an ffplay started by `p` plays: it outlives rtmp-top by design, so the test ends it.
    var ffplayURL: String?

    override func tearDown() {
        _ = try? tmux(["kill-server"])
        for c in children where c.isRunning { c.signal(SIGKILL) }
        if let url = ffplayURL {
            for pid in Self.ffplays(playing: url, in: work) { kill(pid, SIGKILL) }
        }
    }

    /// The ffplays playing `url` (it has the test's own port, so they are this test's).
    static func ffplays(playing url: String, in directory: URL) -> [pid_t] {
        guard let pgrep = try? Tool.path("pgrep"),
              let r = try? ChildProcess.run(pgrep, ["-f", "ffplay .*\(url)"], in: directory, timeout: 5) else { return [] }
        return r.stdout.split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Starts rtmp-top in a 120x36 tmux window, with `arguments` after
    /// `--listen 127.0.0.1:0` and `environment` added to its own (and so to
    /// what it starts); its exit status goes to `exitFile`. Returns its port,
    /// read from the first log line (logs go to rtmp-top.log while the
    /// dashboard is up).
    private func launchDashboard(arguments: [String] = [], environment: [String] = [], exitFile: String? = nil) throws -> Int {
        let binary = RTMPTopProcess.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw ChildProcessError("no rtmp-top binary at \(binary)") }
        let exit = exitFile.map { "; echo EXIT=$? > '\($0)'" } ?? ""
        let env = (["TERM=xterm-256color", "LANG=C.UTF-8"] + environment).joined(separator: " ")
        let args = ([binary, "--listen", "127.0.0.1:0"] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let command = "cd '\(work.path)' && env \(env) \(args)\(exit); sleep 30"
        try tmux(["new-session", "-d", "-s", "rt", "-x", "120", "-y", "36", command])
        var port = 0
        let logURL = work.appendingPathComponent("rtmp-top.log")
        XCTAssertTrue(waitUntil(timeout: 10) {
            guard let line = (try? String(contentsOf: logURL, encoding: .utf8))?.split(separator: "\n").first,
                  let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String],
                  let p = RTMPTopProcess.port(from: obj) else { return false }
            port = p
            return true
        }, "rtmp-top logged its address")
        return port
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
        let exitFile = work.appendingPathComponent("exit.txt").path
        let rec = work.appendingPathComponent("rec").path
        let port = try launchDashboard(arguments: ["--record-dir", rec], exitFile: exitFile)
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

    /// A 12 s GOP: the HEALTH column turns ⚠ once 10 s pass without a
    /// keyframe, the detail's health pane names keyframe_interval, `u` puts
    /// the play URL on the clipboard (tmux keeps OSC 52 as a paste buffer
    /// with set-clipboard on), and `p` starts an ffplay (SDL's dummy drivers,
    /// inherited from rtmp-top's environment) that joins as one more player.
    func testHealthMarkHealthPaneURLAndPlay() throws {
        let ffmpeg = try Tool.path("ffmpeg")
        _ = try Tool.path("ffplay")
        let port = try launchDashboard(environment: ["SDL_VIDEODRIVER=dummy", "SDL_AUDIODRIVER=dummy"])
        try tmux(["set-option", "-g", "set-clipboard", "on"])
        let url = "rtmp://127.0.0.1:\(port)/live/gop"
        children.append(try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30",
                                                  "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                                                  "-g", "360", "-keyint_min", "360", "-sc_threshold", "0", "-t", "30", "-f", "flv", url],
                                         in: work, name: "pub").start())
        let started = Date()
        try waitScreen(10, "live/gop healthy at first") { Self.row("live/gop", in: $0)?.contains("✓") == true }
        try waitScreen(20, "the ⚠ mark on live/gop") { Self.row("live/gop", in: $0)?.contains("⚠") == true }
        XCTAssertLessThan(Date().timeIntervalSince(started), 20, "flagged within 10 s of being observable")

        try keys("Enter")
        let detail = try waitScreen(5, "keyframe_interval in the health pane") { $0.contains("⚠ keyframe_interval") }
        XCTAssertTrue(detail.contains("Health   ⚠ "), detail)
        XCTAssertTrue(detail.contains("Keyframe ") && detail.contains("Video in "), detail)
        XCTAssertEqual(Self.playerRows(in: detail), 0)

        try keys("u")
        try waitScreen(5, "the stream's URLs") { $0.contains("publish \(url)  play \(url)") }
        XCTAssertTrue(waitUntil(timeout: 5) { (try? self.tmux(["show-buffer"])) == url }, "the play URL on the clipboard")

        ffplayURL = url
        try keys("p")
        try waitScreen(5, "ffplay's start") { $0.contains("ffplay started for live/gop (log: ffplay-live_gop.log)") }
        try waitScreen(15, "ffplay as one more player") { Self.playerRows(in: $0) == 1 }
        XCTAssertTrue(FileManager.default.fileExists(atPath: work.appendingPathComponent("ffplay-live_gop.log").path))
        XCTAssertEqual(Self.ffplays(playing: url, in: work).count, 1, "one ffplay")
    }

    /// The line of the streams table that starts with `key`.
    static func row(_ key: String, in screen: String) -> String? {
        screen.split(separator: "\n").first { $0.hasPrefix(key + " ") }.map(String.init)
    }

    /// Player rows of the detail view's connections table.
    static func playerRows(in screen: String) -> Int {
        screen.split(separator: "\n").filter { $0.hasPrefix("player ") }.count
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
