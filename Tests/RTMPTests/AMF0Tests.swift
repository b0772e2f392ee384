import TestSupport
import NIOCore
import RTMP
import XCTest

final class AMF0Tests: XCTestCase {
    // MARK: - Vectors built by hand from the AMF0 specification

    /// A decoded value and the exact bytes the spec gives for it.
    private struct Vector {
        var name: String
        var bytes: [UInt8]
        var value: AMF0Value
        /// Whether `AMF0Encoder` writes exactly these bytes back (false where
        /// the wire form is one of several, e.g. a short text as long string).
        var isCanonical = true
    }

    private static let vectors: [Vector] = [
        Vector(name: "number 1.5", bytes: [0x00, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0], value: .number(1.5)),
        Vector(name: "number -0", bytes: [0x00, 0x80, 0, 0, 0, 0, 0, 0, 0], value: .number(-0.0)),
        Vector(name: "boolean true", bytes: [0x01, 0x01], value: .boolean(true)),
        Vector(name: "boolean false", bytes: [0x01, 0x00], value: .boolean(false)),
        Vector(name: "boolean 0x7F", bytes: [0x01, 0x7F], value: .boolean(true), isCanonical: false),
        Vector(name: "string", bytes: [0x02, 0x00, 0x02, 0x68, 0x69], value: .string("hi")),
        Vector(name: "empty string", bytes: [0x02, 0x00, 0x00], value: .string("")),
        Vector(name: "utf-8 string", bytes: [0x02, 0x00, 0x03, 0xE2, 0x82, 0xAC], value: .string("€")),
        Vector(
            name: "object",
            bytes: [0x03, 0x00, 0x01, 0x61, 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x09],
            value: .object([AMF0Property(key: "a", value: .number(1))])
        ),
        Vector(name: "empty object", bytes: [0x03, 0x00, 0x00, 0x09], value: .object([])),
        Vector(name: "null", bytes: [0x05], value: .null),
        Vector(name: "undefined", bytes: [0x06], value: .undefined),
        Vector(name: "reference", bytes: [0x07, 0x01, 0x02], value: .reference(0x0102)),
        Vector(
            name: "ecma array",
            bytes: [0x08, 0, 0, 0, 1, 0x00, 0x01, 0x6B, 0x02, 0x00, 0x01, 0x76, 0x00, 0x00, 0x09],
            value: .ecmaArray([AMF0Property(key: "k", value: .string("v"))])
        ),
        Vector(
            name: "strict array",
            bytes: [0x0A, 0, 0, 0, 2, 0x00, 0x40, 0x00, 0, 0, 0, 0, 0, 0, 0x05],
            value: .strictArray([.number(2), .null])
        ),
        Vector(
            name: "date",
            bytes: [0x0B, 0x42, 0x75, 0xD3, 0xEF, 0x79, 0x80, 0x00, 0x00, 0xFF, 0xC4],
            value: .date(1_500_000_000_000, timeZone: -60)
        ),
        Vector(name: "long string", bytes: [0x0C, 0, 0, 0, 3, 0x61, 0x62, 0x63], value: .string("abc"), isCanonical: false),
        Vector(name: "unsupported", bytes: [0x0D], value: .unsupported),
        Vector(name: "xml document", bytes: [0x0F, 0, 0, 0, 4, 0x3C, 0x61, 0x2F, 0x3E], value: .xmlDocument("<a/>")),
        Vector(
            name: "typed object",
            bytes: [0x10, 0x00, 0x03, 0x46, 0x6F, 0x6F, 0x00, 0x01, 0x78, 0x05, 0x00, 0x00, 0x09],
            value: .typedObject(className: "Foo", [AMF0Property(key: "x", value: .null)])
        ),
        Vector(name: "amf3 undefined", bytes: [0x11, 0x00], value: .amf3(.undefined)),
        Vector(name: "amf3 null", bytes: [0x11, 0x01], value: .amf3(.null)),
        Vector(name: "amf3 false", bytes: [0x11, 0x02], value: .amf3(.false)),
        Vector(name: "amf3 true", bytes: [0x11, 0x03], value: .amf3(.true)),
        Vector(name: "amf3 integer 1 byte", bytes: [0x11, 0x04, 0x7F], value: .amf3(.integer(127))),
        Vector(name: "amf3 integer 2 bytes", bytes: [0x11, 0x04, 0x81, 0x00], value: .amf3(.integer(128))),
        Vector(name: "amf3 integer 3 bytes", bytes: [0x11, 0x04, 0x81, 0x80, 0x00], value: .amf3(.integer(0x4000))),
        Vector(name: "amf3 integer 4 bytes", bytes: [0x11, 0x04, 0x80, 0xC0, 0x80, 0x00], value: .amf3(.integer(0x20_0000))),
        Vector(name: "amf3 integer max", bytes: [0x11, 0x04, 0xBF, 0xFF, 0xFF, 0xFF], value: .amf3(.integer(0x0FFF_FFFF))),
        Vector(name: "amf3 integer -1", bytes: [0x11, 0x04, 0xFF, 0xFF, 0xFF, 0xFF], value: .amf3(.integer(-1))),
        Vector(name: "amf3 integer min", bytes: [0x11, 0x04, 0xC0, 0x80, 0x80, 0x00], value: .amf3(.integer(-0x1000_0000))),
        Vector(name: "amf3 double", bytes: [0x11, 0x05, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0], value: .amf3(.double(1.5))),
        Vector(name: "amf3 string", bytes: [0x11, 0x06, 0x07, 0x61, 0x62, 0x63], value: .amf3(.string("abc"))),
        Vector(name: "amf3 empty string", bytes: [0x11, 0x06, 0x01], value: .amf3(.string(""))),
        Vector(name: "amf3 xml document", bytes: [0x11, 0x07, 0x09, 0x3C, 0x61, 0x2F, 0x3E], value: .amf3(.xmlDocument("<a/>"))),
        Vector(name: "amf3 xml", bytes: [0x11, 0x0B, 0x09, 0x3C, 0x62, 0x2F, 0x3E], value: .amf3(.xml("<b/>"))),
        Vector(
            name: "amf3 date",
            bytes: [0x11, 0x08, 0x01, 0x42, 0x75, 0xD3, 0xEF, 0x79, 0x80, 0x00, 0x00],
            value: .amf3(.date(1_500_000_000_000))
        ),
        Vector(name: "amf3 byte array", bytes: [0x11, 0x0C, 0x05, 0xDE, 0xAD], value: .amf3(.byteArray([0xDE, 0xAD]))),
    ]

