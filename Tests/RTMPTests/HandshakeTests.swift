import TestSupport
import Crypto
import NIOCore
import NIOEmbedded
import RTMP
import XCTest

final class HandshakeTests: XCTestCase {
    // MARK: - An independent model of the Flash Player 9 handshake
    //
    // Written from the published descriptions (librtmp's handshake.h,
    // ffmpeg's rtmpproto.c), not from the module's code, so a mistake in one
    // does not hide the same mistake in the other.

    private static let tail: [UInt8] = [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1,
        0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB,
        0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ]
    private static let fpKey = Array("Genuine Adobe Flash Player 001".utf8)
    private static let fmsKey = Array("Genuine Adobe Flash Media Server 001".utf8)

    private static func hmac(_ data: [UInt8], key: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }

    /// ffmpeg's ff_rtmp_calc_digest_pos(buf, base, 728, base + 4).
    private static func digestPosition(_ packet: [UInt8], base: Int) -> Int {
        let sum = Int(packet[base]) + Int(packet[base + 1]) + Int(packet[base + 2]) + Int(packet[base + 3])
        return sum % 728 + base + 4
    }

    private static func digest(_ packet: [UInt8], at position: Int, key: [UInt8]) -> [UInt8] {
        hmac(Array(packet[0..<position]) + Array(packet[(position + 32)...]), key: key)
    }

    private static func base(scheme: Int) -> Int { scheme == 0 ? 8 : 772 }

    /// A C1 signed like Flash Player in `scheme`.
    private static func signedC1(scheme: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        var c1 = (0..<1536).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        c1.replaceSubrange(4..<8, with: [0x0A, 0x00, 0x20, 0x03])
        let position = digestPosition(c1, base: base(scheme: scheme))
        c1.replaceSubrange(position..<(position + 32), with: digest(c1, at: position, key: fpKey))
        return c1
    }

    private static func plainC1() -> [UInt8] {
        var c1 = [UInt8](repeating: 0, count: 1536)
        for index in 8..<1536 { c1[index] = UInt8(truncatingIfNeeded: index &* 31) }
        c1.replaceSubrange(0..<4, with: [0, 0, 0x12, 0x34])
        return c1
    }

    // MARK: - Pure functions

    func testPlainHandshakeEchoesC1() throws {
        let c1 = Self.plainC1()
        let (response, kind) = try RTMPHandshake.serverResponse(c0: 3, c1: c1)
        XCTAssertEqual(kind, .plain)
        XCTAssertEqual(response.count, 3073)
        XCTAssertEqual(response[0], 3)
        XCTAssertEqual(Array(response[5..<9]), [0, 0, 0, 0], "S1 announces no version")
        XCTAssertEqual(Array(response[1537...]), c1, "S2 echoes C1")
        XCTAssertEqual(try RTMPHandshake.clientVerify(c1: c1, s0s1s2: response), Array(response[1..<1537]), "C2 echoes S1")
    }

    func testS1sRandomPartIsFreshForEveryHandshake() throws {
        let a = try RTMPHandshake.serverResponse(c0: 3, c1: Self.plainC1()).response[9..<1537]
        let b = try RTMPHandshake.serverResponse(c0: 3, c1: Self.plainC1()).response[9..<1537]
        XCTAssertNotEqual(Array(a), Array(b))
        // 1528 random bytes: a fill that stopped early would leave long zero runs.
        XCTAssertLessThan(a.filter { $0 == 0 }.count, 40, "random, not zero-filled")
        XCTAssertGreaterThan(Set(a).count, 200, "random, not a repeated pattern")
    }

    func testC1WithAVersionButNoValidDigestGetsThePlainHandshake() throws {
        var c1 = Self.signedC1(scheme: 0, seed: 7)
        c1[1000] ^= 0xFF  // spoils the digest under both schemes
        let (response, kind) = try RTMPHandshake.serverResponse(c0: 3, c1: c1)
        XCTAssertEqual(kind, .plain)
        XCTAssertEqual(Array(response[1537...]), c1)
    }

