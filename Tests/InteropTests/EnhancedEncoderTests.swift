import Foundation
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// Enhanced RTMP from real encoders (issue 13): ffmpeg 9 encodes HEVC, AV1
/// and VP9 with Opus into an FLV file once, then publishes that file with
/// `-re -c copy`, so the file's framemd5 is the reference. An ffmpeg 9
/// player started first gets exactly the file's packets, our own client
/// joining mid-stream starts on a keyframe and gets an unbroken run of the
/// file's frames to the end, and the snapshot names the codecs.
///
/// What ffmpeg 9 needs: nothing. Its flv muxer writes the enhanced tags
/// (ExVideoTagHeader `hvc1`/`av01`/`vp09`, ExAudioTagHeader `Opus`) for
/// these codecs on its own, over rtmp:// as into a file, and its flv
/// demuxer reads them from the server as they come: neither side needs
/// `-rtmp_enhanced_codecs` (which only adds a fourCcList to the publisher's
/// connect; giving it changes nothing here, tried with `hvc1,Opus`).
///
/// ffmpeg 9 also writes two tags these checks leave to the last test: an
/// Opus MultichannelConfig (0x94, relayed only to players that announce
/// Enhanced RTMP) and a colorInfo PacketTypeMetadata video tag (0xD4).
final class EnhancedEncoderTests: XCTestCase {
    var work: URL!
    var server: TestServer!
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// 15 fps, a keyframe every 15 frames: four 1 s GOPs in 4 s.
    static let seconds = 4, fps = 15, gop = 15

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
        // The join burst is the current GOP only, so a late joiner starts on
        // a keyframe that is not the stream's first.
        // UnpublishNotify ends the ffmpeg 9 player as soon as the publish
        // does, instead of after its -rw_timeout (twice over, about 6 s).
        server = try TestServer(directory: work) { c in
            c.gopLimits.joinBurstMilliseconds = 0
            c.publishNotify = true
        }
    }

    override func tearDown() {
        server?.stop()
        if let log = server?.log, (testRun?.totalFailureCount ?? 0) > 0 {
            print("--- server log (\(name)) ---\n\(log.suffix(8000))")
        }
        try? group.syncShutdownGracefully()
    }

    func testHEVCWithOpusFromLibx265() throws {
        try relay(.hevc, codec: "hevc", snapshotCodec: "HEVC")
    }

    func testAV1WithOpusFromSVTAV1() throws {
        try relay(.av1, codec: "av1", snapshotCodec: "AV1")
    }

    func testVP9WithOpusFromLibvpx() throws {
        try relay(.vp9, codec: "vp9", snapshotCodec: "VP9")
    }

    private func relay(_ video: Fixtures.EnhancedVideo, codec: String, snapshotCodec: String) throws {
        let ffmpeg9 = try Tool.ffmpeg9()
        let source = try Fixtures.enhancedWithOpus(video, seconds: Self.seconds, fps: Self.fps, gop: Self.gop, name: "encoder-\(codec)-opus.flv")
        let reference = try Fixtures.frameMD5ffmpeg9(of: source)
        let refVideo = reference.packets(codec: codec), refAudio = reference.packets(codec: "opus")
        XCTAssertGreaterThanOrEqual(refVideo.count, Self.seconds * Self.fps - 1, "the source has its video")
        XCTAssertGreaterThan(refAudio.count, Self.seconds * 40, "the source has its Opus (20 ms packets)")

        // The file's tags, for what our own late joiner must get.
        let (_, tags) = try FLVReader.readFile(source.path)
        let sourceVideo = tags.filter { $0.type == FLVTag.videoType && Self.isCodedVideo($0.payload) }
        let sourceAudio = tags.filter { $0.type == FLVTag.audioType && Self.isCodedAudio($0.payload) }
        let sourceKeyframes = sourceVideo.indices.filter { VideoTagInfo.parse(sourceVideo[$0].payload)?.isKeyframe == true }
        XCTAssertEqual(sourceKeyframes.first, 0)
        XCTAssertGreaterThanOrEqual(sourceKeyframes.count, 3, "several keyframes: \(sourceKeyframes)")

        // (1) ffmpeg 9 plays from before the publish.
        let key = "live/\(codec)"
        let player = try ChildProcess(ffmpeg9, ["-hide_banner", "-loglevel", "error", "-rw_timeout", "3000000", "-i", server.url(key),
                                                "-map", "0", "-c", "copy", "-copyinkf", "-f", "framemd5", "player.md5"], in: work, name: "ffmpeg9-play").start()
        server.waitFor(timeout: 10) { $0.connections.contains { $0.role == "player" } }
        let publish = ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url(key)]
        let pub = try ChildProcess(ffmpeg9, publish, in: work, name: "ffmpeg9-publish").start()

        // (3) the codecs, while it is live.
        let live = server.waitFor(timeout: 10) { s in
            s.streams.first { $0.key == key }.map { $0.video?.width != nil && $0.audio?.sampleRate != nil && $0.videoFrames > 0 } == true
        }
        let publishSeen = Date()
        let stream = try XCTUnwrap(live.streams.first { $0.key == key }, "the stream is live: \(pub.stderr)")
        XCTAssertEqual(stream.video?.codec, snapshotCodec)
        XCTAssertEqual(stream.video?.width, 320)
        XCTAssertEqual(stream.video?.height, 180)
        XCTAssertEqual(stream.audio?.codec, "Opus")
        XCTAssertEqual(stream.audio?.sampleRate, 48000)
        XCTAssertEqual(stream.audio?.channels, 1)

        // (2) a late joiner, 1.5 s in: mid-GOP, after the second keyframe.
        Thread.sleep(forTimeInterval: max(0, 1.5 - Date().timeIntervalSince(publishSeen)))
        let late = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        defer { late.close() }
        try late.play(codec)

        XCTAssertEqual(pub.wait(timeout: 20).status, 0, "\(publish.joined(separator: " ")): \(pub.stderr)")
        let lastVideo = try XCTUnwrap(sourceVideo.last), lastAudio = try XCTUnwrap(sourceAudio.last)
        try late.wait(timeout: 10, for: "the source's last frames") { messages in
            messages.contains { $0.typeID == 9 && $0.payload == lastVideo.payload } && messages.contains { $0.typeID == 8 && $0.payload == lastAudio.payload }
        }
        let played = player.wait(timeout: 15)
        XCTAssertFalse(played.timedOut, "the ffmpeg 9 player ends on UnpublishNotify")
        XCTAssertEqual(played.status, 0, "ffmpeg 9 player: \(player.stderr)")

        let got = FrameMD5(try String(contentsOf: work.appendingPathComponent("player.md5"), encoding: .utf8))
        XCTAssertEqual(got.codecs.values.sorted(), [codec, "opus"].sorted(), "the player sees one \(codec) and one Opus stream")
        XCTAssertEqual(got.packets(codec: codec), refVideo, "ffmpeg 9 player: \(codec) packets differ from the file's")
        XCTAssertEqual(got.packets(codec: "opus"), refAudio, "ffmpeg 9 player: Opus packets differ from the file's")

        // The late joiner: sequence starts first, then a keyframe that is not
        // the first, then every frame of the file from there, same timestamps.
        let media = late.mediaMessages
        let lateVideo = media.filter { $0.typeID == 9 }, lateAudio = media.filter { $0.typeID == 8 }
        let firstVideo = try XCTUnwrap(lateVideo.first.flatMap { VideoTagInfo.parse($0.payload) })
        XCTAssertTrue(firstVideo.isSequenceHeader && firstVideo.isEnhanced, "late joiner's first video is the enhanced sequence start: \(firstVideo)")
        let firstAudio = try XCTUnwrap(lateAudio.first.flatMap { AudioTagInfo.parse($0.payload) })
        XCTAssertTrue(firstAudio.isSequenceHeader, "late joiner's first audio is the Opus sequence start: \(firstAudio)")
        let codedVideo = lateVideo.filter { Self.isCodedVideo($0.payload) }, codedAudio = lateAudio.filter { Self.isCodedAudio($0.payload) }
        let firstCoded = try XCTUnwrap(codedVideo.first)
        XCTAssertEqual(VideoTagInfo.parse(firstCoded.payload)?.isKeyframe, true, "late joiner's first coded video frame is a keyframe")
        let start = try XCTUnwrap(sourceVideo.firstIndex { $0.timestamp == firstCoded.timestamp && $0.payload == firstCoded.payload },
                                  "the late joiner's first frame is one of the file's")
        XCTAssertTrue(sourceKeyframes.contains(start) && start > 0, "it starts on a later keyframe (frame \(start); keyframes \(sourceKeyframes))")
        XCTAssertEqual(codedVideo.map { Frame($0.timestamp, $0.payload) }, sourceVideo[start...].map { Frame($0.timestamp, $0.payload) },
                       "late joiner: \(codec) frames are the file's from frame \(start) on, none missing")
        let firstCodedAudio = try XCTUnwrap(codedAudio.first)
        let audioStart = try XCTUnwrap(sourceAudio.firstIndex { $0.timestamp == firstCodedAudio.timestamp && $0.payload == firstCodedAudio.payload },
                                       "the late joiner's first Opus packet is one of the file's")
        XCTAssertEqual(codedAudio.map { Frame($0.timestamp, $0.payload) }, sourceAudio[audioStart...].map { Frame($0.timestamp, $0.payload) },
                       "late joiner: Opus packets are the file's from packet \(audioStart) on, none missing")
        XCTAssertLessThanOrEqual(abs(Int(firstCodedAudio.timestamp) - Int(firstCoded.timestamp)), 100, "audio and video start together")

        let after = try XCTUnwrap(server.server.snapshot().streams.first { $0.key == key })
        let lateConnection = try XCTUnwrap(after.players.first { $0.clientName?.contains("rtmp-top-client") == true }, "the late joiner is still playing")
        XCTAssertEqual(lateConnection.droppedVideo + lateConnection.droppedAudio, 0, "nothing dropped for the late joiner")
        XCTAssertEqual(after.droppedAudio, 0, "no Opus dropped")
        XCTAssertEqual(after.droppedVideo, 0, "nothing dropped: the colorInfo tag passes the wait for a keyframe")
        XCTAssertEqual(after.keyframes, UInt64(sourceKeyframes.count), "the server counted the file's keyframes")
    }

    /// ffmpeg 9 sends, between the sequence start and the first keyframe, a
    /// video tag with FrameType 5 (command frame) and PacketType 4
    /// (PacketTypeMetadata: the `colorInfo` object), for HEVC, AV1 and VP9
    /// alike. A player that was waiting for the publisher must get it like
    /// every other tag of the publish, and nothing may count as dropped.
    func testColorInfoMetadataReachesAPlayerThatWaitedForThePublisher() throws {
        let ffmpeg9 = try Tool.ffmpeg9()
        let source = try Fixtures.enhancedWithOpus(.hevc, seconds: Self.seconds, fps: Self.fps, gop: Self.gop, name: "encoder-hevc-opus.flv")
        let (_, tags) = try FLVReader.readFile(source.path)
        let sourceMedia = tags.filter { $0.type == FLVTag.videoType || $0.type == FLVTag.audioType }
        let colorInfo = try XCTUnwrap(sourceMedia.first { $0.type == FLVTag.videoType && VideoTagInfo.parse($0.payload)?.packetType == 4 },
                                      "ffmpeg 9 writes a PacketTypeMetadata video tag")
        XCTAssertEqual(colorInfo.payload.getInteger(at: colorInfo.payload.readerIndex, as: UInt8.self), 0xD4, "FrameType 5 (command), PacketType 4")

        // It announces Enhanced RTMP, so it gets the Opus MultichannelConfig
        // tag (0x94) too, which the server keeps from legacy players.
        var options = RTMPClient.Options()
        options.extraConnectProperties = [AMF0Property(key: "fourCcList", value: .strictArray([.string("hvc1"), .string("Opus")]))]
        let early = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group, options: options)
        defer { early.close() }
        try early.play("meta")
        let pub = try ChildProcess(ffmpeg9, ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url("live/meta")],
                                   in: work, name: "ffmpeg9-publish").start()
        XCTAssertEqual(pub.wait(timeout: 20).status, 0, pub.stderr)
        let last = try XCTUnwrap(sourceMedia.last)
        try early.wait(timeout: 10, for: "the last frame") { $0.contains { $0.typeID == last.type && $0.payload == last.payload } }
        let got = early.mediaMessages.filter { $0.typeID == 8 || $0.typeID == 9 }
        // ffmpeg writes its own colorInfo when it publishes (67 bytes here,
        // 38 in the file it copies from): the one that reaches the player is
        // the publisher's, so metadata tags are compared by kind, the rest byte for byte.
        func isColorInfo(_ type: UInt8, _ payload: ByteBuffer) -> Bool { type == 9 && VideoTagInfo.parse(payload)?.isMetadataPacket == true }
        XCTAssertTrue(got.contains { isColorInfo($0.typeID, $0.payload) },
                      "the colorInfo metadata tag (0xD4, PacketTypeMetadata) reaches a player that waited for the publisher")
        XCTAssertTrue(isColorInfo(colorInfo.type, colorInfo.payload))
        let gotFrames = got.filter { !isColorInfo($0.typeID, $0.payload) }.map { Frame($0.timestamp, $0.payload) }
        let wantFrames = sourceMedia.filter { !isColorInfo($0.type, $0.payload) }.map { Frame($0.timestamp, $0.payload) }
        let missing = wantFrames.filter { !gotFrames.contains($0) }, extra = gotFrames.filter { !wantFrames.contains($0) }
        XCTAssertTrue(gotFrames == wantFrames, "the waiting player gets every audio and video tag of the file, in order; missing \(missing), extra \(extra)")
        let stream = try XCTUnwrap(server.server.snapshot().streams.first { $0.key == "live/meta" })
        XCTAssertEqual(stream.droppedVideo, 0, "the metadata tag is not dropped (nor counted as a drop) while players wait for a keyframe")
    }

    private struct Frame: Equatable, CustomStringConvertible {
        var timestamp: UInt32
        var payload: ByteBuffer
        init(_ timestamp: UInt32, _ payload: ByteBuffer) { self.timestamp = timestamp; self.payload = payload }
        var description: String {
            let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self) ?? 0
            return "\(timestamp) ms \(payload.readableBytes) B 0x\(String(first, radix: 16))"
        }
    }

    /// A coded video frame (enhanced PacketType CodedFrames 1 or
    /// CodedFramesX 3), not a sequence start or end or metadata.
    static func isCodedVideo(_ payload: ByteBuffer) -> Bool {
        guard let v = VideoTagInfo.parse(payload) else { return false }
        if v.isEnhanced { return v.packetType == 1 || v.packetType == 3 }
        return !v.isSequenceHeader && !v.isSequenceEnd
    }

    /// A coded audio frame (enhanced AudioPacketType CodedFrames 1).
    static func isCodedAudio(_ payload: ByteBuffer) -> Bool {
        guard let a = AudioTagInfo.parse(payload) else { return false }
        if a.isEnhanced { return a.packetType == 1 }
        return !a.isSequenceHeader
    }
}

