import Dispatch
import NIOCore
import RTMP

/// One connection's outbound side: the chunk encoder (what this connection
/// last sent on each chunk stream, its chunk size) and the channel writes.
/// The session's commands and the player's media share it, so header
/// compression and the chunk size stay consistent across both.
/// Confined to the connection's event loop.
final class RTMPOutput {
    private let context: ChannelHandlerContext
    /// `context.channel` and its allocator, looked up once: both are read
    /// for every frame to every player.
    private let channel: Channel
    let allocator: ByteBufferAllocator
    private let info: ConnectionInfo
    private var encoder = RTMPChunkEncoder(chunkSize: 128)
    /// Written since the last flush; added to the connection's counters
    /// once per flush, not per message.
    private var unflushedBytes = 0
    private var unflushedMessages = 0
    /// Monotonic time of the last flush (the session pings after silence both ways).
    private(set) var lastWriteNanos = DispatchTime.now().uptimeNanoseconds

    init(context: ChannelHandlerContext, info: ConnectionInfo) {
        self.context = context
        self.channel = context.channel
        self.allocator = context.channel.allocator
        self.info = info
    }

    var chunkSize: Int { encoder.chunkSize }
    var isWritable: Bool { channel.isWritable }

    /// Call right after sending SetChunkSize.
    func setChunkSize(_ size: Int) { encoder.setChunkSize(size) }

    /// The next message on every chunk stream goes out with a full fmt 0 header.
    func resetHeaders() { encoder.reset() }

    /// After a drop: what this connection last sent on the media chunk
    /// streams no longer precedes what comes next.
    func resetMediaHeaders() {
        encoder.reset(chunkStreamID: RTMPChunkStreamID.video)
        encoder.reset(chunkStreamID: RTMPChunkStreamID.audio)
    }

    /// Encodes and writes a whole message (commands, control, small data).
    func send(_ message: RTMPMessage) {
        var out = allocator.buffer(capacity: message.payload.readableBytes + 32)
        encoder.encode(message, into: &out)
        count(out.readableBytes)
        context.write(NIOAny(out), promise: nil)
    }

    /// Writes a relayed frame. In step with the stream (the usual case) it
    /// is the frame's shared wire form, one buffer every such player sends;
    /// otherwise this connection's own first header, then the shared body.
    func write(_ frame: MediaFrame, messageStreamID: UInt32) {
        if let wire = frame.wire, wire.chunkSize == encoder.chunkSize, encoder.claim(wire.header, messageStreamID: messageStreamID) {
            count(wire.bytes.readableBytes)
            context.write(NIOAny(wire.bytes), promise: nil)
            return
        }
        var header = allocator.buffer(capacity: 18)
        encoder.writeFirstHeader(chunkStreamID: frame.chunkStreamID, messageStreamID: messageStreamID, typeID: frame.typeID,
                                 length: frame.size, timestamp: frame.wireTimestamp, into: &header)
        let body = frame.chunkedBody(chunkSize: encoder.chunkSize)
        count(header.readableBytes &+ body.readableBytes)
        context.write(NIOAny(header), promise: nil)
        context.write(NIOAny(body), promise: nil)
    }

    func flush() {
        lastWriteNanos = DispatchTime.now().uptimeNanoseconds
        if unflushedMessages > 0 {
            info.noteWritten(unflushedBytes)
            info.messagesOut.wrappingIncrement(by: UInt64(unflushedMessages), ordering: .relaxed)
            unflushedBytes = 0
            unflushedMessages = 0
        }
        context.flush()
    }

    private func count(_ bytes: Int) {
        unflushedBytes &+= bytes
        unflushedMessages &+= 1
    }
}