    func testDigestHandshakeInBothSchemesSignsAsFlashMediaServer() throws {
        for scheme in [0, 1] {
            for seed in UInt64(1)...8 {
                let c1 = Self.signedC1(scheme: scheme, seed: seed &* 1_000 &+ UInt64(scheme))
                let (response, kind) = try RTMPHandshake.serverResponse(c0: 3, c1: c1)
                XCTAssertEqual(kind, .digest(scheme: scheme))
                XCTAssertEqual(response.count, 3073)
                XCTAssertEqual(response[0], 3)
                let s1 = Array(response[1..<1537])
                let s2 = Array(response[1537...])

                XCTAssertEqual(Array(s1[4..<8]), [0x0D, 0x0E, 0x0A, 0x0D])
                let s1Position = Self.digestPosition(s1, base: Self.base(scheme: scheme))
                XCTAssertEqual(
                    Array(s1[s1Position..<(s1Position + 32)]),
                    Self.digest(s1, at: s1Position, key: Self.fmsKey),
                    "S1 digest, scheme \(scheme)"
                )

                let c1Position = Self.digestPosition(c1, base: Self.base(scheme: scheme))
                let clientDigest = Array(c1[c1Position..<(c1Position + 32)])
                let signingKey = Self.hmac(clientDigest, key: Self.fmsKey + Self.tail)
                XCTAssertEqual(Array(s2[1504...]), Self.hmac(Array(s2[..<1504]), key: signingKey), "S2 signature")
            }
        }
    }

    func testClientVerifyAcceptsOurServerAndSignsC2() throws {
        let (c0c1, c1) = RTMPHandshake.clientHello(digest: true)
        XCTAssertEqual(c0c1.count, 1537)
        XCTAssertEqual(c0c1[0], 3)
        XCTAssertEqual(Array(c0c1[1...]), c1)
        XCTAssertNotEqual(Array(c1[4..<8]), [0, 0, 0, 0])

        let (response, kind) = try RTMPHandshake.serverResponse(c0: c0c1[0], c1: c1)
        XCTAssertEqual(kind, .digest(scheme: 0))
        let c2 = try RTMPHandshake.clientVerify(c1: c1, s0s1s2: response)
        XCTAssertEqual(c2.count, 1536)

        // C2 is signed with a key derived from the server's S1 digest and
        // the 62-byte Flash Player key, as Flash Player and ffmpeg do.
        let s1 = Array(response[1..<1537])
        let position = Self.digestPosition(s1, base: 8)
        let signingKey = Self.hmac(Array(s1[position..<(position + 32)]), key: Self.fpKey + Self.tail)
        XCTAssertEqual(Array(c2[1504...]), Self.hmac(Array(c2[..<1504]), key: signingKey))
    }

    func testClientVerifyRejectsATamperedAnswer() throws {
        let (_, c1) = RTMPHandshake.clientHello(digest: true)
        let (response, _) = try RTMPHandshake.serverResponse(c0: 3, c1: c1)

        for index in [1537, 2000, 3040, 3072] {
            var tamperedS2 = response
            tamperedS2[index] ^= 0x01
            XCTAssertThrowsError(try RTMPHandshake.clientVerify(c1: c1, s0s1s2: tamperedS2)) { error in
                XCTAssertEqual(error as? HandshakeError, .invalidServerSignature)
            }
        }

        var tamperedS1 = response
        tamperedS1[1 + 1200] ^= 0x01
        XCTAssertThrowsError(try RTMPHandshake.clientVerify(c1: c1, s0s1s2: tamperedS1)) { error in
            XCTAssertEqual(error as? HandshakeError, .invalidServerDigest)
        }

        // An answer to somebody else's C1 does not verify either.
        let (_, otherC1) = RTMPHandshake.clientHello(digest: true)
        XCTAssertThrowsError(try RTMPHandshake.clientVerify(c1: otherC1, s0s1s2: response)) { error in
            XCTAssertEqual(error as? HandshakeError, .invalidServerSignature)
        }
    }

