import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RTMP

/// An RTMP server that accepts a publish — handshake, connect,
/// createStream, publish all answered — and then never reads again: the
/// upstream a push must survive without slowing anyone else.
final class BlackHoleUpstream {
    let port: Int
    private let channel: Channel
    private let state = NIOLockedValueBox(false)

    var publishing: Bool { state.withLockedValue { $0 } }

    init(group: EventLoopGroup) throws {
        let state = self.state
        channel = try ServerBootstrap(group: group)
            // A small receive window: the pusher's socket fills after a few KB.
            .serverChannelOption(.socketOption(.so_rcvbuf), value: 4096)
            .childChannelOption(.socketOption(.so_rcvbuf), value: 4096)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ops = channel.pipeline.syncOperations
                    try ops.addHandler(RTMPServerHandshakeHandler())
                    try ops.addHandler(ByteToMessageHandler(RTMPChunkDecoder()))
                    try ops.addHandler(Answerer(publishing: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        port = channel.localAddress?.port ?? 0
    }

    deinit { channel.close(promise: nil) }

    private final class Answerer: ChannelInboundHandler {
        typealias InboundIn = RTMPMessage
        typealias OutboundOut = ByteBuffer
        private var encoder = RTMPChunkEncoder(chunkSize: 128)
        private let publishing: NIOLockedValueBox<Bool>

        init(publishing: NIOLockedValueBox<Bool>) { self.publishing = publishing }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let m = unwrapInboundIn(data)
            guard m.typeID == RTMPMessageType.commandAMF0, let cmd = try? CommandMessage.parse(m) else { return }
            switch cmd.name {
            case "connect": send(NetReply.connectResult(transactionID: cmd.transactionID, objectEncoding: 0, fourCcList: nil), context)
            case "createStream": send(NetReply.createStreamResult(transactionID: cmd.transactionID, streamID: 1), context)
            case "publish":
                send(NetReply.status(.publishStart, "publishing into a black hole", messageStreamID: 1), context)
                publishing.withLockedValue { $0 = true }
                try? context.channel.syncOptions?.setOption(.autoRead, value: false)
            default: break
            }
        }

        private func send(_ m: RTMPMessage, _ context: ChannelHandlerContext) {
            var out = context.channel.allocator.buffer(capacity: 256)
            encoder.encode(m, into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        }
    }
}
