import NIOCore
import RTMP

/// Builds each frame's `SharedWire`: a chunk encoder standing for a player
/// that got every frame of the stream, in stream order, on message stream 1
/// (what the first createStream answers), at the server's chunk size.
/// Owned by the stream and called in frame order, under its lock.
struct SharedWireEncoder {
    static let messageStreamID: UInt32 = 1
    private var encoder: RTMPChunkEncoder

    init(chunkSize: Int) {
        encoder = RTMPChunkEncoder(chunkSize: chunkSize)
    }

    mutating func wire(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer) -> SharedWire {
        let csid = RTMPChunkStreamID.forType(typeID)
        let length = payload.readableBytes
        let chunkSize = encoder.chunkSize
        let continuations = length <= chunkSize ? 0 : (length &- 1) / chunkSize
        // Basic header ≤ 3, message header ≤ 11 + 4; fmt 3 continuations ≤ 3 + 4 each.
        var bytes = ByteBufferAllocator().buffer(capacity: length &+ 18 &+ continuations &* 7)
        let header = encoder.prebuildFirstHeader(chunkStreamID: csid, messageStreamID: Self.messageStreamID, typeID: typeID,
                                                 length: length, timestamp: timestamp, into: &bytes)
        let headerLength = bytes.readableBytes
        RTMPChunkEncoder.writeBody(payload, chunkStreamID: csid, chunkSize: chunkSize,
                                   extendedTimestamp: RTMPChunkEncoder.extendedTimestamp(for: timestamp), into: &bytes)
        return SharedWire(header: header, bytes: bytes, chunkSize: chunkSize, headerLength: headerLength)
    }
}