    func testPlainClientHelloGetsThePlainHandshake() throws {
        let (c0c1, c1) = RTMPHandshake.clientHello(digest: false)
        XCTAssertEqual(Array(c1[4..<8]), [0, 0, 0, 0])
        let (response, kind) = try RTMPHandshake.serverResponse(c0: c0c1[0], c1: c1)
        XCTAssertEqual(kind, .plain)
        XCTAssertEqual(try RTMPHandshake.clientVerify(c1: c1, s0s1s2: response), Array(response[1..<1537]))
    }

    func testOtherVersionsAndSizesAreRejected() {
        let c1 = Self.plainC1()
        for version: UInt8 in [0, 6, 8, 0x47] {
            XCTAssertThrowsError(try RTMPHandshake.serverResponse(c0: version, c1: c1)) { error in
                XCTAssertEqual(error as? HandshakeError, .unsupportedVersion(version))
            }
        }
        XCTAssertThrowsError(try RTMPHandshake.serverResponse(c0: 3, c1: Array(c1.dropLast()))) { error in
            XCTAssertEqual(error as? HandshakeError, .invalidPacketSize(expected: 1536, actual: 1535))
        }
        XCTAssertThrowsError(try RTMPHandshake.clientVerify(c1: c1, s0s1s2: [3])) { error in
            XCTAssertEqual(error as? HandshakeError, .invalidPacketSize(expected: 3073, actual: 1))
        }
        var wrongS0 = [UInt8](repeating: 0, count: 3073)
        wrongS0[0] = 6
        XCTAssertThrowsError(try RTMPHandshake.clientVerify(c1: c1, s0s1s2: wrongS0)) { error in
            XCTAssertEqual(error as? HandshakeError, .unsupportedVersion(6))
        }
    }

    // MARK: - Channel handler

    private func makeChannel() throws -> (EmbeddedChannel, EventRecorder) {
        let channel = EmbeddedChannel()
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(RTMPServerHandshakeHandler())
        try channel.pipeline.syncOperations.addHandler(recorder)
        return (channel, recorder)
    }

    private func assertHandshakeHandlerRemoved(_ channel: EmbeddedChannel, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(
            try channel.pipeline.syncOperations.context(handlerType: RTMPServerHandshakeHandler.self),
            file: file,
            line: line
        )
    }

