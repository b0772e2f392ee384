import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOConcurrencyHelpers
import RTMP

/// The relay engine: listens, runs sessions, and offers snapshots and
/// control (kick) to the dashboard and anyone else.
public final class RTMPServer: Sendable {
    public enum StartError: Error, CustomStringConvertible {
        case bindFailed(address: String, reason: String)
        public var description: String {
            switch self {
            case .bindFailed(let address, let reason): return "cannot listen on \(address): \(reason)"
            }
        }
    }

    public let configuration: ServerConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool
    let state: ServerState
    private let listener: NIOLockedValueBoxChannel = NIOLockedValueBoxChannel()
    private let rtmpsListener: NIOLockedValueBoxChannel = NIOLockedValueBoxChannel()
    private let httpAddress = NIOLockedValueBox<String?>(nil)

    public init(configuration: ServerConfiguration, logger: Logger, group: MultiThreadedEventLoopGroup? = nil) {
        self.configuration = configuration
        self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        self.ownsGroup = group == nil
        self.state = ServerState(configuration: configuration, logger: logger, group: self.group)
    }

    /// Binds and starts accepting. Returns the bound address (port 0 picks a free port).
    @discardableResult
    public func start() throws -> SocketAddress {
        let state = self.state
        let config = configuration
        let channel = try bind(host: config.host, port: config.port, description: config.listenDescription, tls: nil)
        listener.set(channel)
        guard let bound = channel.localAddress else {
            throw StartError.bindFailed(address: config.listenDescription, reason: "no local address after bind")
        }
        state.boundPort.store(bound.port ?? config.port, ordering: .relaxed)
        state.logger.info("listening", metadata: ["address": "\(Self.describe(bound))", "chunk_size": "\(config.chunkSize)", "gop_cache": "\(config.gopCache)", "join_burst_ms": "\(config.gopLimits.joinBurstMilliseconds)"])
        state.events.add(.listening, "listening on \(Self.describe(bound))")
        if let rtmps = config.rtmps {
            let tlsChannel = try bind(host: rtmps.host, port: rtmps.port, description: rtmps.description, tls: rtmps.context)
            rtmpsListener.set(tlsChannel)
            let tlsBound = tlsChannel.localAddress.map(Self.describe) ?? rtmps.description
            state.logger.info("listening", metadata: ["address": "\(tlsBound)", "tls": "true", "certificate": "\(rtmps.context.certificatePath)"])
            state.events.add(.listening, "listening on \(tlsBound) (RTMPS)")
        }
        // One sampler for bitrates, on one loop.
        group.next().scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            for stream in state.registry.all { stream.sampleRates(interval: 1) }
            for c in state.allConnections { c.sampleRates(interval: 1) }
        }
        return bound
    }

    /// One listener; with `tls`, every connection starts with a TLS handshake
    /// (the context current when it is accepted) and is otherwise the same.
    private func bind(host: String, port: Int, description: String, tls: TLSServerContext?) throws -> Channel {
        let state = self.state
        let config = configuration
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: config.writeBufferLow, high: config.writeBufferHigh))
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.setUpPipeline(channel: channel, state: state, tls: tls)
                }
            }
        do {
            return try bootstrap.bind(host: host, port: port).wait()
        } catch let e as IOError {
            throw StartError.bindFailed(address: description, reason: e.errnoCode == EADDRINUSE ? "address already in use" : "\(e)")
        } catch {
            throw StartError.bindFailed(address: description, reason: "\(error)")
        }
    }

    static func setUpPipeline(channel: Channel, state: ServerState, tls: TLSServerContext? = nil) throws {
        if state.shuttingDown.load(ordering: .relaxed) {
            channel.close(promise: nil)
            return
        }
        let remote = channel.remoteAddress.map(describe) ?? "?"
        let info: ConnectionInfo
        switch state.makeConnection(remote: remote, address: channel.remoteAddress?.ipAddress ?? remote, channel: channel) {
        case .success(let i):
            info = i
        case .failure(let refusal):
            // Closed before a byte is read; one line a second at most, however many come.
            state.counters.noteError(refusal.rawValue)
            state.refusalLog.log { suppressed in
                state.logger.warning("connection refused", metadata: [
                    "remote": "\(remote)", "reason": "\(refusal.rawValue)",
                    "max_connections": "\(state.configuration.maxConnections)",
                    "max_connections_per_ip": "\(state.configuration.maxConnectionsPerAddress)",
                    "refused_since_last_line": "\(suppressed)",
                ])
            }
            channel.close(promise: nil)
            return
        }
        let session = RTMPSession(server: state, info: info)
        var logger = state.logger
        logger[metadataKey: "conn_id"] = "\(info.id)"
        logger[metadataKey: "remote"] = "\(remote)"
        logger.info("connection accepted")
        let ops = channel.pipeline.syncOperations
        if let tls { try ops.addHandler(NIOSSLServerHandler(context: tls.current)) }
        try ops.addHandler(ByteCountingHandler(info: info))
        try ops.addHandler(RTMPServerHandshakeHandler())
        try ops.addHandler(ByteToMessageHandler(RTMPChunkDecoder(limits: state.decoderLimits)))
        try ops.addHandler(session)
    }

    public static func describe(_ address: SocketAddress) -> String {
        switch address {
        case .v4: return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        case .v6: return "[\(address.ipAddress ?? "?")]:\(address.port ?? 0)"
        default: return "\(address)"
        }
    }

    public var localAddress: SocketAddress? { listener.get()?.localAddress }

    /// Where RTMPS listens, once started with `configuration.rtmps`.
    public var rtmpsAddress: SocketAddress? { rtmpsListener.get()?.localAddress }

    /// SIGHUP: the RTMPS certificate and key again; throws (keeping the old pair) when they do not load.
    public func reloadTLSCertificate() throws { try configuration.rtmps?.context.reload() }

    /// Where the HTTP API answers (set by whoever starts it), for the snapshot.
    public func noteHTTPAddress(_ address: String?) { httpAddress.withLockedValue { $0 = address } }

    /// The loops every connection runs on (the HTTP endpoint shares them).
    public var eventLoopGroup: EventLoopGroup { group }

    // MARK: control API

    /// SIGHUP: reloads `--auth-file` (a bad file keeps the old rules; false then).
    @discardableResult
    public func reloadAccessRules() -> Bool { state.access.reloadAuthFile() }

    /// Nothing restricts publishing (no allow list, token or callback).
    public var publishingIsOpen: Bool { state.access.currentRules.publishingIsOpen && !state.access.hasPublishCallback }

    /// Disconnects a connection by id. Returns false if there is none.
    @discardableResult
    public func kick(connectionID: UInt64, reason: String = "kicked") -> Bool {
        guard let c = state.connection(connectionID) else { return false }
        c.details.withLockedValue { $0.closeReason = reason }
        state.logger.info("kick", metadata: ["conn_id": "\(connectionID)", "reason": "\(reason)"])
        state.events.add(.kick, "kicked connection \(connectionID)", connectionID: connectionID)
        c.channel.close(promise: nil)
        return true
    }

    /// Starts recording a live stream ("app/name"); returns at once. Throws
    /// when there is no such live stream, it is already recorded, or the
    /// record directory cannot be made.
    public func startRecording(streamKey: String) throws {
        guard let stream = state.registry.all.first(where: { $0.key.description == streamKey }) else {
            throw RecordingController.ControlError.noSuchStream(streamKey)
        }
        try state.recordings.start(stream)
    }

    /// Stops (and finalises) a stream's recording; false if none runs.
    @discardableResult
    public func stopRecording(streamKey: String) -> Bool {
        guard let stream = state.registry.all.first(where: { $0.key.description == streamKey }) else { return false }
        return state.recordings.stop(stream.key, reason: "stopped by request")
    }

    public func isRecording(streamKey: String) -> Bool {
        guard let stream = state.registry.all.first(where: { $0.key.description == streamKey }) else { return false }
        return state.recordings.isRecording(stream.key)
    }

    /// The recent events with an id above `id`, oldest first (cheap: no snapshot).
    /// New push rules (SIGHUP with --config), for streams published from now on.
    public func replacePushRules(_ rules: [UpstreamRule]) { state.pushes.replaceRules(rules) }

    /// Stops a push (its id is in `StreamSnapshot.pushes`) until `restartPush`; false if there is none.
    @discardableResult
    public func stopPush(id: UInt64) -> Bool { state.pushes.stop(id: id) }

    /// Starts a stopped push again, or a waiting one at once; false if there is none.
    @discardableResult
    public func restartPush(id: UInt64) -> Bool { state.pushes.restart(id: id) }

    public func events(after id: UInt64) -> [ServerEvent] {
        state.events.after(id)
    }

    /// The id of the newest event (0 before any).
    public var lastEventID: UInt64 { state.events.lastID }

    public func snapshot() -> ServerSnapshot {
        let (connections, closedIn, closedOut) = state.connectionsAndClosedBytes()
        let byKey = Dictionary(grouping: connections.filter { $0.details.withLockedValue { $0.role } == .player }) {
            $0.details.withLockedValue { $0.streamKey?.description ?? "" }
        }
        let streams = state.registry.all.map { stream in
            stream.snapshot(players: (byKey[stream.key.description] ?? []).map(ConnectionSnapshot.init),
                            recording: state.recordings.snapshot(for: stream.key),
                            pushes: state.pushes.snapshots(for: stream.key), pull: state.pulls.snapshot(for: stream.key))
        }
        let all = connections.map(ConnectionSnapshot.init)
        var snapshot = ServerSnapshot(
            takenAt: Date(), startedAt: state.startedAt,
            listenAddress: localAddress.map(Self.describe) ?? configuration.listenDescription,
            streams: streams, connections: all, recentEvents: state.events.all,
            totalBytesIn: all.reduce(0) { $0 &+ $1.bytesIn }, totalBytesOut: all.reduce(0) { $0 &+ $1.bytesOut },
            totalInBps: all.reduce(0) { $0 + $1.inBps }, totalOutBps: all.reduce(0) { $0 + $1.outBps },
            recordDirectory: configuration.recording.directory, version: RTMPTopVersion.current,
            httpAddress: httpAddress.withLockedValue { $0 },
            lifetime: LifetimeCounters(
                connectionsAccepted: state.counters.connectionsAccepted.load(ordering: .relaxed),
                bytesIn: closedIn &+ all.reduce(0) { $0 &+ $1.bytesIn },
                bytesOut: closedOut &+ all.reduce(0) { $0 &+ $1.bytesOut },
                errorsByReason: state.counters.errorsByReason,
                bufferedPartialBytes: state.decoderLimits.sharedBudget?.heldBytes ?? 0,
                reassembledBytes: state.decoderLimits.sharedBudget?.reassembledBytes ?? 0,
                reassemblyCopiedBytes: state.decoderLimits.sharedBudget?.copiedBytes ?? 0))
        snapshot.rtmpsAddress = rtmpsAddress.map(Self.describe) ?? configuration.rtmps?.description
        return snapshot
    }

    /// What a Reconnect Request says when its sender gives no reason.
    public static let defaultReconnectDescription = "Please reconnect."

    /// Sends Enhanced RTMP v2's Reconnect Request to every publisher whose
    /// connect announced it handles one (capsEx Reconnect), or to the one
    /// connection `connectionID`; returns the connections asked. Publishers
    /// without the capability are not sent it (they would not know it).
    @discardableResult
    public func requestReconnect(connectionID: UInt64? = nil, tcUrl: String? = nil, description: String = RTMPServer.defaultReconnectDescription) -> [UInt64] {
        let asked = state.allConnections.filter { c in
            let d = c.details.withLockedValue { $0 }
            return (connectionID == nil || c.id == connectionID) && d.role == .publisher && d.handlesReconnectRequest
        }
        for c in asked {
            c.channel.pipeline.fireUserInboundEventTriggered(RTMPSession.ReconnectRequestEvent(tcUrl: tcUrl, description: description))
        }
        if !asked.isEmpty { state.events.add(.info, "reconnect request sent to \(asked.count) publisher(s)") }
        return asked.map(\.id)
    }

    /// Publishers still connected among `ids` (waiting for them to move after a reconnect request).
    public func connectedPublishers(among ids: [UInt64]) -> Int {
        ids.filter { state.connection($0) != nil }.count
    }

    /// Stops accepting, tells every client, closes them and stops the loops.
    /// Returns within about `timeout`.
    public func shutdown(timeout: TimeAmount = .milliseconds(1500)) {
        state.shuttingDown.store(true, ordering: .relaxed)
        if let l = listener.get() { try? l.close().wait() }
        if let l = rtmpsListener.get() { try? l.close().wait() }
        // Recordings first: every open file is finalised before exit.
        state.recordings.stopAllAndWait(reason: "server shutting down")
        // Pushes unpublish upstream and pulls let go, without retrying.
        state.pushes.endAll(reason: "server shutting down")
        state.pulls.endAll(reason: "server shutting down")
        let connections = state.allConnections
        let closed = connections.map { c -> EventLoopFuture<Void> in
            c.channel.pipeline.fireUserInboundEventTriggered(RTMPSession.ShutdownEvent())
            return c.channel.closeFuture
        }
        if !closed.isEmpty {
            let all = EventLoopFuture.andAllComplete(closed, on: group.next())
            let deadline = group.next().scheduleTask(in: timeout) {
                for c in connections { c.channel.close(promise: nil) }
            }
            try? all.wait()
            deadline.cancel()
        }
        state.access.shutdown()
        state.logger.info("stopped")
        if ownsGroup { try? group.syncShutdownGracefully() }
    }
}

/// The listening channel, set once start succeeds.
final class NIOLockedValueBoxChannel: Sendable {
    private let box = NIOLockedValueBox<Channel?>(nil)
    func set(_ c: Channel) { box.withLockedValue { $0 = c } }
    func get() -> Channel? { box.withLockedValue { $0 } }
}
