import Media
import NIOCore
import XCTest

/// AudioSpecificConfig variants built bit by bit: HE-AAC signalling, channel
/// configurations and escapes that the installed AAC encoder never writes.
final class AudioSpecificConfigTests: XCTestCase {
    private func probe(_ asc: [UInt8]) -> AudioConfig? {
        CodecProbe.audioConfig(ByteBuffer(bytes: [0xAF, 0x00] + asc))
    }

    private func asc(_ build: (inout BitWriter) -> Void) -> [UInt8] {
        var writer = BitWriter()
        build(&writer)
        return writer.bytes
    }

    /// GASpecificConfig with frameLengthFlag, dependsOnCoreCoder and extensionFlag all 0.
    private func writePlainGASpecificConfig(_ writer: inout BitWriter) {
        writer.write(0, bits: 3)
    }

    func testPlainLC() {
        XCTAssertEqual(probe([0x12, 0x10]), AudioConfig(codec: .aac, profile: "LC", sampleRate: 44100, channels: 2))
        XCTAssertEqual(probe([0x11, 0x90]), AudioConfig(codec: .aac, profile: "LC", sampleRate: 48000, channels: 2))
        XCTAssertEqual(probe([0x0A, 0x10]), AudioConfig(codec: .aac, profile: "Main", sampleRate: 44100, channels: 2))
    }

    func testExplicitHEAAC() {
        let bytes = asc { writer in
            writer.write(5, bits: 5)  // SBR
            writer.write(6, bits: 4)  // 24000 core
            writer.write(2, bits: 4)  // stereo
            writer.write(3, bits: 4)  // 48000 extension
            writer.write(2, bits: 5)  // LC core
            writePlainGASpecificConfig(&writer)
        }
        XCTAssertEqual(probe(bytes), AudioConfig(codec: .aac, profile: "HE-AAC", sampleRate: 48000, channels: 2))
    }

    func testExplicitHEAACv2DecodesMonoCoreAsStereo() {
        let bytes = asc { writer in
            writer.write(29, bits: 5)  // PS
            writer.write(7, bits: 4)  // 22050 core
            writer.write(1, bits: 4)  // mono core
            writer.write(4, bits: 4)  // 44100 extension
            writer.write(2, bits: 5)
            writePlainGASpecificConfig(&writer)
        }
        XCTAssertEqual(probe(bytes), AudioConfig(codec: .aac, profile: "HE-AACv2", sampleRate: 44100, channels: 2))
    }

    private func implicitSignalling(sbr: Bool, ps: Bool?) -> [UInt8] {
        asc { writer in
            writer.write(2, bits: 5)
            writer.write(7, bits: 4)  // 22050 core
            writer.write(1, bits: 4)  // mono
            writePlainGASpecificConfig(&writer)
            writer.write(0x2B7, bits: 11)
            writer.write(5, bits: 5)
            writer.write(sbr ? 1 : 0, bits: 1)
            if sbr {
                writer.write(4, bits: 4)  // 44100
                if let ps {
                    writer.write(0x548, bits: 11)
                    writer.write(ps ? 1 : 0, bits: 1)
                }
            }
        }
    }

    func testBackwardCompatibleSignalling() {
        XCTAssertEqual(
            probe(implicitSignalling(sbr: true, ps: nil)),
            AudioConfig(codec: .aac, profile: "HE-AAC", sampleRate: 44100, channels: 1)
        )
        XCTAssertEqual(
            probe(implicitSignalling(sbr: true, ps: true)),
            AudioConfig(codec: .aac, profile: "HE-AACv2", sampleRate: 44100, channels: 2)
        )
        XCTAssertEqual(
            probe(implicitSignalling(sbr: true, ps: false)),
            AudioConfig(codec: .aac, profile: "HE-AAC", sampleRate: 44100, channels: 1)
        )
        // An explicit "no SBR" (what ffmpeg writes) stays LC at the core rate.
        XCTAssertEqual(
            probe(implicitSignalling(sbr: false, ps: nil)),
            AudioConfig(codec: .aac, profile: "LC", sampleRate: 22050, channels: 1)
        )
    }

