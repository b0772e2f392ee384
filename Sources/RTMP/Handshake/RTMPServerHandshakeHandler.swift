import NIOCore

/// Performs the server side of the RTMP handshake on a channel, then steps
/// aside. Place it first in a server pipeline, before the chunk decoder.
///
/// It accumulates C0 and C1, answers with S0, S1 and S2 in one write and
/// flush, accumulates C2, and then, in this order: fires
/// `RTMPHandshakeEvent.completed` as a user inbound event, passes on any
/// bytes that arrived after C2 (ffmpeg sends C2 and `connect` back to back,
/// often in one segment), and removes itself from the pipeline.
///
/// A C0 other than 3 is reported as `HandshakeError.unsupportedVersion`
/// through `errorCaught` as soon as that first byte arrives; nothing is
/// written, and later bytes are dropped. Closing is left to the pipeline's
/// error handling.
public final class RTMPServerHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingC0C1
        case awaitingC2(kind: HandshakeKind, bytesWritten: Int)
        /// Done; removal from the pipeline is under way.
        case completed
        /// The client spoke another version; its bytes are dropped.
        case failed
    }

    /// C0 + C1 + C2.
    private static let handshakeBytesFromClient = 1 + 2 * RTMPHandshake.packetSize

    private var state: State = .awaitingC0C1
    /// Bytes received and not yet consumed. A peer can make it grow by at
    /// most one read past the handshake, since every read is processed.
    private var buffered: ByteBuffer?

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.state {
        case .awaitingC0C1, .awaitingC2:
            break
        case .completed:
            // Removal is synchronous, so this is only reachable if a
            // handler reacting to our event read re-entrantly; pass on.
            context.fireChannelRead(data)
            return
        case .failed:
            return
        }
        var incoming = self.unwrapInboundIn(data)
        if var buffered = self.buffered {
            // Take the buffer out of `self` so appending does not copy it.
            self.buffered = nil
            buffered.writeBuffer(&incoming)
            self.buffered = buffered
        } else {
            self.buffered = incoming
        }
        self.process(context: context)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.buffered = nil
    }

    private func process(context: ChannelHandlerContext) {
        guard var buffer = self.buffered else { return }
        self.buffered = nil

        if case .awaitingC0C1 = self.state {
            guard let version = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return }
            guard version == RTMPHandshake.version else {
                self.fail(context: context, error: HandshakeError.unsupportedVersion(version))
                return
            }
            guard buffer.readableBytes >= 1 + RTMPHandshake.packetSize,
                  buffer.readInteger(as: UInt8.self) != nil,
                  let c1 = buffer.readBytes(length: RTMPHandshake.packetSize)
            else {
                self.buffered = buffer
                return
            }
            let answer: (response: [UInt8], kind: HandshakeKind)
            do {
                answer = try RTMPHandshake.serverResponse(c0: version, c1: c1)
            } catch {
                self.fail(context: context, error: error)
                return
            }
            // Set the state before writing: a write can re-enter the
            // pipeline (e.g. a failed write closing the channel).
            self.state = .awaitingC2(kind: answer.kind, bytesWritten: answer.response.count)
            var response = context.channel.allocator.buffer(capacity: answer.response.count)
            response.writeBytes(answer.response)
            context.writeAndFlush(self.wrapOutboundOut(response), promise: nil)
        }

        guard case .awaitingC2(let kind, let bytesWritten) = self.state else { return }
        guard buffer.readableBytes >= RTMPHandshake.packetSize else {
            self.buffered = buffer
            return
        }
        // C2 should echo S1 (or be signed), but nginx-rtmp, SRS and Red5
        // all accept it unchecked, and some encoders send garbage here.
        buffer.moveReaderIndex(forwardBy: RTMPHandshake.packetSize)
        self.state = .completed

        // The event first, so whoever reacts to it (e.g. by adding the chunk
        // decoder after us) is in place before the first chunk arrives.
        context.fireUserInboundEventTriggered(
            RTMPHandshakeEvent.completed(
                kind: kind,
                bytesRead: Self.handshakeBytesFromClient,
                bytesWritten: bytesWritten
            )
        )
        if buffer.readableBytes > 0 {
            context.fireChannelRead(self.wrapInboundOut(buffer))
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func fail(context: ChannelHandlerContext, error: Error) {
        self.state = .failed
        self.buffered = nil
        context.fireErrorCaught(error)
    }
}

// Like SwiftNIO's own handlers: bound to one channel's event loop.
@available(*, unavailable)
extension RTMPServerHandshakeHandler: Sendable {}
