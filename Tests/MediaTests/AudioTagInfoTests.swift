import Media
import NIOCore
import XCTest

/// Hand-built audio headers: legacy sound flags and the Enhanced RTMP v2
/// audio header with its ModEx and Multitrack wrappers.
final class AudioTagInfoTests: XCTestCase {
    private func parse(_ bytes: [UInt8]) -> AudioTagInfo? {
        AudioTagInfo.parse(ByteBuffer(bytes: bytes))
    }

    func testEmptyPayloadIsNil() {
        XCTAssertNil(parse([]))
    }

    func testLegacyAAC() {
        XCTAssertEqual(parse([0xAF, 0x00, 0x12, 0x10]), AudioTagInfo(codec: .aac, isEnhanced: false, isSequenceHeader: true, packetType: 0))
        XCTAssertEqual(parse([0xAF, 0x01, 0x21]), AudioTagInfo(codec: .aac, isEnhanced: false, isSequenceHeader: false, packetType: 1))
        // The packet type byte decides; without it the payload is truncated.
        XCTAssertNil(parse([0xAF]))
    }

    func testLegacyFormatsAndFlags() {
        // 0x2F: MP3, 44 kHz, 16-bit, stereo.
        XCTAssertEqual(parse([0x2F, 0xFF]), AudioTagInfo(codec: .mp3, isEnhanced: false, isSequenceHeader: false, soundRate: 44100, channels: 2))
        // 0x22: MP3, 5.5 kHz, 16-bit, mono.
        XCTAssertEqual(parse([0x22])?.soundRate, 5512)
        XCTAssertEqual(parse([0x22])?.channels, 1)
        XCTAssertEqual(parse([0x06])?.codec, .pcm)
        XCTAssertEqual(parse([0x06])?.soundRate, 11025)
        XCTAssertEqual(parse([0x1B])?.codec, .adpcm)
        XCTAssertEqual(parse([0x3F])?.codec, .pcmLE)
        XCTAssertEqual(parse([0x42])?.codec, .nellymoser16k)
        XCTAssertEqual(parse([0x42])?.soundRate, 16000)
        XCTAssertEqual(parse([0x52])?.codec, .nellymoser8k)
        XCTAssertEqual(parse([0x52])?.soundRate, 8000)
        XCTAssertEqual(parse([0x6E])?.codec, .nellymoser)
        XCTAssertEqual(parse([0x6E])?.soundRate, 44100)
        XCTAssertEqual(parse([0x72])?.codec, .g711a)
        XCTAssertEqual(parse([0x82])?.codec, .g711u)
        XCTAssertEqual(parse([0x82])?.soundRate, 8000)
        XCTAssertEqual(parse([0xB6])?.codec, .speex)
        XCTAssertEqual(parse([0xB6])?.soundRate, 16000)
        XCTAssertEqual(parse([0xB6])?.channels, 1)
        XCTAssertEqual(parse([0xE2])?.codec, .mp3_8k)
        XCTAssertEqual(parse([0xE2])?.soundRate, 8000)
        XCTAssertEqual(parse([0xC2])?.codec, .unknown(12))
        XCTAssertNil(parse([0xC2])?.soundRate)
        XCTAssertEqual(parse([0xF2])?.codec, .unknown(15))
        for byte: UInt8 in [0x2F, 0x42, 0x72, 0xB6] {
            XCTAssertEqual(parse([byte])?.isSequenceHeader, false)
            XCTAssertEqual(parse([byte])?.isEnhanced, false)
        }
    }

    func testEnhancedFourCCsAndPacketTypes() {
        let cases: [(String, AudioCodec)] = [
            ("Opus", .opus), ("fLaC", .flac), ("ac-3", .ac3), ("ec-3", .eac3), ("mp4a", .aac), (".mp3", .mp3),
        ]
        for (fourCC, codec) in cases {
            let start = parse([0x90] + Array(fourCC.utf8))
            XCTAssertEqual(start, AudioTagInfo(codec: codec, isEnhanced: true, isSequenceHeader: true, packetType: 0), fourCC)
            XCTAssertEqual(parse([0x91] + Array(fourCC.utf8) + [1])?.isSequenceHeader, false, fourCC)
            XCTAssertEqual(parse([0x92] + Array(fourCC.utf8))?.packetType, 2, fourCC)
            XCTAssertEqual(parse([0x94] + Array(fourCC.utf8) + [0, 2])?.packetType, 4, fourCC)
        }
        XCTAssertEqual(parse([0x91] + Array("abcd".utf8))?.codec, .unknown(0x6162_6364))
        for length in 1..<5 {
            XCTAssertNil(parse(Array(([0x90] + Array("Opus".utf8)).prefix(length))))
        }
    }

