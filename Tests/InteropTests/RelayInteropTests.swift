import TestSupport
import Foundation
import Relay
import XCTest

/// The relay used by the real programs on loopback: ffmpeg publishes,
/// ffmpeg, rtmpdump and GStreamer play, and what they receive is compared
/// packet by packet with the source.
final class RelayInteropTests: XCTestCase {
    var work: URL!
    var server: TestServer!

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
        server = try TestServer(directory: work)
    }

    override func tearDown() {
        server?.stop()
        if let log = server?.log, (testRun?.totalFailureCount ?? 0) > 0 {
            print("--- server log (\(name)) ---\n\(log.suffix(8000))")
        }
    }

    private func publisher(_ source: URL, key: String, extra: [String] = []) throws -> ChildProcess {
        try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy"] + extra + ["-f", "flv", server.url(key)],
                         in: work, name: "ffmpeg-publish")
    }

    private func ffmpegPlayer(_ key: String, output: String, rwTimeoutSeconds: Int = 3, inputOptions: [String] = []) throws -> ChildProcess {
        try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-rw_timeout", "\(rwTimeoutSeconds * 1_000_000)"] + inputOptions +
                                                  ["-i", server.url(key), "-map", "0", "-c", "copy", "-copyinkf", "-f", "framemd5", output],
                         in: work, name: "ffmpeg-play")
    }

    func testFFmpegPublishesAndEveryKindOfPlayerGetsTheSamePackets() throws {
        let source = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        let reference = try Fixtures.frameMD5(of: source)
        XCTAssertGreaterThan(reference.packets(codec: "h264").count, 200)

        // Players first: each waits for the publisher, so all get every packet.
        let p1 = try ffmpegPlayer("live/test", output: "p1.md5").start()
        let p2 = try ffmpegPlayer("live/test", output: "p2.md5").start()
        let dump = try ChildProcess(try Tool.path("rtmpdump"), ["-q", "-v", "-m", "3", "-r", server.url("live/test"), "-o", work.appendingPathComponent("dump.flv").path],
                                    in: work, name: "rtmpdump").start()
        let gst = try ChildProcess(try Tool.path("gst-launch-1.0"), ["-q", "rtmp2src", "location=\(server.url("live/test"))", "idle-timeout=3",
                                                                     "!", "filesink", "location=\(work.appendingPathComponent("gst.flv").path)"],
                                   in: work, name: "gst-play").start()
        server.waitFor(timeout: 5) { $0.connections.filter { $0.role == "player" }.count == 4 }

        let pub = try publisher(source, key: "live/test").start()
        let live = server.waitFor(timeout: 5) { s in s.streams.first?.video?.width != nil && s.streams.first?.audio?.sampleRate != nil }
        let stream = try XCTUnwrap(live.streams.first)
        XCTAssertEqual(stream.key, "live/test")
        XCTAssertEqual(stream.video?.codec, "H.264")
        XCTAssertEqual(stream.video?.width, 640)
        XCTAssertEqual(stream.video?.height, 360)
        XCTAssertEqual(stream.audio?.codec, "AAC")
        XCTAssertEqual(stream.audio?.sampleRate, 44100)
        XCTAssertEqual(stream.audio?.channels, 1)
        XCTAssertEqual(stream.players.count, 4)

        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        for p in [p1, p2, dump, gst] { p.wait(timeout: 15) }

        for (name, md5) in [("ffmpeg player 1", "p1.md5"), ("ffmpeg player 2", "p2.md5")] {
            let got = FrameMD5(try String(contentsOf: work.appendingPathComponent(md5), encoding: .utf8))
            XCTAssertEqual(got.packets(codec: "h264"), reference.packets(codec: "h264"), "\(name): video packets differ")
            XCTAssertEqual(got.packets(codec: "aac"), reference.packets(codec: "aac"), "\(name): audio packets differ")
        }
        let dumped = try Fixtures.frameMD5(of: work.appendingPathComponent("dump.flv"))
        XCTAssertEqual(dumped.payloads(codec: "h264"), reference.payloads(codec: "h264"), "rtmpdump: video payloads differ")
        XCTAssertEqual(dumped.payloads(codec: "aac"), reference.payloads(codec: "aac"), "rtmpdump: audio payloads differ")
        // rtmp2src holds the newest message back until the next one arrives,
        // so when its idle timeout ends the pipeline the last packet of a
        // stream may be missing: everything else must be there, in order.
        let gstreamer = try Fixtures.frameMD5(of: work.appendingPathComponent("gst.flv"))
        for codec in ["h264", "aac"] {
            let got = gstreamer.payloads(codec: codec), want = reference.payloads(codec: codec)
            XCTAssertTrue(got.count >= want.count - 1 && want.starts(with: got), "GStreamer: \(codec) payloads differ (\(got.count) of \(want.count))")
        }
        XCTAssertTrue(server.log.contains("\"msg\":\"codec detected\""))
        XCTAssertTrue(server.log.contains("\"codec_level\":\"3"), "the H.264 level is logged as codec_level")
        XCTAssertEqual(LogLines.linesWithDuplicateKeys(server.log), [], "every log line's keys are unique")
    }

    func testGStreamerMetadataUpdatesGiveThePlayerOnlyVideoAndAudio() throws {
        // flvmux streamable=true resends onMetaData as its tags change; ffmpeg
        // reads one at a timestamp other than 0 as a subtitle packet.
        let out = work.appendingPathComponent("gst-meta.flv")
        let player = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-rw_timeout", "3000000",
                                                                "-i", server.url("live/gstmeta"), "-map", "0", "-c", "copy", "-y", out.path],
                                      in: work, name: "ffmpeg-play").start()
        server.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        let gst = try ChildProcess.run(try Tool.path("gst-launch-1.0"), [
            "-q", "-e", "videotestsrc", "is-live=true", "num-buffers=120", "!", "video/x-raw,width=640,height=360,framerate=30/1", "!", "videoconvert",
            "!", "openh264enc", "!", "h264parse", "!", "flvmux", "name=m", "streamable=true", "!", "rtmp2sink", "location=\(server.url("live/gstmeta"))",
            "audiotestsrc", "is-live=true", "num-buffers=172", "!", "audioconvert", "!", "voaacenc", "!", "aacparse", "!", "m.",
        ], in: work, timeout: 30)
        XCTAssertEqual(gst.status, 0, gst.stderr)
        XCTAssertEqual(player.wait(timeout: 15).status, 0, player.stderr)
        let streams = try ChildProcess.run(try Tool.path("ffprobe"), ["-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", out.path],
                                           in: work, timeout: 20)
        XCTAssertEqual(streams.stdout.split(separator: "\n").sorted(), ["aac,audio", "h264,video"], "exactly one H.264 and one AAC stream")
        let decode = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-nostats", "-i", out.path, "-map", "0", "-f", "null", "-"], in: work, timeout: 30)
        XCTAssertEqual(decode.status, 0, decode.stderr)
        let errors = decode.stderr.split(separator: "\n").filter { $0.lowercased().contains("error") || $0.contains("disabled") }
        XCTAssertEqual(errors, [], "decoding every stream prints no error line")
    }

    func testGStreamerPublishes() throws {
        let source = try Fixtures.h264aac(seconds: 4, gop: 30, name: "relay-4s.flv")
        let reference = try Fixtures.frameMD5(of: source)
        let player = try ffmpegPlayer("live/gst", output: "gstpub.md5").start()
        server.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        // rtmp2sink paces by the buffers' timestamps, like ffmpeg's -re.
        let gst = try ChildProcess.run(try Tool.path("gst-launch-1.0"), [
            "-q", "filesrc", "location=\(source.path)", "!", "flvdemux", "name=d",
            "d.video", "!", "queue", "!", "m.video", "flvmux", "name=m", "streamable=true", "!", "rtmp2sink", "location=\(server.url("live/gst"))",
            "d.audio", "!", "queue", "!", "m.audio",
        ], in: work, timeout: 20)
        XCTAssertEqual(gst.status, 0, gst.stderr)
        player.wait(timeout: 10)
        let got = FrameMD5(try String(contentsOf: work.appendingPathComponent("gstpub.md5"), encoding: .utf8))
        XCTAssertEqual(got.payloads(codec: "h264"), reference.payloads(codec: "h264"))
        XCTAssertEqual(got.payloads(codec: "aac"), reference.payloads(codec: "aac"))
    }

    func testLateJoinerGetsAKeyframeAndAPictureAtOnce() throws {
        // 4 s GOPs: without a GOP cache a joiner would wait up to 4 s.
        try lateJoiner(gop: 120, seconds: 14, joinAfter: 5.5)  // mid-GOP: 1.5 s after the second keyframe
    }

    func testLateJoinerWithOneSecondGOPsJustAfterAKeyframe() throws {
        // The current GOP alone is a few frames here: ffmpeg would wait for
        // the ~40 frames its probe wants, in real time, without earlier GOPs.
        try lateJoiner(gop: 30, seconds: 8, joinAfter: 3.05)
    }

    private func lateJoiner(gop: Int, seconds: Int, joinAfter: TimeInterval) throws {
        let source = try Fixtures.h264aac(seconds: seconds, gop: gop, name: "gop\(gop)-\(seconds)s.flv")
        let pub = try publisher(source, key: "live/late").start()
        defer { pub.wait(timeout: 30) }
        let live = Date()
        server.waitFor(timeout: 5) { $0.streams.first?.videoFrames ?? 0 > 0 }
        Thread.sleep(forTimeInterval: max(0, joinAfter - Date().timeIntervalSince(live)))

        let ffmpeg = try Tool.path("ffmpeg")
        let started = Date()
        let png = work.appendingPathComponent("first.png").path
        let pic = try ChildProcess.run(ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", server.url("live/late"), "-frames:v", "1", "-y", png], in: work, timeout: 10)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(pic.status, 0, pic.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: png))
        // Functional deadline with wide margin, not a speed figure.
        XCTAssertLessThan(elapsed, 1.0, "first picture took \(elapsed) s")

        let flv = work.appendingPathComponent("joiner.flv").path
        let copy = try ChildProcess.run(ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", server.url("live/late"), "-map", "0", "-c", "copy", "-copyinkf", "-frames:v", "10", "-y", flv], in: work, timeout: 10)
        XCTAssertEqual(copy.status, 0, copy.stderr)
        let probe = try ChildProcess.run(try Tool.path("ffprobe"), ["-v", "error", "-select_streams", "v", "-show_entries", "packet=flags", "-of", "csv=p=0", flv], in: work, timeout: 10)
        let flags = probe.stdout.split(separator: "\n")
        XCTAssertEqual(flags.first.map { $0.hasPrefix("K") }, true, "first video packet flags: \(flags.prefix(3))")
    }

    func testSecondPublisherIsRefusedWhileTheFirstGoesOn() throws {
        let source = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        let first = try publisher(source, key: "live/busy").start()
        server.waitFor(timeout: 5) { $0.streams.first?.video != nil }
        let second = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-t", "3", "-f", "flv", server.url("live/busy")],
                                          in: work, timeout: 10)
        XCTAssertNotEqual(second.status, 0, "the second publisher must be refused")
        XCTAssertTrue(first.isRunning, "the first publisher must keep going")
        let before = server.server.snapshot().streams.first?.videoFrames ?? 0
        Thread.sleep(forTimeInterval: 1)
        let after = server.server.snapshot().streams.first?.videoFrames ?? 0
        XCTAssertGreaterThan(after, before + 10, "the first publisher's frames keep arriving")
        XCTAssertEqual(first.wait(timeout: 20).status, 0, first.stderr)
        XCTAssertTrue(server.log.contains("publish refused"))
    }

    func testPlayersStayAcrossAPublisherRestartWithIncreasingTimestamps() throws {
        let source = try Fixtures.h264aac(seconds: 4, gop: 30, name: "relay-4s.flv")
        let player = try ffmpegPlayer("live/restart", output: "restart.md5", rwTimeoutSeconds: 5).start()
        server.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        for _ in 0..<2 {
            let pub = try publisher(source, key: "live/restart").start()
            XCTAssertEqual(pub.wait(timeout: 20).status, 0, pub.stderr)
            Thread.sleep(forTimeInterval: 1)
            XCTAssertTrue(player.isRunning, "the player must stay while the publisher is away")
        }
        player.wait(timeout: 15)
        let got = FrameMD5(try String(contentsOf: work.appendingPathComponent("restart.md5"), encoding: .utf8))
        let reference = try Fixtures.frameMD5(of: source)
        let video = got.packets(codec: "h264")
        XCTAssertEqual(video.count, 2 * reference.packets(codec: "h264").count, "both publishers' frames arrive")
        XCTAssertEqual(video.map { "\($0.size) \($0.hash)" }, reference.payloads(codec: "h264") + reference.payloads(codec: "h264"))
        for (a, b) in zip(video, video.dropFirst()) {
            XCTAssertLessThan(a.dts, b.dts, "video timestamps must keep increasing across the restart")
        }
    }

    func testTimestampsPastTheTwentyFourBitLimitAreRelayedIntact() throws {
        // 16770 s puts the stream 7.2 s before 0xFFFFFF ms: it crosses it midway.
        let source = try Fixtures.h264aac(seconds: 4, gop: 30, name: "relay-4s.flv")
        // -copyts: framemd5 would otherwise shift the stream to start at 0.
        let player = try ffmpegPlayer("live/ext", output: "ext.md5", inputOptions: ["-copyts"]).start()
        server.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        let shifted = work.appendingPathComponent("shifted.flv")
        let prep = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-i", source.path, "-c", "copy", "-output_ts_offset", "16775", "-f", "flv", "-y", shifted.path],
                                        in: work, timeout: 30)
        XCTAssertEqual(prep.status, 0, prep.stderr)
        let reference = try Fixtures.frameMD5(of: shifted, extra: ["-copyts"])
        XCTAssertTrue(reference.packets.contains { $0.dts < 0xFF_FFFF } && reference.packets.contains { $0.dts > 0xFF_FFFF }, "the fixture must cross 0xFFFFFF")
        let pub = try publisher(shifted, key: "live/ext", extra: ["-copyts"]).start()
        XCTAssertEqual(pub.wait(timeout: 20).status, 0, pub.stderr)
        player.wait(timeout: 15)
        let got = FrameMD5(try String(contentsOf: work.appendingPathComponent("ext.md5"), encoding: .utf8))
        XCTAssertEqual(got.packets(codec: "h264"), reference.packets(codec: "h264"))
        XCTAssertEqual(got.packets(codec: "aac"), reference.packets(codec: "aac"))
    }
}
