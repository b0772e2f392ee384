import Foundation
import Logging
import Media
import NIOCore
import NIOPosix
import NIOSSL
import RTMP
import RTMPClient

/// What an upstream connection tells its owner (a `PushRelay` or a
/// `PullRelay`), on the connection's event loop.
protocol UpstreamSessionDelegate: AnyObject {
    /// Publishing or playing started; for a push, media goes out through `output`.
    func upstreamReady(_ session: UpstreamSession, output: RTMPOutput, messageStreamID: UInt32)
    /// A media or data message of the played stream (pull).
    func upstreamMedia(_ session: UpstreamSession, _ message: RTMPMessage)
    func upstreamWritabilityChanged(_ session: UpstreamSession, isWritable: Bool)
    /// The connection is gone; `reason` says why, for the log and the snapshot.
    func upstreamClosed(_ session: UpstreamSession, reason: String)
}

/// One connection from this server to another RTMP server — a push
/// publishing to it or a pull playing from it. The client side of the
/// protocol is `RTMPClientStateMachine` (module RTMPClient); this handler
/// drives it with the channel, writes through an `RTMPOutput` (so a push
/// writes frames exactly as a player does, shared wire form included),
/// counts bytes in the server's connection table and enforces the
/// deadlines: publishing or playing within `startTimeout`, a push whose
/// socket stays full for the stall timeout is closed. Confined to its loop.
final class UpstreamSession: ChannelInboundHandler {
    typealias InboundIn = RTMPMessage

    static let startTimeout: TimeAmount = .seconds(10)

    let info: ConnectionInfo
    private let server: ServerState
    private var machine: RTMPClientStateMachine
    private weak var delegate: UpstreamSessionDelegate?
    private let stallTimeout: TimeAmount
    private var logger: Logger
    private var context: ChannelHandlerContext?
    private var output: RTMPOutput?
    private var timer: RepeatedTask?
    private var startedNanos = DispatchTime.now().uptimeNanoseconds
    private var unwritableSinceNanos: UInt64?
    private var closeReason: String?
    private var announcedClose = false
    private let readPause = PublisherReadPause()

    init(machine: RTMPClientStateMachine, info: ConnectionInfo, server: ServerState, delegate: UpstreamSessionDelegate, logger: Logger) {
        self.machine = machine
        self.info = info
        self.server = server
        self.delegate = delegate
        self.stallTimeout = server.configuration.stuckPlayerTimeout
        var logger = logger
        logger[metadataKey: "conn_id"] = "\(info.id)"
        self.logger = logger
    }

