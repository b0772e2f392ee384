import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Edge mode: at most one `PullRelay` per stream key, started when a play
/// request finds no local publisher and a `--pull` rule matches; the relay
/// removes itself when it ends.
final class PullController: Sendable {
    private let rules: [UpstreamRule]
    private let group: EventLoopGroup
    private let logger: Logger
    private let relays = NIOLockedValueBox<[StreamKey: PullRelay]>([:])

    init(rules: [UpstreamRule], group: EventLoopGroup, logger: Logger) {
        self.rules = rules
        self.group = group
        self.logger = logger
    }

    var isEnabled: Bool { !rules.isEmpty }

    /// A player wants `key` and nobody publishes it here: pull it, unless a pull already runs.
    func playerWaiting(for key: StreamKey, server: ServerState) {
        guard let rule = rules.first(where: { $0.applies(to: key) }) else { return }
        let endpoint: UpstreamEndpoint
        do {
            endpoint = try UpstreamEndpoint(url: rule.target.pullURL(for: key))
        } catch {
            logger.error("pull skipped", metadata: ["stream_key": "\(key)", "error": "\(error)"])
            return
        }
        let started = relays.withLockedValue { relays -> PullRelay? in
            guard relays[key] == nil else { return nil }
            let relay = PullRelay(stream: server.registry.stream(for: key), endpoint: endpoint, server: server, eventLoop: group.next(), logger: logger) { [weak self] ended in
                self?.relays.withLockedValue { if $0[ended.key] === ended { $0[ended.key] = nil } }
            }
            relays[key] = relay
            return relay
        }
        started?.start()
    }

    func snapshot(for key: StreamKey) -> PullSnapshot? {
        relays.withLockedValue { $0[key] }.map(PullSnapshot.init)
    }

    func endAll(reason: String) {
        for r in relays.withLockedValue({ Array($0.values) }) { r.end(reason: reason) }
    }
}