    func testHandlerCompletesWhenFedOneByteAtATime() throws {
        let (channel, recorder) = try self.makeChannel()
        let (c0c1, c1) = RTMPHandshake.clientHello(digest: true)

        for byte in c0c1 {
            XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), "answered before C1 was complete")
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        let answer = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self), "S0S1S2 must be one write")
        XCTAssertEqual(answer.readableBytes, 3073)
        let c2 = try RTMPHandshake.clientVerify(c1: c1, s0s1s2: Array(answer.readableBytesView))

        for byte in c2 {
            XCTAssertEqual(recorder.records, [])
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        XCTAssertEqual(recorder.records, [.event(.completed(kind: .digest(scheme: 0), bytesRead: 3073, bytesWritten: 3073))])
        self.assertHandshakeHandlerRemoved(channel)

        // Later bytes reach the next handler directly.
        try channel.writeInbound(ByteBuffer(bytes: [0xAA]))
        XCTAssertEqual(recorder.records.last, .read([0xAA]))
        XCTAssertNil(try channel.readInbound(as: ByteBuffer.self))
        XCTAssertNoThrow(try channel.throwIfErrorCaught())
        XCTAssertTrue(try channel.finish().isClean)
    }

    func testHandlerForwardsBytesThatFollowC2InTheSameRead() throws {
        let (channel, recorder) = try self.makeChannel()
        let c1 = Self.plainC1()
        let c2 = [UInt8](repeating: 0x5A, count: 1536)
        let firstChunk: [UInt8] = [0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1D, 0x14]
        try channel.writeInbound(ByteBuffer(bytes: [3] + c1 + c2 + firstChunk))

        let answer = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(answer.readableBytes, 3073)
        XCTAssertEqual(Array(answer.readableBytesView.dropFirst(1537)), c1, "plain S2 echoes C1")
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))

        // The event comes first, then the leftover bytes.
        XCTAssertEqual(
            recorder.records,
            [.event(.completed(kind: .plain, bytesRead: 3073, bytesWritten: 3073)), .read(firstChunk)]
        )
        self.assertHandshakeHandlerRemoved(channel)
        XCTAssertNoThrow(try channel.throwIfErrorCaught())
    }

    func testHandlerHandlesC0C1AndC2InSeparateReadsWithLeftover() throws {
        let (channel, recorder) = try self.makeChannel()
        let c1 = Self.signedC1(scheme: 1, seed: 99)
        try channel.writeInbound(ByteBuffer(bytes: [3] + c1.prefix(700)))
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        // The rest of C1 and the first half of C2 together.
        try channel.writeInbound(ByteBuffer(bytes: Array(c1.dropFirst(700)) + [UInt8](repeating: 1, count: 768)))
        let answer = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertEqual(answer.readableBytes, 3073)
        XCTAssertEqual(recorder.records, [])
        try channel.writeInbound(ByteBuffer(bytes: [UInt8](repeating: 1, count: 768) + [0x42, 0x43]))
        XCTAssertEqual(
            recorder.records,
            [.event(.completed(kind: .digest(scheme: 1), bytesRead: 3073, bytesWritten: 3073)), .read([0x42, 0x43])]
        )
        self.assertHandshakeHandlerRemoved(channel)
    }

    func testHandlerRejectsVersion6WithoutWriting() throws {
        let (channel, recorder) = try self.makeChannel()
        // EmbeddedChannel rethrows the error that reached the pipeline's end.
        XCTAssertThrowsError(try channel.writeInbound(ByteBuffer(bytes: [6]))) { error in
            XCTAssertEqual(error as? HandshakeError, .unsupportedVersion(6))
        }
        // A full C1 after it changes nothing.
        try channel.writeInbound(ByteBuffer(bytes: Self.plainC1() + Self.plainC1()))
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))
        XCTAssertNoThrow(try channel.throwIfErrorCaught(), "reported once")
        XCTAssertEqual(recorder.records, [])
    }

    func testTruncatedHandshakeJustWaits() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(ByteBuffer(bytes: [3] + Self.plainC1().prefix(1000)))
        XCTAssertNil(try channel.readOutbound(as: ByteBuffer.self))

        try channel.writeInbound(ByteBuffer(bytes: Array(Self.plainC1().dropFirst(1000))))
        XCTAssertNotNil(try channel.readOutbound(as: ByteBuffer.self))
        try channel.writeInbound(ByteBuffer(bytes: [UInt8](repeating: 0, count: 1535)))

        XCTAssertEqual(recorder.records, [])
        XCTAssertNoThrow(try channel.pipeline.syncOperations.context(handlerType: RTMPServerHandshakeHandler.self))
        XCTAssertNoThrow(try channel.throwIfErrorCaught())
        // Closing mid-handshake is uneventful.
        XCTAssertNoThrow(try channel.finish())
    }

    func testEmptyReadsAreHarmless() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(ByteBuffer())
        try channel.writeInbound(ByteBuffer(bytes: [3]))
        try channel.writeInbound(ByteBuffer())
        try channel.writeInbound(ByteBuffer(bytes: Self.plainC1()))
        XCTAssertNotNil(try channel.readOutbound(as: ByteBuffer.self))
        try channel.writeInbound(ByteBuffer(bytes: Self.plainC1()))
        XCTAssertEqual(recorder.records, [.event(.completed(kind: .plain, bytesRead: 3073, bytesWritten: 3073))])
    }
}

/// Records what reaches the handler after the handshake handler, in order.
private final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    enum Record: Equatable {
        case event(RTMPHandshakeEvent)
        case read([UInt8])
    }

    private(set) var records: [Record] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.records.append(.read(Array(self.unwrapInboundIn(data).readableBytesView)))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? RTMPHandshakeEvent {
            self.records.append(.event(event))
        }
        context.fireUserInboundEventTriggered(event)
    }
}

