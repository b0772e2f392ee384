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
    private let info: ConnectionInfo
    private var encoder = RTMPChunkEncoder(chunkSize: 128)
    /// Monotonic time of the last flush (the session pings after silence both ways).
    private(set) var lastWriteNanos = DispatchTime.now().uptimeNanoseconds

    init(context: ChannelHandlerContext, info: ConnectionInfo) {
        self.context = context
        self.info = info
    }

    var chunkSize: Int { encoder.chunkSize }
    var isWritable: Bool { context.channel.isWritable }
    var allocator: ByteBufferAllocator { context.channel.allocator }

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
        var out = context.channel.allocator.buffer(capacity: message.payload.readableBytes + 32)
        encoder.encode(message, into: &out)
        info.noteWritten(out.readableBytes)
        info.messagesOut.wrappingIncrement(ordering: .relaxed)
        context.write(NIOAny(out), promise: nil)
    }

    /// Writes a relayed frame: this connection's own first chunk header, then
    /// the chunked body shared by every player with the same chunk size.
    func write(_ frame: MediaFrame, messageStreamID: UInt32) {
        var header = context.channel.allocator.buffer(capacity: 18)
        encoder.writeFirstHeader(chunkStreamID: frame.chunkStreamID, messageStreamID: messageStreamID, typeID: frame.typeID,
                                 length: frame.size, timestamp: frame.wireTimestamp, into: &header)
        let body = frame.chunkedBody(chunkSize: encoder.chunkSize)
        info.noteWritten(header.readableBytes &+ body.readableBytes)
        info.messagesOut.wrappingIncrement(ordering: .relaxed)
        context.write(NIOAny(header), promise: nil)
        context.write(NIOAny(body), promise: nil)
    }

    func flush() {
        lastWriteNanos = DispatchTime.now().uptimeNanoseconds
        context.flush()
    }
}
