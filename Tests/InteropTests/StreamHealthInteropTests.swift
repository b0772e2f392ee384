import Foundation
import Relay
import TestSupport
import XCTest

/// The health checks on real ffmpeg streams: a fault shows as its finding
/// (a warn line and the snapshot) within 15 s of being observable, and the
/// clean stream of the issue shows none.
final class StreamHealthInteropTests: XCTestCase {
    var work: URL!
    var server: TestServer!

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
        server = try TestServer(directory: work)
    }

    override func tearDown() {
        server?.stop()
        if let log = server?.log, (testRun?.totalFailureCount ?? 0) > 0 { print("--- server log ---\n\(log.suffix(6000))") }
    }

    private func warnings(_ key: String) -> [String] { server.healthWarnings(key) }

    func testA12SecondGOPIsFlaggedAndTheCleanStreamIsNot() throws {
        let ffmpeg = try Tool.path("ffmpeg")
        func publish(_ key: String, _ video: [String]) throws -> ChildProcess {
            try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-re",
                                      "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=r=48000",
                                      "-t", "16", "-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"] + video +
                             ["-c:a", "aac", "-ar", "48000", "-b:a", "128k", "-f", "flv", server.url(key)], in: work, name: "ffmpeg-\(key.split(separator: "/").last!)").start()
        }
        // The issue's clean stream (at 640x360 and ultrafast, so both encode in real time on 2 cores), and a 12 s GOP.
        let clean = try publish("live/clean", ["-profile:v", "main", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
                                               "-b:v", "1500k", "-maxrate", "1500k", "-bufsize", "1500k", "-x264-params", "nal-hrd=cbr"])
        let longGOP = try publish("live/gop", ["-g", "360", "-keyint_min", "360", "-sc_threshold", "0", "-b:v", "1000k"])
        defer { for p in [clean, longGOP] { p.signal(SIGINT); _ = p.wait(timeout: 5) } }

        let live = server.waitFor(timeout: 5) { $0.streams.filter(\.isLive).count == 2 }
        XCTAssertEqual(live.streams.filter(\.isLive).count, 2)
        let started = Date()
        // Observable 10 s after its first keyframe; flagged within 15 s of that.
        XCTAssertTrue(waitUntil(timeout: 25) { self.warnings("live/gop").contains("keyframe_interval") }, "warnings: \(warnings("live/gop"))")
        XCTAssertLessThan(Date().timeIntervalSince(started), 25)
        let snap = server.server.snapshot()
        let gop = try XCTUnwrap(snap.streams.first { $0.key == "live/gop" }?.health)
        XCTAssertTrue(gop.findings.contains { $0.code == "keyframe_interval" })
        XCTAssertGreaterThanOrEqual(gop.faults, 1)
        XCTAssertEqual(warnings("live/gop"), ["keyframe_interval"], "no other warn finding")

        let cleanHealth = try XCTUnwrap(snap.streams.first { $0.key == "live/clean" }?.health)
        XCTAssertEqual(warnings("live/clean"), [], "the clean stream has no finding")
        XCTAssertEqual(cleanHealth.faults, 0, "\(cleanHealth.findings)")
        XCTAssertEqual(cleanHealth.figures.keyframeIntervalLast ?? 0, 2.0, accuracy: 0.05)
        XCTAssertEqual(cleanHealth.figures.measuredFrameRate ?? 0, 30, accuracy: 1)
        XCTAssertEqual(cleanHealth.figures.pace ?? 0, 1, accuracy: 0.15)
    }
}
