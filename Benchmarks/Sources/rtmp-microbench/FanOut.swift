import Logging
import NIOCore
import NIOEmbedded
import RTMP
@testable import Relay

/// One frame fanned out to many players through the relay's own path
/// (`LiveStream.ingest` → `LoopMailbox` → `PlayerSink` → `RTMPOutput`), on
/// `EmbeddedChannel`s sharing one loop: what the relay costs per delivered
/// frame, without the kernel.
struct FanOutRig {
    private final class ContextGrabber: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var context: ChannelHandlerContext?
        func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    }

    let loop = EmbeddedEventLoop()
    let stream: LiveStream
    let publisher: ConnectionInfo
    private var channels: [EmbeddedChannel] = []
    private var sinks: [PlayerSink] = []

    init(players: Int, chunkSize: Int = 4096) throws {
        var options = LiveStream.Options()
        options.chunkSize = chunkSize
        stream = LiveStream(key: StreamKey(app: "live", name: "bench"), options: options, mailboxes: MailboxDirectory(),
                            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let publisherChannel = EmbeddedChannel(loop: loop)
        try publisherChannel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        publisher = ConnectionInfo(id: 0, remote: "publisher", channel: publisherChannel)
        guard case .granted = stream.claimPublisher(publisher) else { fatalError("publish refused") }
        for i in 0..<players {
            let channel = EmbeddedChannel(loop: loop)
            let grabber = ContextGrabber()
            try channel.pipeline.syncOperations.addHandler(grabber)
            let info = ConnectionInfo(id: UInt64(i + 1), remote: "player", channel: channel)
            let output = RTMPOutput(context: grabber.context!, info: info)
            output.setChunkSize(chunkSize)
            let sink = PlayerSink(stream: stream, messageStreamID: 1, output: output, info: info, eventLoop: loop,
                                  queueLimits: PlayerQueue.Limits(covering: GOPCache.Limits()), publishNotify: false)
            sink.start(burst: stream.subscribe(sink).burst)
            channels.append(channel)
            sinks.append(sink)
        }
    }

    /// Publishes one frame and lets the loop deliver it to every player.
    func publish(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer) {
        stream.ingest(typeID: typeID, timestamp: timestamp, payload: payload, from: publisher)
        loop.run()
    }

    /// Takes what the players were sent off their channels (the socket's
    /// job, outside what is measured). Returns the bytes.
    func discardOutput() throws -> Int {
        var bytes = 0
        for c in channels {
            while let b = try c.readOutbound(as: ByteBuffer.self) { bytes += b.readableBytes }
        }
        return bytes
    }
}
