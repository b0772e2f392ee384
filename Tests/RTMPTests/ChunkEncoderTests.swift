import TestSupport
import NIOCore
import RTMP
import XCTest

final class ChunkEncoderTests: XCTestCase {
    typealias S = ChunkTestSupport

    private static let audio = RTMPMessageType.audio
    private static let video = RTMPMessageType.video

    private func encode(_ encoder: inout RTMPChunkEncoder, csid: UInt32 = 4, type: UInt8 = audio, streamID: UInt32 = 1,
                        timestamp: UInt32, payload: [UInt8]) -> [UInt8] {
        var out = ByteBuffer()
        encoder.encode(RTMPMessage(chunkStreamID: csid, typeID: type, messageStreamID: streamID, timestamp: timestamp,
                                   payload: ByteBuffer(bytes: payload)), into: &out)
        return Array(out.readableBytesView)
    }

    // MARK: - Header format choice

    func testFirstMessageOnAChunkStreamUsesFmt0() {
        var encoder = RTMPChunkEncoder()
        let bytes = encode(&encoder, type: Self.audio, streamID: 0x0102_0304, timestamp: 1000, payload: [0xAF, 0x01])
        XCTAssertEqual(bytes, [0x04, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x02, 0x08, 0x04, 0x03, 0x02, 0x01, 0xAF, 0x01])
    }

