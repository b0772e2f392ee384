import TestSupport
import NIOCore
import NIOEmbedded
import NIOTestUtils
import RTMP
import XCTest

/// Helpers shared by the chunk codec tests (ChunkDecoderTests,
/// ChunkEncoderTests, ControlMessageTests). Chunk headers are built here byte
/// by byte, independently of `RTMPChunkEncoder`, so the decoder tests do not
/// trust the encoder they are meant to check it against.
enum ChunkTestSupport {
    // MARK: Bytes

    static func u24(_ v: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    static func u32be(_ v: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
         UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }

    static func u32le(_ v: UInt32) -> [UInt8] { u32be(v).reversed() }

    /// A recognisable payload: no two nearby offsets hold the same byte, so a
    /// shifted or truncated reassembly does not compare equal by accident.
    static func payloadBytes(_ count: Int, seed: Int = 0) -> [UInt8] {
        (0..<count).map { i in UInt8(truncatingIfNeeded: seed &* 31 &+ i &+ (i >> 8) &* 3) }
    }

    static func payload(_ count: Int, seed: Int = 0) -> ByteBuffer {
        ByteBuffer(bytes: payloadBytes(count, seed: seed))
    }

    // MARK: Hand-built chunk headers (RTMP 1.0 spec, 5.3.1)

    /// 1-byte form for 2...63, 2-byte form for 64...319, 3-byte form above.
    static func basicHeader(fmt: UInt8, csid: UInt32) -> [UInt8] {
        switch csid {
        case 2...63: return [fmt << 6 | UInt8(csid)]
        case 64...319: return [fmt << 6, UInt8(csid - 64)]
        default:
            let v = csid - 64
            return [fmt << 6 | 1, UInt8(v & 0xFF), UInt8(v >> 8)]
        }
    }

    /// A fmt 0 header; a timestamp at or past 0xFFFFFF goes in the extended field.
    static func fmt0(csid: UInt32, timestamp: UInt32, length: Int, type: UInt8, streamID: UInt32) -> [UInt8] {
        var b = basicHeader(fmt: 0, csid: csid)
        b += u24(min(timestamp, 0xFF_FFFF)) + u24(UInt32(length)) + [type] + u32le(streamID)
        if timestamp >= 0xFF_FFFF { b += u32be(timestamp) }
        return b
    }

    /// A fmt 1 header; a delta at or past 0xFFFFFF goes in the extended field.
    static func fmt1(csid: UInt32, delta: UInt32, length: Int, type: UInt8) -> [UInt8] {
        var b = basicHeader(fmt: 1, csid: csid)
        b += u24(min(delta, 0xFF_FFFF)) + u24(UInt32(length)) + [type]
        if delta >= 0xFF_FFFF { b += u32be(delta) }
        return b
    }

    /// A fmt 2 header; a delta at or past 0xFFFFFF goes in the extended field.
    static func fmt2(csid: UInt32, delta: UInt32) -> [UInt8] {
        var b = basicHeader(fmt: 2, csid: csid)
        b += u24(min(delta, 0xFF_FFFF))
        if delta >= 0xFF_FFFF { b += u32be(delta) }
        return b
    }

    /// A fmt 3 header, with the repeated extended timestamp when the header it
    /// follows had one.
    static func fmt3(csid: UInt32, extended: UInt32? = nil) -> [UInt8] {
        basicHeader(fmt: 3, csid: csid) + (extended.map(u32be) ?? [])
    }

    /// SetChunkSize as a peer sends it: csid 2, message stream 0, fmt 0.
    static func setChunkSizeChunk(_ size: UInt32) -> [UInt8] {
        fmt0(csid: 2, timestamp: 0, length: 4, type: RTMPMessageType.setChunkSize, streamID: 0) + u32be(size)
    }

    /// A whole message as fmt 0 + fmt 3 continuations at `chunkSize`, built by hand.
    static func chunked(csid: UInt32, timestamp: UInt32, type: UInt8, streamID: UInt32,
                        payload: [UInt8], chunkSize: Int) -> [UInt8] {
        var out = fmt0(csid: csid, timestamp: timestamp, length: payload.count, type: type, streamID: streamID)
        let ext: UInt32? = timestamp >= 0xFF_FFFF ? timestamp : nil
        var offset = 0
        repeat {
            if offset > 0 { out += fmt3(csid: csid, extended: ext) }
            let n = min(chunkSize, payload.count - offset)
            out += payload[offset..<offset + n]
            offset += n
        } while offset < payload.count
        return out
    }

    static func message(csid: UInt32, type: UInt8, streamID: UInt32, timestamp: UInt32, payload: [UInt8]) -> RTMPMessage {
        RTMPMessage(chunkStreamID: csid, typeID: type, messageStreamID: streamID, timestamp: timestamp,
                    payload: ByteBuffer(bytes: payload))
    }

    // MARK: Decoding

    /// Decodes messages until the decoder needs more data.
    static func decodeAll(_ decoder: inout RTMPChunkDecoder, _ input: inout ByteBuffer) throws -> [RTMPMessage] {
        var out: [RTMPMessage] = []
        while let m = try decoder.decodeMessage(from: &input) { out.append(m) }
        return out
    }

    /// Decodes `bytes` with a fresh decoder; all of them must be consumed.
    static func decode(_ bytes: [UInt8], limits: RTMPChunkDecoder.Limits = .init(),
                       file: StaticString = #filePath, line: UInt = #line) throws -> [RTMPMessage] {
        var decoder = RTMPChunkDecoder(limits: limits)
        var input = ByteBuffer(bytes: bytes)
        let out = try decodeAll(&decoder, &input)
        XCTAssertEqual(input.readableBytes, 0, "bytes left undecoded", file: file, line: line)
        return out
    }

    /// Feeds `input` as a socket would, in pieces of 1...maxPiece bytes
    /// (exactly 1 when maxPiece is 1) appended to a cumulation buffer,
    /// decoding after every piece.
    static func decodeInPieces(_ input: ByteBuffer, decoder: inout RTMPChunkDecoder, maxPiece: Int,
                               seed: UInt64 = 1) throws -> (messages: [RTMPMessage], leftover: Int) {
        var rng = SplitMix64(seed: seed)
        var source = input
        var cumulation = ByteBuffer()
        var out: [RTMPMessage] = []
        while source.readableBytes > 0 {
            let n = min(source.readableBytes, maxPiece <= 1 ? 1 : Int.random(in: 1...maxPiece, using: &rng))
            var piece = source.readSlice(length: n)!
            cumulation.writeBuffer(&piece)
            out += try decodeAll(&decoder, &cumulation)
        }
        return (out, cumulation.readableBytes)
    }

    // MARK: Assertions

    static func describe(_ m: RTMPMessage) -> String {
        "csid=\(m.chunkStreamID) type=\(m.typeID) msid=\(m.messageStreamID) ts=\(m.timestamp) len=\(m.payload.readableBytes)"
    }

    /// Compares message lists with short descriptions (payloads can be large).
    static func assertMessages(_ actual: [RTMPMessage], _ expected: [RTMPMessage], _ context: String = "",
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "message count \(context)", file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() where a != e {
            XCTFail("message \(i) \(context): got \(describe(a)), expected \(describe(e))"
                    + (a.payload == e.payload ? "" : " (payload differs)"), file: file, line: line)
            return
        }
    }

    static func assertThrows(_ expected: RTMPError, file: StaticString = #filePath, line: UInt = #line,
                             _ body: () throws -> Void) {
        do {
            try body()
            XCTFail("expected \(expected), nothing thrown", file: file, line: line)
        } catch {
            XCTAssertEqual(error as? RTMPError, expected, file: file, line: line)
        }
    }
}

extension Array where Element == UInt8 {
    /// `self[from..<to]` as an array (mixing slices into long `+` chains
    /// defeats the type checker).
    fileprivate func part(_ from: Int, _ to: Int) -> [UInt8] { Array(self[from..<to]) }
}

final class ChunkDecoderTests: XCTestCase {
    typealias S = ChunkTestSupport