    func testDecodesEverySpecVector() throws {
        for vector in Self.vectors {
            var buffer = ByteBuffer(bytes: vector.bytes)
            let decoded = try AMF0Decoder().decode(&buffer)
            XCTAssertEqual(decoded, vector.value, vector.name)
            XCTAssertEqual(buffer.readableBytes, 0, "\(vector.name) left bytes unread")
        }
    }

    func testEncodesCanonicalVectorsByteForByte() {
        for vector in Self.vectors where vector.isCanonical {
            var buffer = ByteBuffer()
            AMF0Encoder.encode(vector.value, into: &buffer)
            XCTAssertEqual(Array(buffer.readableBytesView), vector.bytes, vector.name)
        }
    }

    func testEveryTruncatedPrefixThrowsTruncatedAndConsumesNothing() {
        for vector in Self.vectors {
            for length in 0..<vector.bytes.count {
                var buffer = ByteBuffer(bytes: vector.bytes.prefix(length))
                XCTAssertThrowsError(try AMF0Decoder().decode(&buffer), "\(vector.name) cut at \(length)") { error in
                    XCTAssertEqual(error as? AMF0Error, .truncated, "\(vector.name) cut at \(length)")
                }
                XCTAssertEqual(buffer.readableBytes, length, "\(vector.name) cut at \(length) consumed bytes")
            }
        }
    }

