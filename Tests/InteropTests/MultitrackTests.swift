import Foundation
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
@testable import Relay
import TestSupport
import XCTest

/// Enhanced RTMP v2 multitrack (issue 13): ffmpeg 9 publishing two
/// renditions (track 0 as plain AVC/AAC tags, track 1 as one-track
/// Multitrack tags), players joining late, legacy players, the recording;
/// and crafted ManyTracks and ModEx messages relayed byte-exact.
final class MultitrackTests: XCTestCase {
    var work: URL!
    var server: TestServer!
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
        let recordings = work.appendingPathComponent("recordings").path
        server = try TestServer(directory: work) { c in
            // Players end when the publisher does (ffmpeg stops on UnpublishNotify), not on a read timeout.
            c.publishNotify = true
            c.recordAll = true
            c.recording.directory = recordings
        }
    }

    override func tearDown() {
        server?.stop()
        if let log = server?.log, (testRun?.totalFailureCount ?? 0) > 0 {
            print("--- server log (\(name)) ---\n\(log.suffix(8000))")
        }
        try? group.syncShutdownGracefully()
    }

    /// ffmpeg 9 lists the FourCCs it takes only when told to; then it is an Enhanced RTMP player.
    static let enhancedPlayerOption = ["-rtmp_enhanced_codecs", "avc1,hvc1,av01,vp09,mp4a,Opus"]

    private func player(_ tool: String, _ output: String, copy: Bool, extra: [String] = []) throws -> ChildProcess {
        try ChildProcess(tool, ["-hide_banner", "-loglevel", "error", "-rw_timeout", "4000000"] + extra + ["-i", server.url("live/mt"), "-map", "0"]
                         + (copy ? ["-c", "copy", "-copyinkf"] : []) + ["-f", "framemd5", output], in: work, name: "player-\(output)")
    }

    private func md5(_ file: String) throws -> FrameMD5 {
        FrameMD5(try String(contentsOf: work.appendingPathComponent(file), encoding: .utf8))
    }

    /// `#dimensions N: WxH` lines of a framemd5 file, by stream.
    private func dimensions(_ file: String) throws -> [Int: String] {
        var out: [Int: String] = [:]
        for line in try String(contentsOf: work.appendingPathComponent(file), encoding: .utf8).split(separator: "\n") where line.hasPrefix("#dimensions ") {
            let parts = line.dropFirst("#dimensions ".count).split(separator: ":", maxSplits: 1)
            if parts.count == 2, let i = Int(parts[0]) { out[i] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return out
    }

    func testFFmpeg9TwoRenditionsReachLateEnhancedPlayersWhileLegacyPlayersGetTrackZero() throws {
        let ffmpeg9 = try Tool.ffmpeg9()
        let early = try player(ffmpeg9, "early.md5", copy: true, extra: Self.enhancedPlayerOption).start()
        server.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        let publisher = try ChildProcess(ffmpeg9, [
            "-hide_banner", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=30",
            "-f", "lavfi", "-i", "sine=sample_rate=48000", "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000", "-t", "6",
            "-map", "0:v", "-map", "1:v", "-map", "2:a", "-map", "3:a", "-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-c:a", "aac",
            "-f", "flv", server.url("live/mt"),
        ], in: work, name: "ffmpeg9-publish").start()
        XCTAssertTrue(waitUntil(timeout: 10) { (self.server.server.snapshot().streams.first?.keyframes ?? 0) >= 2 }, "publishing")
        // Joining 2 s in, between keyframes: each needs both tracks' sequence starts from the cache.
        let lateEnhanced = try player(ffmpeg9, "late-enhanced.md5", copy: true, extra: Self.enhancedPlayerOption).start()
        let lateLegacy9 = try player(ffmpeg9, "late-legacy9.md5", copy: false).start()
        let lateDebian = try player(try Tool.path("ffmpeg"), "late-debian.md5", copy: false).start()
        XCTAssertTrue(waitUntil(timeout: 10) { self.server.server.snapshot().streams.first?.players.count == 4 }, "four players")
        let stream = try XCTUnwrap(server.server.snapshot().streams.first)
        XCTAssertEqual(stream.video?.width, 640, "figures follow the default track")
        XCTAssertEqual(stream.frameRate.map { Int($0.rounded()) }, 30, "not doubled by the second rendition")
        XCTAssertEqual(stream.tracks.map { "\($0.kind) \($0.id)" }, ["video 0", "video 1", "audio 0", "audio 1"], "the snapshot lists the tracks")
        XCTAssertEqual(stream.tracks.compactMap { $0.video.flatMap { v in v.width.map { "\($0)x\(v.height ?? 0)" } } }, ["640x360", "320x180"],
                       "each rendition's size from its own sequence start")
        XCTAssertEqual(stream.tracks.first { $0.kind == "audio" && $0.id == 1 }?.audio?.codec, "AAC")
        XCTAssertTrue(stream.tracks.allSatisfy { $0.bytesIn > 0 }, "bytes per track")
        XCTAssertEqual(publisher.wait(timeout: 30).status, 0, publisher.stderr)
        for p in [early, lateEnhanced, lateLegacy9, lateDebian] { XCTAssertFalse(p.wait(timeout: 20).timedOut, "a player ended with the stream") }

        let reference = try md5("early.md5")
        XCTAssertEqual(reference.codecs.count, 4, "the early player has all four tracks: \(reference.codecs)")
        XCTAssertEqual(Set(try dimensions("early.md5").values), ["640x360", "320x180"])
        let late = try md5("late-enhanced.md5")
        XCTAssertEqual(late.codecs.count, 4, "a late enhanced player gets every track: \(late.codecs)")
        XCTAssertEqual(try dimensions("late-enhanced.md5"), try dimensions("early.md5"), "each rendition its own size")
        XCTAssertTrue(lateEnhanced.stderr.isEmpty, lateEnhanced.stderr)
        for stream in 0..<4 {
            let want = reference.packets.filter { $0.stream == stream }.map { "\($0.size) \($0.hash)" }
            let got = late.packets.filter { $0.stream == stream }.map { "\($0.size) \($0.hash)" }
            XCTAssertGreaterThan(got.count, 20, "stream \(stream) has packets")
            guard let first = got.first, let start = want.firstIndex(of: first) else { XCTFail("stream \(stream): not the source's packets"); continue }
            XCTAssertEqual(Array(want[start..<min(want.count, start + got.count)]), got, "stream \(stream): a contiguous run of the source's")
        }
        for (file, p, what) in [("late-legacy9.md5", lateLegacy9, "plain ffmpeg 9"), ("late-debian.md5", lateDebian, "Debian's ffmpeg 5.1")] {
            let got = try md5(file)
            XCTAssertEqual(got.codecs.count, 2, "\(what) gets track 0 only: \(got.codecs)")
            XCTAssertEqual(try dimensions(file).values.first, "640x360", "\(what): the default rendition")
            XCTAssertGreaterThan(got.packets.count, 100, "\(what) decoded frames")
            XCTAssertTrue(p.stderr.isEmpty, "\(what) decodes without an error line: \(p.stderr)")
        }
        // The recording keeps every track, and ffmpeg 9 reads them back.
        XCTAssertTrue(waitUntil(timeout: 5) { (try? FileManager.default.contentsOfDirectory(atPath: self.work.appendingPathComponent("recordings").path))?.isEmpty == false })
        let files = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("recordings").path).filter { $0.hasSuffix(".flv") }
        let file = try XCTUnwrap(files.first, "a recording")
        let r = try ChildProcess.run(ffmpeg9, ["-hide_banner", "-loglevel", "error", "-i", work.appendingPathComponent("recordings/\(file)").path,
                                               "-map", "0", "-c", "copy", "-f", "framemd5", "-"], in: work, timeout: 30)
        XCTAssertEqual(FrameMD5(r.stdout).codecs.count, 4, "the recording holds every track: \(r.stderr)")
    }

    // MARK: crafted messages

    /// A ModEx-wrapped CodedFrames avc1 tag with a TimestampOffsetNano of `nanos`.
    static func modExTimestampOffset(nanos: UInt32, keyframe: Bool, body: [UInt8]) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeInteger(UInt8(0x80 | (keyframe ? 0x10 : 0x20) | 7))  // ModEx
        b.writeInteger(UInt8(3 - 1))  // modExDataSize - 1
        b.writeBytes([UInt8(nanos >> 16 & 0xFF), UInt8(nanos >> 8 & 0xFF), UInt8(nanos & 0xFF)])
        b.writeInteger(UInt8(0 << 4 | 1))  // TimestampOffsetNano, then CodedFrames
        b.writeBytes(Array("avc1".utf8))
        b.writeBytes([0, 0, 0])  // composition time
        b.writeBytes(body)
        return b
    }

    private func manyTracks(packetType: UInt8, keyframe: Bool, bodies: [[UInt8]]) -> ByteBuffer {
        ByteBuffer(bytes: MultitrackFixtures.manyTracks(packetType: packetType, keyframe: keyframe, bodies: bodies))
    }

    private func oneTrack(_ track: UInt8, keyframe: Bool, packetType: UInt8, _ body: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: MultitrackFixtures.oneTrack(track, keyframe: keyframe, packetType: packetType, body))
    }

    func testCraftedManyTracksAndModExAreRelayedByteExactAndParsed() throws {
        let messages: [(UInt32, ByteBuffer)] = [
            (0, manyTracks(packetType: 0, keyframe: true, bodies: [MultitrackFixtures.avcC640, MultitrackFixtures.avcC320])),
            (0, manyTracks(packetType: 1, keyframe: true, bodies: [[0, 0, 0, 0, 0, 0, 2, 0x65, 0x88], [0, 0, 0, 0, 0, 0, 2, 0x65, 0x99]])),
            (33, Self.modExTimestampOffset(nanos: 333_333, keyframe: true, body: [0, 0, 0, 2, 0x65, 0x9A])),
            (66, manyTracks(packetType: 1, keyframe: false, bodies: [[0, 0, 0, 0, 0, 0, 2, 0x41, 0x9B], [0, 0, 0, 0, 0, 0, 2, 0x41, 0x9C]])),
        ]
        // What the relay reads from them.
        let parsed = messages.map { VideoTagInfo.parse($0.1) }
        XCTAssertEqual(parsed.map { $0?.isMultitrack }, [true, true, false, true])
        XCTAssertEqual(parsed.map { $0?.isSequenceHeader }, [true, false, false, false])
        XCTAssertEqual(parsed.map { $0?.isKeyframe }, [false, true, true, false])
        XCTAssertEqual(parsed[2]?.packetType, 1, "ModEx peeled down to CodedFrames")
        XCTAssertEqual(parsed[2]?.codec, .avc)

        var enhancedOptions = RTMPClient.Options()
        enhancedOptions.extraConnectProperties = [AMF0Property(key: "fourCcList", value: .strictArray([.string("avc1")]))]
        let enhanced = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group, options: enhancedOptions)
        defer { enhanced.close() }
        let result = try enhanced.waitCommand(timeout: 5) { $0.name == "_result" && $0.transactionID == 1 }
        XCTAssertEqual(result.commandObject["capsEx"]?.numberValue, 7, "Reconnect, Multitrack and ModEx")
        XCTAssertEqual(result.commandObject["videoFourCcInfoMap"]?["hvc1"]?.numberValue, 4, "CanForward")
        XCTAssertEqual(result.commandObject["audioFourCcInfoMap"]?["Opus"]?.numberValue, 4)
        XCTAssertNotNil(result.commandObject["fourCcList"])
        try enhanced.play("crafted")
        let legacy = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        defer { legacy.close() }
        let legacyResult = try legacy.waitCommand(timeout: 5) { $0.name == "_result" && $0.transactionID == 1 }
        XCTAssertNil(legacyResult.commandObject["capsEx"], "a legacy client is not told about v2")
        try legacy.play("crafted")

        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        defer { publisher.close() }
        try publisher.publish("crafted")
        for (ts, payload) in messages { publisher.sendMedia(typeID: 9, timestamp: ts, payload: payload) }
        try enhanced.wait(timeout: 5, for: "every crafted message") { $0.filter { $0.typeID == 9 }.count >= messages.count }
        let got = enhanced.messages.filter { $0.typeID == 9 }
        XCTAssertEqual(got.map(\.payload), messages.map(\.1), "byte-exact")
        XCTAssertEqual(got.map(\.timestamp), messages.map(\.0))

        // The legacy player: only what is not Multitrack (the ModEx keyframe).
        try legacy.wait(timeout: 5, for: "the ModEx frame") { $0.contains { $0.typeID == 9 } }
        let late = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group, options: enhancedOptions)
        defer { late.close() }
        try late.play("crafted")
        try late.wait(timeout: 5, for: "the join burst") { $0.filter { $0.typeID == 9 }.count >= 4 }
        XCTAssertEqual(late.messages.filter { $0.typeID == 9 }.first?.payload, messages[0].1, "a late joiner starts with the multitrack sequence start")
        XCTAssertEqual(legacy.messages.filter { $0.typeID == 9 }.map(\.payload), [messages[2].1], "a legacy player gets no Multitrack message")
        let stream = server.server.snapshot().streams.first { $0.key == "live/crafted" }
        XCTAssertEqual(stream?.keyframes, 2, "the ManyTracks keyframe (track 0) and the ModEx one")
        // Both tracks of the ManyTracks sequence start, each with its own size.
        XCTAssertEqual(stream?.tracks.map { "\($0.kind)\($0.id) \($0.video?.width ?? 0)x\($0.video?.height ?? 0)" }, ["video0 640x360", "video1 320x180"])
        XCTAssertEqual(stream?.video?.width, 640)
    }

    /// A publisher that sends no track 0: its lowest track, 1, is the
    /// default, so the GOP cache and a late joiner start on track 1's keyframes.
    func testWithoutTrackZeroLateJoinersStartOnTheLowestTracksKeyframe() throws {
        var messages: [(UInt32, ByteBuffer)] = [
            (0, oneTrack(1, keyframe: true, packetType: 0, MultitrackFixtures.avcC640)),
            (0, oneTrack(2, keyframe: true, packetType: 0, MultitrackFixtures.avcC320)),
        ]
        // GOPs of 4 frames per track, each track's keyframes at its own
        // times: track 2's come first, one frame before track 1's.
        for i in 0..<8 {
            let ts = UInt32(i * 33)
            messages.append((ts, oneTrack(2, keyframe: i % 4 == 0, packetType: 1, [0, 0, 0, 0x65, UInt8(0x80 | i)])))
            messages.append((ts, oneTrack(1, keyframe: i % 4 == 1, packetType: 1, [0, 0, 0, 0x65, UInt8(i)])))
        }
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        defer { publisher.close() }
        try publisher.publish("notrack0")
        for (ts, payload) in messages { publisher.sendMedia(typeID: 9, timestamp: ts, payload: payload) }
        var stream: StreamSnapshot?
        // Track 1: its sequence start and 8 frames.
        _ = waitUntil(timeout: 5) {
            stream = server.server.snapshot().streams.first { $0.key == "live/notrack0" }
            return stream?.videoFrames ?? 0 >= 9
        }
        XCTAssertEqual(stream?.keyframes, 2, "track 1's keyframes only")
        XCTAssertEqual(stream?.video?.width, 640, "the figures are track 1's")
        XCTAssertEqual(stream?.tracks.map { "\($0.id) \($0.video?.width ?? 0)" }, ["1 640", "2 320"])

        var options = RTMPClient.Options()
        options.extraConnectProperties = [AMF0Property(key: "fourCcList", value: .strictArray([.string("avc1")]))]
        let late = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group, options: options)
        defer { late.close() }
        try late.play("notrack0")
        // Both sequence starts, then the burst from track 1's first keyframe
        // (frame 1), not from track 2's before it.
        let expected = Array(messages[0..<2]) + Array(messages[5...])
        try late.wait(timeout: 5, for: "the join burst") { $0.filter { $0.typeID == 9 }.count >= expected.count }
        let got = late.messages.filter { $0.typeID == 9 }
        XCTAssertEqual(got.map(\.payload), expected.map(\.1))
        XCTAssertEqual(got.map(\.timestamp), expected.map(\.0))
    }
}