    /// Connects to `endpoint` on `loop` with the pipeline every upstream
    /// connection has; `makeSession` builds the handler once the channel
    /// (and so its table entry) exists.
    private static func connect(to endpoint: UpstreamEndpoint, on loop: EventLoop, server: ServerState,
                        makeSession: @escaping @Sendable (Channel, ConnectionInfo) -> UpstreamSession) -> EventLoopFuture<Channel> {
        let config = server.configuration
        return ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: .init(low: config.writeBufferLow, high: config.writeBufferHigh))
            .channelOption(.allowRemoteHalfClosure, value: true)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let info = server.makeUpstreamConnection(remote: "\(endpoint.host):\(endpoint.port)", channel: channel)
                    let ops = channel.pipeline.syncOperations
                    if endpoint.usesTLS {
                        // SNI and name checks want a name; an address is checked against the certificate's IP entries.
                        let name = endpoint.host.contains(where: \.isLetter) && !endpoint.host.contains(":") ? endpoint.host : nil
                        try ops.addHandler(NIOSSLClientHandler(context: server.upstreamTLSContext(), serverHostname: name))
                    }
                    try ops.addHandler(ByteCountingHandler(info: info))
                    try ops.addHandler(RTMPClientHandshakeHandler(digest: true))
                    try ops.addHandler(ByteToMessageHandler(RTMPChunkDecoder(limits: server.decoderLimits)))
                    try ops.addHandler(makeSession(channel, info))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
    }

    /// A push (`.publish`) or pull (`.play`) connection for stream `key`:
    /// our client configuration (chunk size, the relay's flashVer with the
    /// loop-guard token, our FourCCs), the table entry's role and names.
    /// `adopt` runs on `loop` with the new session before any callback; it
    /// returns false when its owner no longer wants this attempt, and the
    /// connection is closed.
    static func open(_ mode: RTMPClientStateMachine.Mode, to endpoint: UpstreamEndpoint, for key: StreamKey, on loop: EventLoop,
                     server: ServerState, delegate: UpstreamSessionDelegate & Sendable, logger: Logger,
                     adopt: @escaping @Sendable (UpstreamSession) -> Bool) -> EventLoopFuture<Channel> {
        var config = RTMPClientStateMachine.Configuration(mode: mode, app: endpoint.app, tcUrl: endpoint.tcUrl, streamName: endpoint.streamName)
        config.chunkSize = server.configuration.chunkSize
        config.flashVer = PushRelay.flashVer(server)
        config.fourCcList = EnhancedRTMPCodecs.fourCcList
        let machine = RTMPClientStateMachine(config)
        return connect(to: endpoint, on: loop, server: server) { channel, info in
            info.details.withLockedValue {
                $0.role = mode == .publish ? .push : .pull
                $0.app = key.app
                $0.streamKey = key
                $0.flashVer = mode == .publish ? "push" : "pull"
                $0.tcUrl = endpoint.masked
            }
            let session = UpstreamSession(machine: machine, info: info, server: server, delegate: delegate, logger: logger)
            if !adopt(session) { channel.close(promise: nil) }
            return session
        }
    }

    var stateName: String { machine.stateName }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        output = RTMPOutput(context: context, info: info)
        let session = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            session.value.tick()
        }
    }

    /// Also when the connection never came up (refused, timed out), which
    /// has no channelInactive: the table entry goes either way.
    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        server.removeConnection(info.id)
    }

    func channelActive(context: ChannelHandlerContext) {
        startedNanos = DispatchTime.now().uptimeNanoseconds
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        let reason = closeReason ?? (machine.isReady ? "upstream closed the connection" : "upstream closed the connection during \(machine.stateName)")
        logger.info("upstream connection closed", metadata: ["reason": "\(reason)", "bytes_out": "\(info.bytesOut.load(ordering: .relaxed))"])
        info.details.withLockedValue { $0.closeReason = reason }
        server.events.add(.close, "connection \(info.id) (\(machine.configuration.mode == .publish ? "push" : "pull")) closed: \(reason)", connectionID: info.id)
        announceClose(reason)
        self.context = nil
        output = nil
        context.fireChannelInactive()
    }

    private func announceClose(_ reason: String) {
        guard !announcedClose else { return }
        announcedClose = true
        delegate?.upstreamClosed(self, reason: reason)
        delegate = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        close(reason: "\(error)")
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RTMPClientHandshakeHandler.Done {
            perform(machine.handshakeCompleted())
            output?.flush()
        } else if event is RTMPSession.ShutdownEvent {
            stop(reason: "server shutting down")
        } else if let e = event as? ChannelEvent, e == .inputClosed {
            close(reason: "upstream closed its side")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Unpublishes or stops playing politely, then closes.
    func stop(reason: String) {
        for m in machine.goodbye() { output?.send(m) }
        output?.flush()
        close(reason: reason)
    }

    func close(reason: String) {
        if closeReason == nil { closeReason = reason }
        context?.close(promise: nil)
    }

    private func tick() {
        let now = DispatchTime.now().uptimeNanoseconds
        if !machine.isReady, now &- startedNanos > UInt64(Self.startTimeout.nanoseconds) {
            close(reason: "upstream did not start \(machine.configuration.mode == .publish ? "publishing" : "playing") within \(Self.startTimeout.nanoseconds / 1_000_000_000) s (stuck at \(machine.stateName))")
        } else if let since = unwritableSinceNanos, now &- since > UInt64(stallTimeout.nanoseconds) {
            close(reason: "upstream stopped reading for \(stallTimeout.nanoseconds / 1_000_000_000) s")
        }
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        info.messagesIn.wrappingIncrement(ordering: .relaxed)
        do {
            perform(try machine.received(message))
        } catch {
            close(reason: "bad message from upstream: \(error)")
            return
        }
        if let ack = machine.acknowledge(totalBytesReceived: info.bytesIn.load(ordering: .relaxed)) { output?.send(ack) }
    }

    /// A pull's media overloaded the local loops: stop reading the origin
    /// until they have caught up, as for a publisher of ours.
    func pauseReading(until overloaded: [LoopMailbox]) {
        guard let context else { return }
        readPause.pause(context.channel, until: overloaded, logger: logger)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        output?.flush()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        if writable {
            unwritableSinceNanos = nil
        } else if unwritableSinceNanos == nil {
            unwritableSinceNanos = DispatchTime.now().uptimeNanoseconds
        }
        delegate?.upstreamWritabilityChanged(self, isWritable: writable)
        context.fireChannelWritabilityChanged()
    }

    private func perform(_ actions: [RTMPClientStateMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let m): output?.send(m)
            case .useChunkSize(let size): output?.setChunkSize(size)
            case .ready(let id):
                logger.info("upstream \(machine.configuration.mode == .publish ? "publishing" : "playing")")
                if let output { delegate?.upstreamReady(self, output: output, messageStreamID: id) }
            case .media(let m): delegate?.upstreamMedia(self, m)
            case .fail(let why):
                logger.warning("upstream refused", metadata: ["error": "\(why)"])
                output?.flush()
                close(reason: why)
            }
        }
    }
}
