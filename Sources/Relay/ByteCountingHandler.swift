import NIOCore

/// First in every pipeline: counts the raw bytes a peer sends (for
/// acknowledgements, metrics and the "silent for 5 s" test) before any
/// decoding can fail.
final class ByteCountingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let info: ConnectionInfo

    init(info: ConnectionInfo) {
        self.info = info
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        info.noteRead(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }
}
