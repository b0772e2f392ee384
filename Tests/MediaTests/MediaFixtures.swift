import Foundation
import Media
import NIOCore
import XCTest

/// Locates the shared test media and builds payloads, so that tests state
/// what they check rather than how bytes are found.
enum MediaFixtures {
    /// `shared/` sits beside the repository (in CI the repo is a fresh clone
    /// with shared/ next to it), so it is found relative to this file.
    static var enhancedRTMPDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Tests/MediaTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository root
            .deletingLastPathComponent()  // the folder holding the repository and shared/
            .appendingPathComponent("shared/media/enhanced-rtmp")
    }

    static func enhancedRTMPFile(_ name: String) throws -> URL {
        let url = enhancedRTMPDirectory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("test media \(url.path) is missing")
        }
        return url
    }

    static func buffer(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] {
        buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
    }

    static func fourCC(_ text: String) -> [UInt8] {
        Array(text.utf8)
    }

    /// An Enhanced RTMP video message: `0x80 | frameType << 4 | packetType`, FourCC, body.
    static func enhancedVideo(frameType: UInt8, packetType: UInt8, fourCC: String, body: [UInt8]) -> ByteBuffer {
        buffer([0x80 | frameType << 4 | packetType] + self.fourCC(fourCC) + body)
    }

    /// An Enhanced RTMP v2 audio message: `0x90 | packetType`, FourCC, body.
    static func enhancedAudio(packetType: UInt8, fourCC: String, body: [UInt8]) -> ByteBuffer {
        buffer([0x90 | packetType] + self.fourCC(fourCC) + body)
    }

    /// A legacy AVC-style sequence header (codec 7 or 12): key frame, packet type 0, CTS 0, record.
    static func legacySequenceHeader(codecID: UInt8, record: [UInt8]) -> ByteBuffer {
        buffer([0x10 | codecID, 0x00, 0x00, 0x00, 0x00] + record)
    }

    /// Finds an ISO-BMFF box by type anywhere in `data` and returns its body.
    /// A scan is enough for the small files ffmpeg writes in these tests.
    static func boxBody(_ type: String, in data: [UInt8]) -> [UInt8]? {
        let needle = Array(type.utf8)
        guard data.count >= 8 else { return nil }
        for index in 4...(data.count - 4) where Array(data[index..<(index + 4)]) == needle {
            let size = data[(index - 4)..<index].reduce(0) { $0 << 8 | Int($1) }
            let end = index - 4 + size
            guard size >= 8, end <= data.count else { continue }
            return Array(data[(index + 4)..<end])
        }
        return nil
    }

    /// Frames of an IVF file (32-byte header, then 12-byte frame headers).
    static func ivfFrames(_ data: [UInt8]) -> [[UInt8]] {
        guard data.count >= 32, Array(data[0..<4]) == Array("DKIF".utf8) else { return [] }
        var frames: [[UInt8]] = []
        var index = 32
        while index + 12 <= data.count {
            let size = data[index..<(index + 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
            let start = index + 12
            guard start + size <= data.count else { break }
            frames.append(Array(data[start..<(start + size)]))
            index = start + size
        }
        return frames
    }
}
