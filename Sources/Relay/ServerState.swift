import Atomics
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// What every session shares: configuration, the registry, the connection
/// table and the event ring. Owned by `RTMPServer`.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let registry: StreamRegistry
    let events = EventRing()
    let logger: Logger
    let startedAt = Date()
    private let nextConnectionID = ManagedAtomic<UInt64>(1)
    private let connections = NIOLockedValueBox<[UInt64: ConnectionInfo]>([:])
    /// Set once shutdown starts: new connections are refused.
    let shuttingDown = ManagedAtomic<Bool>(false)
    let recordings: RecordingController

    init(configuration: ServerConfiguration, logger: Logger, group: EventLoopGroup) {
        self.configuration = configuration
        self.logger = logger
        var options = LiveStream.Options()
        options.gopCache = configuration.gopCache
        options.gopLimits = configuration.gopLimits
        options.chunkSize = configuration.chunkSize
        options.stalePublisherNanoseconds = UInt64(max(0, configuration.stalePublisherTimeout.nanoseconds))
        self.registry = StreamRegistry(options: options, mailboxes: MailboxDirectory(mergeWriteDelay: configuration.mergeWriteDelay), logger: logger)
        self.recordings = RecordingController(options: configuration.recording, registry: registry, events: events, group: group, logger: logger)
    }

    func makeConnection(remote: String, channel: Channel) -> ConnectionInfo {
        let id = nextConnectionID.loadThenWrappingIncrement(ordering: .relaxed)
        let info = ConnectionInfo(id: id, remote: remote, channel: channel)
        connections.withLockedValue { $0[id] = info }
        return info
    }

    func removeConnection(_ id: UInt64) {
        connections.withLockedValue { $0[id] = nil }
    }

    func connection(_ id: UInt64) -> ConnectionInfo? {
        connections.withLockedValue { $0[id] }
    }

    var allConnections: [ConnectionInfo] {
        connections.withLockedValue { Array($0.values) }.sorted { $0.id < $1.id }
    }
}
