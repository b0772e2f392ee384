import NIOCore

/// Splits outgoing messages into chunks, remembering per chunk stream what
/// this connection last sent so headers can be compressed (fmt 1/2) and
/// continuations use fmt 3.
///
/// For fan-out the work splits in two: `chunkedBody` (the payload with its
/// fmt 3 continuation headers interleaved) depends only on the message and
/// the chunk size, so it is built once and shared by every player with that
/// chunk size; `writeFirstHeader` is per connection.
public struct RTMPChunkEncoder: Sendable {
    struct LastHeader: Sendable {
        var messageStreamID: UInt32
        var typeID: UInt8
        var length: Int
        var timestamp: UInt32
    }

    public private(set) var chunkSize: Int
    private var last: [UInt32: LastHeader] = [:]

    public init(chunkSize: Int = 128) {
        self.chunkSize = chunkSize
    }

    /// Call after sending SetChunkSize: later chunks use the new size.
    public mutating func setChunkSize(_ size: Int) {
        chunkSize = max(1, size)
    }

    /// Forget what was sent, so the next message on each chunk stream goes
    /// out with a full fmt 0 header (after a drop, or when a player rejoins).
    public mutating func reset() {
        last.removeAll(keepingCapacity: true)
    }

    public mutating func reset(chunkStreamID: UInt32) {
        last[chunkStreamID] = nil
    }

    /// Encodes a whole message (header, payload and continuations) into `out`.
    public mutating func encode(_ message: RTMPMessage, into out: inout ByteBuffer) {
        writeFirstHeader(chunkStreamID: message.chunkStreamID, messageStreamID: message.messageStreamID,
                         typeID: message.typeID, length: message.payload.readableBytes,
                         timestamp: message.timestamp, into: &out)
        Self.writeBody(message.payload, chunkStreamID: message.chunkStreamID, chunkSize: chunkSize,
                       extendedTimestamp: Self.extendedTimestamp(for: message.timestamp), into: &out)
    }

    /// The 4-byte extended timestamp that fmt 3 continuations repeat, if any.
    /// Messages at or past 0xFFFFFF always start with fmt 0 (see
    /// `writeFirstHeader`), so this depends on the timestamp alone.
    @inlinable
    public static func extendedTimestamp(for timestamp: UInt32) -> UInt32? {
        timestamp >= 0xFF_FFFF ? timestamp : nil
    }

    /// Writes the basic and message header of a message's first chunk,
    /// choosing the smallest valid format against what this connection last
    /// sent on the chunk stream.
    public mutating func writeFirstHeader(chunkStreamID csid: UInt32, messageStreamID: UInt32, typeID: UInt8,
                                          length: Int, timestamp: UInt32, into out: inout ByteBuffer) {
        let previous = last[csid]
        last[csid] = LastHeader(messageStreamID: messageStreamID, typeID: typeID, length: length, timestamp: timestamp)

        // fmt 0 when there is nothing to compress against, when time went
        // backwards (deltas are unsigned), or when the timestamp needs the
        // extended field (keeps continuation chunks shareable).
        guard let p = previous, p.messageStreamID == messageStreamID, timestamp >= p.timestamp, timestamp < 0xFF_FFFF else {
            Self.writeBasicHeader(fmt: 0, csid: csid, into: &out)
            out.writeUInt24(min(timestamp, 0xFF_FFFF))
            out.writeUInt24(UInt32(truncatingIfNeeded: length))
            out.writeInteger(typeID)
            out.writeInteger(messageStreamID, endianness: .little)
            if timestamp >= 0xFF_FFFF { out.writeInteger(timestamp) }
            return
        }
        let delta = timestamp &- p.timestamp
        if p.typeID == typeID && p.length == length {
            Self.writeBasicHeader(fmt: 2, csid: csid, into: &out)
            out.writeUInt24(delta)
        } else {
            Self.writeBasicHeader(fmt: 1, csid: csid, into: &out)
            out.writeUInt24(delta)
            out.writeUInt24(UInt32(truncatingIfNeeded: length))
            out.writeInteger(typeID)
        }
    }

    /// The payload split at `chunkSize`, with a fmt 3 header (and the
    /// extended timestamp when there is one) before every piece after the first.
    public static func chunkedBody(_ payload: ByteBuffer, chunkStreamID: UInt32, chunkSize: Int, extendedTimestamp: UInt32?) -> ByteBuffer {
        let pieces = payload.readableBytes <= chunkSize ? 0 : (payload.readableBytes &- 1) / chunkSize
        if pieces == 0 { return payload }  // one chunk: the payload itself, shared
        var out = ByteBufferAllocator().buffer(capacity: payload.readableBytes &+ pieces &* 8)
        writeBody(payload, chunkStreamID: chunkStreamID, chunkSize: chunkSize, extendedTimestamp: extendedTimestamp, into: &out)
        return out
    }

    public static func writeBody(_ payload: ByteBuffer, chunkStreamID csid: UInt32, chunkSize: Int, extendedTimestamp: UInt32?, into out: inout ByteBuffer) {
        var rest = payload
        var first = true
        while first || rest.readableBytes > 0 {
            if !first {
                writeBasicHeader(fmt: 3, csid: csid, into: &out)
                if let ext = extendedTimestamp { out.writeInteger(ext) }
            }
            first = false
            let n = min(chunkSize, rest.readableBytes)
            if let piece = rest.readSlice(length: n) {
                out.writeImmutableBuffer(piece)
            }
        }
    }

    public static func writeBasicHeader(fmt: UInt8, csid: UInt32, into out: inout ByteBuffer) {
        if csid >= 2 && csid <= 63 {
            out.writeInteger(fmt << 6 | UInt8(truncatingIfNeeded: csid))
        } else if csid >= 64 && csid <= 319 {
            out.writeInteger(fmt << 6)
            out.writeInteger(UInt8(truncatingIfNeeded: csid &- 64))
        } else {
            let v = csid &- 64
            out.writeInteger(fmt << 6 | 1)
            out.writeInteger(UInt8(truncatingIfNeeded: v))
            out.writeInteger(UInt8(truncatingIfNeeded: v >> 8))
        }
    }
}
