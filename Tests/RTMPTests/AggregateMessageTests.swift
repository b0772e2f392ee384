import NIOCore
import RTMP
import XCTest

/// Aggregate messages (type 22): FLV tags back to back, timed relative to the aggregate.
final class AggregateMessageTests: XCTestCase {
    private func tag(_ type: UInt8, ts: UInt32, _ body: [UInt8], into b: inout ByteBuffer) {
        b.writeInteger(type)
        b.writeBytes([UInt8(body.count >> 16 & 0xFF), UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)])
        b.writeBytes([UInt8(ts >> 16 & 0xFF), UInt8(ts >> 8 & 0xFF), UInt8(ts & 0xFF), UInt8(ts >> 24)])
        b.writeBytes([0, 0, 0])
        b.writeBytes(body)
        b.writeInteger(UInt32(11 + body.count))
    }

    func testTagsAreTimedFromTheAggregatesTimestamp() throws {
        var b = ByteBuffer()
        tag(9, ts: 5_000, [0x17, 1], into: &b)
        tag(8, ts: 5_023, [0xAF, 1, 2], into: &b)
        tag(9, ts: 0x0100_0010, [0x27], into: &b)
        let tags = try AggregateMessage.tags(of: RTMPMessage(chunkStreamID: 5, typeID: 22, messageStreamID: 1, timestamp: 100, payload: b))
        XCTAssertEqual(tags.map(\.typeID), [9, 8, 9])
        XCTAssertEqual(tags.map(\.timestamp), [100, 123, 100 &+ (0x0100_0010 &- 5_000)], "relative to the first tag, extended byte included")
        XCTAssertEqual(tags[1].payload, ByteBuffer(bytes: [0xAF, 1, 2]))
    }

    func testATruncatedAggregateIsRefused() {
        var b = ByteBuffer()
        tag(9, ts: 0, [0x17, 1, 2, 3], into: &b)
        b.moveWriterIndex(to: b.writerIndex - 6)
        XCTAssertThrowsError(try AggregateMessage.tags(of: RTMPMessage(chunkStreamID: 5, typeID: 22, messageStreamID: 1, timestamp: 0, payload: b)))
    }
}
