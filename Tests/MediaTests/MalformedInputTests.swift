import TestSupport
import Foundation
import Media
import NIOCore
import XCTest

/// Every parser is fed empty, truncated, random and corrupted input. The
/// bar: no trap ever, nil/throw for truncation, and never a wrong answer
/// from a shortened header (a prefix may only say less, not something else).
final class MalformedInputTests: XCTestCase {
    /// Real payloads from the shared files: every sequence header and the first
    /// key and inter frames of each codec (frames cut to 96 bytes to keep prefix loops short).
    private func realPayloads() throws -> [(label: String, type: UInt8, bytes: [UInt8])] {
        var payloads: [(String, UInt8, [UInt8])] = []
        for expectation in EnhancedRTMPFileTests.files {
            let url = try MediaFixtures.enhancedRTMPFile(expectation.file)
            let (_, tags) = try FLVReader.readFile(url.path)
            var seenKinds: Set<String> = []
            for tag in tags where tag.type != FLVTag.scriptDataType {
                let bytes = MediaFixtures.bytes(tag.payload)
                let kind: String
                if tag.type == FLVTag.videoType, let info = VideoTagInfo.parse(tag.payload) {
                    kind = "video \(info.packetType ?? 99) \(info.frameType)"
                } else if let info = AudioTagInfo.parse(tag.payload) {
                    kind = "audio \(info.packetType ?? 99)"
                } else {
                    continue
                }
                guard seenKinds.insert(kind).inserted else { continue }
                let isConfig = kind.hasPrefix("video 0") || kind == "audio 0"
                payloads.append(("\(expectation.file) \(kind)", tag.type, isConfig ? bytes : Array(bytes.prefix(96))))
            }
        }
        return payloads
    }

    /// The probe result for a prefix must be nil or agree with the full result in every field it fills in.
    private func assertConsistent(_ partial: VideoConfig?, _ full: VideoConfig?, _ label: String) {
        guard let partial else { return }
        guard let full else { return XCTFail("\(label): prefix probed, full payload did not") }
        XCTAssertEqual(partial.codec, full.codec, label)
        for (part, whole) in [(partial.profile, full.profile), (partial.level, full.level)] where part != nil {
            XCTAssertEqual(part, whole, label)
        }
        for (part, whole) in [(partial.width, full.width), (partial.height, full.height), (partial.bitDepth, full.bitDepth)]
        where part != nil {
            XCTAssertEqual(part, whole, label)
        }
    }

    private func assertConsistent(_ partial: AudioConfig?, _ full: AudioConfig?, _ label: String) {
        guard let partial else { return }
        guard let full else { return XCTFail("\(label): prefix probed, full payload did not") }
        XCTAssertEqual(partial.codec, full.codec, label)
        if partial.profile != nil { XCTAssertEqual(partial.profile, full.profile, label) }
        if partial.sampleRate != nil { XCTAssertEqual(partial.sampleRate, full.sampleRate, label) }
        if partial.channels != nil { XCTAssertEqual(partial.channels, full.channels, label) }
    }

    func testEmptyInputGivesNothing() {
        let empty = ByteBuffer()
        XCTAssertNil(VideoTagInfo.parse(empty))
        XCTAssertNil(AudioTagInfo.parse(empty))
        XCTAssertNil(CodecProbe.videoConfig(empty))
        XCTAssertNil(CodecProbe.audioConfig(empty))
        XCTAssertNil(CodecProbe.vp9FrameSize(empty))
        XCTAssertNil(CodecProbe.vp8FrameSize(empty))
        XCTAssertThrowsError(try FLVReader(empty)) { error in
            XCTAssertEqual(error as? FLVError, .truncatedHeader(available: 0))
        }
    }

