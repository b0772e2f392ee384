import TestSupport
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A bare TCP connection for sending hostile bytes and seeing whether the
/// server closes it.
final class RawConnection: Sendable {
    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = NIOLockedValueBox(ByteBuffer())
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var b = unwrapInboundIn(data)
            received.withLockedValue { _ = $0.writeBuffer(&b) }
        }
        func errorCaught(context: ChannelHandlerContext, error: Error) { context.close(promise: nil) }
    }

    let channel: Channel
    private let collector: Collector

    init(port: Int, group: EventLoopGroup) throws {
        let collector = Collector()
        self.collector = collector
        channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).wait()
    }

    func send(_ bytes: [UInt8]) {
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    var receivedCount: Int { collector.received.withLockedValue { $0.readableBytes } }

    /// A plain handshake, so later bytes reach the chunk decoder.
    func handshake() throws {
        send([3] + [UInt8](repeating: 0, count: 1536))
        guard waitUntil(timeout: 5, { self.receivedCount >= 3073 }) else { throw RTMPTestError("no S0S1S2") }
        send([UInt8](repeating: 0, count: 1536))
    }

    /// True when the server closed the connection within `timeout`.
    func closedByServer(within timeout: TimeInterval) -> Bool {
        waitUntil(timeout: timeout) { !self.channel.isActive }
    }

    func close() { channel.close(promise: nil) }
}

struct RTMPTestError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
