import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RTMP

/// Edge mode: one stream played from an origin (`--pull`) into the local
/// stream of the same key, over one upstream connection however many local
/// players there are (they join the local stream and its GOP cache like
/// any other). The upstream connection is the stream's publisher, with
/// role `pull`; a local publisher takes the key over (`LiveStream` evicts a
/// pull for it) and the pull ends. With players left it reconnects after a
/// failure (`ReconnectBackoff`); `--pull-idle` after the last player left
/// it ends. Confined to its event loop; `status` is for the snapshot.
final class PullRelay: UpstreamSessionDelegate, @unchecked Sendable {
    enum State: String, Sendable { case connecting, playing, waiting, ended }

    struct Status: Sendable {
        var state: State = .connecting
        var reconnects = 0
        var lastError: String?
        var connectionID: UInt64?
        var since = Date()
    }

    let key: StreamKey
    let stream: LiveStream
    let endpoint: UpstreamEndpoint
    let eventLoop: EventLoop
    let status = NIOLockedValueBox(Status())
    private let server: ServerState
    private let logger: Logger
    private let onEnd: @Sendable (PullRelay) -> Void

    // Confined to `eventLoop`.
    private var state: State = .connecting
    private var session: UpstreamSession?
    /// The connection publishing into the stream, once it plays.
    private var publishing: ConnectionInfo?
    private var retry = UpstreamRetry()
    private var timer: RepeatedTask?
    private var idleSinceNanos: UInt64?
    private var attempt: UInt64 = 0

    /// `stream` is held (a registry reference) until the pull ends.
    init(stream: LiveStream, endpoint: UpstreamEndpoint, server: ServerState, eventLoop: EventLoop, logger: Logger,
         onEnd: @escaping @Sendable (PullRelay) -> Void) {
        self.key = stream.key
        self.stream = stream
        self.endpoint = endpoint
        self.server = server
        self.eventLoop = eventLoop
        self.onEnd = onEnd
        var logger = logger
        logger[metadataKey: "stream_key"] = "\(stream.key)"
        logger[metadataKey: "pull"] = "\(endpoint.masked)"
        self.logger = logger
    }

    func start() {
        eventLoop.execute { [self] in
            let idle = server.configuration.pullIdleTimeout
            timer = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { [self] _ in tick(idle: idle) }
            connect()
        }
    }

    func end(reason: String) { eventLoop.execute { [self] in finish(reason) } }

    // MARK: connection

    private func connect() {
        guard state != .ended else { return }
        attempt &+= 1
        let thisAttempt = attempt
        setState(.connecting)
        logger.info("pull connecting")
        UpstreamSession.open(.play, to: endpoint, for: key, on: eventLoop, server: server, delegate: self, logger: logger) { [self] session in
            guard thisAttempt == attempt else { return false }
            self.session = session
            status.withLockedValue { $0.connectionID = session.info.id }
            return true
        }.whenFailure { [self] error in
            guard thisAttempt == attempt else { return }
            failed("cannot connect: \(error)")
        }
    }

    private func failed(_ reason: String) {
        releaseStream()
        guard state == .connecting || state == .playing else { return }
        guard !server.shuttingDown.load(ordering: .relaxed), stream.playerCount > 0 else { return finish(reason) }
        if stream.hasPublisher { return finish("a local publisher took \(key) over") }
        let delay = retry.schedule(on: eventLoop) { [self] in
            guard state == .waiting else { return }
            connect()
        }
        logger.warning("pull failed, retrying", metadata: ["error": "\(reason)", "retry_in_s": "\(delay)"])
        status.withLockedValue {
            $0.lastError = reason
            $0.reconnects = retry.reconnects
            $0.connectionID = nil
        }
        setState(.waiting)
    }

    private func finish(_ reason: String) {
        guard state != .ended else { return }
        attempt &+= 1
        retry.cancel()
        timer?.cancel()
        releaseStream()
        // Forgotten before it closes, so its close is not taken for a failure.
        let closing = session
        session = nil
        closing?.stop(reason: reason)
        setState(.ended)
        server.registry.release(stream)
        logger.info("pull ended", metadata: ["reason": "\(reason)"])
        server.events.add(.unpublish, "pull of \(key) from \(endpoint.masked) ended: \(reason)", streamKey: key.description)
        onEnd(self)
    }

    /// The upstream connection stops being the stream's publisher.
    private func releaseStream() {
        guard let p = publishing else { return }
        publishing = nil
        stream.releasePublisher(p)
    }

    /// Ends the pull once no player was left for the idle time, or when a
    /// local publisher took the key over.
    private func tick(idle: TimeAmount) {
        guard state != .ended else { return }
        if let p = publishing, !stream.isPublished(by: p) {
            return finish("a local publisher took \(key) over")
        }
        let now = DispatchTime.now().uptimeNanoseconds
        if stream.playerCount > 0 {
            idleSinceNanos = nil
        } else if let since = idleSinceNanos {
            if now &- since >= UInt64(idle.nanoseconds) { finish("no players for \(Double(idle.nanoseconds) / 1e9) s") }
        } else {
            idleSinceNanos = now
        }
    }

    private func setState(_ s: State) {
        state = s
        status.withLockedValue {
            $0.state = s
            $0.since = Date()
        }
    }

    // MARK: UpstreamSessionDelegate

    func upstreamReady(_ session: UpstreamSession, output: RTMPOutput, messageStreamID: UInt32) {
        guard session === self.session, state == .connecting else { return }
        switch stream.claimPublisher(session.info) {
        case .busy:
            return finish("\(key) has a local publisher")
        case .evicted(let old):
            old.channel.close(promise: nil)
        case .granted:
            break
        }
        publishing = session.info
        session.info.details.withLockedValue { $0.role = .pull }
        retry.succeeded()
        setState(.playing)
        server.events.add(.publish, "pull \(key) from \(endpoint.masked)", connectionID: session.info.id, streamKey: key.description)
    }

    func upstreamMedia(_ session: UpstreamSession, _ message: RTMPMessage) {
        guard let p = publishing, session === self.session else { return }
        // A backlog here is the local players' loops being busy: reading
        // the origin stops until they catch up, as for a local publisher.
        if message.typeID == RTMPMessageType.aggregate {
            do {
                for tag in try AggregateMessage.tags(of: message) {
                    session.pauseReading(until: stream.ingest(typeID: tag.typeID, timestamp: tag.timestamp, payload: tag.payload, from: p))
                }
            } catch {
                session.close(reason: "bad aggregate message from the origin: \(error)")
            }
            return
        }
        session.pauseReading(until: stream.ingest(typeID: message.typeID, timestamp: message.timestamp, payload: message.payload, from: p))
    }

    func upstreamWritabilityChanged(_ session: UpstreamSession, isWritable: Bool) {}

    func upstreamClosed(_ session: UpstreamSession, reason: String) {
        guard session === self.session else { return }
        self.session = nil
        failed(reason)
    }
}