    func testEveryPrefixOfRealPayloads() throws {
        let payloads = try realPayloads()
        XCTAssertGreaterThan(payloads.count, 20)
        var sequenceHeadersChecked = 0
        for (label, type, bytes) in payloads {
            let full = ByteBuffer(bytes: bytes)
            if type == FLVTag.videoType {
                let fullInfo = try XCTUnwrap(VideoTagInfo.parse(full), label)
                let fullConfig = CodecProbe.videoConfig(full)
                if fullInfo.isSequenceHeader {
                    XCTAssertNotNil(fullConfig, label)
                    sequenceHeadersChecked += 1
                }
                let fullSize = CodecProbe.vp9FrameSize(full)
                for length in 0..<bytes.count {
                    let prefix = ByteBuffer(bytes: bytes.prefix(length))
                    let info = VideoTagInfo.parse(prefix)
                    // The header is at most 5 bytes here; a shorter prefix must be rejected, a longer one read the same.
                    let headerLength = fullInfo.isEnhanced ? 5 : 2
                    if length < headerLength {
                        XCTAssertNil(info, "\(label) prefix \(length)")
                    } else {
                        XCTAssertEqual(info, fullInfo, "\(label) prefix \(length)")
                    }
                    assertConsistent(CodecProbe.videoConfig(prefix), fullConfig, "\(label) prefix \(length)")
                    if let size = CodecProbe.vp9FrameSize(prefix) {
                        XCTAssertEqual(size.width, fullSize?.width, label)
                        XCTAssertEqual(size.height, fullSize?.height, label)
                    }
                }
                // A sequence header cut anywhere inside its record yields no configuration at all.
                // The record starts after 5 bytes either way: Enhanced byte 0 + FourCC, or legacy
                // byte 0 + packet type + composition time.
                if fullInfo.isSequenceHeader {
                    let recordStart = 5
                    for length in recordStart..<bytes.count {
                        let config = CodecProbe.videoConfig(ByteBuffer(bytes: bytes.prefix(length)))
                        if fullInfo.codec == .av1 && length == recordStart + 4 {
                            // av1C without configOBUs is a complete record: profile and level, no size.
                            XCTAssertNil(config?.width, label)
                            continue
                        }
                        XCTAssertNil(config, "\(label) cut at \(length)")
                    }
                }
            } else {
                let fullInfo = try XCTUnwrap(AudioTagInfo.parse(full), label)
                let fullConfig = CodecProbe.audioConfig(full)
                if fullInfo.isSequenceHeader {
                    XCTAssertNotNil(fullConfig, label)
                    sequenceHeadersChecked += 1
                }
                for length in 0..<bytes.count {
                    let prefix = ByteBuffer(bytes: bytes.prefix(length))
                    let info = AudioTagInfo.parse(prefix)
                    let headerLength = fullInfo.isEnhanced ? 5 : 2
                    if length < headerLength {
                        XCTAssertNil(info, "\(label) prefix \(length)")
                    } else {
                        XCTAssertEqual(info, fullInfo, "\(label) prefix \(length)")
                    }
                    assertConsistent(CodecProbe.audioConfig(prefix), fullConfig, "\(label) prefix \(length)")
                    // OpusHead has no optional tail: any cut is truncation.
                    if fullInfo.codec == .opus && fullInfo.isSequenceHeader {
                        XCTAssertNil(CodecProbe.audioConfig(prefix), "\(label) prefix \(length)")
                    }
                }
            }
        }
        // hevc x3, av1, vp9 video; aac x2, opus x3 audio.
        XCTAssertEqual(sequenceHeadersChecked, 10)
    }

    func testRandomBytesNeverTrapAndNeverContradictThemselves() {
        var generator = SplitMix64(seed: 0x5EED_F00D)
        // First bytes that steer into each parser path: legacy AVC/HEVC/other, Enhanced video, AAC, Enhanced audio.
        let leads: [UInt8] = [0x17, 0x27, 0x1C, 0x2C, 0x12, 0x57, 0x90, 0x91, 0x93, 0x94, 0x96, 0x97, 0xD1, 0xAF, 0x2F, 0x95, 0x97, 0x9F]
        let fourCCs = ["hvc1", "av01", "vp09", "vp08", "avc1", "Opus", "fLaC", "mp4a", "ac-3", "ec-3", ".mp3"].map { Array($0.utf8) }
        for iteration in 0..<40000 {
            var bytes = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !bytes.isEmpty && iteration % 4 != 0 {
                bytes[0] = leads.randomElement(using: &generator) ?? 0
                if bytes.count > 5 && bytes[0] & 0x80 != 0 && iteration % 3 != 0 {
                    bytes.replaceSubrange(1..<5, with: fourCCs.randomElement(using: &generator) ?? [])
                }
                let isLegacyAVCStyle = bytes[0] & 0x80 == 0 && [0x07, 0x0C].contains(bytes[0] & 0x0F)
                if isLegacyAVCStyle && bytes.count > 1 && iteration % 2 == 0 {
                    bytes[1] = 0  // legacy sequence header, so that the record parsers are reached
                }
            }
            let buffer = ByteBuffer(bytes: bytes)
            if let info = VideoTagInfo.parse(buffer) {
                XCTAssertFalse(info.isKeyframe && info.isSequenceHeader)
                if info.isKeyframe { XCTAssertEqual(info.frameType, 1) }
                if info.frameType == 5 { XCTAssertFalse(info.isKeyframe) }
            }
            _ = AudioTagInfo.parse(buffer)
            if let config = CodecProbe.videoConfig(buffer) {
                if let width = config.width { XCTAssertGreaterThan(width, 0) }
                if let height = config.height { XCTAssertGreaterThan(height, 0) }
                XCTAssertNotNil(VideoTagInfo.parse(buffer))
                XCTAssertEqual(VideoTagInfo.parse(buffer)?.isSequenceHeader, true)
            }
            if let config = CodecProbe.audioConfig(buffer) {
                if let rate = config.sampleRate { XCTAssertGreaterThan(rate, 0) }
                if let channels = config.channels { XCTAssertGreaterThan(channels, 0) }
                XCTAssertEqual(AudioTagInfo.parse(buffer)?.codec, config.codec)
            }
            if let size = CodecProbe.vp9FrameSize(buffer) {
                XCTAssertGreaterThan(size.width, 0)
            }
            _ = CodecProbe.vp8FrameSize(buffer)
        }
    }

