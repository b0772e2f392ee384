import Foundation
import Media
import NIOCore
import RTMP
import XCTest

@testable import Relay

/// Inputs and read-back helpers for the recording tests, so that the tests
/// say what they check rather than how bytes are found.
enum RecordingFixtures {
    /// One tag of a recording as read back, with the offset of its header.
    struct PlacedTag {
        var offset: Int64
        var tag: FLVTag
    }

    /// `shared/` sits beside the repository, found from this file:
    /// Tests/RelayTests/Recording → repository root → ../shared.
    static var enhancedRTMPDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Tests/RelayTests/Recording
            .deletingLastPathComponent()  // Tests/RelayTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
            .deletingLastPathComponent()  // the folder holding the repository and shared/
            .appendingPathComponent("shared/media/enhanced-rtmp")
    }

    static let enhancedRTMPFileNames = [
        "hevc-aac.flv", "hevc-opus.flv", "av1-opus.flv", "vp9-opus.flv", "hevc-codecid12-aac.flv",
    ]

    static func enhancedRTMPFile(_ name: String) throws -> URL {
        let url = enhancedRTMPDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("shared test media \(url.path) is missing")
        }
        return url
    }

    /// A fresh directory; the caller removes it.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recording-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// 6 s of H.264 (1 s GOPs) and AAC in FLV, made by the system ffmpeg.
    static func makeH264AACFile(in directory: URL) throws -> URL {
        let output = directory.appendingPathComponent("source-h264-aac.flv")
        _ = try RecordingTestProcess.runTool("ffmpeg", [
            "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-f", "lavfi", "-i", "sine",
            "-t", "6", "-c:v", "libx264", "-g", "30", "-c:a", "aac", "-f", "flv", output.path,
        ], in: directory)
        return output
    }

    /// Every tag of an FLV file with its offset. FLVReader checks each
    /// PreviousTagSize, so a file that reads to the end is whole.
    static func readTags(_ path: String) throws -> (FLVHeader, [PlacedTag]) {
        let (header, tags) = try FLVReader.readFile(path)
        var offset = Int64(FLVRecordingFile.headerSize)
        var placed: [PlacedTag] = []
        for tag in tags {
            placed.append(PlacedTag(offset: offset, tag: tag))
            offset += Int64(11 + tag.payload.readableBytes + 4)
        }
        return (header, placed)
    }

    /// The audio and video tags of a source file, and its onMetaData
    /// properties (what a publisher would have sent as metadata).
    static func sourceMedia(_ url: URL) throws -> (media: [FLVTag], metadata: [AMF0Property]) {
        let (_, tags) = try FLVReader.readFile(url.path)
        var metadata: [AMF0Property] = []
        for tag in tags where tag.type == FLVTag.scriptDataType {
            if let properties = try? onMetaData(tag.payload) { metadata = properties }
        }
        return (tags.filter { $0.type != FLVTag.scriptDataType }, metadata)
    }

    /// Records `media` into a new file at `path` and closes it.
    @discardableResult
    static func record(
        _ media: [FLVTag],
        metadata: [AMF0Property] = [],
        to path: String,
        reservedMetadataBytes: Int = FLVRecordingFile.defaultReservedMetadataBytes,
        flushEvery: Int = 50
    ) throws -> FLVRecordingFile {
        let file = try FLVRecordingFile(
            path: path,
            hasAudio: media.contains { $0.type == FLVTag.audioType },
            hasVideo: media.contains { $0.type == FLVTag.videoType },
            reservedMetadataBytes: reservedMetadataBytes
        )
        file.setStreamInfo(RecordedStreamInfo(publisherMetadata: metadata))
        for (number, tag) in media.enumerated() {
            try file.write(type: tag.type, timestamp: tag.timestamp, payload: tag.payload, isKeyframe: isVideoKeyframe(tag))
            if number % flushEvery == flushEvery - 1 { try file.flush() }
        }
        try file.close()
        return file
    }

    static func isVideoKeyframe(_ tag: FLVTag) -> Bool {
        tag.type == FLVTag.videoType && VideoTagInfo.parse(tag.payload)?.isKeyframe == true
    }

    static func isSequenceHeader(_ tag: FLVTag) -> Bool {
        switch tag.type {
        case FLVTag.videoType: return VideoTagInfo.parse(tag.payload)?.isSequenceHeader == true
        case FLVTag.audioType: return AudioTagInfo.parse(tag.payload)?.isSequenceHeader == true
        default: return false
        }
    }

    /// The properties of an `onMetaData` script-data payload; throws if the
    /// payload is anything else.
    static func onMetaData(_ payload: ByteBuffer) throws -> [AMF0Property] {
        var buffer = payload
        let values = try AMF0Decoder().decodeAll(&buffer)
        guard values.count == 2, values[0].stringValue == "onMetaData" else {
            throw RecordingTestProcess.Failure.failed("onMetaData", [], 0, "not an onMetaData payload: \(values.prefix(1))")
        }
        switch values[1] {
        case .ecmaArray(let properties), .object(let properties): return properties
        default: throw RecordingTestProcess.Failure.failed("onMetaData", [], 0, "body is \(values[1])")
        }
    }

    /// `keyframes.times` (seconds) and `keyframes.filepositions`, or nil
    /// when the metadata has no index.
    static func keyframeIndex(_ properties: [AMF0Property]) -> (times: [Double], positions: [Double])? {
        guard let keyframes = AMF0Value.ecmaArray(properties)["keyframes"],
              case .strictArray(let times)? = keyframes["times"],
              case .strictArray(let positions)? = keyframes["filepositions"]
        else { return nil }
        return (times.compactMap(\.numberValue), positions.compactMap(\.numberValue))
    }
}
