import NIOCore

/// Splits outgoing messages into chunks, remembering per chunk stream what
/// this connection last sent so headers can be compressed (fmt 1/2) and
/// continuations use fmt 3.
///
/// For fan-out the work splits in two: `chunkedBody` (the payload with its
/// fmt 3 continuation headers interleaved) depends only on the message and
/// the chunk size, so it is built once and shared by every player with that
/// chunk size; `writeFirstHeader` is per connection. And since the first
/// header depends only on what the connection last sent on the chunk
/// stream, connections that got the same previous message send the same
/// header: `prebuildFirstHeader` builds it once (`PrebuiltHeader`) and
/// `claim` tells a connection whether it may send it.
public struct RTMPChunkEncoder: Sendable {
    /// What a connection last sent on one chunk stream: what the next
    /// first header is compressed against.
    public struct LastHeader: Sendable, Equatable {
        public var messageStreamID: UInt32
        public var typeID: UInt8
        public var length: Int
        public var timestamp: UInt32
    }

    /// A first header built once, valid for every connection whose last
    /// header on the chunk stream is `requires` (nil: any, it is fmt 0).
    public struct PrebuiltHeader: Sendable {
        public let chunkStreamID: UInt32
        public let requires: LastHeader?
        public let leaves: LastHeader
    }

    public private(set) var chunkSize: Int
    private var last: [UInt32: LastHeader] = [:]

    public init(chunkSize: Int = 128) {
        self.chunkSize = max(1, chunkSize)
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

    /// Writes the first header as `writeFirstHeader` does and says which
    /// connections may send the same bytes: those whose last header on the
    /// chunk stream is the one this encoder had (any, for a fmt 0 header
    /// with the same message stream id).
    public mutating func prebuildFirstHeader(chunkStreamID csid: UInt32, messageStreamID: UInt32, typeID: UInt8,
                                             length: Int, timestamp: UInt32, into out: inout ByteBuffer) -> PrebuiltHeader {
        let previous = last[csid]
        let fmt = writeFirstHeader(chunkStreamID: csid, messageStreamID: messageStreamID, typeID: typeID,
                                   length: length, timestamp: timestamp, into: &out)
        let leaves = LastHeader(messageStreamID: messageStreamID, typeID: typeID, length: length, timestamp: timestamp)
        return PrebuiltHeader(chunkStreamID: csid, requires: fmt == 0 ? nil : previous, leaves: leaves)
    }

    /// True, and the header counts as sent, when this connection may send
    /// `header`'s bytes in place of its own first header for a message on
    /// `messageStreamID`.
    public mutating func claim(_ header: PrebuiltHeader, messageStreamID: UInt32) -> Bool {
        guard header.leaves.messageStreamID == messageStreamID else { return false }
        let csid = header.chunkStreamID
        if let required = header.requires, last[csid] != required { return false }
        last[csid] = header.leaves
        return true
    }

    /// Writes the basic and message header of a message's first chunk,
    /// choosing the smallest valid format against what this connection last
    /// sent on the chunk stream. Returns the format used.
    @discardableResult
    public mutating func writeFirstHeader(chunkStreamID csid: UInt32, messageStreamID: UInt32, typeID: UInt8,
                                          length: Int, timestamp: UInt32, into out: inout ByteBuffer) -> UInt8 {
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
            return 0
        }
        let delta = timestamp &- p.timestamp
        if p.typeID == typeID && p.length == length {
            Self.writeBasicHeader(fmt: 2, csid: csid, into: &out)
            out.writeUInt24(delta)
            return 2
        }
        Self.writeBasicHeader(fmt: 1, csid: csid, into: &out)
        out.writeUInt24(delta)
        out.writeUInt24(UInt32(truncatingIfNeeded: length))
        out.writeInteger(typeID)
        return 1
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
