import NIOCore

/// Hands out a pipeline's context, for code under test that writes through
/// one (`RTMPOutput`) without a session around it.
public final class ContextGrabber: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public private(set) var context: ChannelHandlerContext?
    public init() {}
    public func handlerAdded(context: ChannelHandlerContext) { self.context = context }
}