extension Fixtures {
    enum EnhancedVideo {
        case hevc, av1, vp9

        /// Fast settings: each encodes 4 s of 320x180 in well under a second on 2 cores.
        func arguments(gop: Int) -> [String] {
            switch self {
            case .hevc:
                return ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=\(gop):min-keyint=\(gop):scenecut=0:log-level=error"]
            case .av1:
                return ["-c:v", "libsvtav1", "-preset", "12", "-g", "\(gop)"]
            case .vp9:
                return ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-g", "\(gop)", "-keyint_min", "\(gop)"]
            }
        }
    }

    /// `video` + Opus (48 kHz mono) in FLV, 320x180 at `fps`, a keyframe
    /// every `gop` frames, made by ffmpeg 9 (Debian's cannot write these).
    static func enhancedWithOpus(_ video: EnhancedVideo, seconds: Int, fps: Int, gop: Int, name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let args = ["-hide_banner", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=\(fps)",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-t", "\(seconds)", "-pix_fmt", "yuv420p"]
            + video.arguments(gop: gop)
            + ["-c:a", "libopus", "-b:a", "48k", "-ac", "1", "-f", "flv", url.path]
        // SVT_LOG=1: SVT-AV1 prints its banner to stderr whatever -loglevel says.
        let p = try ChildProcess(try Tool.ffmpeg9(), args, in: directory, name: "ffmpeg9-encode", environment: ["SVT_LOG": "1"]).start()
        let r = p.wait(timeout: 60)
        guard r.status == 0, !r.timedOut else {
            try? FileManager.default.removeItem(at: url)
            throw ChildProcessError("ffmpeg 9 could not make \(name): \(args.joined(separator: " ")): \(p.stderr)")
        }
        return url
    }

    /// framemd5 of a file, read by ffmpeg 9.
    static func frameMD5ffmpeg9(of url: URL) throws -> FrameMD5 {
        let r = try ChildProcess.run(try Tool.ffmpeg9(), ["-hide_banner", "-loglevel", "error", "-i", url.path, "-map", "0", "-c", "copy", "-f", "framemd5", "-"],
                                     in: directory, timeout: 60)
        guard r.status == 0 else { throw ChildProcessError("ffmpeg 9 framemd5 of \(url.lastPathComponent) failed: \(r.stderr)") }
        return FrameMD5(r.stdout)
    }
}