    private let audio = RTMPMessageType.audio
    private let video = RTMPMessageType.video

    // MARK: - Header formats, by hand-built bytes

    func testFmt0SingleChunkMessageExactBytes() throws {
        let bytes: [UInt8] = [0x03,                   // fmt 0, csid 3
                              0x00, 0x03, 0xE8,       // timestamp 1000
                              0x00, 0x00, 0x05,       // length 5
                              0x14,                   // command AMF0
                              0x01, 0x00, 0x00, 0x00] // message stream 1 (little endian)
            + Array("hello".utf8)
        let out = try S.decode(bytes)
        S.assertMessages(out, [S.message(csid: 3, type: 20, streamID: 1, timestamp: 1000, payload: Array("hello".utf8))])
    }

    func testFmt0MessageStreamIDIsLittleEndian() throws {
        let bytes: [UInt8] = [0x04, 0, 0, 0, 0, 0, 1, 0x08, 0x78, 0x56, 0x34, 0x12, 0xAA]
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.messageStreamID), [0x1234_5678])
        XCTAssertEqual(out.first?.payload, ByteBuffer(bytes: [0xAA]))
    }

    func testFmt1InheritsStreamIDAndAddsDelta() throws {
        let bytes = S.fmt0(csid: 6, timestamp: 1000, length: 3, type: video, streamID: 5) + [1, 2, 3]
            + [0x46, 0x00, 0x00, 0x28, 0x00, 0x00, 0x02, 0x08] + [4, 5]  // fmt 1: delta 40, length 2, audio
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 6, type: video, streamID: 5, timestamp: 1000, payload: [1, 2, 3]),
            S.message(csid: 6, type: audio, streamID: 5, timestamp: 1040, payload: [4, 5]),
        ])
    }

    func testFmt2InheritsLengthTypeAndStreamID() throws {
        let bytes = S.fmt0(csid: 4, timestamp: 100, length: 4, type: audio, streamID: 1) + [1, 2, 3, 4]
            + [0x84, 0x00, 0x00, 0x17] + [5, 6, 7, 8]  // fmt 2: delta 23
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 4, type: audio, streamID: 1, timestamp: 100, payload: [1, 2, 3, 4]),
            S.message(csid: 4, type: audio, streamID: 1, timestamp: 123, payload: [5, 6, 7, 8]),
        ])
    }

    /// ffmpeg sends back-to-back AAC frames as fmt 0, fmt 2 (delta 23), then
    /// bare fmt 3 headers that repeat that delta.
    func testFmt3NewMessageRepeatsPreviousDeltaLikeFFmpegAAC() throws {
        let bytes = S.fmt0(csid: 4, timestamp: 0, length: 2, type: audio, streamID: 1) + [0xAF, 0x01]
            + [0x84, 0x00, 0x00, 0x17] + [0xAF, 0x02]
            + [0xC4] + [0xAF, 0x03]
            + [0xC4] + [0xAF, 0x04]
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.timestamp), [0, 23, 46, 69])
        XCTAssertEqual(out.map { $0.payload.getInteger(at: $0.payload.readerIndex + 1, as: UInt8.self) }, [1, 2, 3, 4])
        XCTAssertEqual(Set(out.map(\.messageStreamID)), [1])
        XCTAssertEqual(Set(out.map(\.typeID)), [audio])
    }

    func testFmt3NewMessageAfterFmt1RepeatsItsDeltaLengthAndType() throws {
        let bytes = S.fmt0(csid: 6, timestamp: 0, length: 2, type: video, streamID: 1) + [1, 2]
            + S.fmt1(csid: 6, delta: 33, length: 3, type: audio) + [3, 4, 5]
            + S.fmt3(csid: 6) + [6, 7, 8]
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 6, type: video, streamID: 1, timestamp: 0, payload: [1, 2]),
            S.message(csid: 6, type: audio, streamID: 1, timestamp: 33, payload: [3, 4, 5]),
            S.message(csid: 6, type: audio, streamID: 1, timestamp: 66, payload: [6, 7, 8]),
        ])
    }

    /// nginx-rtmp semantics: after fmt 0 the delta a fmt 3 new message repeats is 0.
    func testFmt3NewMessageAfterFmt0HasZeroDelta() throws {
        let bytes = S.fmt0(csid: 5, timestamp: 1000, length: 1, type: 18, streamID: 1) + [1]
            + S.fmt3(csid: 5) + [2]
            + S.fmt3(csid: 5) + [3]
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.timestamp), [1000, 1000, 1000])
        XCTAssertEqual(out.map(\.payload), [[1], [2], [3]].map { ByteBuffer(bytes: $0) })
    }

    func testFmt0ResetsTheRepeatedDelta() throws {
        let bytes = S.fmt0(csid: 4, timestamp: 0, length: 1, type: audio, streamID: 1) + [1]
            + S.fmt2(csid: 4, delta: 10) + [2]
            + S.fmt0(csid: 4, timestamp: 500, length: 1, type: audio, streamID: 1) + [3]
            + S.fmt3(csid: 4) + [4]
        XCTAssertEqual(try S.decode(bytes).map(\.timestamp), [0, 10, 500, 500])
    }

    func testFmt3ContinuationChunksDoNotAdvanceTimestamp() throws {
        let p = S.payloadBytes(300, seed: 1)
        let bytes = S.fmt0(csid: 6, timestamp: 0, length: 1, type: video, streamID: 1) + [9]
            + S.fmt1(csid: 6, delta: 10, length: 300, type: video) + p.part(0, 128)
            + S.fmt3(csid: 6) + p.part(128, 256)
            + S.fmt3(csid: 6) + p.part(256, 300)
            + S.fmt3(csid: 6) + S.payloadBytes(128, seed: 2)  // new message: +10 once
            + S.fmt3(csid: 6) + S.payloadBytes(128, seed: 3)
            + S.fmt3(csid: 6) + S.payloadBytes(44, seed: 4)
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 6, type: video, streamID: 1, timestamp: 0, payload: [9]),
            S.message(csid: 6, type: video, streamID: 1, timestamp: 10, payload: p),
            S.message(csid: 6, type: video, streamID: 1, timestamp: 20,
                      payload: S.payloadBytes(128, seed: 2) + S.payloadBytes(128, seed: 3) + S.payloadBytes(44, seed: 4)),
        ])
    }

    func testZeroLengthMessagesCompleteAtOnce() throws {
        let bytes = S.fmt0(csid: 3, timestamp: 7, length: 0, type: 20, streamID: 0)
            + S.fmt3(csid: 3)
            + S.fmt2(csid: 3, delta: 5)
            + S.fmt3(csid: 3)
            + S.fmt1(csid: 3, delta: 1, length: 2, type: 20) + [1, 2]
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.timestamp), [7, 7, 12, 17, 18])
        XCTAssertEqual(out.map(\.payload.readableBytes), [0, 0, 0, 0, 2])
    }

    func testNewHeaderInTheMiddleOfAMessageAbandonsIt() throws {
        let bytes = S.fmt0(csid: 6, timestamp: 0, length: 300, type: video, streamID: 1) + S.payloadBytes(128)
            + S.fmt0(csid: 6, timestamp: 40, length: 3, type: video, streamID: 1) + [7, 8, 9]
            + S.fmt2(csid: 6, delta: 40) + [1, 2, 3]
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 6, type: video, streamID: 1, timestamp: 40, payload: [7, 8, 9]),
            S.message(csid: 6, type: video, streamID: 1, timestamp: 80, payload: [1, 2, 3]),
        ])
    }

    func testBasicHeaderForms() throws {
        let cases: [(csid: UInt32, fmt0Header: [UInt8])] = [
            (2, [0x02]), (63, [0x3F]),
            (64, [0x00, 0x00]), (319, [0x00, 0xFF]),
            (320, [0x01, 0x00, 0x01]), (65599, [0x01, 0xFF, 0xFF]),
        ]
        for (csid, expected) in cases {
            XCTAssertEqual(S.basicHeader(fmt: 0, csid: csid), expected, "helper, csid \(csid)")
            let bytes = expected + [0, 0, 9, 0, 0, 1, video, 1, 0, 0, 0, 0x55]
                + S.basicHeader(fmt: 2, csid: csid) + [0, 0, 1, 0x66]
            let out = try S.decode(bytes)
            S.assertMessages(out, [
                S.message(csid: csid, type: video, streamID: 1, timestamp: 9, payload: [0x55]),
                S.message(csid: csid, type: video, streamID: 1, timestamp: 10, payload: [0x66]),
            ], "csid \(csid)")
        }
    }

    /// Ids 64...319 may also be sent in the 3-byte form; it is the same chunk stream.
    func testThreeByteFormOfSmallIDIsTheSameChunkStream() throws {
        let bytes: [UInt8] = [0x00, 36] + [0, 0, 5, 0, 0, 1, audio, 1, 0, 0, 0, 0x11]  // 2-byte form, csid 100
            + [0x81, 36, 0] + [0, 0, 2, 0x22]                                          // 3-byte form, fmt 2
            + [0xC1, 0, 0] + [0x33]                                                    // 3-byte form csid 64, fmt 3
        XCTAssertThrowsError(try S.decode(bytes)) {
            XCTAssertEqual($0 as? RTMPError, .missingPreviousHeader(chunkStreamID: 64))
        }
        var decoder = RTMPChunkDecoder()
        var input = ByteBuffer(bytes: Array(bytes.dropLast(4)))
        let out = try S.decodeAll(&decoder, &input)
        S.assertMessages(out, [
            S.message(csid: 100, type: audio, streamID: 1, timestamp: 5, payload: [0x11]),
            S.message(csid: 100, type: audio, streamID: 1, timestamp: 7, payload: [0x22]),
        ])
    }

    func testChunkStreamsKeepSeparateState() throws {
        let bytes = S.fmt0(csid: 4, timestamp: 1000, length: 1, type: audio, streamID: 1) + [1]
            + S.fmt0(csid: 6, timestamp: 5000, length: 2, type: video, streamID: 2) + [2, 2]
            + S.fmt2(csid: 4, delta: 20) + [3]
            + S.fmt2(csid: 6, delta: 33) + [4, 4]
            + S.fmt3(csid: 4) + [5]
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.chunkStreamID), [4, 6, 4, 6, 4])
        XCTAssertEqual(out.map(\.timestamp), [1000, 5000, 1020, 5033, 1040])
        XCTAssertEqual(out.map(\.messageStreamID), [1, 2, 1, 2, 1])
        XCTAssertEqual(out.map(\.payload.readableBytes), [1, 2, 1, 2, 1])
    }

    // MARK: - Extended timestamps

    func testFmt0ExtendedTimestamp() throws {
        for ts: UInt32 in [0xFF_FFFF, 0x0100_0000, 0x1234_5678, 0xFFFF_FFFF] {
            let bytes = [0x04, 0xFF, 0xFF, 0xFF, 0, 0, 2, audio, 1, 0, 0, 0] + S.u32be(ts) + [0xAF, 0x01]
            let out = try S.decode(bytes)
            S.assertMessages(out, [S.message(csid: 4, type: audio, streamID: 1, timestamp: ts, payload: [0xAF, 0x01])], "ts \(ts)")
        }
    }

    func testTimestampJustBelowTheEscapeHasNoExtendedField() throws {
        let bytes: [UInt8] = [0x04, 0xFF, 0xFF, 0xFE, 0, 0, 2, audio, 1, 0, 0, 0, 0xAF, 0x01]
        let out = try S.decode(bytes)
        S.assertMessages(out, [S.message(csid: 4, type: audio, streamID: 1, timestamp: 0xFF_FFFE, payload: [0xAF, 0x01])])
    }

    func testContinuationChunksRepeatTheExtendedTimestamp() throws {
        let ts: UInt32 = 0x0100_0000
        let p = S.payloadBytes(300, seed: 5)
        let bytes = S.chunked(csid: 6, timestamp: ts, type: video, streamID: 1, payload: p, chunkSize: 128)
            + S.fmt0(csid: 6, timestamp: 10, length: 1, type: video, streamID: 1) + [0x77]
        XCTAssertEqual(bytes.count, (12 + 4) + 300 + 2 * (1 + 4) + 12 + 1, "each fmt 3 chunk carries 4 extended bytes")
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 6, type: video, streamID: 1, timestamp: ts, payload: p),
            S.message(csid: 6, type: video, streamID: 1, timestamp: 10, payload: [0x77]),
        ])
    }

    func testFmt3NewMessageAfterExtendedFmt0CarriesTheFieldToo() throws {
        let ts: UInt32 = 0x2000_0000
        let bytes = S.fmt0(csid: 4, timestamp: ts, length: 1, type: audio, streamID: 1) + [1]
            + S.fmt3(csid: 4, extended: ts) + [2]
            + S.fmt3(csid: 4, extended: ts) + [3]
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.timestamp), [ts, ts, ts])
        XCTAssertEqual(out.map(\.payload), [[1], [2], [3]].map { ByteBuffer(bytes: $0) })
    }

    func testExtendedDeltasOnFmt1AndFmt2() throws {
        let bytes = S.fmt0(csid: 4, timestamp: 1000, length: 1, type: audio, streamID: 1) + [1]
            + S.fmt1(csid: 4, delta: 0x0100_0000, length: 2, type: audio) + [2, 2]
            + S.fmt2(csid: 4, delta: 0x0200_0000) + [3, 3]
            + S.fmt3(csid: 4, extended: 0x0200_0000) + [4, 4]  // repeats the extended delta
            + S.fmt2(csid: 4, delta: 5) + [5, 5]                // no extended field any more
            + S.fmt3(csid: 4) + [6, 6]
            + S.fmt2(csid: 4, delta: 0xFF_FFFF) + [7, 7]        // exactly the escape value
        let out = try S.decode(bytes)
        let expected: [UInt32] = [
            1000, 1000 + 0x0100_0000, 1000 + 0x0300_0000, 1000 + 0x0500_0000,
            1005 + 0x0500_0000, 1010 + 0x0500_0000, 1010 + 0x0500_0000 + 0xFF_FFFF,
        ]
        XCTAssertEqual(out.map(\.timestamp), expected)
        XCTAssertEqual(out.map(\.payload.readableBytes), [1, 2, 2, 2, 2, 2, 2])
    }

    func testExtendedDeltaOnMultiChunkMessage() throws {
        let p = S.payloadBytes(200, seed: 9)
        let bytes = S.fmt0(csid: 6, timestamp: 0, length: 200, type: video, streamID: 1) + p.part(0, 128)
            + S.fmt3(csid: 6) + p.part(128, 200)
            + S.fmt2(csid: 6, delta: 0x0FFF_FFFF) + p.part(0, 128)
            + S.fmt3(csid: 6, extended: 0x0FFF_FFFF) + p.part(128, 200)
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 6, type: video, streamID: 1, timestamp: 0, payload: p),
            S.message(csid: 6, type: video, streamID: 1, timestamp: 0x0FFF_FFFF, payload: p),
        ])
    }

    func testTimestampWrapsPast32Bits() throws {
        let bytes = S.fmt0(csid: 4, timestamp: 0xFFFF_FFF0, length: 1, type: audio, streamID: 1) + [1]
            + S.fmt2(csid: 4, delta: 0x20) + [2]
            + S.fmt3(csid: 4) + [3]
            + S.fmt1(csid: 4, delta: 0xFFFF_FFFF, length: 1, type: audio) + [4]  // i.e. minus one
            + S.fmt2(csid: 4, delta: 0xFF_FFFE) + [5]
            + S.fmt3(csid: 4) + [6]
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.timestamp), [0xFFFF_FFF0, 0x10, 0x30, 0x2F, 0x0100_002D, 0x0200_002B])
    }

    // MARK: - Interleaving

    func testInterleavedChunkStreams() throws {
        let a = S.payloadBytes(300, seed: 11), b = S.payloadBytes(300, seed: 12)
        let bytes = S.fmt0(csid: 4, timestamp: 100, length: 300, type: audio, streamID: 1) + a.part(0, 128)
            + S.fmt0(csid: 6, timestamp: 0x0100_0000, length: 300, type: video, streamID: 1) + b.part(0, 128)
            + S.fmt0(csid: 2, timestamp: 0, length: 4, type: RTMPMessageType.windowAcknowledgementSize, streamID: 0)
            + S.u32be(2_500_000)
            + S.fmt3(csid: 4) + a.part(128, 256)
            + S.fmt3(csid: 6, extended: 0x0100_0000) + b.part(128, 256)
            + S.fmt3(csid: 6, extended: 0x0100_0000) + b.part(256, 300)
            + S.fmt3(csid: 4) + a.part(256, 300)
        let out = try S.decode(bytes)
        S.assertMessages(out, [
            S.message(csid: 2, type: RTMPMessageType.windowAcknowledgementSize, streamID: 0, timestamp: 0,
                      payload: S.u32be(2_500_000)),
            S.message(csid: 6, type: video, streamID: 1, timestamp: 0x0100_0000, payload: b),
            S.message(csid: 4, type: audio, streamID: 1, timestamp: 100, payload: a),
        ])
    }

    /// A SetChunkSize between two chunks of another stream's message applies
    /// to that message's following chunks.
    func testSetChunkSizeBetweenChunksOfAnotherMessage() throws {
        let p = S.payloadBytes(300, seed: 13)
        let bytes = S.fmt0(csid: 6, timestamp: 0, length: 300, type: video, streamID: 1) + p.part(0, 128)
            + S.setChunkSizeChunk(64)
            + S.fmt3(csid: 6) + p.part(128, 192)
            + S.fmt3(csid: 6) + p.part(192, 256)
            + S.fmt3(csid: 6) + p.part(256, 300)
        var decoder = RTMPChunkDecoder()
        var input = ByteBuffer(bytes: bytes)
        let out = try S.decodeAll(&decoder, &input)
        XCTAssertEqual(input.readableBytes, 0)
        XCTAssertEqual(decoder.chunkSize, 64)
        XCTAssertEqual(out.map(\.typeID), [RTMPMessageType.setChunkSize, video])
        XCTAssertEqual(out.last?.payload, ByteBuffer(bytes: p))
    }

    // MARK: - Round trips through the encoder

    private func roundTripMessages(chunkSize cs: Int) -> [RTMPMessage] {
        let lengths = [0, 1, cs - 1, cs, cs + 1, 2 * cs + 3, 3 * cs]
        let kinds: [(csid: UInt32, type: UInt8, streamID: UInt32)] = [
            (4, audio, 1), (6, video, 1), (5, RTMPMessageType.dataAMF0, 1),
            (3, RTMPMessageType.commandAMF0, 0), (63, video, 7), (64, RTMPMessageType.aggregate, 0xFFFF_FFFF),
            (320, audio, 2), (65599, video, 3),
        ]
        var out: [RTMPMessage] = []
        for (i, length) in lengths.enumerated() {
            for (k, kind) in kinds.enumerated() {
                var ts = UInt32(i * 1000 + k * 7)
                if (i + k) % 5 == 4 { ts &+= 0x0100_0000 }   // extended, and back again next time
                if (i + k) % 7 == 6 { ts = 0xFFFF_FFFF }
                out.append(RTMPMessage(chunkStreamID: kind.csid, typeID: kind.type, messageStreamID: kind.streamID,
                                       timestamp: ts, payload: S.payload(length, seed: i * 16 + k)))
            }
        }
        return out
    }

    func testRoundTripAtChunkSizes() throws {
        for cs in [1, 128, 4096, 65536] {
            var encoder = RTMPChunkEncoder()
            var wire = ByteBuffer()
            let announce = ControlMessage.setChunkSize(UInt32(cs)).message
            encoder.encode(announce, into: &wire)
            encoder.setChunkSize(cs)
            let messages = roundTripMessages(chunkSize: cs)
            for m in messages { encoder.encode(m, into: &wire) }

            var whole = RTMPChunkDecoder()
            var input = wire
            let out = try S.decodeAll(&whole, &input)
            XCTAssertEqual(input.readableBytes, 0, "chunk size \(cs)")
            XCTAssertEqual(whole.chunkSize, cs, "decoder learned the chunk size")
            S.assertMessages(out, [announce] + messages, "chunk size \(cs), all at once")

            var pieces = RTMPChunkDecoder()
            let fed = try S.decodeInPieces(wire, decoder: &pieces, maxPiece: cs <= 128 ? 1 : 997, seed: UInt64(cs))
            XCTAssertEqual(fed.leftover, 0)
            S.assertMessages(fed.messages, [announce] + messages, "chunk size \(cs), in pieces")
        }
    }

    func testRoundTripOfMultiChunkMessagesOnEveryBasicHeaderForm() throws {
        let ids: [UInt32] = [2, 63, 64, 319, 320, 65599]
        var encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        var expected: [RTMPMessage] = []
        for round in 0..<3 {
            for (k, csid) in ids.enumerated() {
                let m = RTMPMessage(chunkStreamID: csid, typeID: round == 1 ? audio : video, messageStreamID: 1,
                                    timestamp: UInt32(round * 40 + k), payload: S.payload(129 + round * 200 + k, seed: k))
                encoder.encode(m, into: &wire)
                expected.append(m)
            }
        }
        var decoder = RTMPChunkDecoder()
        let out = try S.decodeAll(&decoder, &wire)
        XCTAssertEqual(wire.readableBytes, 0)
        S.assertMessages(out, expected)
    }

    // MARK: - ByteToMessageDecoder

    func testByteToMessageDecoderVerifier() throws {
        func pair(_ bytes: [UInt8], _ messages: [RTMPMessage]) -> (ByteBuffer, [RTMPMessage]) {
            (ByteBuffer(bytes: bytes), messages)
        }
        let big = S.payloadBytes(300, seed: 21), big2 = S.payloadBytes(260, seed: 22)
        // Every input starts each chunk stream it uses with fmt 0, so the
        // inputs decode the same in any order on one decoder.
        let pairs = [
            pair(S.fmt0(csid: 3, timestamp: 0, length: 5, type: 20, streamID: 0) + Array("hello".utf8),
                 [S.message(csid: 3, type: 20, streamID: 0, timestamp: 0, payload: Array("hello".utf8))]),
            pair(S.chunked(csid: 6, timestamp: 40, type: video, streamID: 1, payload: big, chunkSize: 128),
                 [S.message(csid: 6, type: video, streamID: 1, timestamp: 40, payload: big)]),
            pair(S.fmt0(csid: 4, timestamp: 0, length: 2, type: audio, streamID: 1) + [0xAF, 1]
                    + S.fmt2(csid: 4, delta: 23) + [0xAF, 2] + S.fmt3(csid: 4) + [0xAF, 3] + S.fmt3(csid: 4) + [0xAF, 4],
                 (0..<4).map { S.message(csid: 4, type: audio, streamID: 1, timestamp: UInt32($0 * 23), payload: [0xAF, UInt8($0 + 1)]) }),
            pair(S.chunked(csid: 5, timestamp: 0x0100_0000, type: 18, streamID: 1, payload: big2, chunkSize: 128),
                 [S.message(csid: 5, type: 18, streamID: 1, timestamp: 0x0100_0000, payload: big2)]),
            pair(S.fmt0(csid: 8, timestamp: 1, length: 300, type: video, streamID: 2) + big.part(0, 128)
                    + S.fmt0(csid: 9, timestamp: 2, length: 260, type: audio, streamID: 2) + big2.part(0, 128)
                    + S.fmt3(csid: 9) + big2.part(128, 256) + S.fmt3(csid: 8) + big.part(128, 256)
                    + S.fmt3(csid: 8) + big.part(256, 300) + S.fmt3(csid: 9) + big2.part(256, 260),
                 [S.message(csid: 8, type: video, streamID: 2, timestamp: 1, payload: big),
                  S.message(csid: 9, type: audio, streamID: 2, timestamp: 2, payload: big2)]),
            pair(S.fmt0(csid: 7, timestamp: 9, length: 0, type: 18, streamID: 1),
                 [S.message(csid: 7, type: 18, streamID: 1, timestamp: 9, payload: [])]),
            pair(S.chunked(csid: 320, timestamp: 3, type: video, streamID: 1, payload: Array(big.part(0, 200)), chunkSize: 128),
                 [S.message(csid: 320, type: video, streamID: 1, timestamp: 3, payload: Array(big.part(0, 200)))]),
            pair(S.setChunkSizeChunk(128),
                 [S.message(csid: 2, type: RTMPMessageType.setChunkSize, streamID: 0, timestamp: 0, payload: S.u32be(128))]),
            pair(S.fmt0(csid: 10, timestamp: 50, length: 1, type: video, streamID: 1) + [1]
                    + S.fmt1(csid: 10, delta: 0x0100_0000, length: 2, type: audio) + [2, 3],
                 [S.message(csid: 10, type: video, streamID: 1, timestamp: 50, payload: [1]),
                  S.message(csid: 10, type: audio, streamID: 1, timestamp: 0x0100_0032, payload: [2, 3])]),
        ]
        XCTAssertNoThrow(try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs, decoderFactory: { RTMPChunkDecoder() }))
    }

    func testInAChannelPipeline() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RTMPChunkDecoder()))
        let p = S.payloadBytes(300, seed: 31)
        var wire = ByteBuffer(bytes: S.chunked(csid: 6, timestamp: 7, type: video, streamID: 1, payload: p, chunkSize: 128))
        let half = wire.readSlice(length: 150)!
        XCTAssertTrue(try channel.writeInbound(half).isEmpty)
        XCTAssertFalse(try channel.writeInbound(wire).isEmpty)
        XCTAssertEqual(try channel.readInbound(as: RTMPMessage.self),
                       S.message(csid: 6, type: video, streamID: 1, timestamp: 7, payload: p))
        // Half a chunk at EOF is dropped, not an error.
        XCTAssertTrue(try channel.writeInbound(ByteBuffer(bytes: S.fmt0(csid: 6, timestamp: 0, length: 9, type: video, streamID: 1))).isEmpty)
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testDecoderErrorsReachThePipeline() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RTMPChunkDecoder()))
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(bytes: S.fmt2(csid: 4, delta: 1) + [1]))) {
            XCTAssertEqual($0 as? RTMPError, .missingPreviousHeader(chunkStreamID: 4))
        }
        _ = try? channel.finish()
    }

    // MARK: - SetChunkSize and Abort from the peer

    func testPeerSetChunkSizeOutsideTheAllowedRangeThrows() {
        for size: UInt32 in [0, 0x0100_0000, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0080, 0xFFFF_FFFF] {
            S.assertThrows(.invalidChunkSize(size)) { _ = try S.decode(S.setChunkSizeChunk(size)) }
        }
    }

    func testPeerSetChunkSizeBoundariesAreAccepted() throws {
        for size: UInt32 in [1, 0xFF_FFFF] {
            var decoder = RTMPChunkDecoder()
            var input = ByteBuffer(bytes: S.setChunkSizeChunk(size))
            let out = try S.decodeAll(&decoder, &input)
            XCTAssertEqual(out.count, 1)
            XCTAssertEqual(decoder.chunkSize, Int(size))
        }
        // At chunk size 1 a 3-byte message takes three chunks.
        let bytes = S.setChunkSizeChunk(1) + S.fmt0(csid: 4, timestamp: 0, length: 3, type: audio, streamID: 1) + [1]
            + S.fmt3(csid: 4) + [2] + S.fmt3(csid: 4) + [3]
        XCTAssertEqual(try S.decode(bytes).last?.payload, ByteBuffer(bytes: [1, 2, 3]))
    }

    func testSetChunkSizeShorterThanFourBytesThrows() {
        let bytes = S.fmt0(csid: 2, timestamp: 0, length: 3, type: RTMPMessageType.setChunkSize, streamID: 0) + [0, 0, 1]
        XCTAssertThrowsError(try S.decode(bytes)) {
            guard case .malformedMessage = $0 as? RTMPError else { return XCTFail("\($0)") }
        }
    }

    func testAbortDiscardsThePartialMessage() throws {
        let first = S.payloadBytes(200, seed: 41), second = S.payloadBytes(200, seed: 42)
        let bytes = S.fmt0(csid: 6, timestamp: 10, length: 200, type: video, streamID: 1) + first.part(0, 128)
            + S.fmt0(csid: 2, timestamp: 0, length: 4, type: RTMPMessageType.abort, streamID: 0) + S.u32be(6)
            // A fmt 3 chunk now begins a new message (delta 0 after fmt 0).
            + S.fmt3(csid: 6) + second.part(0, 128)
            + S.fmt3(csid: 6) + second.part(128, 200)
        let out = try S.decode(bytes)
        XCTAssertEqual(out.map(\.typeID), [RTMPMessageType.abort, video])
        S.assertMessages(Array(out.dropFirst()), [S.message(csid: 6, type: video, streamID: 1, timestamp: 10, payload: second)])
    }

    func testAbortReleasesTheBudgetOfThePartialMessage() throws {
        var limits = RTMPChunkDecoder.Limits()
        limits.maxPartialChunkStreams = 1
        limits.maxBufferedBytes = 200
        var bytes: [UInt8] = []
        for csid: UInt32 in 4...8 {
            bytes += S.fmt0(csid: csid, timestamp: 0, length: 1000, type: video, streamID: 1) + S.payloadBytes(128)
            bytes += S.fmt0(csid: 2, timestamp: 0, length: 4, type: RTMPMessageType.abort, streamID: 0) + S.u32be(csid)
        }
        bytes += S.fmt0(csid: 2, timestamp: 0, length: 4, type: RTMPMessageType.abort, streamID: 0) + S.u32be(99)  // idle: no-op
        let out = try S.decode(bytes, limits: limits)
        XCTAssertEqual(out.count, 6)
        // And the partial limit is really 1:
        S.assertThrows(.tooManyChunkStreams(limit: 1)) {
            _ = try S.decode(bytes + S.fmt0(csid: 4, timestamp: 0, length: 1000, type: video, streamID: 1) + S.payloadBytes(128)
                + S.fmt0(csid: 5, timestamp: 0, length: 1000, type: video, streamID: 1) + S.payloadBytes(128), limits: limits)
        }
    }

    // MARK: - Hostile input

    func testRandomBytesNeverCrash() {
        for seed in 0..<600 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            var bytes = (0..<Int.random(in: 1...3000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Give some seeds a valid start, so they get past the first header.
            switch seed % 4 {
            case 1: bytes = S.fmt0(csid: 4, timestamp: 0, length: 500, type: audio, streamID: 1) + bytes
            case 2: bytes = S.setChunkSizeChunk(UInt32.random(in: 1...300, using: &rng)) + bytes
            case 3: bytes = S.fmt0(csid: 3, timestamp: 0xFFFF_FFF0, length: 0, type: 20, streamID: 0) + bytes.map { $0 & 0xC3 }
            default: break
            }
            var decoder = RTMPChunkDecoder()
            var input = ByteBuffer(bytes: bytes)
            do {
                while let m = try decoder.decodeMessage(from: &input) {
                    XCTAssertLessThanOrEqual(m.payload.readableBytes, decoder.limits.maxMessageSize)
                }
            } catch is RTMPError {
                // fine: hostile input is refused
            } catch {
                XCTFail("seed \(seed): unexpected error type \(error)")
            }
        }
    }

    func testRandomBytesDripFedNeverCrash() {
        for seed in 1000..<1100 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            let bytes = S.setChunkSizeChunk(UInt32.random(in: 1...64, using: &rng))
                + (0..<600).map { _ in UInt8.random(in: 0...255, using: &rng) & (seed % 2 == 0 ? 0xFF : 0xC7) }
            var decoder = RTMPChunkDecoder()
            do {
                _ = try S.decodeInPieces(ByteBuffer(bytes: bytes), decoder: &decoder, maxPiece: 1)
            } catch {
                XCTAssertNotNil(error as? RTMPError, "seed \(seed): \(error)")
            }
        }
    }

    func testMutatedValidStreamsNeverCrash() throws {
        var encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        encoder.encode(ControlMessage.setChunkSize(60).message, into: &wire)
        encoder.setChunkSize(60)
        for i in 0..<40 {
            let csid: UInt32 = [4, 6, 64, 320][i % 4]
            let ts: UInt32 = i % 9 == 8 ? 0x0100_0000 + UInt32(i) : UInt32(i * 20)
            encoder.encode(RTMPMessage(chunkStreamID: csid, typeID: i % 2 == 0 ? audio : video, messageStreamID: 1,
                                       timestamp: ts, payload: S.payload((i * 37) % 200, seed: i)), into: &wire)
        }
        let valid = Array(wire.readableBytesView)
        XCTAssertEqual(try S.decode(valid).count, 41)
        for seed in 0..<400 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            var bytes = valid
            for _ in 0..<Int.random(in: 1...8, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            var decoder = RTMPChunkDecoder()
            var input = ByteBuffer(bytes: bytes)
            do {
                _ = try S.decodeAll(&decoder, &input)
            } catch {
                XCTAssertNotNil(error as? RTMPError, "seed \(seed): \(error)")
            }
        }
    }

    func testFirstChunkOnUnknownChunkStreamMustBeFmt0() {
        for csid: UInt32 in [3, 63, 100, 1000, 65599] {
            let headers: [[UInt8]] = [
                S.fmt1(csid: csid, delta: 1, length: 1, type: audio),
                S.fmt2(csid: csid, delta: 1),
                S.fmt3(csid: csid),
            ]
            for h in headers {
                // Thrown as soon as the basic header is read, before any payload.
                S.assertThrows(.missingPreviousHeader(chunkStreamID: csid)) { _ = try S.decode(S.basicHeader(fmt: h[0] >> 6, csid: csid)) }
                S.assertThrows(.missingPreviousHeader(chunkStreamID: csid)) { _ = try S.decode(h + [1]) }
            }
        }
        // Known on another chunk stream does not count.
        S.assertThrows(.missingPreviousHeader(chunkStreamID: 5)) {
            _ = try S.decode(S.fmt0(csid: 4, timestamp: 0, length: 1, type: audio, streamID: 1) + [1] + S.fmt3(csid: 5) + [2])
        }
    }

    /// Headers claiming 16 MiB on 100 chunk streams: refused after a few
    /// kilobytes of first chunks, long before the bytes they claim.
    func testManyChunkStreamsClaimingHugeMessagesAreRefusedEarly() {
        for chunkSize in [128, 4096] {
            var decoder = RTMPChunkDecoder()
            var input = ByteBuffer(bytes: chunkSize == 128 ? [] : S.setChunkSizeChunk(UInt32(chunkSize)))
            var fed = input.readableBytes
            var thrownAt: Int?
            for i in 0..<100 {
                let chunk = S.fmt0(csid: UInt32(3 + i * 600), timestamp: 0, length: 0xFF_FFFF, type: video, streamID: 1)
                    + S.payloadBytes(chunkSize, seed: i)
                input.writeBytes(chunk)
                fed += chunk.count
                do {
                    let out = try S.decodeAll(&decoder, &input)
                    XCTAssertTrue(out.allSatisfy { $0.typeID == RTMPMessageType.setChunkSize })
                } catch {
                    XCTAssertEqual(error as? RTMPError, .tooManyChunkStreams(limit: 64))
                    thrownAt = i
                    break
                }
            }
            XCTAssertEqual(thrownAt, 64, "chunk size \(chunkSize)")
            XCTAssertLessThan(fed, 65 * (chunkSize + 32), "refused after first chunks only")
        }
    }

    func testBufferedBytesLimitAcrossChunkStreams() {
        var limits = RTMPChunkDecoder.Limits()
        limits.maxBufferedBytes = 1 << 20
        var decoder = RTMPChunkDecoder(limits: limits)
        var input = ByteBuffer(bytes: S.setChunkSizeChunk(65536))
        var thrownAt: Int?
        for i in 0..<100 {
            input.writeBytes(S.fmt0(csid: UInt32(10 + i), timestamp: 0, length: 0xFF_FFFF, type: video, streamID: 1))
            input.writeBytes(S.payloadBytes(65536, seed: i))
            do {
                _ = try S.decodeAll(&decoder, &input)
            } catch {
                XCTAssertEqual(error as? RTMPError, .bufferedBytesExceeded(limit: 1 << 20))
                thrownAt = i
                break
            }
        }
        XCTAssertEqual(thrownAt, 16, "16 × 64 KiB fit the 1 MiB budget, the 17th does not")
    }

    func testMessageLargerThanTheLimitThrowsAtTheHeader() throws {
        var limits = RTMPChunkDecoder.Limits()
        limits.maxMessageSize = 1000
        // Only the header: thrown before any payload arrives.
        S.assertThrows(.messageTooLarge(length: 1001, limit: 1000)) {
            _ = try S.decode(S.fmt0(csid: 6, timestamp: 0, length: 1001, type: video, streamID: 1), limits: limits)
        }
        S.assertThrows(.messageTooLarge(length: 5000, limit: 1000)) {
            _ = try S.decode(S.fmt0(csid: 6, timestamp: 0, length: 1, type: video, streamID: 1) + [1]
                + S.fmt1(csid: 6, delta: 1, length: 5000, type: video), limits: limits)
        }
        let p = S.payloadBytes(1000)
        let ok = try S.decode(S.chunked(csid: 6, timestamp: 0, type: video, streamID: 1, payload: p, chunkSize: 128), limits: limits)
        XCTAssertEqual(ok.first?.payload, ByteBuffer(bytes: p))
    }

    /// Cutting valid input anywhere yields exactly the messages wholly
    /// before the cut: never a wrong or early message, never an error.
    func testEveryPrefixYieldsOnlyTheCompleteMessages() throws {
        var encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        var expected: [RTMPMessage] = []
        var ends: [Int] = []
        func add(_ m: RTMPMessage) {
            encoder.encode(m, into: &wire)
            expected.append(m)
            ends.append(wire.writerIndex)
        }
        add(ControlMessage.setChunkSize(50).message)
        encoder.setChunkSize(50)
        add(S.message(csid: 3, type: 20, streamID: 0, timestamp: 0, payload: S.payloadBytes(120, seed: 1)))
        add(S.message(csid: 4, type: audio, streamID: 1, timestamp: 0, payload: S.payloadBytes(4, seed: 2)))
        add(S.message(csid: 4, type: audio, streamID: 1, timestamp: 23, payload: S.payloadBytes(4, seed: 3)))
        add(S.message(csid: 4, type: audio, streamID: 1, timestamp: 46, payload: S.payloadBytes(9, seed: 4)))
        add(S.message(csid: 6, type: video, streamID: 1, timestamp: 0x0100_0000, payload: S.payloadBytes(170, seed: 5)))
        add(S.message(csid: 320, type: video, streamID: 1, timestamp: 5, payload: S.payloadBytes(0, seed: 6)))
        add(S.message(csid: 2, type: RTMPMessageType.abort, streamID: 0, timestamp: 0, payload: S.u32be(77)))
        // Interleaved by hand at chunk size 50, plus fmt 3 new messages.
        let a = S.payloadBytes(120, seed: 7), b = S.payloadBytes(60, seed: 8)
        var tail = S.fmt0(csid: 8, timestamp: 9, length: 120, type: video, streamID: 2) + a.part(0, 50)
        tail += S.fmt0(csid: 9, timestamp: 0xFFFF_FFFF, length: 60, type: audio, streamID: 2) + b.part(0, 50)
        tail += S.fmt3(csid: 8) + a.part(50, 100)
        tail += S.fmt3(csid: 9, extended: 0xFFFF_FFFF) + b.part(50, 60)
        let bEnd = wire.writerIndex + tail.count
        tail += S.fmt3(csid: 8) + a.part(100, 120)
        let aEnd = wire.writerIndex + tail.count
        tail += S.fmt2(csid: 9, delta: 2) + b.part(0, 50) + S.fmt3(csid: 9) + b.part(50, 60)
        let b2End = wire.writerIndex + tail.count
        tail += S.fmt3(csid: 9) + b.part(0, 50) + S.fmt3(csid: 9) + b.part(50, 60)
        let b3End = wire.writerIndex + tail.count
        wire.writeBytes(tail)
        expected += [S.message(csid: 9, type: audio, streamID: 2, timestamp: 0xFFFF_FFFF, payload: b),
                     S.message(csid: 8, type: video, streamID: 2, timestamp: 9, payload: a),
                     S.message(csid: 9, type: audio, streamID: 2, timestamp: 1, payload: b),
                     S.message(csid: 9, type: audio, streamID: 2, timestamp: 3, payload: b)]
        ends += [bEnd, aEnd, b2End, b3End]

        let all = Array(wire.readableBytesView)
        for cut in 0...all.count {
            var decoder = RTMPChunkDecoder()
            var input = ByteBuffer(bytes: all[0..<cut])
            let out: [RTMPMessage]
            do { out = try S.decodeAll(&decoder, &input) } catch {
                return XCTFail("prefix \(cut) threw \(error)")
            }
            let complete = ends.filter { $0 <= cut }.count
            if out.count != complete || out != Array(expected.prefix(complete)) {
                S.assertMessages(out, Array(expected.prefix(complete)), "prefix of \(cut) bytes")
                return
            }
        }
    }

    // MARK: - Limits bookkeeping (regressions)

    /// A header that abandons a partial message, arriving a byte at a time,
    /// must not release the abandoned bytes once per retry: that drove the
    /// buffered-bytes count negative and switched the budget off.
    func testBufferedBytesBudgetSurvivesRetriedAbandoningHeader() throws {
        var limits = RTMPChunkDecoder.Limits()
        limits.maxBufferedBytes = 1000
        var decoder = RTMPChunkDecoder(limits: limits)
        let start = S.fmt0(csid: 3, timestamp: 0, length: 1000, type: video, streamID: 1) + S.payloadBytes(128)
            + S.fmt0(csid: 3, timestamp: 40, length: 1000, type: video, streamID: 1) + S.payloadBytes(128, seed: 1)
        let fed = try S.decodeInPieces(ByteBuffer(bytes: start), decoder: &decoder, maxPiece: 1)
        XCTAssertEqual(fed.messages.count, 0)
        XCTAssertEqual(fed.leftover, 0)
        // 128 bytes are held now; each further first chunk adds 128.
        var thrownAt: Int?
        for i in 0..<20 {
            var input = ByteBuffer(bytes: S.fmt0(csid: UInt32(4 + i), timestamp: 0, length: 1000, type: video, streamID: 1)
                + S.payloadBytes(128))
            do { _ = try S.decodeAll(&decoder, &input) } catch {
                XCTAssertEqual(error as? RTMPError, .bufferedBytesExceeded(limit: 1000))
                thrownAt = i
                break
            }
        }
        XCTAssertEqual(thrownAt, 6, "8 × 128 = 1024 bytes exceed the 1000-byte budget")
    }

    /// Restarting a message on a chunk stream (new header mid-message) keeps
    /// one partial message on it, not two.
    func testRestartedMessageCountsOnceAgainstPartialStreamLimit() throws {
        var limits = RTMPChunkDecoder.Limits()
        limits.maxPartialChunkStreams = 1
        let p = S.payloadBytes(300, seed: 3)
        let bytes = S.fmt0(csid: 6, timestamp: 0, length: 300, type: video, streamID: 1) + S.payloadBytes(128)
            + S.fmt0(csid: 6, timestamp: 40, length: 300, type: video, streamID: 1) + p.part(0, 128)
            + S.fmt3(csid: 6) + p.part(128, 256) + S.fmt3(csid: 6) + p.part(256, 300)
            + S.fmt0(csid: 7, timestamp: 0, length: 300, type: video, streamID: 1) + p.part(0, 128)
            + S.fmt3(csid: 7) + p.part(128, 256) + S.fmt3(csid: 7) + p.part(256, 300)
        let out = try S.decode(bytes, limits: limits)
        S.assertMessages(out, [S.message(csid: 6, type: video, streamID: 1, timestamp: 40, payload: p),
                               S.message(csid: 7, type: video, streamID: 1, timestamp: 0, payload: p)])
    }
}