    func testSameStreamTypeAndLengthUsesFmt2() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, timestamp: 0, payload: [1, 2, 3, 4])
        XCTAssertEqual(encode(&encoder, timestamp: 23, payload: [5, 6, 7, 8]), [0x84, 0x00, 0x00, 0x17, 5, 6, 7, 8])
        // Equal timestamp: still fmt 2, delta 0 (never a bare fmt 3 new message).
        XCTAssertEqual(encode(&encoder, timestamp: 23, payload: [9, 9, 9, 9]), [0x84, 0x00, 0x00, 0x00, 9, 9, 9, 9])
    }

    func testDifferentLengthUsesFmt1() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, timestamp: 100, payload: [1, 2, 3, 4])
        XCTAssertEqual(encode(&encoder, timestamp: 140, payload: [5, 6]), [0x44, 0x00, 0x00, 0x28, 0x00, 0x00, 0x02, 0x08, 5, 6])
    }

    func testDifferentTypeSameLengthUsesFmt1() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, type: Self.audio, timestamp: 100, payload: [1, 2])
        XCTAssertEqual(encode(&encoder, type: Self.video, timestamp: 100, payload: [3, 4]),
                       [0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x09, 3, 4])
    }

    func testTimestampGoingBackwardsUsesFmt0() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, timestamp: 100, payload: [1, 2])
        XCTAssertEqual(encode(&encoder, timestamp: 99, payload: [3, 4]),
                       [0x04, 0x00, 0x00, 0x63, 0x00, 0x00, 0x02, 0x08, 0x01, 0x00, 0x00, 0x00, 3, 4])
    }

    func testDifferentMessageStreamUsesFmt0() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, streamID: 1, timestamp: 100, payload: [1, 2])
        XCTAssertEqual(encode(&encoder, streamID: 2, timestamp: 120, payload: [3, 4]),
                       [0x04, 0x00, 0x00, 0x78, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 3, 4])
    }

    func testChunkStreamsAreCompressedIndependently() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, csid: 4, timestamp: 10, payload: [1])
        XCTAssertEqual(encode(&encoder, csid: 6, timestamp: 20, payload: [2]).first, 0x06, "fmt 0 on a new chunk stream")
        XCTAssertEqual(encode(&encoder, csid: 4, timestamp: 30, payload: [3]), [0x84, 0, 0, 20, 3])
        XCTAssertEqual(encode(&encoder, csid: 6, timestamp: 25, payload: [4]), [0x86, 0, 0, 5, 4])
    }

    func testResetForgetsWhatWasSent() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, csid: 4, timestamp: 10, payload: [1])
        _ = encode(&encoder, csid: 6, timestamp: 10, payload: [1])
        encoder.reset(chunkStreamID: 4)
        XCTAssertEqual(encode(&encoder, csid: 4, timestamp: 20, payload: [2]).first, 0x04)
        XCTAssertEqual(encode(&encoder, csid: 6, timestamp: 20, payload: [2]).first, 0x86)
        encoder.reset()
        XCTAssertEqual(encode(&encoder, csid: 4, timestamp: 30, payload: [3]).first, 0x04)
        XCTAssertEqual(encode(&encoder, csid: 6, timestamp: 30, payload: [3]).first, 0x06)
    }

    // MARK: - Continuations and basic headers

    func testContinuationChunksAreFmt3() {
        var encoder = RTMPChunkEncoder()
        let p = S.payloadBytes(300, seed: 1)
        let bytes = encode(&encoder, csid: 6, type: Self.video, timestamp: 5, payload: p)
        XCTAssertEqual(bytes.count, 12 + 300 + 2)
        XCTAssertEqual(bytes[0], 0x06)
        XCTAssertEqual(bytes[12 + 128], 0xC6)
        XCTAssertEqual(bytes[12 + 128 + 1 + 128], 0xC6)
        XCTAssertEqual(Array(bytes[12..<140]) + bytes[141..<269] + bytes[270...], p)
        // The second message's continuations too, after a fmt 2 header.
        let again = encode(&encoder, csid: 6, type: Self.video, timestamp: 45, payload: p)
        XCTAssertEqual(Array(again[0..<4]), [0x86, 0, 0, 40])
        XCTAssertEqual(again[4 + 128], 0xC6)
        XCTAssertEqual(again.count, 4 + 300 + 2)
    }

    func testBasicHeaderBytes() {
        let cases: [(UInt32, [UInt8])] = [
            (2, [0x02]), (3, [0x03]), (63, [0x3F]),
            (64, [0x00, 0x00]), (65, [0x00, 0x01]), (319, [0x00, 0xFF]),
            (320, [0x01, 0x00, 0x01]), (321, [0x01, 0x01, 0x01]), (65599, [0x01, 0xFF, 0xFF]),
        ]
        for (csid, expected) in cases {
            for fmt: UInt8 in 0...3 {
                var out = ByteBuffer()
                RTMPChunkEncoder.writeBasicHeader(fmt: fmt, csid: csid, into: &out)
                XCTAssertEqual(Array(out.readableBytesView), [expected[0] | fmt << 6] + expected.dropFirst(), "csid \(csid) fmt \(fmt)")
            }
        }
    }

    func testContinuationsWithTwoAndThreeByteBasicHeaders() {
        var encoder = RTMPChunkEncoder()
        encoder.setChunkSize(10)
        let p = S.payloadBytes(25)
        let two = encode(&encoder, csid: 64, timestamp: 0, payload: p)
        XCTAssertEqual(two.count, 13 + 25 + 2 * 2)
        XCTAssertEqual(Array(two[23..<25]), [0xC0, 0x00])
        XCTAssertEqual(Array(two[35..<37]), [0xC0, 0x00])
        let three = encode(&encoder, csid: 65599, timestamp: 0, payload: p)
        XCTAssertEqual(three.count, 14 + 25 + 2 * 3)
        XCTAssertEqual(Array(three[24..<27]), [0xC1, 0xFF, 0xFF])
        XCTAssertEqual(Array(three[37..<40]), [0xC1, 0xFF, 0xFF])
    }

    func testEncodedSizeMatchesChunkCount() {
        for cs in [1, 7, 128, 4096] {
            for length in [0, 1, cs - 1, cs, cs + 1, 3 * cs, 3 * cs + 1] where length >= 0 {
                for (csid, basic) in [(UInt32(4), 1), (200, 2), (4000, 3)] {
                    for ts: UInt32 in [0, 0x0100_0000] {
                        var encoder = RTMPChunkEncoder(chunkSize: cs)
                        let bytes = encode(&encoder, csid: csid, timestamp: ts, payload: S.payloadBytes(length))
                        let chunks = max(1, (length + cs - 1) / cs)
                        let ext = ts >= 0xFF_FFFF ? 4 : 0
                        XCTAssertEqual(bytes.count, basic + 11 + ext + length + (chunks - 1) * (basic + ext),
                                       "cs \(cs) length \(length) csid \(csid) ts \(ts)")
                    }
                }
            }
        }
    }

    func testSetChunkSize() {
        var encoder = RTMPChunkEncoder()
        XCTAssertEqual(encoder.chunkSize, 128)
        encoder.setChunkSize(4096)
        XCTAssertEqual(encoder.chunkSize, 4096)
        encoder.setChunkSize(0)
        XCTAssertEqual(encoder.chunkSize, 1, "never below 1")
        XCTAssertEqual(RTMPChunkEncoder(chunkSize: 60).chunkSize, 60)
    }

    // MARK: - Extended timestamps

    func testExtendedTimestampHeaderAndContinuations() {
        var encoder = RTMPChunkEncoder()
        let p = S.payloadBytes(200, seed: 2)
        let bytes = encode(&encoder, csid: 6, type: Self.video, timestamp: 0x0100_0000, payload: p)
        XCTAssertEqual(Array(bytes[0..<16]), [0x06, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0xC8, 0x09, 0x01, 0x00, 0x00, 0x00,
                                              0x01, 0x00, 0x00, 0x00])
        XCTAssertEqual(Array(bytes[144..<149]), [0xC6, 0x01, 0x00, 0x00, 0x00])
        XCTAssertEqual(bytes.count, 16 + 200 + 5)
    }

    func testTimestampAtTheEscapeValueIsExtended() {
        var encoder = RTMPChunkEncoder()
        _ = encode(&encoder, timestamp: 0xFF_FFF0, payload: [1])
        XCTAssertEqual(encode(&encoder, timestamp: 0xFF_FFFE, payload: [2]), [0x84, 0x00, 0x00, 0x0E, 2])
        XCTAssertEqual(encode(&encoder, timestamp: 0xFF_FFFF, payload: [3]),
                       [0x04, 0xFF, 0xFF, 0xFF, 0, 0, 1, 0x08, 1, 0, 0, 0, 0x00, 0xFF, 0xFF, 0xFF, 3])
        // Past the escape value every message is fmt 0, even a compressible one.
        XCTAssertEqual(encode(&encoder, timestamp: 0x0100_0010, payload: [4]),
                       [0x04, 0xFF, 0xFF, 0xFF, 0, 0, 1, 0x08, 1, 0, 0, 0, 0x01, 0x00, 0x00, 0x10, 4])
    }

    func testExtendedTimestampHelper() {
        XCTAssertNil(RTMPChunkEncoder.extendedTimestamp(for: 0))
        XCTAssertNil(RTMPChunkEncoder.extendedTimestamp(for: 0xFF_FFFE))
        XCTAssertEqual(RTMPChunkEncoder.extendedTimestamp(for: 0xFF_FFFF), 0xFF_FFFF)
        XCTAssertEqual(RTMPChunkEncoder.extendedTimestamp(for: 0xFFFF_FFFF), 0xFFFF_FFFF)
    }

    func testExtendedTimestampsDecodeBack() throws {
        var encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        var expected: [RTMPMessage] = []
        let stamps: [UInt32] = [0xFF_FFFE, 0xFF_FFFF, 0x0100_0000, 0x7FFF_FFFF, 0xFFFF_FFFF, 3, 0xFFFF_FFF0, 0xFFFF_FFFF]
        for (i, ts) in stamps.enumerated() {
            for length in [1, 128, 129, 300] {
                let m = RTMPMessage(chunkStreamID: i % 2 == 0 ? 6 : 320, typeID: Self.video, messageStreamID: 1, timestamp: ts,
                                    payload: S.payload(length, seed: i))
                encoder.encode(m, into: &wire)
                expected.append(m)
            }
        }
        var decoder = RTMPChunkDecoder()
        let out = try S.decodeAll(&decoder, &wire)
        XCTAssertEqual(wire.readableBytes, 0)
        S.assertMessages(out, expected)
    }

    // MARK: - Fan-out split

    func testChunkedBodyPlusFirstHeaderEqualsEncode() {
        for cs in [1, 50, 128, 4096] {
            var whole = RTMPChunkEncoder(chunkSize: cs)
            var split = RTMPChunkEncoder(chunkSize: cs)
            var step = 0
            for csid: UInt32 in [3, 64, 320] {
                for ts: UInt32 in [0, 40, 40, 20, 0xFF_FFFF, 0x0100_0000, 5] {
                    for length in [0, 1, cs - 1, cs, cs + 1, 2 * cs + 5] where length >= 0 {
                        step += 1
                        let m = RTMPMessage(chunkStreamID: csid, typeID: step % 3 == 0 ? Self.video : Self.audio,
                                            messageStreamID: step % 11 == 0 ? 2 : 1, timestamp: ts,
                                            payload: S.payload(length, seed: step))
                        var a = ByteBuffer()
                        whole.encode(m, into: &a)
                        var b = ByteBuffer()
                        split.writeFirstHeader(chunkStreamID: csid, messageStreamID: m.messageStreamID, typeID: m.typeID,
                                               length: length, timestamp: ts, into: &b)
                        var body = RTMPChunkEncoder.chunkedBody(m.payload, chunkStreamID: csid, chunkSize: cs,
                                                                extendedTimestamp: RTMPChunkEncoder.extendedTimestamp(for: ts))
                        b.writeBuffer(&body)
                        XCTAssertEqual(a, b, "cs \(cs) csid \(csid) ts \(ts) length \(length)")
                    }
                }
            }
        }
    }

    /// A prebuilt header is exactly what a connection in step would write
    /// itself; `claim` accepts it only from such a connection (same last
    /// header on that chunk stream, or any state for fmt 0 on the same
    /// message stream), and a claim leaves the connection in step.
    func testPrebuiltHeaderIsWhatAConnectionInStepWritesAndOnlyItMayClaimIt() {
        var rng = SplitMix64(seed: 8)
        var reference = RTMPChunkEncoder(chunkSize: 128)
        var inStep = RTMPChunkEncoder(chunkSize: 128)
        var ownHeaders = RTMPChunkEncoder(chunkSize: 128)
        var claims = 0, refusals = 0
        var ts: [UInt32: UInt32] = [4: 0, 6: 0]
        for step in 0..<2000 {
            let csid: UInt32 = Bool.random(using: &rng) ? 4 : 6
            let type = csid == 4 ? Self.audio : Self.video
            // Mostly forward steps, sometimes equal, back in time or past the 24-bit field.
            var t: UInt32
            switch rng.next() % 20 {
            case 0: ts[csid] = ts[csid]! &- 5; t = ts[csid]!
            case 1: t = 0xFF_FFFF &+ UInt32(rng.next() % 3)  // this message only
            case 2: t = ts[csid]!
            default: ts[csid] = ts[csid]! &+ UInt32(rng.next() % 40); t = ts[csid]!
            }
            let length = rng.next() % 4 == 0 ? 10 : Int(rng.next() % 300)
            var prebuilt = ByteBuffer()
            let header = reference.prebuildFirstHeader(chunkStreamID: csid, messageStreamID: 1, typeID: type, length: length,
                                                       timestamp: t, into: &prebuilt)
            var own = ByteBuffer()
            inStep.writeFirstHeader(chunkStreamID: csid, messageStreamID: 1, typeID: type, length: length, timestamp: t, into: &own)
            XCTAssertEqual(prebuilt, own, "step \(step)")
            // A connection that forgets its headers now and then, or plays on message stream 2.
            if rng.next() % 7 == 0 { ownHeaders.reset(chunkStreamID: csid) }
            let streamID: UInt32 = step % 500 < 10 ? 2 : 1
            var mine = ByteBuffer()
            var probe = ownHeaders
            probe.writeFirstHeader(chunkStreamID: csid, messageStreamID: streamID, typeID: type, length: length, timestamp: t, into: &mine)
            if ownHeaders.claim(header, messageStreamID: streamID) {
                claims += 1
                XCTAssertEqual(prebuilt, mine, "claimed a header this connection would not have written, step \(step)")
            } else {
                refusals += 1
                ownHeaders = probe
            }
        }
        XCTAssertGreaterThan(claims, 1000)
        XCTAssertGreaterThan(refusals, 100)
    }

    func testChunkedBodyOfOneChunkIsThePayloadItself() {
        let payload = S.payload(128)
        XCTAssertEqual(RTMPChunkEncoder.chunkedBody(payload, chunkStreamID: 4, chunkSize: 128, extendedTimestamp: 0x0100_0000), payload)
        let empty = RTMPChunkEncoder.chunkedBody(ByteBuffer(), chunkStreamID: 4, chunkSize: 128, extendedTimestamp: nil)
        XCTAssertEqual(empty.readableBytes, 0)
        let two = RTMPChunkEncoder.chunkedBody(S.payload(129), chunkStreamID: 4, chunkSize: 128, extendedTimestamp: 0x0100_0000)
        XCTAssertEqual(two.readableBytes, 129 + 5)
        XCTAssertEqual(two.getBytes(at: two.readerIndex + 128, length: 5), [0xC4, 0x01, 0x00, 0x00, 0x00])
    }

    /// The payload's reader index is respected (payloads are slices of what was read).
    func testEncodeUsesOnlyTheReadableBytesOfThePayload() throws {
        var backing = ByteBuffer(bytes: [0xEE, 0xEE] + S.payloadBytes(200) + [0xEE])
        backing.moveReaderIndex(forwardBy: 2)
        let slice = backing.getSlice(at: backing.readerIndex, length: 200)!
        var encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        let m = RTMPMessage(chunkStreamID: 6, typeID: Self.video, messageStreamID: 1, timestamp: 0, payload: slice)
        encoder.encode(m, into: &wire)
        var decoder = RTMPChunkDecoder()
        XCTAssertEqual(try S.decodeAll(&decoder, &wire).first?.payload, ByteBuffer(bytes: S.payloadBytes(200)))
    }

    /// A long random sequence (stream ids, types, lengths, timestamps that
    /// jump back and past 0xFFFFFF, chunk size changes) decodes back exactly.
    func testRandomMessageSequencesRoundTrip() throws {
        for seed in 0..<20 as Range<UInt64> {
            var rng = SplitMix64(seed: seed)
            var encoder = RTMPChunkEncoder()
            var wire = ByteBuffer()
            var expected: [RTMPMessage] = []
            var clock: [UInt32: UInt32] = [:]
            for _ in 0..<150 {
                if Int.random(in: 0..<25, using: &rng) == 0 {
                    let size = [1, 2, 60, 128, 1000, 70000].randomElement(using: &rng)!
                    let announce = ControlMessage.setChunkSize(UInt32(size)).message
                    encoder.encode(announce, into: &wire)
                    encoder.setChunkSize(size)
                    expected.append(announce)
                    continue
                }
                let csid = [3, 4, 6, 64, 300, 320, 65599].randomElement(using: &rng)! as UInt32
                var ts = clock[csid, default: 0]
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: ts = UInt32.random(in: 0...UInt32.max, using: &rng)
                case 1: ts = ts &- UInt32.random(in: 0...100, using: &rng)
                default: ts = ts &+ UInt32.random(in: 0...100, using: &rng)
                }
                clock[csid] = ts
                let lengths = [0, 1, 4, 4, 100, 128, 129, 500, 3000]
                let m = RTMPMessage(chunkStreamID: csid, typeID: [Self.audio, Self.video, 18, 20].randomElement(using: &rng)!,
                                    messageStreamID: UInt32.random(in: 0...2, using: &rng), timestamp: ts,
                                    payload: S.payload(lengths.randomElement(using: &rng)!, seed: expected.count))
                encoder.encode(m, into: &wire)
                expected.append(m)
            }
            var decoder = RTMPChunkDecoder()
            let fed = try S.decodeInPieces(wire, decoder: &decoder, maxPiece: 300, seed: seed)
            XCTAssertEqual(fed.leftover, 0)
            S.assertMessages(fed.messages, expected, "seed \(seed)")
        }
    }
}