    func testEnhancedModExAndMultitrack() {
        // ModEx with a 3-byte nanosecond offset, then CodedFrames.
        let modEx: [UInt8] = [0x97, 0x02, 0x00, 0x10, 0x00, 0x01] + Array("Opus".utf8) + [0xF8]
        XCTAssertEqual(parse(modEx), AudioTagInfo(codec: .opus, isEnhanced: true, isSequenceHeader: false, packetType: 1))
        for length in 1..<(modEx.count - 1) {
            XCTAssertNil(parse(Array(modEx.prefix(length))), "length \(length)")
        }
        // ManyTracksManyCodecs with SequenceStart: first track is FLAC.
        let multitrack: [UInt8] = [0x95, 0x20] + Array("fLaC".utf8) + [0x00, 0x00, 0x00, 0x01, 0x00]
        XCTAssertEqual(
            parse(multitrack),
            AudioTagInfo(codec: .flac, isEnhanced: true, isSequenceHeader: true, packetType: 0, isMultitrack: true, isManyTracks: true)
        )
        XCTAssertNil(parse([0x95, 0x05] + Array("Opus".utf8) + [0x00]))
    }

    func testConfigurationInsideModExAndMultitrackWrappers() {
        // OpusHead: version 1, 2 channels, pre-skip 312, 48000 Hz input, gain 0, mapping family 0.
        let opusHead: [UInt8] = Array("OpusHead".utf8) + [0x01, 0x02, 0x38, 0x01, 0x80, 0xBB, 0x00, 0x00, 0x00, 0x00, 0x00]
        let expected = AudioConfig(codec: .opus, sampleRate: 48000, channels: 2)
        let modEx: [UInt8] = [0x97, 0x02, 0x00, 0x00, 0x10, 0x00] + Array("Opus".utf8) + opusHead
        XCTAssertEqual(CodecProbe.audioConfig(ByteBuffer(bytes: modEx)), expected)
        let manyTracks: [UInt8] = [0x95, 0x10] + Array("Opus".utf8) + [0x00, 0x00, 0x00, UInt8(opusHead.count)] + opusHead
        XCTAssertEqual(CodecProbe.audioConfig(ByteBuffer(bytes: manyTracks)), expected)
        // A track size that cuts the OpusHead short leaves no configuration.
        let cut: [UInt8] = [0x95, 0x10] + Array("Opus".utf8) + [0x00, 0x00, 0x00, 0x05] + opusHead
        XCTAssertNil(CodecProbe.audioConfig(ByteBuffer(bytes: cut)))
        // Input rate 0 ("unspecified"): Opus decodes at 48 kHz.
        var unspecified = opusHead
        unspecified.replaceSubrange(12..<16, with: [0, 0, 0, 0])
        XCTAssertEqual(
            CodecProbe.audioConfig(ByteBuffer(bytes: [0x90] + Array("Opus".utf8) + unspecified)),
            expected
        )
        // A major version other than 0 is an incompatible stream.
        var future = opusHead
        future[8] = 0x10
        XCTAssertNil(CodecProbe.audioConfig(ByteBuffer(bytes: [0x90] + Array("Opus".utf8) + future)))
    }

    func testDisplayNames() {
        XCTAssertEqual(AudioCodec.aac.displayName, "AAC")
        XCTAssertEqual(AudioCodec.mp3.displayName, "MP3")
        XCTAssertEqual(AudioCodec.opus.displayName, "Opus")
        XCTAssertEqual(AudioCodec.g711a.displayName, "G.711 A-law")
        XCTAssertEqual(AudioCodec.g711u.displayName, "G.711 µ-law")
        XCTAssertEqual(AudioCodec.eac3.displayName, "E-AC-3")
        XCTAssertEqual(AudioCodec.unknown(12).displayName, "Unknown (12)")
        XCTAssertEqual(AudioCodec(soundFormat: 9), .unknown(9))
        XCTAssertEqual(AudioCodec.opus.fourCC, 0x4F70_7573)
    }
}
