import NIOCore
import RTMP

/// Client side of the handshake: C0C1 out, S0S1S2 in (verified), C2 out;
/// then it fires `Done`, passes on what followed S2 and removes itself.
public final class RTMPClientHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundOut = ByteBuffer
    /// Fired up the pipeline when the handshake is done.
    public struct Done: Sendable {}

    private let digest: Bool
    private var c1: [UInt8] = []
    private var buffered = ByteBuffer()

    public init(digest: Bool) {
        self.digest = digest
    }

    public func channelActive(context: ChannelHandlerContext) {
        let hello = RTMPHandshake.clientHello(digest: digest)
        c1 = hello.c1
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: hello.c0c1)), promise: nil)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffered.writeBuffer(&incoming)
        let need = 1 + 2 * RTMPHandshake.packetSize
        guard buffered.readableBytes >= need, let s = buffered.readBytes(length: need) else { return }
        do {
            let c2 = try RTMPHandshake.clientVerify(c1: c1, s0s1s2: s)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: c2)), promise: nil)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(Done())
        let rest = buffered
        buffered = ByteBuffer()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        if rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
    }
}
