import Foundation
import Relay
import TestSupport
import XCTest

/// `rtmp-top analyze FILE.flv` on files made by the real ffmpeg and on a
/// recording made by rtmp-top: exit 0 clean, 1 with findings, 2 unreadable.
final class AnalyzeCommandTests: XCTestCase {
    private var binary: String { RTMPTopProcess.binary }

    func testCleanFilesPassALongGOPFailsAndAnUnreadableFileIsTwo() throws {
        let dir = Fixtures.workDirectory(name)
        let clean = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        let ok = try ChildProcess.run(binary, ["analyze", clean.path], in: dir, timeout: 30)
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("keyframe interval: mean 2.00 s"), ok.stdout)
        XCTAssertTrue(ok.stdout.contains("no finding") || !ok.stdout.contains("FINDING"), ok.stdout)

        let long = dir.appendingPathComponent("gop12.flv")
        let made = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                                                                  "-t", "14", "-c:v", "libx264", "-preset", "ultrafast", "-g", "360", "-pix_fmt", "yuv420p", "-f", "flv", long.path],
                                        in: dir, timeout: 60)
        XCTAssertEqual(made.status, 0, made.stderr)
        let bad = try ChildProcess.run(binary, ["analyze", "--json", long.path], in: dir, timeout: 30)
        XCTAssertEqual(bad.status, 1)
        let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any], bad.stdout)
        let codes = (doc["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        XCTAssertEqual(codes, ["keyframe_interval"])
        XCTAssertEqual((doc["figures"] as? [String: Any])?["keyframe_interval_last"] as? Double, 12)

        let garbage = dir.appendingPathComponent("garbage.flv")
        try Data("not an flv".utf8).write(to: garbage)
        XCTAssertEqual(try ChildProcess.run(binary, ["analyze", garbage.path], in: dir, timeout: 30).status, 2)
        XCTAssertEqual(try ChildProcess.run(binary, ["analyze", dir.appendingPathComponent("missing.flv").path], in: dir, timeout: 30).status, 2)
    }

    /// The clean stream passes every profile; MP3 audio passes
    /// YouTube's (it takes MP3) and fails Twitch's (AAC only) with `codec`.
    func testTheCleanStreamUnderEveryProfileAndMP3UnderTwitch() throws {
        let dir = Fixtures.workDirectory(name)
        let clean = try StreamHealthFaultTests.clean()
        for profile in ["generic", "twitch", "youtube"] {
            let r = try ChildProcess.run(binary, ["analyze", "--profile", profile, "--json", clean.path], in: dir, timeout: 30)
            XCTAssertEqual(r.status, 0, "\(profile): \(r.stdout)\(r.stderr)")
            let doc = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
            XCTAssertEqual(doc["profile"] as? String, profile)
            let video = (doc["figures"] as? [String: Any])?["video_bitrate"] as? [String: Any]
            XCTAssertEqual(Double(video?["mean_bps"] as? Int ?? 0), 1_000_000, accuracy: 150_000, "CBR 1000k: \(r.stdout)")
        }
        let mp3 = dir.appendingPathComponent("mp3.flv")
        let made = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-y", "-i", clean.path, "-t", "12",
                                                                  "-c:v", "copy", "-c:a", "libmp3lame", "-ar", "44100", "-f", "flv", mp3.path], in: dir, timeout: 60)
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertEqual(try ChildProcess.run(binary, ["analyze", "--profile", "youtube", mp3.path], in: dir, timeout: 30).status, 0)
        let twitch = try ChildProcess.run(binary, ["analyze", "--profile", "twitch", mp3.path], in: dir, timeout: 30)
        XCTAssertEqual(twitch.status, 1)
        XCTAssertTrue(twitch.stdout.contains("FINDING codec: audio MP3 (twitch: AAC)"), twitch.stdout)
        XCTAssertNotEqual(try ChildProcess.run(binary, ["analyze", "--profile", "vimeo", mp3.path], in: dir, timeout: 30).status, 0, "an unknown profile is refused")
    }

    func testARecordingMadeByRTMPTopPasses() throws {
        let dir = Fixtures.workDirectory(name)
        let server = try TestServer(directory: dir) {
            $0.recordAll = true
            $0.recording.directory = dir.appendingPathComponent("rec").path
        }
        defer { server.stop() }
        let source = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        let publish = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url("live/rec")],
                                           in: dir, timeout: 30)
        XCTAssertEqual(publish.status, 0, publish.stderr)
        // The file is finalised (duration, index) when the recorder says it stopped.
        XCTAssertTrue(waitUntil(timeout: 10) { server.log.contains("\"msg\":\"recording stopped\"") }, "the recording ended")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("rec").path).filter { $0.hasSuffix(".flv") }
        let file = try XCTUnwrap(files.first, "a recording")
        let r = try ChildProcess.run(binary, ["analyze", dir.appendingPathComponent("rec").appendingPathComponent(file).path], in: dir, timeout: 30)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("frame rate: 30"), r.stdout)
    }
}
