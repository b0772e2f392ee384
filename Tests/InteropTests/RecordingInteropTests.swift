import TestSupport
import Foundation
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import XCTest

/// Recording with the real programs: ffmpeg publishes, the recorder writes
/// FLV, ffprobe/ffmpeg check the files.
final class RecordingInteropTests: XCTestCase {
    var work: URL!
    var server: TestServer!
    var recordDir: URL { work.appendingPathComponent("recordings") }

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
    }

    override func tearDown() {
        server?.stop()
        if let log = server?.log, (testRun?.totalFailureCount ?? 0) > 0 {
            print("--- server log (\(name)) ---\n\(log.suffix(6000))")
        }
    }

    private func startServer(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws {
        let dir = recordDir.path
        server = try TestServer(directory: work) { config in
            config.recording.directory = dir
            configure(&config)
        }
    }

    private func publish(_ source: URL, key: String, wait: Bool = true) throws -> ChildProcess {
        let p = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url(key)],
                                 in: work, name: "ffmpeg-publish").start()
        if wait { XCTAssertEqual(p.wait(timeout: 40).status, 0, p.stderr) }
        return p
    }

    private func recordings() -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: recordDir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "flv" }.sorted { $0.path < $1.path }
    }

    private func firstVideoPacketIsKey(_ url: URL) throws -> Bool {
        let r = try ChildProcess.run(try Tool.path("ffprobe"), ["-v", "error", "-select_streams", "v", "-show_entries", "packet=flags", "-of", "csv=p=0", "-read_intervals", "%+#1", url.path],
                                     in: work, timeout: 20)
        return r.stdout.hasPrefix("K")
    }

    private func waitRecordingClosed(_ key: String) {
        server.waitFor(timeout: 10) { s in s.streams.first { $0.key == key }.map { !$0.isRecording } ?? true }
    }

    func testRecordAllWritesTheExactPacketsWithTheRightDuration() throws {
        try startServer { $0.recordAll = true }
        let source = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        _ = try publish(source, key: "live/test")
        waitRecordingClosed("live/test")
        let files = recordings()
        XCTAssertEqual(files.count, 1)
        let file = try XCTUnwrap(files.first)
        XCTAssertTrue(file.lastPathComponent.hasPrefix("live_test_") && file.lastPathComponent.hasSuffix(".flv"), file.lastPathComponent)
        let sourceDuration = try Fixtures.probeDuration(source)
        XCTAssertEqual(try Fixtures.probeDuration(file), sourceDuration, accuracy: 0.2)
        let reference = try Fixtures.frameMD5(of: source)
        let recorded = try Fixtures.frameMD5(of: file)
        XCTAssertEqual(recorded.payloads(codec: "h264"), reference.payloads(codec: "h264"))
        XCTAssertEqual(recorded.payloads(codec: "aac"), reference.payloads(codec: "aac"))
        try assertKeyframeIndexPointsAtKeyframes(file)
        XCTAssertTrue(server.log.contains("\"msg\":\"recording started\""))
    }

    func testRecordingStartedMidStreamBeginsOnADecodableKeyframe() throws {
        try startServer()
        let source = try Fixtures.h264aac(seconds: 10, gop: 60, name: "relay-10s.flv")
        let pub = try publish(source, key: "live/mid", wait: false)
        // Timed by the stream's own frames, not sleeps (on a busy machine the
        // media comes late): past the second keyframe and mid-GOP, 15 to 45
        // of its 60 frames in (the sequence header counts one).
        func videoFrames(_ s: ServerSnapshot) -> UInt64 { s.streams.first { $0.key == "live/mid" }?.videoFrames ?? 0 }
        func midGOP(_ frames: UInt64) -> Bool { frames > 61 && (15...45).contains((frames - 1) % 60) }
        let atStart = videoFrames(server.waitFor(timeout: 20) { midGOP(videoFrames($0)) })
        XCTAssertTrue(midGOP(atStart), "mid-GOP, at video frame \(atStart)")
        try server.server.startRecording(streamKey: "live/mid")
        XCTAssertTrue(server.server.isRecording(streamKey: "live/mid"))
        XCTAssertThrowsError(try server.server.startRecording(streamKey: "live/mid"), "one recording per stream")
        // 3 s more of media go to the recording.
        XCTAssertGreaterThanOrEqual(videoFrames(server.waitFor(timeout: 20) { videoFrames($0) >= atStart + 90 }), atStart + 90)
        XCTAssertTrue(server.server.stopRecording(streamKey: "live/mid"))
        waitRecordingClosed("live/mid")
        // The snapshot keeps how the recording ended while the stream lives.
        let snap = try XCTUnwrap(server.server.snapshot().streams.first { $0.key == "live/mid" }?.recording)
        let file = try XCTUnwrap(recordings().first)
        XCTAssertTrue(try firstVideoPacketIsKey(file), "the file starts on a keyframe")
        let png = work.appendingPathComponent("first.png").path
        let r = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-i", file.path, "-frames:v", "1", "-y", png], in: work, timeout: 20)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: png))
        let duration = try Fixtures.probeDuration(file)
        XCTAssertGreaterThan(duration, 2.5, "the cached GOP plus 3 s")
        XCTAssertLessThan(duration, 7)
        XCTAssertFalse(snap.isRecording)
        XCTAssertEqual(snap.path, file.path)
        XCTAssertGreaterThan(snap.bytesWritten, 10_000)
        pub.wait(timeout: 20)
    }

    func testSegmentsEachStartOnAKeyframeAndPlayAlone() throws {
        try startServer {
            $0.recordAll = true
            $0.recording.maxDurationSeconds = 2
        }
        let source = try Fixtures.h264aac(seconds: 10, gop: 30, name: "relay-10s-gop1.flv")
        _ = try publish(source, key: "live/seg")
        waitRecordingClosed("live/seg")
        let files = recordings()
        XCTAssertTrue((4...6).contains(files.count), "about 5 segments, got \(files.map(\.lastPathComponent))")
        for (i, f) in files.enumerated() {
            XCTAssertTrue(f.lastPathComponent.hasSuffix(String(format: "_%03d.flv", i + 1)), f.lastPathComponent)
            XCTAssertTrue(try firstVideoPacketIsKey(f), "\(f.lastPathComponent) starts on a keyframe")
            let r = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-i", f.path, "-f", "null", "-"], in: work, timeout: 30)
            XCTAssertEqual(r.status, 0, "\(f.lastPathComponent) decodes alone: \(r.stderr)")
            XCTAssertGreaterThan(try Fixtures.probeDuration(f), 0.5)
        }
    }

    func testHostileStreamKeysStayInsideTheRecordDirectory() throws {
        try startServer { $0.recordAll = true }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        for name in ["../../etc/x", "a/b?c=1", ".hidden"] {
            let c = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
            try c.publish(name)
            for m in SyntheticMediaForRecording.messages(seconds: 2) { c.sendMedia(typeID: m.0, timestamp: m.1, payload: m.2) }
            Thread.sleep(forTimeInterval: 0.5)
            c.close()
        }
        server.waitFor(timeout: 5) { $0.streams.allSatisfy { !$0.isRecording } }
        let files = recordings()
        XCTAssertEqual(files.count, 3, "\(files)")
        for f in files {
            XCTAssertEqual(f.deletingLastPathComponent().standardizedFileURL.path, recordDir.standardizedFileURL.path)
            XCTAssertFalse(f.lastPathComponent.hasPrefix("."))
            let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            XCTAssertTrue(f.lastPathComponent.unicodeScalars.allSatisfy { allowed.contains($0) }, f.lastPathComponent)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("etc").path))
    }

    func testAnUnwritableRecordDirectoryIsReportedAndTheRelayGoesOn() throws {
        // Root ignores permissions: a directory whose parent is a regular file cannot be made by anyone.
        let blocker = work.appendingPathComponent("not-a-dir")
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8)))
        server = try TestServer(directory: work) { config in
            config.recordAll = true
            config.recording.directory = blocker.appendingPathComponent("recordings").path
        }
        let source = try Fixtures.h264aac(seconds: 4, gop: 30, name: "relay-4s.flv")
        let player = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-rw_timeout", "3000000", "-i", server.url("live/err"),
                                                                "-map", "0", "-c", "copy", "-f", "framemd5", "err.md5"], in: work, name: "ffmpeg-play").start()
        server.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        let pub = try publish(source, key: "live/err", wait: false)
        let snap = server.waitFor(timeout: 5) { $0.streams.first?.recording?.lastError != nil }
        XCTAssertEqual(snap.streams.first?.recording?.lastError?.contains("cannot create record directory"), true, "the error shows in the snapshot")
        XCTAssertEqual(snap.streams.first?.isRecording, false)
        XCTAssertEqual(pub.wait(timeout: 30).status, 0)
        player.wait(timeout: 15)
        let got = FrameMD5(try String(contentsOf: work.appendingPathComponent("err.md5"), encoding: .utf8))
        XCTAssertEqual(got.payloads(codec: "h264"), try Fixtures.frameMD5(of: source).payloads(codec: "h264"), "the player got everything")
        XCTAssertTrue(server.log.contains("\"msg\":\"recording failed\""))
        XCTAssertTrue(server.log.contains("cannot create record directory"))
    }

    func testEnhancedRTMPMediaIsRecordedByteExact() throws {
        try startServer { $0.recordAll = true }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        for file in ["hevc-aac.flv", "hevc-opus.flv", "av1-opus.flv", "vp9-opus.flv", "hevc-codecid12-aac.flv"] {
            let path = EnhancedRTMPTests.mediaDirectory.appendingPathComponent(file).path
            let (_, tags) = try FLVReader.readFile(path)
            let name = file.replacingOccurrences(of: ".flv", with: "")
            let c = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
            try c.publish(name)
            for t in tags { c.sendMedia(typeID: t.type, timestamp: t.timestamp, payload: t.payload) }
            server.waitFor(timeout: 5) { s in (s.streams.first { $0.key == "live/\(name)" }?.videoFrames ?? 0) >= UInt64(tags.filter { $0.type == 9 }.count) }
            c.close()
            waitRecordingClosed("live/\(name)")
            let recorded = try XCTUnwrap(recordings().first { $0.lastPathComponent.hasPrefix("live_\(name)_") })
            let (header, got) = try FLVReader.readFile(recorded.path)
            XCTAssertTrue(header.hasVideo && header.hasAudio)
            XCTAssertEqual(got.first?.type, 18, "onMetaData first")
            let media = tags.filter { $0.type != 18 }
            let gotMedia = got.filter { $0.type != 18 }
            XCTAssertEqual(gotMedia.map(\.payload), media.map(\.payload), "\(file): payloads byte-exact and in order")
            XCTAssertEqual(gotMedia.prefix(2).compactMap { $0.type == 9 ? VideoTagInfo.parse($0.payload)?.isSequenceHeader : AudioTagInfo.parse($0.payload)?.isSequenceHeader }, [true, true],
                           "\(file): starts with its sequence starts")
            XCTAssertEqual(gotMedia.first.map { $0.timestamp }, 0)
        }
    }

    /// `keyframes.filepositions` must point at video keyframe tags, and
    /// `times` at their timestamps: what makes seeking instant.
    private func assertKeyframeIndexPointsAtKeyframes(_ file: URL, line: UInt = #line) throws {
        let data = try Data(contentsOf: file)
        var buffer = ByteBuffer(bytes: data)
        var reader = try FLVReader(buffer)
        let meta = try XCTUnwrap(try reader.next())
        XCTAssertEqual(meta.type, 18, line: line)
        var payload = meta.payload
        let values = try AMF0Decoder().decodeAll(&payload)
        XCTAssertEqual(values.first?.stringValue, "onMetaData", line: line)
        let body = try XCTUnwrap(values.dropFirst().first)
        XCTAssertGreaterThan(body["duration"]?.numberValue ?? 0, 1, line: line)
        XCTAssertEqual(body["filesize"]?.numberValue.map { Int($0) }, data.count, line: line)
        guard case .strictArray(let positions)? = body["keyframes"]?["filepositions"],
              case .strictArray(let times)? = body["keyframes"]?["times"] else {
            return XCTFail("no keyframe index in \(body)", line: line)
        }
        XCTAssertGreaterThan(positions.count, 1, line: line)
        XCTAssertEqual(positions.count, times.count, line: line)
        for (p, t) in zip(positions, times) {
            let offset = Int(p.numberValue ?? -1)
            XCTAssertTrue(offset > 13 && offset + 11 < data.count, line: line)
            guard offset > 13 && offset + 11 < data.count else { continue }
            buffer = ByteBuffer(bytes: data[offset...])
            let type = buffer.readInteger(as: UInt8.self)
            XCTAssertEqual(type, 9, "filepositions entry \(offset) is a video tag", line: line)
            buffer.moveReaderIndex(forwardBy: 3)
            let ts24 = buffer.readBytes(length: 3).map { UInt32($0[0]) << 16 | UInt32($0[1]) << 8 | UInt32($0[2]) } ?? 0
            let ext = UInt32(buffer.readInteger(as: UInt8.self) ?? 0)
            buffer.moveReaderIndex(forwardBy: 3)
            XCTAssertEqual(buffer.readableBytes > 0 ? VideoTagInfo.parse(buffer)?.isKeyframe : nil, true, "filepositions entry \(offset) is a keyframe", line: line)
            XCTAssertEqual(Double(ext << 24 | ts24) / 1000, t.numberValue ?? -1, accuracy: 0.002, line: line)
        }
    }
}

/// A couple of seconds of made-up AVC/AAC messages (real tag headers).
enum SyntheticMediaForRecording {
    static func messages(seconds: Int) -> [(UInt8, UInt32, ByteBuffer)] {
        var out: [(UInt8, UInt32, ByteBuffer)] = [(9, 0, ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF])),
                                                  (8, 0, ByteBuffer(bytes: [0xAF, 0x00, 0x12, 0x08]))]
        for i in 0..<(seconds * 30) {
            var v = ByteBuffer(bytes: [i % 30 == 0 ? 0x17 : 0x27, 0x01, 0, 0, 0])
            v.writeRepeatingByte(UInt8(truncatingIfNeeded: i), count: 500)
            out.append((9, UInt32(i * 1000 / 30), v))
            var a = ByteBuffer(bytes: [0xAF, 0x01])
            a.writeRepeatingByte(UInt8(truncatingIfNeeded: i), count: 100)
            out.append((8, UInt32(i * 1000 / 30), a))
        }
        return out
    }
}
