import Foundation
import Media
import NIOCore
import XCTest

/// Replays the shared Enhanced RTMP files (real libx265/SVT-AV1/libvpx/libopus
/// output, see shared/media/enhanced-rtmp/README.md) tag by tag.
final class EnhancedRTMPFileTests: XCTestCase {
    struct Expectation {
        var file: String
        var videoCodec: VideoCodec
        var videoEnhanced: Bool
        var audioCodec: AudioCodec
        var audioEnhanced: Bool
    }

    static let files = [
        Expectation(file: "hevc-aac.flv", videoCodec: .hevc, videoEnhanced: true, audioCodec: .aac, audioEnhanced: false),
        Expectation(file: "hevc-opus.flv", videoCodec: .hevc, videoEnhanced: true, audioCodec: .opus, audioEnhanced: true),
        Expectation(file: "av1-opus.flv", videoCodec: .av1, videoEnhanced: true, audioCodec: .opus, audioEnhanced: true),
        Expectation(file: "vp9-opus.flv", videoCodec: .vp9, videoEnhanced: true, audioCodec: .opus, audioEnhanced: true),
        Expectation(
            file: "hevc-codecid12-aac.flv", videoCodec: .hevc, videoEnhanced: false, audioCodec: .aac, audioEnhanced: false
        ),
    ]

    private func load(_ name: String) throws -> (bytes: [UInt8], header: FLVHeader, tags: [FLVTag]) {
        let url = try MediaFixtures.enhancedRTMPFile(name)
        let bytes = Array(try Data(contentsOf: url))
        let (header, tags) = try FLVReader.readFile(url.path)
        return (bytes, header, tags)
    }

    func testReaderThenWriterReproducesEveryFileByteForByte() throws {
        for expectation in Self.files {
            let (bytes, header, tags) = try load(expectation.file)
            XCTAssertTrue(header.hasAudio, expectation.file)
            XCTAssertTrue(header.hasVideo, expectation.file)
            XCTAssertGreaterThan(tags.count, 400, expectation.file)

            var output = ByteBuffer()
            FLVWriter.writeHeader(hasAudio: header.hasAudio, hasVideo: header.hasVideo, into: &output)
            for tag in tags {
                XCTAssertTrue(FLVWriter.writeTag(tag, into: &output))
            }
            XCTAssertEqual(output.readableBytes, bytes.count, expectation.file)
            XCTAssertTrue(MediaFixtures.bytes(output) == bytes, "\(expectation.file) did not round-trip")
        }
    }

    func testTagTypesAndTimestampsAreRead() throws {
        let (_, _, tags) = try load("hevc-aac.flv")
        XCTAssertEqual(tags.first?.type, FLVTag.scriptDataType)
        XCTAssertEqual(Set(tags.map(\.type)), [FLVTag.audioType, FLVTag.videoType, FLVTag.scriptDataType])
        XCTAssertTrue(tags.allSatisfy { $0.streamID == 0 })
        let videoTimestamps = tags.filter { $0.type == FLVTag.videoType }.map(\.timestamp)
        // 6 s at 30 fps: decode timestamps run up to about 6000 ms.
        XCTAssertGreaterThan(videoTimestamps.max() ?? 0, 5800)
        XCTAssertLessThan(videoTimestamps.max() ?? 0, 6200)
    }