    func testChannelConfigurations() {
        let expected: [Int: Int?] = [1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 8, 11: 7, 12: 8, 13: 24, 14: 8, 8: nil, 15: nil]
        for (configuration, channels) in expected {
            let bytes = asc { writer in
                writer.write(2, bits: 5)
                writer.write(3, bits: 4)
                writer.write(UInt64(configuration), bits: 4)
                writePlainGASpecificConfig(&writer)
            }
            XCTAssertEqual(probe(bytes)?.channels, channels, "channelConfiguration \(configuration)")
        }
    }

    func testProgramConfigElementGivesTheChannelCount() {
        // 5.1 described by a PCE: front SCE + CPE, back CPE, one LFE.
        let bytes = asc { writer in
            writer.write(2, bits: 5)
            writer.write(4, bits: 4)  // 44100
            writer.write(0, bits: 4)  // channelConfiguration 0: PCE follows
            writePlainGASpecificConfig(&writer)
            writer.write(0, bits: 4)  // element_instance_tag
            writer.write(1, bits: 2)  // object_type
            writer.write(4, bits: 4)  // sampling_frequency_index
            writer.write(2, bits: 4)  // front elements
            writer.write(0, bits: 4)  // side
            writer.write(1, bits: 4)  // back
            writer.write(1, bits: 2)  // lfe
            writer.write(0, bits: 3)  // assoc data
            writer.write(0, bits: 4)  // valid cc
            writer.write(0, bits: 3)  // no mixdowns
            writer.write(0, bits: 1); writer.write(0, bits: 4)  // front SCE
            writer.write(1, bits: 1); writer.write(1, bits: 4)  // front CPE
            writer.write(1, bits: 1); writer.write(2, bits: 4)  // back CPE
            writer.write(0, bits: 4)  // LFE tag
            // byte_alignment happens relative to the ASC start, then the comment length.
            writer.alignToByte()
            writer.write(0, bits: 8)
        }
        XCTAssertEqual(probe(bytes), AudioConfig(codec: .aac, profile: "LC", sampleRate: 44100, channels: 6))
    }

    func testEscapesAndOtherObjectTypes() {
        // Explicit sampling frequency (index 15 + 24 bits).
        let explicitRate = asc { writer in
            writer.write(2, bits: 5)
            writer.write(15, bits: 4)
            writer.write(37800, bits: 24)
            writer.write(2, bits: 4)
            writePlainGASpecificConfig(&writer)
        }
        XCTAssertEqual(probe(explicitRate), AudioConfig(codec: .aac, profile: "LC", sampleRate: 37800, channels: 2))

        // Object type escape: 31 then 6 bits (42 = USAC / xHE-AAC).
        let usac = asc { writer in
            writer.write(31, bits: 5)
            writer.write(42 - 32, bits: 6)
            writer.write(3, bits: 4)
            writer.write(2, bits: 4)
        }
        XCTAssertEqual(probe(usac), AudioConfig(codec: .aac, profile: "xHE-AAC", sampleRate: 48000, channels: 2))

        // AAC-LD (error resilient: epConfig follows GASpecificConfig).
        let lowDelay = asc { writer in
            writer.write(23, bits: 5)
            writer.write(3, bits: 4)
            writer.write(1, bits: 4)
            writePlainGASpecificConfig(&writer)
            writer.write(0, bits: 2)
        }
        XCTAssertEqual(probe(lowDelay), AudioConfig(codec: .aac, profile: "LD", sampleRate: 48000, channels: 1))

        // Reserved sampling index: still AAC, rate unknown.
        XCTAssertEqual(probe([0x16, 0x88]), AudioConfig(codec: .aac, profile: "LC", sampleRate: nil, channels: 1))
        // Object type 0 is "null" and not a stream.
        XCTAssertNil(probe([0x02, 0x10]))
        XCTAssertNil(probe([0x12]))
        XCTAssertNil(probe([]))
    }
}