    func testCorruptedRealHeadersNeverTrap() throws {
        var generator = SplitMix64(seed: 42)
        let configs = try realPayloads().filter { $0.label.contains(" 0") }
        XCTAssertFalse(configs.isEmpty)
        for (_, type, original) in configs {
            for _ in 0..<2000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 1..<bytes.count, using: &generator)
                    bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
                }
                if Bool.random(using: &generator) {
                    bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
                }
                let buffer = ByteBuffer(bytes: bytes)
                if type == FLVTag.videoType {
                    _ = VideoTagInfo.parse(buffer)
                    if let config = CodecProbe.videoConfig(buffer) {
                        if let width = config.width { XCTAssertGreaterThan(width, 0) }
                        if let height = config.height { XCTAssertGreaterThan(height, 0) }
                    }
                } else {
                    _ = AudioTagInfo.parse(buffer)
                    _ = CodecProbe.audioConfig(buffer)
                }
            }
        }
    }

    // MARK: FLV

    func testEveryPrefixOfAnFLVFileEitherReadsCleanlyOrThrows() throws {
        let url = try MediaFixtures.enhancedRTMPFile("hevc-opus.flv")
        let file = Array(try Data(contentsOf: url).prefix(12000))
        // Tag boundaries of the full file: where a clean end is allowed.
        var boundaries: [Int] = [13]
        var position = 13
        while position + 11 <= file.count {
            let size = Int(file[position + 1]) << 16 | Int(file[position + 2]) << 8 | Int(file[position + 3])
            position += 11 + size + 4
            if position <= file.count { boundaries.append(position) }
        }
        XCTAssertGreaterThan(boundaries.count, 4)

        for length in 0...file.count {
            let prefix = ByteBuffer(bytes: file.prefix(length))
            guard length >= 13 else {
                XCTAssertThrowsError(try FLVReader(prefix), "prefix \(length)")
                continue
            }
            var reader = try FLVReader(prefix)
            var count = 0
            var failure: Error?
            do {
                while try reader.next() != nil {
                    count += 1
                }
            } catch {
                failure = error
            }
            if let tagsBefore = boundaries.firstIndex(of: length) {
                XCTAssertNil(failure, "prefix \(length) ends on a tag boundary")
                XCTAssertEqual(count, tagsBefore, "prefix \(length)")
            } else {
                XCTAssertNotNil(failure, "prefix \(length) ends inside a tag but read cleanly")
            }
        }
    }

    private func header(_ hasAudio: Bool = true, _ hasVideo: Bool = true) -> ByteBuffer {
        var buffer = ByteBuffer()
        FLVWriter.writeHeader(hasAudio: hasAudio, hasVideo: hasVideo, into: &buffer)
        return buffer
    }

    private func readAll(_ buffer: ByteBuffer) throws -> [FLVTag] {
        var reader = try FLVReader(buffer)
        var tags: [FLVTag] = []
        while let tag = try reader.next() {
            tags.append(tag)
        }
        return tags
    }

    func testFLVHeaderErrors() throws {
        XCTAssertEqual(Array(MediaFixtures.bytes(header(true, false))), [0x46, 0x4C, 0x56, 1, 0x04, 0, 0, 0, 9, 0, 0, 0, 0])
        XCTAssertEqual(try FLVReader(header(true, false)).header, FLVHeader(hasAudio: true, hasVideo: false))
        XCTAssertEqual(try FLVReader(header(false, true)).header, FLVHeader(hasAudio: false, hasVideo: true))
        XCTAssertEqual(try readAll(header()).count, 0)

        func expect(_ bytes: [UInt8], _ error: FLVError, line: UInt = #line) {
            XCTAssertThrowsError(try FLVReader(ByteBuffer(bytes: bytes)), line: line) { thrown in
                XCTAssertEqual(thrown as? FLVError, error, line: line)
            }
        }
        expect([0x46, 0x4C, 0x57, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0], .notFLV)
        expect([0x46, 0x4C, 0x56, 2, 5, 0, 0, 0, 9, 0, 0, 0, 0], .unsupportedVersion(2))
        expect([0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 5, 0, 0, 0, 0], .invalidDataOffset(5))
        expect([0x46, 0x4C, 0x56, 1, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0], .invalidDataOffset(0xFFFF_FFFF))
        expect([0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0], .truncatedHeader(available: 12))
        // A larger DataOffset is skipped over.
        let padded: [UInt8] = [0x46, 0x4C, 0x56, 1, 5, 0, 0, 0, 11, 0xEE, 0xEE, 0, 0, 0, 0]
        XCTAssertEqual(try readAll(ByteBuffer(bytes: padded)).count, 0)

        XCTAssertThrowsError(try FLVReader.readFile("/nonexistent/file.flv")) { error in
            guard case .fileUnreadable(let path, _) = error as? FLVError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/file.flv")
        }
    }

    func testFLVTagErrors() throws {
        let tag = FLVTag(type: FLVTag.videoType, timestamp: 40, payload: ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0, 0xAA]))
        var good = header()
        FLVWriter.writeTag(tag, into: &good)
        XCTAssertEqual(try readAll(good), [tag])
        let bytes = MediaFixtures.bytes(good)

        func expect(_ mutate: (inout [UInt8]) -> Void, _ error: FLVError, line: UInt = #line) {
            var copy = bytes
            mutate(&copy)
            XCTAssertThrowsError(try readAll(ByteBuffer(bytes: copy)), line: line) { thrown in
                XCTAssertEqual(thrown as? FLVError, error, line: line)
            }
        }
        expect({ $0[13] = 7 }, .unknownTagType(offset: 13, type: 7))
        expect({ $0[13] = 0x29 }, .unsupportedTagFlags(offset: 13, flags: 0x20))
        expect({ $0[$0.count - 1] = 0x10 }, .previousTagSizeMismatch(offset: 13 + 17, expected: 17, found: 0x10))
        expect({ $0.removeLast() }, .truncatedTag(offset: 13, dataSize: 6, available: 20))
        expect({ $0[16] = 0xFF }, .truncatedTag(offset: 13, dataSize: 0xFF, available: 21))
        expect({ $0 = Array($0.prefix(20)) }, .truncatedTagHeader(offset: 13, available: 7))
        expect({ $0 = Array($0.prefix(26)) }, .truncatedTag(offset: 13, dataSize: 6, available: 13))
        expect({ $0 = Array($0.prefix(18)) }, .truncatedTagHeader(offset: 13, available: 5))
        expect({ $0 += [8, 0] }, .truncatedTagHeader(offset: 34, available: 2))
    }

    func testRandomFLVBodiesNeverTrap() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            var buffer = header()
            let body = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var bytes = body
            // Often start with a plausible tag so that the size and PreviousTagSize checks are reached.
            if bytes.count > 4 && Bool.random(using: &generator) {
                bytes[0] = [8, 9, 18].randomElement(using: &generator) ?? 8
                bytes[1] = 0
                bytes[2] = 0
            }
            buffer.writeBytes(bytes)
            if let tags = try? readAll(buffer) {
                for tag in tags {
                    XCTAssertTrue([8, 9, 18].contains(tag.type))
                }
            }
        }
    }

    func testExtendedTimestampAndStreamIDRoundTrip() throws {
        let tag = FLVTag(type: FLVTag.audioType, timestamp: 0x8765_4321, streamID: 0x00AB_CDEF, payload: ByteBuffer(bytes: [0xAF, 0x01]))
        var buffer = header()
        XCTAssertTrue(FLVWriter.writeTag(tag, into: &buffer))
        // Timestamp lower 24 bits, then the extended (upper) byte.
        XCTAssertEqual(Array(MediaFixtures.bytes(buffer)[17..<21]), [0x65, 0x43, 0x21, 0x87])
        XCTAssertEqual(try readAll(buffer), [tag])
    }

    func testOversizedPayloadIsNotWritten() {
        let payload = ByteBuffer(repeating: 0, count: FLVWriter.maximumPayloadSize + 1)
        var buffer = ByteBuffer()
        XCTAssertFalse(FLVWriter.writeTag(FLVTag(type: FLVTag.videoType, timestamp: 0, payload: payload), into: &buffer))
        XCTAssertEqual(buffer.readableBytes, 0)
    }
}
