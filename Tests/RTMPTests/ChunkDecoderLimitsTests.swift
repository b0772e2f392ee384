import NIOCore
import NIOEmbedded
import RTMP
import XCTest

/// The server-wide budget for partial messages, shared by decoders: what
/// one connection holds counts against all, and comes back when its
/// messages complete, are aborted, replaced, or the decoder goes.
final class ChunkDecoderBudgetTests: XCTestCase {
    typealias S = ChunkTestSupport
    private let video = RTMPMessageType.video

    private func decoder(_ budget: ReassemblyBudget) -> RTMPChunkDecoder {
        var limits = RTMPChunkDecoder.Limits()
        limits.sharedBudget = budget
        return RTMPChunkDecoder(limits: limits)
    }

    private func feed(_ d: inout RTMPChunkDecoder, _ bytes: [UInt8]) throws -> [RTMPMessage] {
        var buffer = ByteBuffer(bytes: bytes)
        var out: [RTMPMessage] = []
        while let m = try d.decodeMessage(from: &buffer) { out.append(m) }
        return out
    }

    func testTwoConnectionsShareOneBudgetAndGiveItBack() throws {
        let budget = ReassemblyBudget(limit: 1000)
        var a = decoder(budget), b = decoder(budget)
        // Each starts a 10 000-byte message with 128-byte chunks: 3 chunks = 384 bytes held each.
        let start = S.fmt0(csid: 6, timestamp: 0, length: 10_000, type: video, streamID: 1) + S.payloadBytes(128)
        let more = S.basicHeader(fmt: 3, csid: 6) + S.payloadBytes(128)
        XCTAssertEqual(try feed(&a, start + more + more), [])
        XCTAssertEqual(try feed(&b, start + more + more), [])
        XCTAssertEqual(budget.heldBytes, 768)
        XCTAssertEqual(a.heldBytes, 384)
        // Two more chunks on b pass the server's 1000 though b alone is far under its own 32 MiB.
        S.assertThrows(.serverBufferBudgetExceeded(limit: 1000)) { _ = try feed(&b, more + more) }
        XCTAssertLessThanOrEqual(budget.heldBytes, 1000)
        // a's connection goes: its bytes come back; so do b's.
        a.releaseAll()
        b.releaseAll()
        XCTAssertEqual(budget.heldBytes, 0)
    }

    func testCompletedAbortedAndReplacedMessagesReleaseTheirBytes() throws {
        let budget = ReassemblyBudget(limit: 1 << 20)
        var d = decoder(budget)
        // A 300-byte message in three chunks completes: nothing held after.
        let whole = S.fmt0(csid: 6, timestamp: 0, length: 300, type: video, streamID: 1) + S.payloadBytes(128)
            + S.basicHeader(fmt: 3, csid: 6) + S.payloadBytes(128) + S.basicHeader(fmt: 3, csid: 6) + S.payloadBytes(44)
        XCTAssertEqual(try feed(&d, whole).count, 1)
        XCTAssertEqual(budget.heldBytes, 0)
        // Aborted.
        let half = S.fmt0(csid: 7, timestamp: 0, length: 1000, type: video, streamID: 1) + S.payloadBytes(128)
        _ = try feed(&d, half)
        XCTAssertEqual(budget.heldBytes, 128)
        _ = try feed(&d, S.fmt0(csid: 2, timestamp: 0, length: 4, type: RTMPMessageType.abort, streamID: 0) + S.u32be(7))
        XCTAssertEqual(budget.heldBytes, 0)
        // Replaced by a new header on the same chunk stream.
        _ = try feed(&d, half)
        _ = try feed(&d, S.fmt0(csid: 7, timestamp: 0, length: 10, type: video, streamID: 1) + S.payloadBytes(10))
        XCTAssertEqual(budget.heldBytes, 0)
    }

    func testADecoderInAPipelineGivesItsBytesBackWhenTheChannelCloses() throws {
        let budget = ReassemblyBudget(limit: 1 << 20)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(decoder(budget)))
        try channel.writeInbound(ByteBuffer(bytes: S.fmt0(csid: 6, timestamp: 0, length: 10_000, type: video, streamID: 1) + S.payloadBytes(128)))
        XCTAssertEqual(budget.heldBytes, 128)
        _ = try channel.finish()
        XCTAssertEqual(budget.heldBytes, 0, "decoderRemoved released the partial message")
    }
}