    func testMalformedMarkersThrow() {
        let cases: [([UInt8], AMF0Error)] = [
            ([0x04], .unsupportedMarker(0x04)),  // movie clip: reserved
            ([0x0E], .unsupportedMarker(0x0E)),  // record set: reserved
            ([0x12], .unknownMarker(0x12)),
            ([0xFF], .unknownMarker(0xFF)),
            ([0x09], .unexpectedObjectEnd),
            ([0x03, 0x00, 0x01, 0x61, 0x09], .unexpectedObjectEnd),
            ([0x02, 0x00, 0x01, 0xFF], .invalidUTF8),
            ([0x02, 0x00, 0x02, 0xC3, 0x28], .invalidUTF8),
            ([0x03, 0x00, 0x01, 0xC0, 0x05, 0x00, 0x00, 0x09], .invalidUTF8),  // bad key
            ([0x0C, 0, 0, 0, 1, 0x80], .invalidUTF8),
            ([0x11, 0x06, 0x03, 0xFF], .invalidUTF8),
            ([0x11, 0x09, 0x01, 0x01], .unsupportedAMF3Marker(0x09)),  // array
            ([0x11, 0x0A, 0x0B, 0x01, 0x01], .unsupportedAMF3Marker(0x0A)),  // object
            ([0x11, 0x11, 0x01], .unsupportedAMF3Marker(0x11)),  // dictionary
            ([0x11, 0x12], .unknownAMF3Marker(0x12)),
            ([0x11, 0x06, 0x00], .invalidAMF3Reference(0)),  // empty string table
            ([0x11, 0x08, 0x02], .invalidAMF3Reference(1)),  // empty object table
        ]
        for (bytes, expected) in cases {
            var buffer = ByteBuffer(bytes: bytes)
            XCTAssertThrowsError(try AMF0Decoder().decode(&buffer), "\(bytes)") { error in
                XCTAssertEqual(error as? AMF0Error, expected, "\(bytes)")
            }
            XCTAssertEqual(buffer.readableBytes, bytes.count, "\(bytes) consumed bytes")
        }
    }

    // MARK: - Round trips

    private static let everything: AMF0Value = .strictArray([
        .number(-12.25),
        .number(.infinity),
        .boolean(true),
        .string("plain ascii"),
        .string("ünïcödé 🎥"),
        .object([
            AMF0Property(key: "nested", value: .object([AMF0Property(key: "deeper", value: .ecmaArray([]))])),
            AMF0Property(key: "dup", value: .number(1)),
            AMF0Property(key: "dup", value: .number(2)),
        ]),
        .null,
        .undefined,
        .reference(7),
        .ecmaArray([AMF0Property(key: "duration", value: .number(0)), AMF0Property(key: "", value: .string("empty key"))]),
        .strictArray([]),
        .date(0, timeZone: 0),
        .typedObject(className: "flex.messaging.io.ArrayCollection", []),
        .xmlDocument("<root attr=\"1\"/>"),
        .unsupported,
        .amf3(.integer(-5)),
        .amf3(.double(3.5)),
        .amf3(.string("switched")),
        .amf3(.byteArray([1, 2, 3])),
        .amf3(.date(42)),
        .amf3(.xml("<x/>")),
        .amf3(.xmlDocument("<y/>")),
        .amf3(.undefined),
        .amf3(.null),
        .amf3(.true),
        .amf3(.false),
    ])

    func testRoundTripsEveryCase() throws {
        var buffer = ByteBuffer()
        AMF0Encoder.encode(Self.everything, into: &buffer)
        XCTAssertEqual(try AMF0Decoder().decode(&buffer), Self.everything)
        XCTAssertEqual(buffer.readableBytes, 0)
    }

    func testRoundTripsEveryVector() throws {
        for vector in Self.vectors {
            var buffer = ByteBuffer()
            AMF0Encoder.encode(vector.value, into: &buffer)
            XCTAssertEqual(try AMF0Decoder().decode(&buffer), vector.value, vector.name)
        }
    }

