import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
@testable import Relay
import XCTest

/// The mailbox hands each sink its items in order, one batch per run of
/// letters with the same sink list, and waits `mergeWriteDelay` before a
/// drain when asked to.
final class LoopMailboxTests: XCTestCase {
    private final class RecordingSink: StreamSink, @unchecked Sendable {
        let eventLoop: EventLoop
        let name: String
        var batches: [[UInt32]] = []
        init(_ name: String, loop: EventLoop) { self.name = name; eventLoop = loop }
        func receive(_ items: ArraySlice<StreamItem>) {
            batches.append(items.compactMap { if case .frame(let f) = $0 { return f.timestamp } else { return nil } })
        }
        var all: [UInt32] { batches.flatMap { $0 } }
    }

    private func frame(_ ts: UInt32) -> StreamItem {
        .frame(MediaFrame(kind: .audio, typeID: 8, timestamp: ts, payload: ByteBuffer(bytes: [0xAF, 0x01, 1, 2])))
    }

    func testEachSinkGetsItsItemsInOrderAcrossSinkListChanges() {
        let loop = EmbeddedEventLoop()
        let box = LoopMailbox(eventLoop: loop)
        let a = RecordingSink("a", loop: loop), b = RecordingSink("b", loop: loop), c = RecordingSink("c", loop: loop)
        var sinks: [any StreamSink] = [a, b]
        box.post(frame(1), to: sinks)
        box.post(frame(2), to: sinks)
        sinks.append(c)  // c joins
        box.post(frame(3), to: sinks)
        sinks.removeFirst()  // a leaves
        box.post(frame(4), to: sinks)
        box.post(frame(5), to: sinks)
        XCTAssertTrue(a.batches.isEmpty, "nothing before the loop turns")
        loop.run()
        XCTAssertEqual(a.all, [1, 2, 3])
        XCTAssertEqual(b.all, [1, 2, 3, 4, 5])
        XCTAssertEqual(c.all, [3, 4, 5])
        XCTAssertEqual(b.batches, [[1, 2], [3], [4, 5]], "one batch per sink list")
        box.post(frame(6), to: sinks)
        loop.run()
        XCTAssertEqual(b.batches.last, [6], "the next drain starts afresh")
    }

    func testInterleavedStreamsOnOneLoopGiveEachSinkOneBatchPerDrain() {
        let loop = EmbeddedEventLoop()
        let box = LoopMailbox(eventLoop: loop)
        let a = RecordingSink("a", loop: loop), b = RecordingSink("b", loop: loop)
        let streamA: [any StreamSink] = [a], streamB: [any StreamSink] = [b]
        for ts: UInt32 in [1, 2, 3] {
            box.post(frame(ts), to: streamA)
            box.post(frame(ts + 100), to: streamB)
        }
        loop.run()
        XCTAssertEqual(a.batches, [[1, 2, 3]])
        XCTAssertEqual(b.batches, [[101, 102, 103]])
    }

    func testMergeWriteDelayHoldsItemsUntilItHasPassedThenDeliversThemAsOneBatch() {
        let loop = EmbeddedEventLoop()
        let box = LoopMailbox(eventLoop: loop, mergeWriteDelay: .milliseconds(10))
        let a = RecordingSink("a", loop: loop)
        let sinks: [any StreamSink] = [a]
        box.post(frame(0), to: sinks)
        loop.advanceTime(by: .milliseconds(4))
        box.post(frame(21), to: sinks)
        loop.advanceTime(by: .milliseconds(5))
        XCTAssertTrue(a.batches.isEmpty, "held for 10 ms after the first item")
        loop.advanceTime(by: .milliseconds(1))
        XCTAssertEqual(a.batches, [[0, 21]])
        box.post(frame(33), to: sinks)
        loop.advanceTime(by: .milliseconds(10))
        XCTAssertEqual(a.batches, [[0, 21], [33]])
    }
}
