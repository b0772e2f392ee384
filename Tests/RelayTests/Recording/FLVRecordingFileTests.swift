import Foundation
import Media
import NIOCore
import RTMP
import XCTest

@testable import Relay

/// A recording is the published bytes in a valid, seekable FLV whose
/// metadata tells the truth, also when the process dies before closing it.
final class FLVRecordingFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try RecordingFixtures.scratchDirectory()
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    // MARK: - Real media

    func testH264AACRecordingHasTheSourcesPacketsDurationAndIndex() throws {
        let source = try RecordingFixtures.makeH264AACFile(in: directory)
        let (media, metadata) = try RecordingFixtures.sourceMedia(source)
        let recording = path("rec.flv")
        try RecordingFixtures.record(media, metadata: metadata, to: recording)

        try assertRecording(recording, holds: media)

        let sourceDuration = try XCTUnwrap(try RecordingTestProcess.probedDuration(source.path, in: directory))
        let recordedDuration = try XCTUnwrap(try RecordingTestProcess.probedDuration(recording, in: directory))
        XCTAssertEqual(recordedDuration, sourceDuration, accuracy: 0.2)

        let sourcePackets = try RecordingTestProcess.packetHashes(source.path, in: directory)
        let recordedPackets = try RecordingTestProcess.packetHashes(recording, in: directory)
        XCTAssertEqual(Set(recordedPackets.keys), ["h264", "aac"])
        XCTAssertEqual(recordedPackets["h264"]?.count, 180, "6 s at 30 fps")
        for codec in ["h264", "aac"] {
            XCTAssertEqual(recordedPackets[codec], sourcePackets[codec], "\(codec) packets (size, md5) in order")
        }
    }

    func testEnhancedRTMPFilesRecordByteExactFromTheirSequenceStarts() throws {
        for name in RecordingFixtures.enhancedRTMPFileNames {
            let source = try RecordingFixtures.enhancedRTMPFile(name)
            let (media, metadata) = try RecordingFixtures.sourceMedia(source)
            let recording = path("rec-\(name)")
            try RecordingFixtures.record(media, metadata: metadata, to: recording)

            try assertRecording(recording, holds: media, name)

            // ffmpeg 5.1 cannot demux these codecs, but reads the duration.
            let sourceDuration = try XCTUnwrap(try RecordingTestProcess.probedDuration(source.path, in: directory), name)
            let recordedDuration = try XCTUnwrap(try RecordingTestProcess.probedDuration(recording, in: directory), name)
            XCTAssertEqual(recordedDuration, sourceDuration, accuracy: 0.2, name)
        }
    }

    func testMetadataDescribesTheStreamFromItsSequenceHeaders() throws {
        let (media, metadata) = try RecordingFixtures.sourceMedia(try RecordingFixtures.enhancedRTMPFile("hevc-opus.flv"))
        let recording = path("rec.flv")
        try RecordingFixtures.record(media, metadata: metadata, to: recording)

        let (_, tags) = try RecordingFixtures.readTags(recording)
        let properties = AMF0Value.ecmaArray(try RecordingFixtures.onMetaData(tags[0].tag.payload))
        XCTAssertEqual(properties["width"]?.numberValue, 640)
        XCTAssertEqual(properties["height"]?.numberValue, 360)
        XCTAssertEqual(properties["framerate"]?.numberValue ?? 0, 30, accuracy: 0.5)
        XCTAssertEqual(properties["videocodecid"]?.numberValue, RecordedCodecID.fourCC("hvc1").metadataValue)
        XCTAssertEqual(properties["audiocodecid"]?.numberValue, RecordedCodecID.fourCC("Opus").metadataValue)
        XCTAssertEqual(properties["audiosamplerate"]?.numberValue, 48000)
        // The OpusHead says mono; the source's own metadata claims stereo.
        XCTAssertEqual(properties["stereo"]?.boolValue, false)
        XCTAssertEqual(properties["encoder"]?.stringValue, "rtmp-top")
        XCTAssertGreaterThan(properties["videodatarate"]?.numberValue ?? 0, 0)
        XCTAssertGreaterThan(properties["audiodatarate"]?.numberValue ?? 0, 0)
        let fileSize = try FileManager.default.attributesOfItem(atPath: recording)[.size] as? Int
        XCTAssertEqual(properties["filesize"]?.numberValue, fileSize.map(Double.init))
    }

    func testPublisherMetadataIsCarriedWhereItDoesNotClash() throws {
        let recording = path("rec.flv")
        let file = try FLVRecordingFile(path: recording, hasAudio: false, hasVideo: true)
        file.setStreamInfo(RecordedStreamInfo(width: 1280, height: 720, publisherMetadata: [
            AMF0Property(key: "duration", value: .number(0)),
            AMF0Property(key: "encoder", value: .string("obs-output module")),
            AMF0Property(key: "width", value: .number(1)),
            AMF0Property(key: "title", value: .string("morning show")),
            AMF0Property(key: "", value: .string("an empty key ends the array for most readers")),
            AMF0Property(key: "long", value: .string(String(repeating: "x", count: 300))),
        ]))
        for frame in SyntheticRecording.videoTags(seconds: 2) {
            try file.write(type: frame.type, timestamp: frame.timestamp, payload: frame.payload, isKeyframe: frame.isKeyframe)
        }
        try file.close()

        let (_, tags) = try RecordingFixtures.readTags(recording)
        let properties = try RecordingFixtures.onMetaData(tags[0].tag.payload)
        let keys = properties.map(\.key)
        XCTAssertEqual(keys.filter { $0 == "duration" }.count, 1)
        XCTAssertEqual(keys.filter { $0 == "width" }.count, 1)
        let metadata = AMF0Value.ecmaArray(properties)
        XCTAssertGreaterThan(metadata["duration"]?.numberValue ?? 0, 1.9)
        XCTAssertEqual(metadata["encoder"]?.stringValue, "rtmp-top")
        XCTAssertEqual(metadata["width"]?.numberValue, 1280)
        XCTAssertEqual(metadata["title"]?.stringValue, "morning show")
        XCTAssertFalse(keys.contains(""))
        XCTAssertFalse(keys.contains("long"))
    }

    // MARK: - Keyframe index

    func testIndexThatOutgrowsItsSpaceIsThinnedAndStaysValid() throws {
        let recording = path("rec.flv")
        let reserved = 2048
        let frames = SyntheticRecording.videoTags(seconds: 600, framesPerSecond: 4, keyframeInterval: 2)
        let keyframes = frames.filter(\.isKeyframe).count
        let file = try FLVRecordingFile(path: recording, hasAudio: false, hasVideo: true, reservedMetadataBytes: reserved)
        for (number, frame) in frames.enumerated() {
            try file.write(type: frame.type, timestamp: frame.timestamp, payload: frame.payload, isKeyframe: frame.isKeyframe)
            if number % 40 == 0 { try file.flush() }
        }
        try file.close()
        XCTAssertEqual(file.keyframeCount, keyframes)
        XCTAssertLessThan(file.indexedKeyframeCount, keyframes, "1,200 keyframes cannot fit in 2 KiB")

        let (_, tags) = try RecordingFixtures.readTags(recording)
        XCTAssertEqual(11 + tags[0].tag.payload.readableBytes + 4, reserved)
        let index = try XCTUnwrap(RecordingFixtures.keyframeIndex(try RecordingFixtures.onMetaData(tags[0].tag.payload)))
        XCTAssertEqual(index.positions.count, file.indexedKeyframeCount)
        XCTAssertGreaterThan(index.positions.count, 20, "thinned, not emptied")
        try assertIndex(index, pointsAtKeyframesOf: tags)
        // Evenly spread: one stride between all entries, covering the whole recording.
        let gaps = Set(zip(index.times, index.times.dropFirst()).map { (($1 - $0) * 1000).rounded() })
        XCTAssertEqual(gaps.count, 1, "gaps \(gaps.sorted())")
        XCTAssertGreaterThan(index.times.last ?? 0, 500)
    }

    func testKeyframeTimesTurnBackIntoTheExactMilliseconds() {
        for milliseconds in Swift.stride(from: UInt32(0), through: 20_000_000, by: 7) {
            let seconds = KeyframeIndex.seconds(milliseconds)
            XCTAssertEqual(UInt32((seconds * 1000).rounded(.towardZero)), milliseconds)
            XCTAssertEqual(seconds, Double(milliseconds) / 1000, accuracy: 1e-9)
        }
    }

    // MARK: - Crash safety

    func testFileFlushedButNeverClosedStillProbesWithItsDuration() throws {
        let source = try RecordingFixtures.makeH264AACFile(in: directory)
        let (media, metadata) = try RecordingFixtures.sourceMedia(source)
        let recording = path("crashed.flv")
        let flushedCount = media.count / 2
        var flushedSize: Int64 = 0
        do {
            let file = try FLVRecordingFile(path: recording, hasAudio: true, hasVideo: true)
            file.setStreamInfo(RecordedStreamInfo(publisherMetadata: metadata))
            for tag in media[..<flushedCount] {
                try file.write(type: tag.type, timestamp: tag.timestamp, payload: tag.payload, isKeyframe: RecordingFixtures.isVideoKeyframe(tag))
            }
            try file.flush()
            flushedSize = file.bytesWritten
            // Written but never flushed: lost, as in a crash.
            for tag in media[flushedCount...].prefix(30) {
                try file.write(type: tag.type, timestamp: tag.timestamp, payload: tag.payload, isKeyframe: RecordingFixtures.isVideoKeyframe(tag))
            }
            // The object goes away here without close().
        }

        let size = try FileManager.default.attributesOfItem(atPath: recording)[.size] as? Int
        XCTAssertEqual(size.map(Int64.init), flushedSize)
        let (_, tags) = try RecordingFixtures.readTags(recording)
        XCTAssertEqual(tags.count, 1 + flushedCount, "metadata and every flushed tag, each whole")
        let properties = try RecordingFixtures.onMetaData(tags[0].tag.payload)
        let lastTimestamp = Double(media[flushedCount - 1].timestamp) / 1000
        let duration = try XCTUnwrap(AMF0Value.ecmaArray(properties)["duration"]?.numberValue)
        XCTAssertEqual(duration, lastTimestamp, accuracy: 0.1)
        try assertIndex(try XCTUnwrap(RecordingFixtures.keyframeIndex(properties)), pointsAtKeyframesOf: tags)

        let probed = try XCTUnwrap(try RecordingTestProcess.probedDuration(recording, in: directory))
        XCTAssertEqual(probed, lastTimestamp, accuracy: 0.2)
        XCTAssertGreaterThan(probed, 2)
    }

    // MARK: - Header, lifecycle

    func testHeaderFlagsSayWhatWasRecorded() throws {
        let audioOnly = path("audio.flv")
        let file = try FLVRecordingFile(path: audioOnly, hasAudio: true, hasVideo: true)
        for tag in SyntheticRecording.aacTags(seconds: 1) {
            try file.write(type: tag.type, timestamp: tag.timestamp, payload: tag.payload, isKeyframe: false)
        }
        try file.close()
        var (header, tags) = try RecordingFixtures.readTags(audioOnly)
        XCTAssertEqual(header, FLVHeader(hasAudio: true, hasVideo: false))
        var metadata = AMF0Value.ecmaArray(try RecordingFixtures.onMetaData(tags[0].tag.payload))
        XCTAssertNil(metadata["keyframes"])
        XCTAssertNil(metadata["videocodecid"])
        XCTAssertEqual(metadata["audiocodecid"]?.numberValue, 10)
        XCTAssertEqual(metadata["audiosamplerate"]?.numberValue, 44100)

        let videoOnly = path("video.flv")
        let other = try FLVRecordingFile(path: videoOnly, hasAudio: true, hasVideo: true)
        for frame in SyntheticRecording.videoTags(seconds: 1) {
            try other.write(type: frame.type, timestamp: frame.timestamp, payload: frame.payload, isKeyframe: frame.isKeyframe)
        }
        try other.close()
        (header, tags) = try RecordingFixtures.readTags(videoOnly)
        XCTAssertEqual(header, FLVHeader(hasAudio: false, hasVideo: true))
        metadata = AMF0Value.ecmaArray(try RecordingFixtures.onMetaData(tags[0].tag.payload))
        XCTAssertNil(metadata["audiocodecid"])
        XCTAssertEqual(metadata["videocodecid"]?.numberValue, 7)
    }

    func testCloseIsIdempotentAndWritingAfterItIsAnError() throws {
        let recording = path("rec.flv")
        let file = try FLVRecordingFile(path: recording, hasAudio: true, hasVideo: false)
        try file.close()
        try file.close()
        XCTAssertTrue(file.isClosed)
        XCTAssertThrowsError(try file.write(type: 8, timestamp: 0, payload: ByteBuffer(bytes: [0xAF, 1, 0]), isKeyframe: false)) {
            XCTAssertEqual($0 as? RecordingError, .closed(path: recording))
        }
        let (header, tags) = try RecordingFixtures.readTags(recording)
        XCTAssertEqual(header, FLVHeader(hasAudio: true, hasVideo: false), "an empty recording keeps the declared flags")
        XCTAssertEqual(tags.count, 1)
    }

    func testExistingFileIsNeverOverwritten() throws {
        let existing = path("taken.flv")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: existing))
        XCTAssertThrowsError(try FLVRecordingFile(path: existing, hasAudio: true, hasVideo: true)) {
            XCTAssertEqual($0 as? RecordingError, .alreadyExists(path: existing))
            XCTAssertTrue(String(describing: $0).contains("already exists"))
        }
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "precious")
    }

    // MARK: - Checks

    /// The recording is the source's media, whole and in order, after one
    /// onMetaData tag of the reserved size whose index and duration are right.
    private func assertRecording(
        _ recording: String, holds media: [FLVTag], _ label: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let (header, tags) = try RecordingFixtures.readTags(recording)
        XCTAssertEqual(header, FLVHeader(
            hasAudio: media.contains { $0.type == FLVTag.audioType },
            hasVideo: media.contains { $0.type == FLVTag.videoType }
        ), label, file: file, line: line)

        let first = try XCTUnwrap(tags.first, label, file: file, line: line).tag
        XCTAssertEqual(first.type, FLVTag.scriptDataType, label, file: file, line: line)
        XCTAssertEqual(11 + first.payload.readableBytes + 4, FLVRecordingFile.defaultReservedMetadataBytes, label, file: file, line: line)
        let properties = try RecordingFixtures.onMetaData(first.payload)

        let recorded = tags.dropFirst().map(\.tag)
        XCTAssertEqual(recorded.count, media.count, label, file: file, line: line)
        for (number, (got, want)) in zip(recorded, media).enumerated() {
            guard got.type == want.type, got.timestamp == want.timestamp, got.payload == want.payload else {
                XCTFail("\(label) tag \(number) differs: type \(got.type)/\(want.type), timestamp \(got.timestamp)/\(want.timestamp)", file: file, line: line)
                return
            }
        }
        let kinds = Set(media.map(\.type)).count
        XCTAssertTrue(recorded.prefix(kinds).allSatisfy(RecordingFixtures.isSequenceHeader), "\(label) starts with its sequence headers", file: file, line: line)

        let keyframeTags = recorded.filter(RecordingFixtures.isVideoKeyframe).count
        let index = try XCTUnwrap(RecordingFixtures.keyframeIndex(properties), label, file: file, line: line)
        XCTAssertEqual(index.positions.count, keyframeTags, "\(label): every keyframe indexed", file: file, line: line)
        XCTAssertGreaterThanOrEqual(index.positions.count, 6, label, file: file, line: line)
        try assertIndex(index, pointsAtKeyframesOf: tags, label, file: file, line: line)

        let lastTimestamp = Double(media.map(\.timestamp).max() ?? 0) / 1000
        let duration = AMF0Value.ecmaArray(properties)["duration"]?.numberValue ?? 0
        XCTAssertEqual(duration, lastTimestamp, accuracy: 0.1, label, file: file, line: line)
    }

    /// Every `filepositions` entry is the offset of a video keyframe tag,
    /// and the matching `times` entry is that tag's timestamp.
    private func assertIndex(
        _ index: (times: [Double], positions: [Double]), pointsAtKeyframesOf tags: [RecordingFixtures.PlacedTag],
        _ label: String = "", file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(index.times.count, index.positions.count, label, file: file, line: line)
        let byOffset = Dictionary(uniqueKeysWithValues: tags.map { ($0.offset, $0.tag) })
        for (time, position) in zip(index.times, index.positions) {
            guard let tag = byOffset[Int64(position)] else {
                XCTFail("\(label): filepositions entry \(position) is not the start of a tag", file: file, line: line)
                continue
            }
            XCTAssertTrue(RecordingFixtures.isVideoKeyframe(tag), "\(label): tag at \(position) is not a video keyframe", file: file, line: line)
            XCTAssertEqual(UInt32((time * 1000).rounded(.towardZero)), tag.timestamp, "\(label): time of entry at \(position)", file: file, line: line)
        }
        XCTAssertEqual(index.times, index.times.sorted(), label, file: file, line: line)
    }
}