    func testStringsOver65535BytesUseTheLongStringMarker() throws {
        let atLimit = String(repeating: "a", count: 65_535)
        let overLimit = String(repeating: "é", count: 40_000)  // 80000 bytes
        var buffer = ByteBuffer()
        AMF0Encoder.encode([.string(atLimit), .string(overLimit)], into: &buffer)

        XCTAssertEqual(buffer.getInteger(at: buffer.readerIndex, as: UInt8.self), 0x02)
        XCTAssertEqual(buffer.getInteger(at: buffer.readerIndex + 1, as: UInt16.self), 65_535)
        let second = buffer.readerIndex + 3 + 65_535
        XCTAssertEqual(buffer.getInteger(at: second, as: UInt8.self), 0x0C)
        XCTAssertEqual(buffer.getInteger(at: second + 1, as: UInt32.self), 80_000)

        XCTAssertEqual(try AMF0Decoder().decodeAll(&buffer), [.string(atLimit), .string(overLimit)])
    }

    func testOverlongKeysAreCutAtACharacterBoundary() throws {
        // 32768 two-byte characters: 65536 bytes, one over the key limit.
        let key = String(repeating: "é", count: 32_768)
        var buffer = ByteBuffer()
        AMF0Encoder.encode(.object([AMF0Property(key: key, value: .null)]), into: &buffer)
        let decoded = try AMF0Decoder().decode(&buffer)
        XCTAssertEqual(decoded, .object([AMF0Property(key: String(repeating: "é", count: 32_767), value: .null)]))
    }

    func testAMF3IntegersOutside29BitsEncodeAsDoubles() throws {
        var buffer = ByteBuffer()
        AMF0Encoder.encode([.amf3(.integer(1 << 28)), .amf3(.integer(Int32.min))], into: &buffer)
        XCTAssertEqual(
            try AMF0Decoder().decodeAll(&buffer),
            [.amf3(.double(Double(1 << 28))), .amf3(.double(Double(Int32.min)))]
        )
    }

    // MARK: - Real-world messages

    /// The body of the `connect` command ffmpeg sends when publishing
    /// (libavformat/rtmpproto.c, gen_connect), written out by hand.
    private static func ffmpegConnectCommand() -> [UInt8] {
        var bytes: [UInt8] = []
        func shortString(_ string: String) {
            bytes += [UInt8(string.utf8.count >> 8), UInt8(string.utf8.count & 0xFF)] + Array(string.utf8)
        }
        func number(_ value: Double) {
            bytes += [0x00] + withUnsafeBytes(of: value.bitPattern.bigEndian, Array.init)
        }
        bytes.append(0x02)
        shortString("connect")
        number(1)
        bytes.append(0x03)
        shortString("app")
        bytes.append(0x02)
        shortString("live")
        shortString("type")
        bytes.append(0x02)
        shortString("nonprivate")
        shortString("flashVer")
        bytes.append(0x02)
        shortString("FMLE/3.0 (compatible; Lavf61.7.100)")
        shortString("tcUrl")
        bytes.append(0x02)
        shortString("rtmp://127.0.0.1:1935/live")
        bytes += [0x00, 0x00, 0x09]
        return bytes
    }

    func testDecodesAnFFmpegConnectCommand() throws {
        var buffer = ByteBuffer(bytes: Self.ffmpegConnectCommand())
        let values = try AMF0Decoder().decodeAll(&buffer)
        XCTAssertEqual(buffer.readableBytes, 0)
        XCTAssertEqual(values.count, 3)
        XCTAssertEqual(values.first?.stringValue, "connect")
        XCTAssertEqual(values.dropFirst().first?.numberValue, 1)
        let command = values.last
        XCTAssertEqual(command?["app"]?.stringValue, "live")
        XCTAssertEqual(command?["type"]?.stringValue, "nonprivate")
        XCTAssertEqual(command?["flashVer"]?.stringValue, "FMLE/3.0 (compatible; Lavf61.7.100)")
        XCTAssertEqual(command?["tcUrl"]?.stringValue, "rtmp://127.0.0.1:1935/live")
        XCTAssertNil(command?["objectEncoding"])

        // Our encoder produces the same bytes from the decoded values.
        var encoded = ByteBuffer()
        AMF0Encoder.encode(values, into: &encoded)
        XCTAssertEqual(Array(encoded.readableBytesView), Self.ffmpegConnectCommand())
    }

