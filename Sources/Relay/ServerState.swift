import Atomics
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import RTMP

/// What every session shares: configuration, the registry, the connection
/// table and the event ring. Owned by `RTMPServer`.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let registry: StreamRegistry
    let events = EventRing()
    let counters = ServerCounters()
    let logger: Logger
    let startedAt = Date()
    /// Random per process: our pushes carry it in their connect, so a push
    /// aimed back at this server is recognised and refused (the loop guard).
    let instanceToken = String(UInt64.random(in: 1 ... .max), radix: 36)
    private let nextConnectionID = ManagedAtomic<UInt64>(1)
    /// The open connections, and the admission books that go with them.
    private let connections: NIOLockedValueBox<(byID: [UInt64: ConnectionInfo], admission: ConnectionAdmission)>
    /// Connections refused at accept are logged at most once a second.
    let refusalLog = RateLimitedLog()
    /// Set once shutdown starts: new connections are refused.
    let shuttingDown = ManagedAtomic<Bool>(false)
    /// The port the listener got (the configured one, or the one port 0 picked).
    let boundPort = ManagedAtomic<Int>(0)
    let recordings: RecordingController
    /// The decoder limits every connection gets, the server-wide budget in them.
    let decoderLimits: RTMPChunkDecoder.Limits
    let access: AccessController
    private let upstreamTLS = NIOLockedValueBox<NIOSSLContext?>(nil)
    let pushes: PushController
    let pulls: PullController

    init(configuration: ServerConfiguration, logger: Logger, group: EventLoopGroup) {
        self.configuration = configuration
        self.logger = logger
        self.connections = NIOLockedValueBox(([:], ConnectionAdmission(maxConnections: configuration.maxConnections,
                                                                          maxPerAddress: configuration.maxConnectionsPerAddress)))
        var limits = configuration.decoderLimits
        limits.sharedBudget = ReassemblyBudget(limit: configuration.maxBufferedBytesTotal)
        self.decoderLimits = limits
        self.access = AccessController(configuration.access, group: group, logger: logger)
        var options = LiveStream.Options()
        options.gopCache = configuration.gopCache
        options.gopLimits = configuration.gopLimits
        options.chunkSize = configuration.chunkSize
        options.healthProfile = configuration.healthProfile
        options.stalePublisherNanoseconds = UInt64(max(0, configuration.stalePublisherTimeout.nanoseconds))
        self.registry = StreamRegistry(options: options, mailboxes: MailboxDirectory(mergeWriteDelay: configuration.mergeWriteDelay), logger: logger)
        self.pushes = PushController(rules: configuration.pushes, group: group, logger: logger)
        self.pulls = PullController(rules: configuration.pulls, group: group, logger: logger)
        self.recordings = RecordingController(options: configuration.recording, registry: registry, events: events, group: group, logger: logger)
    }

    /// A table entry for a new connection, or why it may not be served.
    func makeConnection(remote: String, address: String, channel: Channel) -> Result<ConnectionInfo, ConnectionAdmission.Refusal> {
        counters.connectionsAccepted.wrappingIncrement(ordering: .relaxed)
        return connections.withLockedValue { table in
            if let refusal = table.admission.admit(address) { return .failure(refusal) }
            let id = nextConnectionID.loadThenWrappingIncrement(ordering: .relaxed)
            let info = ConnectionInfo(id: id, remote: remote, address: address, channel: channel)
            table.byID[id] = info
            return .success(info)
        }
    }

    /// The TLS client side of rtmps:// pushes and pulls, made on first use:
    /// the system's trust roots, full verification unless `--tls-insecure`.
    func upstreamTLSContext() throws -> NIOSSLContext {
        try upstreamTLS.withLockedValue { cached in
            if let cached { return cached }
            var config = TLSConfiguration.makeClientConfiguration()
            if !configuration.verifyUpstreamCertificates { config.certificateVerification = .none }
            let context = try NIOSSLContext(configuration: config)
            cached = context
            return context
        }
    }

    /// Whether host:port is this server's own listener (the push loop guard):
    /// the port we listen on, at a loopback address or the one we bound.
    func isOwnAddress(host: String, port: Int) -> Bool {
        guard port == boundPort.load(ordering: .relaxed) else { return false }
        let h = host.lowercased()
        return h == configuration.host.lowercased() || h == "localhost" || h.hasPrefix("127.") || h == "::1" || h == "0.0.0.0" || h == "::"
    }

    /// A table entry for a connection we opened (a push or a pull): shown,
    /// counted and closed at shutdown like the others, outside the
    /// admission limits, which are about who connects to us.
    func makeUpstreamConnection(remote: String, channel: Channel) -> ConnectionInfo {
        connections.withLockedValue { table in
            let id = nextConnectionID.loadThenWrappingIncrement(ordering: .relaxed)
            let info = ConnectionInfo(id: id, remote: remote, address: remote, channel: channel, isUpstream: true)
            table.byID[id] = info
            return info
        }
    }

    func removeConnection(_ id: UInt64) {
        // Under the table's lock, so a snapshot counts a closing connection
        // once: in the table or in the closed totals (lifetime counters never dip).
        connections.withLockedValue { table in
            guard let info = table.byID.removeValue(forKey: id) else { return }
            if !info.isUpstream { table.admission.release(info.address) }
            counters.closedBytesIn.wrappingIncrement(by: info.bytesIn.load(ordering: .relaxed), ordering: .relaxed)
            counters.closedBytesOut.wrappingIncrement(by: info.bytesOut.load(ordering: .relaxed), ordering: .relaxed)
        }
    }

    /// The open connections and the bytes of the closed ones, at one instant.
    func connectionsAndClosedBytes() -> (open: [ConnectionInfo], closedIn: UInt64, closedOut: UInt64) {
        let (open, i, o) = connections.withLockedValue { table in
            (Array(table.byID.values), counters.closedBytesIn.load(ordering: .relaxed), counters.closedBytesOut.load(ordering: .relaxed))
        }
        return (open.sorted { $0.id < $1.id }, i, o)
    }

    func connection(_ id: UInt64) -> ConnectionInfo? {
        connections.withLockedValue { $0.byID[id] }
    }

    var allConnections: [ConnectionInfo] {
        connections.withLockedValue { Array($0.byID.values) }.sorted { $0.id < $1.id }
    }
}
