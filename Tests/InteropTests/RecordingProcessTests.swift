import TestSupport
import Foundation
import Media
import NIOCore
import RTMP
import XCTest

/// Recording in the real binary across the worst exits: kill -9, SIGTERM,
/// and a disk that fills up (RLIMIT_FSIZE).
final class RecordingProcessTests: XCTestCase {
    private func recordings(in dir: URL) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? []).filter { $0.pathExtension == "flv" }
    }

    private func metadataDuration(_ url: URL) throws -> Double? {
        var reader = try FLVReader(ByteBuffer(bytes: try Data(contentsOf: url)))
        guard let tag = try reader.next(), tag.type == 18 else { return nil }
        var p = tag.payload
        let values = try AMF0Decoder().decodeAll(&p)
        return values.dropFirst().first?["duration"]?.numberValue
    }

    private func startPublishing(port: Int, key: String, in dir: URL, seconds: Int = 10) throws -> ChildProcess {
        let source = try Fixtures.h264aac(seconds: seconds, gop: 30, name: "relay-\(seconds)s-gop1.flv")
        return try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", "rtmp://127.0.0.1:\(port)/\(key)"],
                                in: dir, name: "ffmpeg-publish").start()
    }

    func testKill9LeavesAFileThatProbesAndPlays() throws {
        let dir = Fixtures.workDirectory(name)
        let rec = dir.appendingPathComponent("rec")
        let (server, first) = try RTMPTopProcess.launch(["--listen", "127.0.0.1:0", "--record-all", "--record-dir", rec.path], in: dir)
        let port = try XCTUnwrap(RTMPTopProcess.port(from: first))
        let pub = try startPublishing(port: port, key: "live/crash", in: dir)
        Thread.sleep(forTimeInterval: 4.5)
        server.signal(SIGKILL)
        server.wait(timeout: 5)
        pub.wait(timeout: 10)
        let file = try XCTUnwrap(recordings(in: rec).first)
        let duration = try Fixtures.probeDuration(file)
        XCTAssertGreaterThan(duration, 2.5, "ffprobe knows how long the cut-short file is")
        XCTAssertGreaterThan(try metadataDuration(file) ?? 0, 2.5, "the duration was patched into onMetaData while recording")
        let r = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-i", file.path, "-f", "null", "-"], in: dir, timeout: 30)
        XCTAssertEqual(r.status, 0, "plays what was written: \(r.stderr)")
    }

    func testSIGTERMFinalisesOpenRecordings() throws {
        let dir = Fixtures.workDirectory(name)
        let rec = dir.appendingPathComponent("rec")
        let (server, first) = try RTMPTopProcess.launch(["-listen", "127.0.0.1:0", "-record-all", "-record-dir", rec.path], in: dir)
        let port = try XCTUnwrap(RTMPTopProcess.port(from: first))
        let pub = try startPublishing(port: port, key: "live/term", in: dir)
        Thread.sleep(forTimeInterval: 3.5)
        server.signal(SIGTERM)
        XCTAssertEqual(server.wait(timeout: 5).status, 0)
        pub.wait(timeout: 10)
        let file = try XCTUnwrap(recordings(in: rec).first)
        let metaDuration = try XCTUnwrap(try metadataDuration(file))
        let probed = try Fixtures.probeDuration(file)
        XCTAssertGreaterThan(metaDuration, 2)
        XCTAssertEqual(metaDuration, probed, accuracy: 0.2, "final metadata matches the media")
        XCTAssertTrue(server.stdout.contains("\"msg\":\"recording stopped\""))
    }

    func testAFullDiskStopsTheRecordingAndTheRelayGoesOn() throws {
        let dir = Fixtures.workDirectory(name)
        let rec = dir.appendingPathComponent("rec")
        // 200 KiB per file for this process: the recording hits it in ~2 s.
        let (server, first) = try RTMPTopProcess.launch(["--listen", "127.0.0.1:0", "--record-all", "--record-dir", rec.path], in: dir, shellPrefix: "ulimit -f 200;")
        defer { server.signal(SIGTERM); server.wait(timeout: 5) }
        let port = try XCTUnwrap(RTMPTopProcess.port(from: first))
        let player = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-rw_timeout", "3000000", "-i", "rtmp://127.0.0.1:\(port)/live/full",
                                                                "-map", "0", "-c", "copy", "-f", "framemd5", "full.md5"], in: dir, name: "ffmpeg-play").start()
        Thread.sleep(forTimeInterval: 0.5)
        let pub = try startPublishing(port: port, key: "live/full", in: dir, seconds: 6)
        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        player.wait(timeout: 15)
        XCTAssertTrue(server.isRunning, "the server survives SIGXFSZ")
        XCTAssertTrue(server.stdout.contains("\"msg\":\"recording failed\""), server.stdout.suffix(3000).description)
        let got = FrameMD5(try String(contentsOf: dir.appendingPathComponent("full.md5"), encoding: .utf8))
        let source = try Fixtures.h264aac(seconds: 6, gop: 30, name: "relay-6s-gop1.flv")
        XCTAssertEqual(got.payloads(codec: "h264"), try Fixtures.frameMD5(of: source).payloads(codec: "h264"), "the player got everything")
    }
}