    func testECMAArrayCountIsOnlyAHint() throws {
        // Count 0 (as some encoders write for onMetaData) with two entries,
        // then count 100 with one entry.
        let bytes: [UInt8] = [
            0x08, 0, 0, 0, 0,
            0x00, 0x01, 0x61, 0x05,
            0x00, 0x01, 0x62, 0x01, 0x01,
            0x00, 0x00, 0x09,
            0x08, 0, 0, 0, 100,
            0x00, 0x01, 0x63, 0x06,
            0x00, 0x00, 0x09,
        ]
        var buffer = ByteBuffer(bytes: bytes)
        XCTAssertEqual(
            try AMF0Decoder().decodeAll(&buffer),
            [
                .ecmaArray([AMF0Property(key: "a", value: .null), AMF0Property(key: "b", value: .boolean(true))]),
                .ecmaArray([AMF0Property(key: "c", value: .undefined)]),
            ]
        )
    }

    func testHugeStrictArrayCountWithoutDataThrowsTruncated() {
        var buffer = ByteBuffer(bytes: [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x05, 0x05])
        XCTAssertThrowsError(try AMF0Decoder().decode(&buffer)) { error in
            XCTAssertEqual(error as? AMF0Error, .truncated)
        }
        var longString = ByteBuffer(bytes: [0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0x61])
        XCTAssertThrowsError(try AMF0Decoder().decode(&longString)) { error in
            XCTAssertEqual(error as? AMF0Error, .truncated)
        }
    }

    func testDecodeConsumesExactlyOneValue() throws {
        var buffer = ByteBuffer(bytes: [0x05, 0x06, 0x01])
        XCTAssertEqual(try AMF0Decoder().decode(&buffer), .null)
        XCTAssertEqual(buffer.readableBytes, 2)
    }

    func testDecodeAllLeavesTheBufferUntouchedOnError() {
        var buffer = ByteBuffer(bytes: [0x05, 0x06, 0x02, 0x00, 0x05, 0x61])
        XCTAssertThrowsError(try AMF0Decoder().decodeAll(&buffer))
        XCTAssertEqual(buffer.readableBytes, 6)
    }

    func testDecodeAllOfNothingIsEmpty() throws {
        var buffer = ByteBuffer()
        XCTAssertEqual(try AMF0Decoder().decodeAll(&buffer), [])
    }

    func testAccessors() {
        let object = AMF0Value.object([
            AMF0Property(key: "n", value: .number(3)),
            AMF0Property(key: "n", value: .number(4)),
        ])
        XCTAssertEqual(object["n"], .number(3), "first of duplicate keys")
        XCTAssertNil(object["missing"])
        XCTAssertEqual(AMF0Value.ecmaArray([AMF0Property(key: "k", value: .null)])["k"], .null)
        XCTAssertEqual(AMF0Value.typedObject(className: "C", [AMF0Property(key: "k", value: .undefined)])["k"], .undefined)
        XCTAssertNil(AMF0Value.string("k")["k"])

        XCTAssertEqual(AMF0Value.string("s").stringValue, "s")
        XCTAssertEqual(AMF0Value.amf3(.string("s3")).stringValue, "s3")
        XCTAssertNil(AMF0Value.number(1).stringValue)
        XCTAssertNil(AMF0Value.xmlDocument("<a/>").stringValue)

        XCTAssertEqual(AMF0Value.number(2.5).numberValue, 2.5)
        XCTAssertEqual(AMF0Value.amf3(.integer(-3)).numberValue, -3)
        XCTAssertEqual(AMF0Value.amf3(.double(0.5)).numberValue, 0.5)
        XCTAssertNil(AMF0Value.string("1").numberValue)

        XCTAssertEqual(AMF0Value.boolean(false).boolValue, false)
        XCTAssertEqual(AMF0Value.amf3(.true).boolValue, true)
        XCTAssertEqual(AMF0Value.amf3(.false).boolValue, false)
        XCTAssertNil(AMF0Value.null.boolValue)
    }

