import NIOCore

/// Turns the chunk stream a peer sends into whole `RTMPMessage`s
/// (RTMP 1.0 spec, section 5.3).
///
/// Handles every header format (fmt 0–3), 1-, 2- and 3-byte basic headers
/// (chunk stream ids 2–65599), extended timestamps (also on fmt 3
/// continuations), timestamp deltas (a new message that starts with fmt 3
/// repeats the previous delta), interleaved chunk streams, the peer's
/// SetChunkSize and Abort. Everything read is bounded by `Limits`: a peer
/// cannot make us hold more than `maxBufferedBytes` of partial messages.
public struct RTMPChunkDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RTMPMessage

    public struct Limits: Sendable {
        /// Largest message accepted (the header's 24-bit field allows 16 MiB - 1).
        public var maxMessageSize: Int = 0xFF_FFFF
        /// Largest chunk size a peer may announce (spec: 1...0xFFFFFF).
        public var maxChunkSize: UInt32 = 0xFF_FFFF
        /// Chunk streams that may hold a partial message at the same time.
        public var maxPartialChunkStreams: Int = 64
        /// Chunk stream ids one connection may use at all: each keeps its
        /// last header, and 65599 of them would be megabytes per connection.
        /// Real clients use fewer than ten.
        public var maxChunkStreamIDs: Int = 256
        /// Bytes of partial messages held over all chunk streams.
        public var maxBufferedBytes: Int = 32 << 20
        /// The server-wide cap on partial-message bytes, shared by every connection's decoder.
        public var sharedBudget: ReassemblyBudget?
        public init() {}
    }

    /// What the last header seen on one chunk stream said; later headers
    /// inherit from it.
    struct ChunkStreamState {
        var timestamp: UInt32 = 0
        /// Delta a new message starting with fmt 3 repeats. After fmt 0 it is
        /// 0 (as in nginx-rtmp): librtmp sends fmt 3 after fmt 0 for a message
        /// with the same absolute timestamp.
        var delta: UInt32 = 0
        var length: Int = 0
        var typeID: UInt8 = 0
        var messageStreamID: UInt32 = 0
        /// The 24-bit timestamp field of the last header was 0xFFFFFF, so
        /// fmt 3 chunks on this stream carry a 4-byte extended timestamp too.
        var hasExtendedTimestamp = false
        var extendedTimestamp: UInt32 = 0
        var partial: ByteBuffer? = nil
        var seenHeader = false
    }

    public private(set) var chunkSize: Int = 128
    public let limits: Limits
    /// Payload bytes copied while reassembling multi-chunk messages: each
    /// chunk's piece once, plus what moving a growing buffer to new storage
    /// copied. Linear reassembly keeps it under twice the bytes reassembled
    /// for power-of-two sizes and under three times for any (the buffer
    /// grows by doubling; the fuzzer's chunk target holds the 3× bound, the
    /// tests the 2× one at 1 and 8 MiB); the old copy-on-write fault made it quadratic.
    public private(set) var reassemblyBytesCopied: UInt64 = 0
    private var streams: [UInt32: ChunkStreamState] = [:]
    private var bufferedBytes = 0
    /// Chunk streams in `streams` holding a partial message, kept in step
    /// with them (counting them on every new message was O(streams) per chunk
    /// and counted a stream twice while a new header replaced its message).
    private var partialStreams = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try decodeMessage(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A half-received chunk at EOF is simply dropped.
        while let message = try decodeMessage(from: &buffer) {
            context.fireChannelRead(Self.wrapInboundOut(message))
        }
        return .needMoreData
    }

    /// Consumes whole chunks from `buffer` until one completes a message
    /// (returned) or the buffer holds only part of a chunk (nil; nothing of
    /// that part is consumed).
    public mutating func decodeMessage(from buffer: inout ByteBuffer) throws -> RTMPMessage? {
        while true {
            switch try decodeChunk(from: &buffer) {
            case .needMoreData: return nil
            case .chunkConsumed: continue
            case .message(let message): return message
            }
        }
    }

    enum ChunkResult {
        case needMoreData
        case chunkConsumed
        case message(RTMPMessage)
    }

    private mutating func decodeChunk(from buffer: inout ByteBuffer) throws -> ChunkResult {
        var view = buffer  // parse on a copy; commit only a whole chunk
        guard let b0 = view.readInteger(as: UInt8.self) else { return .needMoreData }
        let fmt = b0 >> 6
        var csid = UInt32(b0 & 0x3F)
        if csid == 0 {
            guard let b1 = view.readInteger(as: UInt8.self) else { return .needMoreData }
            csid = 64 &+ UInt32(b1)
        } else if csid == 1 {
            guard let b1 = view.readInteger(as: UInt8.self), let b2 = view.readInteger(as: UInt8.self) else { return .needMoreData }
            csid = 64 &+ UInt32(b1) &+ UInt32(b2) &* 256
        }

        // (No binding of the entry kept here: a second reference to its partial
        // buffer would make every append below copy the whole message.)
        if streams.count >= limits.maxChunkStreamIDs, streams[csid] == nil {
            throw RTMPError.tooManyChunkStreamIDs(limit: limits.maxChunkStreamIDs)
        }
        var state = streams[csid] ?? ChunkStreamState()
        if fmt != 0 && !state.seenHeader {
            throw RTMPError.missingPreviousHeader(chunkStreamID: csid)
        }

        var timestampField: UInt32 = 0
        if fmt <= 2 {
            guard let t = view.readUInt24() else { return .needMoreData }
            timestampField = t
            if fmt <= 1 {
                guard let len = view.readUInt24(), let type = view.readInteger(as: UInt8.self) else { return .needMoreData }
                state.length = Int(len)
                state.typeID = type
                if fmt == 0 {
                    guard let sid = view.readInteger(endianness: .little, as: UInt32.self) else { return .needMoreData }
                    state.messageStreamID = sid
                }
            }
            state.hasExtendedTimestamp = timestampField == 0xFF_FFFF
        }
        if state.hasExtendedTimestamp {
            guard let ext = view.readInteger(as: UInt32.self) else { return .needMoreData }
            if fmt <= 2 {
                timestampField = ext
                state.extendedTimestamp = ext
            }
            // On fmt 3 the field repeats the value of the header it continues.
        }

        // A new header in the middle of a message: the peer abandoned the old
        // one (some encoders do this on reconnect); start over. The old bytes
        // leave the books only once this chunk is committed below: until then
        // every retry (more data needed) must find the books unchanged.
        var abandonedBytes: Int? = nil
        if fmt != 3, let old = state.partial {
            abandonedBytes = old.readableBytes
            state.partial = nil
        }
        let beginsNewMessage = state.partial == nil

        if beginsNewMessage {
            guard state.length <= limits.maxMessageSize else {
                throw RTMPError.messageTooLarge(length: state.length, limit: limits.maxMessageSize)
            }
            switch fmt {
            case 0:
                state.timestamp = timestampField
                state.delta = 0
            case 1, 2:
                state.delta = timestampField
                state.timestamp = state.timestamp &+ timestampField
            default:
                state.timestamp = state.timestamp &+ state.delta
            }
        }

        let already = state.partial?.readableBytes ?? 0
        let take = min(chunkSize, state.length - already)
        guard view.readableBytes >= take else { return .needMoreData }
        // A zero-length message (legal, if odd) completes at once.
        let piece = view.readSlice(length: take) ?? ByteBuffer()
        state.seenHeader = true
        buffer = view
        if let n = abandonedBytes {
            release(n)
            partialStreams &-= 1
        }

        if already == 0 && take == state.length {
            // Single-chunk message: hand out the slice itself, no copy.
            streams[csid] = state
            return try finish(message: RTMPMessage(chunkStreamID: csid, typeID: state.typeID, messageStreamID: state.messageStreamID, timestamp: state.timestamp, payload: piece))
        }

        if state.partial == nil {
            guard partialStreams < limits.maxPartialChunkStreams else {
                throw RTMPError.tooManyChunkStreams(limit: limits.maxPartialChunkStreams)
            }
            partialStreams &+= 1
            // Reserve a few chunks, not the claimed length: a header may claim 16 MiB and never send it.
            var fresh = ByteBufferAllocator().buffer(capacity: min(state.length, max(take, chunkSize) &* 4))
            fresh.writeImmutableBuffer(piece)
            state.partial = fresh
            reassemblyBytesCopied &+= UInt64(take)
            limits.sharedBudget?.noteCopied(take)
        } else if var partial = state.partial {
            // Own the only reference before appending: `state` is a copy of
            // the dictionary's entry, and while the entry still holds the
            // buffer, the append would copy the whole partial message first
            // (copy-on-write), for every chunk: quadratic in the chunk count.
            state.partial = nil
            streams[csid]?.partial = nil
            let before = partial.readableBytes
            let storage = partial.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
            partial.writeImmutableBuffer(piece)
            let moved = partial.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) } != storage
            reassemblyBytesCopied &+= UInt64(take &+ (moved ? before : 0))
            limits.sharedBudget?.noteCopied(take &+ (moved ? before : 0))
            state.partial = partial
        }
        try hold(take)

        if let partial = state.partial, partial.readableBytes >= state.length {
            release(partial.readableBytes)
            limits.sharedBudget?.noteReassembled(partial.readableBytes)
            partialStreams &-= 1
            state.partial = nil
            streams[csid] = state
            return try finish(message: RTMPMessage(chunkStreamID: csid, typeID: state.typeID, messageStreamID: state.messageStreamID, timestamp: state.timestamp, payload: partial))
        }
        streams[csid] = state
        return .chunkConsumed
    }

    /// Counts `n` more bytes of partial messages, against this connection's
    /// cap and the server's budget.
    private mutating func hold(_ n: Int) throws {
        guard bufferedBytes &+ n <= limits.maxBufferedBytes else {
            throw RTMPError.bufferedBytesExceeded(limit: limits.maxBufferedBytes)
        }
        if let budget = limits.sharedBudget, !budget.reserve(n) {
            throw RTMPError.serverBufferBudgetExceeded(limit: budget.limit)
        }
        bufferedBytes &+= n
    }

    private mutating func release(_ n: Int) {
        bufferedBytes &-= n
        limits.sharedBudget?.release(n)
    }

    /// The connection is gone (or the decoder removed): what it held goes back to the server.
    public mutating func decoderRemoved(context: ChannelHandlerContext) {
        releaseAll()
    }

    /// Gives every partial message's bytes back (for a decoder used without a channel).
    public mutating func releaseAll() {
        if bufferedBytes > 0 { limits.sharedBudget?.release(bufferedBytes) }
        bufferedBytes = 0
        partialStreams = 0
        for key in streams.keys { streams[key]?.partial = nil }
    }

    /// Bytes of partial messages this decoder holds.
    public var heldBytes: Int { bufferedBytes }

    /// Protocol control that changes how the following bytes are parsed is
    /// applied here, before anyone else sees the message.
    private mutating func finish(message: RTMPMessage) throws -> ChunkResult {
        if message.messageStreamID == 0 || message.chunkStreamID == RTMPChunkStreamID.control {
            switch message.typeID {
            case RTMPMessageType.setChunkSize:
                guard let raw = message.payload.getInteger(at: message.payload.readerIndex, as: UInt32.self) else {
                    throw RTMPError.malformedMessage("SetChunkSize shorter than 4 bytes")
                }
                guard raw & 0x8000_0000 == 0, raw >= 1, raw <= limits.maxChunkSize else {
                    throw RTMPError.invalidChunkSize(raw)
                }
                chunkSize = Int(raw)
            case RTMPMessageType.abort:
                if let target = message.payload.getInteger(at: message.payload.readerIndex, as: UInt32.self),
                   var s = streams[target], let p = s.partial {
                    release(p.readableBytes)
                    partialStreams &-= 1
                    s.partial = nil
                    streams[target] = s
                }
            default:
                break
            }
        }
        return .message(message)
    }
}

extension ByteBuffer {
    /// A big-endian 24-bit integer, as RTMP and FLV headers carry them.
    public mutating func readUInt24() -> UInt32? {
        guard let hi = readInteger(as: UInt8.self), let lo = readInteger(as: UInt16.self) else { return nil }
        return UInt32(hi) << 16 | UInt32(lo)
    }

    mutating func writeUInt24(_ value: UInt32) {
        writeInteger(UInt8(truncatingIfNeeded: value >> 16))
        writeInteger(UInt8(truncatingIfNeeded: value >> 8))
        writeInteger(UInt8(truncatingIfNeeded: value))
    }
}
