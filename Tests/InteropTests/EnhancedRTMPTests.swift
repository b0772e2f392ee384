import Foundation
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import XCTest

/// Enhanced RTMP (HEVC, AV1, VP9, Opus, legacy codec-12 HEVC) published tag
/// by tag from the shared media (Debian's ffmpeg cannot send these): players
/// get the bytes exactly, late joiners start with the sequence start and a
/// keyframe, and the codecs are detected.
final class EnhancedRTMPTests: XCTestCase {
    static let mediaDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/media/enhanced-rtmp")

    var work: URL!
    var server: TestServer!
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
        server = try TestServer(directory: work)
    }

    override func tearDown() {
        server?.stop()
        try? group.syncShutdownGracefully()
    }

    func testHEVCWithAAC() throws { try relay("hevc-aac.flv", video: "HEVC", audio: "AAC") }
    func testHEVCWithOpus() throws { try relay("hevc-opus.flv", video: "HEVC", audio: "Opus") }
    func testAV1WithOpus() throws { try relay("av1-opus.flv", video: "AV1", audio: "Opus") }
    func testVP9WithOpus() throws { try relay("vp9-opus.flv", video: "VP9", audio: "Opus") }
    func testLegacyCodec12HEVC() throws { try relay("hevc-codecid12-aac.flv", video: "HEVC", audio: "AAC") }

    private func relay(_ file: String, video: String, audio: String) throws {
        let path = Self.mediaDirectory.appendingPathComponent(file).path
        guard FileManager.default.fileExists(atPath: path) else {
            XCTFail("missing test media \(path)")
            return
        }
        let (_, tags) = try FLVReader.readFile(path)
        let media = tags.filter { $0.type == 8 || $0.type == 9 }
        let key = "live/" + file.replacingOccurrences(of: ".flv", with: "")

        let early = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        try early.play(String(key.dropFirst(5)))
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        try publisher.publish(String(key.dropFirst(5)))

        // First half, then a late joiner, then the rest.
        let half = media.count / 2
        for tag in tags.prefix(while: { $0.type == 18 }) { publisher.sendMedia(typeID: tag.type, timestamp: tag.timestamp, payload: tag.payload) }
        for tag in media[..<half] { publisher.sendMedia(typeID: tag.type, timestamp: tag.timestamp, payload: tag.payload) }
        try early.wait(timeout: 10, for: "first half") { $0.filter { $0.typeID == 8 || $0.typeID == 9 }.count >= half }

        let late = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        try late.play(String(key.dropFirst(5)))
        try late.wait(timeout: 5, for: "join burst") { $0.contains { $0.typeID == 9 && VideoTagInfo.parse($0.payload)?.isKeyframe == true } }

        for tag in media[half...] { publisher.sendMedia(typeID: tag.type, timestamp: tag.timestamp, payload: tag.payload) }
        try early.wait(timeout: 10, for: "all media") { $0.filter { $0.typeID == 8 || $0.typeID == 9 }.count >= media.count }

        // Byte-exact, in order, same timestamps.
        let received = early.messages.filter { $0.typeID == 8 || $0.typeID == 9 }
        XCTAssertEqual(received.count, media.count)
        for (got, want) in zip(received, media) {
            XCTAssertEqual(got.typeID, want.type)
            XCTAssertEqual(got.timestamp, want.timestamp)
            XCTAssertEqual(got.payload, want.payload, "payload of a \(want.type == 9 ? "video" : "audio") tag at \(want.timestamp) ms differs")
            if got.payload != want.payload { break }
        }
        XCTAssertTrue(early.messages.contains { $0.typeID == 18 }, "metadata reaches the player")

        // The late joiner: sequence starts first, then a keyframe.
        let lateVideo = late.messages.filter { $0.typeID == 9 }
        let firstVideo = try XCTUnwrap(lateVideo.first.flatMap { VideoTagInfo.parse($0.payload) })
        XCTAssertTrue(firstVideo.isSequenceHeader, "late joiner's first video is the sequence start")
        let firstCoded = try XCTUnwrap(lateVideo.dropFirst().first.flatMap { VideoTagInfo.parse($0.payload) })
        XCTAssertTrue(firstCoded.isKeyframe, "late joiner's first coded video frame is a keyframe")
        let firstAudio = try XCTUnwrap(late.messages.first { $0.typeID == 8 }.flatMap { AudioTagInfo.parse($0.payload) })
        XCTAssertTrue(firstAudio.isSequenceHeader, "late joiner's first audio is the sequence start")

        let snap = server.server.snapshot()
        let stream = try XCTUnwrap(snap.streams.first { $0.key == key })
        XCTAssertEqual(stream.video?.codec, video)
        XCTAssertEqual(stream.audio?.codec, audio)
        XCTAssertEqual(stream.video?.width, 640)
        XCTAssertEqual(stream.video?.height, 360)
        XCTAssertEqual(stream.droppedVideo + stream.droppedAudio, 0)
        for c in [early, publisher, late] { c.close() }
    }
}
