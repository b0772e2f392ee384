import NIOCore
import RTMP

/// One frame as every player in step with the stream sends it: the first
/// chunk header, compressed against the stream's previous frame on the same
/// chunk stream, then the body chunked for the server's chunk size, in one
/// buffer built once per frame by `SharedWireEncoder`.
///
/// A player whose last header on that chunk stream is `header.requires`
/// (it got the previous frame, as nearly every player does nearly always)
/// writes `bytes` as they are: one buffer and no header work of its own per
/// frame, as nginx-rtmp shares its relative header. Any other player (after
/// a join, a drop, on another chunk size or message stream) writes its own
/// first header and `body`.
public struct SharedWire: Sendable {
    public let header: RTMPChunkEncoder.PrebuiltHeader
    /// Header and chunked body.
    public let bytes: ByteBuffer
    public let chunkSize: Int
    let headerLength: Int

    /// The chunked body alone (continuation headers included): a slice of `bytes`.
    public var body: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex &+ headerLength, length: bytes.readableBytes &- headerLength)!
    }

    /// The payload as a slice of `bytes` when it went out in one chunk (the
    /// body is then the payload itself), so the frame keeps one copy.
    var payload: ByteBuffer? {
        header.leaves.length <= chunkSize ? body : nil
    }
}