    func testVideoTagsAreClassified() throws {
        for expectation in Self.files {
            let (_, _, tags) = try load(expectation.file)
            let videoTags = tags.filter { $0.type == FLVTag.videoType }
            let infos = videoTags.compactMap { VideoTagInfo.parse($0.payload) }
            XCTAssertEqual(infos.count, videoTags.count, "\(expectation.file): unparsed video tags")

            for info in infos {
                XCTAssertEqual(info.codec, expectation.videoCodec, expectation.file)
                XCTAssertEqual(info.isEnhanced, expectation.videoEnhanced, expectation.file)
                XCTAssertFalse(info.isMultitrack, expectation.file)
            }
            let sequenceHeaders = infos.filter(\.isSequenceHeader)
            XCTAssertEqual(sequenceHeaders.count, 1, expectation.file)
            XCTAssertTrue(infos.first?.isSequenceHeader ?? false, "\(expectation.file): first video tag is not the sequence header")
            XCTAssertTrue(sequenceHeaders.allSatisfy { !$0.isKeyframe }, "\(expectation.file): sequence header counted as key frame")
            XCTAssertTrue(infos.last?.isSequenceEnd ?? false, "\(expectation.file): last video tag is not SequenceEnd")
            XCTAssertFalse(infos.last?.isKeyframe ?? true, expectation.file)

            // One key frame per second for 6 seconds.
            let keyframes = infos.filter(\.isKeyframe)
            XCTAssertEqual(keyframes.count, 6, expectation.file)
            XCTAssertTrue(keyframes.allSatisfy { $0.frameType == 1 }, expectation.file)
            XCTAssertGreaterThan(infos.filter { $0.frameType == 2 }.count, 150, expectation.file)
        }
    }

    func testKeyframesFallOnSecondBoundaries() throws {
        let (_, _, tags) = try load("av1-opus.flv")
        let keyframeTimes = tags.filter { $0.type == FLVTag.videoType }
            .filter { VideoTagInfo.parse($0.payload)?.isKeyframe ?? false }
            .map(\.timestamp)
        XCTAssertEqual(keyframeTimes.count, 6)
        for (second, time) in keyframeTimes.enumerated() {
            XCTAssertEqual(Double(time), Double(second * 1000), accuracy: 100, "key frame \(second) at \(time) ms")
        }
    }

    func testAudioTagsAreClassified() throws {
        for expectation in Self.files {
            let (_, _, tags) = try load(expectation.file)
            let audioTags = tags.filter { $0.type == FLVTag.audioType }
            let infos = audioTags.compactMap { AudioTagInfo.parse($0.payload) }
            XCTAssertEqual(infos.count, audioTags.count, "\(expectation.file): unparsed audio tags")
            XCTAssertGreaterThan(infos.count, 250, expectation.file)
            for info in infos {
                XCTAssertEqual(info.codec, expectation.audioCodec, expectation.file)
                XCTAssertEqual(info.isEnhanced, expectation.audioEnhanced, expectation.file)
                // AAC header flags are fixed by the FLV spec and say nothing; Enhanced audio has none.
                XCTAssertNil(info.soundRate, expectation.file)
                XCTAssertNil(info.channels, expectation.file)
            }
            XCTAssertEqual(infos.filter(\.isSequenceHeader).count, 1, expectation.file)
            XCTAssertTrue(infos.first?.isSequenceHeader ?? false, expectation.file)
        }
    }

    private func firstPayload(_ tags: [FLVTag], type: UInt8, where predicate: (ByteBuffer) -> Bool) -> ByteBuffer? {
        tags.first { $0.type == type && predicate($0.payload) }?.payload
    }

    func testHEVCSequenceHeadersAreProbed() throws {
        for file in ["hevc-aac.flv", "hevc-opus.flv", "hevc-codecid12-aac.flv"] {
            let (_, _, tags) = try load(file)
            let sequenceHeader = try XCTUnwrap(firstPayload(tags, type: FLVTag.videoType) {
                VideoTagInfo.parse($0)?.isSequenceHeader ?? false
            })
            let config = try XCTUnwrap(CodecProbe.videoConfig(sequenceHeader), file)
            XCTAssertEqual(config.codec, .hevc, file)
            XCTAssertEqual(config.profile, "Main", file)
            XCTAssertEqual(config.level, "2.1", file)  // general_level_idc 63
            XCTAssertEqual(config.width, 640, file)
            XCTAssertEqual(config.height, 360, file)
            XCTAssertEqual(config.bitDepth, 8, file)
        }
    }