    // MARK: - Hostile input

    private static func nestedObjects(_ depth: Int) -> [UInt8] {
        // Each level: object marker, key "a", then the next level's value.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(depth * 4 + 1 + depth * 3)
        for _ in 0..<depth {
            bytes += [0x03, 0x00, 0x01, 0x61]
        }
        bytes.append(0x05)
        for _ in 0..<depth {
            bytes += [0x00, 0x00, 0x09]
        }
        return bytes
    }

    func testDeepNestingThrowsWithoutExhaustingTheStack() {
        let levels = 100_000
        let objects = Self.nestedObjects(levels)
        var strictArrays: [UInt8] = []
        for _ in 0..<levels {
            strictArrays += [0x0A, 0, 0, 0, 1]
        }
        var mixed: [UInt8] = []
        for level in 0..<levels {
            mixed += level % 2 == 0 ? [0x08, 0, 0, 0, 1, 0x00, 0x01, 0x62] : [0x10, 0x00, 0x01, 0x54, 0x00, 0x01, 0x63]
        }

        for bytes in [objects, strictArrays, mixed] {
            for decoder in [AMF0Decoder(), AMF0Decoder(maxDepth: .max)] {
                var buffer = ByteBuffer(bytes: bytes)
                XCTAssertThrowsError(try decoder.decode(&buffer)) { error in
                    XCTAssertEqual(error as? AMF0Error, .depthExceeded)
                }
            }
        }
    }

    func testDepthLimitIsExact() throws {
        var atLimit = ByteBuffer(bytes: Self.nestedObjects(32))
        XCTAssertNoThrow(try AMF0Decoder().decode(&atLimit))
        var overLimit = ByteBuffer(bytes: Self.nestedObjects(33))
        XCTAssertThrowsError(try AMF0Decoder().decode(&overLimit)) { error in
            XCTAssertEqual(error as? AMF0Error, .depthExceeded)
        }

        var scalar = ByteBuffer(bytes: [0x05])
        XCTAssertEqual(try AMF0Decoder(maxDepth: 0).decode(&scalar), .null)
        var container = ByteBuffer(bytes: [0x03, 0x00, 0x00, 0x09])
        XCTAssertThrowsError(try AMF0Decoder(maxDepth: -5).decode(&container))

        XCTAssertEqual(AMF0Decoder(maxDepth: .max).maxDepth, AMF0Decoder.depthCeiling)
        var atCeiling = ByteBuffer(bytes: Self.nestedObjects(AMF0Decoder.depthCeiling))
        XCTAssertNoThrow(try AMF0Decoder(maxDepth: .max).decode(&atCeiling))
    }

    func testRandomBytesNeverCrash() {
        var generator = SplitMix64(seed: 0x5EED_A0F0)
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 64)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                bytes.append(UInt8(truncatingIfNeeded: generator.next()))
            }
            // Bias towards markers so decoding gets past the first byte.
            if !bytes.isEmpty {
                bytes[0] = UInt8(generator.next() % 0x13)
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                _ = try AMF0Decoder().decodeAll(&buffer)
                XCTAssertEqual(buffer.readableBytes, 0)
            } catch {
                XCTAssertTrue(error is AMF0Error)
                XCTAssertEqual(buffer.readableBytes, bytes.count)
            }
        }
    }

    func testMutatedValidMessagesNeverCrash() {
        var valid = ByteBuffer()
        AMF0Encoder.encode(Self.everything, into: &valid)
        let original = Array(valid.readableBytesView) + Self.ffmpegConnectCommand()
        var generator = SplitMix64(seed: 42)
        for _ in 0..<5_000 {
            var bytes = original
            for _ in 0...(generator.next() % 4) {
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            let cut = Int(generator.next() % UInt64(bytes.count + 1))
            var buffer = ByteBuffer(bytes: bytes.prefix(cut))
            do {
                _ = try AMF0Decoder().decodeAll(&buffer)
            } catch {
                XCTAssertTrue(error is AMF0Error)
            }
        }
    }
}

