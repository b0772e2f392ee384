import Foundation
import Media
import NIOPosix
import Relay
import TestSupport
import XCTest

/// The issue's fault list, published for real and in parallel under
/// separate keys: each fault shows as its one finding (a warn line) within
/// 15 s of being observable, and nothing else is flagged. What ffmpeg
/// publishes, ffmpeg publishes (`-c copy` from fixtures encoded once);
/// what it will not make (a lying onMetaData, timestamps going back or
/// jumping, a resolution change on one connection, audio that stops under
/// running video) our own client sends at real-time pace.
final class StreamHealthFaultTests: XCTestCase {
    var work: URL!
    var servers: [TestServer] = []
    var children: [ChildProcess] = []
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
    }

    override func tearDown() {
        for c in children where c.isRunning { c.signal(SIGKILL) }
        if (testRun?.totalFailureCount ?? 0) > 0 {
            for s in servers { print("--- server log ---\n\(s.log.suffix(8000))") }
        }
        servers.forEach { $0.stop() }
        try? group.syncShutdownGracefully()
    }

    // MARK: fixtures

    /// 16 s of 640x360 30 fps H.264 (2 s GOPs, CBR) and 48 kHz stereo AAC:
    /// the issue's clean stream, which every profile accepts.
    static func clean() throws -> URL {
        try encode("health-clean.flv", ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=r=48000",
                                        "-t", "16"] + cleanCodecs)
    }

    static let cleanCodecs = ["-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "main", "-pix_fmt", "yuv420p",
                              "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
                              "-b:v", "1000k", "-maxrate", "1000k", "-bufsize", "1000k", "-x264-params", "nal-hrd=cbr",
                              "-c:a", "aac", "-ac", "2", "-ar", "48000", "-b:a", "128k"]

    static func encode(_ name: String, _ args: [String]) throws -> URL {
        let url = Fixtures.directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let r = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-y"] + args + ["-f", "flv", url.path],
                                     in: Fixtures.directory, timeout: 120)
        guard r.status == 0 else { throw ChildProcessError("ffmpeg could not make \(name): \(r.stderr)") }
        return url
    }

    // MARK: helpers

    private func warnings(_ server: TestServer, _ key: String) -> [String] { server.healthWarnings(key) }

    private func ffmpegPush(_ file: URL, to url: String, realtime: Bool = true) throws {
        let args = ["-hide_banner", "-loglevel", "error"] + (realtime ? ["-re"] : []) + ["-i", file.path, "-c", "copy", "-f", "flv", url]
        children.append(try ChildProcess(try Tool.path("ffmpeg"), args, in: work, name: "ffmpeg-\(url.split(separator: "/").last!)").start())
    }

    private func crafted(_ tags: [PacedPublisher.Tag], on server: TestServer, key: String) throws -> DispatchGroup {
        try PacedPublisher(tags: tags).start(port: server.port, app: "live", name: String(key.dropFirst(5)), group: group)
    }

    private static func tags(_ url: URL) throws -> [PacedPublisher.Tag] {
        PacedPublisher(try FLVReader.readFile(url.path).1).tags
    }

    // MARK: the test

    func testEachFaultShowsAsItsOneFinding() throws {
        let clean = try Self.clean()
        let r24 = try Self.encode("health-r24.flv", ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-f", "lavfi", "-i", "sine=r=48000",
                                                     "-t", "12", "-r", "24"] + Self.cleanCodecs.map { $0 == "60" ? "48" : $0 })
        let small = try Self.encode("health-small.flv", ["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=r=48000",
                                                         "-t", "8"] + Self.cleanCodecs)
        let mp3 = try Self.encode("health-mp3.flv", ["-i", clean.path, "-c:v", "copy", "-c:a", "libmp3lame", "-ar", "44100", "-b:a", "128k"])

        let generic = try TestServer(directory: Fixtures.subdirectory("generic", of: work))
        let twitch = try TestServer(directory: Fixtures.subdirectory("twitch", of: work)) { $0.healthProfile = .twitch }
        servers = [generic, twitch]

        // What ffmpeg sends.
        try ffmpegPush(clean, to: generic.url("live/clean"))
        try ffmpegPush(clean, to: generic.url("live/norealtime"), realtime: false)
        try ffmpegPush(mp3, to: twitch.url("live/mp3"))
        try ffmpegPush(clean, to: twitch.url("live/clean"))

        // What our client crafts. onMetaData says 30 fps over a 24 fps stream:
        let fps = try Self.tags(r24).map { t -> PacedPublisher.Tag in
            var t = t
            if t.type == 18 { t.payload = PacedPublisher.metadata(FLVTag(type: 18, timestamp: 0, payload: t.payload), setting: "framerate", to: 30) }
            return t
        }
        // 8 s at 640x360, then 8 s at 320x180 on the same connection (its own sequence headers, no second onMetaData):
        let first = try Self.tags(clean).filter { $0.timestamp < 8000 }
        let second = try Self.tags(small).filter { $0.type != 18 }.map { t -> PacedPublisher.Tag in
            var t = t
            t.timestamp &+= 8000
            t.sendAtMs &+= 8000
            return t
        }
        // After 6 s every timestamp 2 s back; in another stream 5 s ahead (sent at the same pace).
        func shifted(_ by: Int32) throws -> [PacedPublisher.Tag] {
            try Self.tags(clean).map { t in
                var t = t
                if t.timestamp >= 6000 { t.timestamp = UInt32(Int32(t.timestamp) + by) }
                return t
            }
        }
        let senders = [
            try crafted(fps, on: generic, key: "live/fps"),
            try crafted(first + second, on: generic, key: "live/size"),
            try crafted(try shifted(-2000), on: generic, key: "live/back"),
            try crafted(try shifted(5000), on: generic, key: "live/jump"),
            // Audio stops after 5 s, video goes on. (ffmpeg, given a source whose
            // audio ends, holds video back to interleave and then bursts it: a
            // whole-stream stall and a pace finding, not this.)
            try crafted(try Self.tags(clean).filter { $0.type != 8 || $0.timestamp < 5000 }, on: generic, key: "live/noaudio"),
        ]

        let expected: [(TestServer, String, String)] = [
            (generic, "live/norealtime", "realtime_pace"),
            (generic, "live/noaudio", "media_stall"),
            (generic, "live/fps", "metadata_mismatch"),
            (generic, "live/size", "config_change"),
            (generic, "live/back", "timestamp_backwards"),
            (generic, "live/jump", "timestamp_jump"),
            (twitch, "live/mp3", "codec"),
        ]
        // The last fault is observable at 8 s (the size change) or 7 s (audio
        // silent for 2 s after 5 s): all are in within 8 + 15 s.
        let started = Date()
        XCTAssertTrue(waitUntil(timeout: 23) { expected.allSatisfy { self.warnings($0.0, $0.1).contains($0.2) } },
                      "missing: \(expected.filter { !warnings($0.0, $0.1).contains($0.2) }.map { "\($0.1) \($0.2): \(warnings($0.0, $0.1))" })")
        XCTAssertLessThan(Date().timeIntervalSince(started), 23)

        // Every publish to its end: nothing else is flagged, anywhere.
        for s in senders { XCTAssertEqual(s.wait(timeout: .now() + 30), .success) }
        for c in children { _ = c.wait(timeout: 30) }
        for (server, key, code) in expected {
            XCTAssertEqual(warnings(server, key), [code], "\(key): only \(code)")
        }
        XCTAssertEqual(warnings(generic, "live/clean"), [], "the clean stream")
        XCTAssertEqual(warnings(twitch, "live/clean"), [], "the clean stream under twitch")
        let detail = twitch.logLines(msg: "stream health", key: "live/mp3").first ?? ""
        XCTAssertTrue(detail.contains("audio MP3 (twitch: AAC)"), String(detail))
    }
}