    func testAV1SequenceHeaderIsProbed() throws {
        let (_, _, tags) = try load("av1-opus.flv")
        let sequenceHeader = try XCTUnwrap(firstPayload(tags, type: FLVTag.videoType) {
            VideoTagInfo.parse($0)?.isSequenceHeader ?? false
        })
        let config = try XCTUnwrap(CodecProbe.videoConfig(sequenceHeader))
        XCTAssertEqual(config, VideoConfig(codec: .av1, profile: "Main", level: "2.1", width: 640, height: 360, bitDepth: 8))
    }

    func testVP9SequenceHeaderAndKeyFrameSizeAreProbed() throws {
        let (_, _, tags) = try load("vp9-opus.flv")
        let sequenceHeader = try XCTUnwrap(firstPayload(tags, type: FLVTag.videoType) {
            VideoTagInfo.parse($0)?.isSequenceHeader ?? false
        })
        let config = try XCTUnwrap(CodecProbe.videoConfig(sequenceHeader))
        XCTAssertEqual(config, VideoConfig(codec: .vp9, profile: "Profile 0", level: "2.1", bitDepth: 8))

        let keyframes = tags.filter { $0.type == FLVTag.videoType && (VideoTagInfo.parse($0.payload)?.isKeyframe ?? false) }
        XCTAssertEqual(keyframes.count, 6)
        for keyframe in keyframes {
            let size = try XCTUnwrap(CodecProbe.vp9FrameSize(keyframe.payload))
            XCTAssertEqual(size.width, 640)
            XCTAssertEqual(size.height, 360)
        }
        // Inter frames do not carry the size; reading one must say so rather than guess.
        let interFrame = try XCTUnwrap(tags.first {
            $0.type == FLVTag.videoType && VideoTagInfo.parse($0.payload)?.frameType == 2
        })
        XCTAssertNil(CodecProbe.vp9FrameSize(interFrame.payload))
        XCTAssertNil(CodecProbe.vp9FrameSize(sequenceHeader))
    }

    func testCodedFramesAreNotMistakenForConfiguration() throws {
        for expectation in Self.files {
            let (_, _, tags) = try load(expectation.file)
            for tag in tags where tag.type == FLVTag.videoType {
                let info = try XCTUnwrap(VideoTagInfo.parse(tag.payload))
                if !info.isSequenceHeader {
                    XCTAssertNil(CodecProbe.videoConfig(tag.payload), expectation.file)
                }
            }
        }
    }

    func testAACSequenceHeaderIsProbed() throws {
        for file in ["hevc-aac.flv", "hevc-codecid12-aac.flv"] {
            let (_, _, tags) = try load(file)
            let sequenceHeader = try XCTUnwrap(firstPayload(tags, type: FLVTag.audioType) {
                AudioTagInfo.parse($0)?.isSequenceHeader ?? false
            })
            XCTAssertEqual(
                CodecProbe.audioConfig(sequenceHeader),
                AudioConfig(codec: .aac, profile: "LC", sampleRate: 48000, channels: 1), file
            )
            // Raw AAC frames carry no configuration.
            let rawFrame = try XCTUnwrap(firstPayload(tags, type: FLVTag.audioType) {
                AudioTagInfo.parse($0)?.isSequenceHeader == false
            })
            XCTAssertNil(CodecProbe.audioConfig(rawFrame), file)
        }
    }

    func testOpusSequenceStartIsProbed() throws {
        for file in ["hevc-opus.flv", "av1-opus.flv", "vp9-opus.flv"] {
            let (_, _, tags) = try load(file)
            let sequenceStart = try XCTUnwrap(firstPayload(tags, type: FLVTag.audioType) {
                AudioTagInfo.parse($0)?.isSequenceHeader ?? false
            })
            XCTAssertEqual(
                CodecProbe.audioConfig(sequenceStart),
                AudioConfig(codec: .opus, sampleRate: 48000, channels: 1), file
            )
            let audioInfos = tags.filter { $0.type == FLVTag.audioType }.compactMap { AudioTagInfo.parse($0.payload) }
            XCTAssertEqual(audioInfos.last?.packetType, 2, "\(file): last audio tag is not SequenceEnd")
        }
    }
}
