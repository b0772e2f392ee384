import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Every push, by stream: starts a `PushRelay` per matching rule when a
/// stream is published (not for streams our own pulls publish: they came
/// from upstream already), ends them with the publish, stops and restarts
/// them on request, and lists them for the snapshot. The rules are
/// replaced on SIGHUP; a reload applies to streams published afterwards.
final class PushController: Sendable {
    private let group: EventLoopGroup
    private let logger: Logger
    private let rules: NIOLockedValueBox<[UpstreamRule]>
    private let relays = NIOLockedValueBox<(byID: [UInt64: PushRelay], nextID: UInt64)>(([:], 1))

    init(rules: [UpstreamRule], group: EventLoopGroup, logger: Logger) {
        self.rules = NIOLockedValueBox(rules)
        self.group = group
        self.logger = logger
    }

    var currentRules: [UpstreamRule] { rules.withLockedValue { $0 } }

    func replaceRules(_ new: [UpstreamRule]) { rules.withLockedValue { $0 = new } }

    /// A stream started being published by `publisher`.
    func published(_ stream: LiveStream, by publisher: ConnectionInfo, server: ServerState) {
        guard publisher.details.withLockedValue({ $0.role }) != .pull else { return }
        for rule in currentRules where rule.applies(to: stream.key) {
            let url = rule.target.url(for: stream.key)
            let endpoint: UpstreamEndpoint
            do {
                endpoint = try UpstreamEndpoint(url: url)
            } catch {
                logger.error("push skipped", metadata: ["stream_key": "\(stream.key)", "error": "\(error)"])
                continue
            }
            if server.isOwnAddress(host: endpoint.host, port: endpoint.port) {
                logger.error("push skipped: it targets this server itself", metadata: ["stream_key": "\(stream.key)", "push": "\(endpoint.masked)"])
                continue
            }
            let relay = relays.withLockedValue { r -> PushRelay in
                let relay = PushRelay(id: r.nextID, stream: stream, endpoint: endpoint, server: server, eventLoop: group.next(), logger: logger) { [weak self] ended in
                    _ = self?.relays.withLockedValue { $0.byID.removeValue(forKey: ended.id) }
                }
                r.byID[r.nextID] = relay
                r.nextID &+= 1
                return relay
            }
            relay.start()
        }
    }

    func snapshots(for key: StreamKey) -> [PushSnapshot] {
        relays.withLockedValue { Array($0.byID.values) }.filter { $0.stream.key == key }.sorted { $0.id < $1.id }.map(PushSnapshot.init)
    }

    /// False if there is no such push.
    func stop(id: UInt64) -> Bool {
        guard let r = relays.withLockedValue({ $0.byID[id] }) else { return false }
        r.stop()
        return true
    }

    func restart(id: UInt64) -> Bool {
        guard let r = relays.withLockedValue({ $0.byID[id] }) else { return false }
        r.restart()
        return true
    }

    /// At shutdown: every push unpublishes upstream and stays down.
    func endAll(reason: String) {
        for r in relays.withLockedValue({ Array($0.byID.values) }) { r.end(reason: reason) }
    }
}
