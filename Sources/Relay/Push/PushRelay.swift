import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RTMP

/// One `--push` target of one published stream. While its upstream
/// connection publishes, it is a sink of the stream like a player: its own
/// bounded queue and GOP-aware drops (`QueuedDelivery`), so a slow or dead
/// upstream never slows the publisher or the local players. It starts with
/// the metadata, the sequence headers and the frames since the newest
/// keyframe; after a failure or an upstream close it is off the stream and
/// tries again (`ReconnectBackoff`: 1 s doubling to 30 s), resuming the
/// same way. It ends when the stream's publisher leaves. Confined to its
/// event loop; the snapshot reads `status`.
final class PushRelay: StreamSink, UpstreamSessionDelegate, @unchecked Sendable {
    enum State: String, Sendable {
        case connecting, publishing, waiting
        /// Stopped from the dashboard or the API; `restart` resumes it.
        case stopped
        /// The publisher left: this push is over.
        case ended
    }

    /// What the snapshot shows, any thread.
    struct Status: Sendable {
        var state: State = .connecting
        var lastError: String?
        var reconnects = 0
        var connection: ConnectionInfo?
        /// Sent and dropped by the connections before the current one.
        var earlierBytesOut: UInt64 = 0
        var earlierDroppedVideo: UInt64 = 0
        var earlierDroppedAudio: UInt64 = 0
        var since = Date()
        var retryAt: Date?
    }

    let id: UInt64
    let eventLoop: EventLoop
    let stream: LiveStream
    let endpoint: UpstreamEndpoint
    private let server: ServerState
    private let logger: Logger
    private let onEnd: @Sendable (PushRelay) -> Void
    let status = NIOLockedValueBox(Status())

    // Confined to `eventLoop`.
    private var state: State = .connecting
    private var session: UpstreamSession?
    private var delivery: QueuedDelivery?
    private var retry = UpstreamRetry()
    /// Bumped per connection attempt: callbacks of an older one are ignored.
    private var attempt: UInt64 = 0
    /// The deepest the queue got, for the closing log line.
    private var maxQueuedBytes = 0

    init(id: UInt64, stream: LiveStream, endpoint: UpstreamEndpoint, server: ServerState, eventLoop: EventLoop, logger: Logger,
         onEnd: @escaping @Sendable (PushRelay) -> Void) {
        self.id = id
        self.stream = stream
        self.endpoint = endpoint
        self.server = server
        self.eventLoop = eventLoop
        self.onEnd = onEnd
        var logger = logger
        logger[metadataKey: "stream_key"] = "\(stream.key)"
        logger[metadataKey: "push"] = "\(endpoint.masked)"
        self.logger = logger
    }

    // MARK: control (any thread)

    func start() { onLoop { $0.connect() } }

    /// Stops until `restart` (dashboard `k`, the API).
    func stop() { onLoop { $0.halt(.stopped, reason: "stopped") } }

    func restart() {
        onLoop { r in
            guard r.state == .stopped || r.state == .waiting else { return }
            r.retry.cancel()
            r.retry.succeeded()
            r.connect()
        }
    }

    /// The publisher left or the server stops: unpublish upstream, for good.
    func end(reason: String) { onLoop { $0.halt(.ended, reason: reason) } }

    private func onLoop(_ body: @escaping @Sendable (PushRelay) -> Void) {
        eventLoop.execute { body(self) }
    }

    // MARK: connection

    private func connect() {
        guard state != .ended, !server.shuttingDown.load(ordering: .relaxed) else { return }
        attempt &+= 1
        let thisAttempt = attempt
        setState(.connecting)
        logger.info("push connecting")
        UpstreamSession.open(.publish, to: endpoint, for: stream.key, on: eventLoop, server: server, delegate: self, logger: logger) { [self] session in
            // Stopped while connecting: this connection is not wanted.
            guard thisAttempt == attempt else { return false }
            self.session = session
            status.withLockedValue { $0.connection = session.info }
            return true
        }.whenFailure { [self] error in
            guard thisAttempt == attempt else { return }
            failed("cannot connect: \(error)")
        }
    }

    /// The connection failed or closed: off the stream, and try again later.
    private func failed(_ reason: String) {
        leaveStream()
        guard state == .connecting || state == .publishing else { return }
        guard !server.shuttingDown.load(ordering: .relaxed) else { return halt(.ended, reason: "server shutting down") }
        let delay = retry.schedule(on: eventLoop) { [self] in
            guard state == .waiting else { return }
            connect()
        }
        logger.warning("push failed, retrying", metadata: ["error": "\(reason)", "retry_in_s": "\(delay)"])
        server.events.add(.info, "push \(endpoint.masked) of \(stream.key) failed: \(reason); retry in \(delay) s", streamKey: stream.key.description)
        status.withLockedValue {
            $0.lastError = reason
            $0.reconnects = retry.reconnects
            $0.retryAt = Date().addingTimeInterval(TimeInterval(delay))
        }
        setState(.waiting)
    }

    private func halt(_ next: State, reason: String) {
        guard state != .ended else { return }
        retry.cancel()
        attempt &+= 1
        leaveStream()
        // Forgotten before it closes, so its close is not taken for a failure.
        let closing = session
        session = nil
        closing?.stop(reason: reason)
        let wasStopped = state == .stopped
        setState(next)
        if next == .ended {
            let s = status.withLockedValue { $0 }
            logger.info("push ended", metadata: [
                "reason": "\(reason)", "bytes_out": "\(s.earlierBytesOut)", "reconnects": "\(s.reconnects)",
                "dropped": "\(s.earlierDroppedVideo &+ s.earlierDroppedAudio)", "max_queued_bytes": "\(maxQueuedBytes)",
            ])
            onEnd(self)
        } else if !wasStopped {
            logger.info("push stopped")
            server.events.add(.info, "push \(endpoint.masked) of \(stream.key) stopped", streamKey: stream.key.description)
        }
    }

    /// Unsubscribes and folds the connection's counters into the totals.
    private func leaveStream() {
        guard let d = delivery else { return }
        delivery = nil
        stream.unsubscribe(self)
        d.removeAll()
        let info = d.info
        status.withLockedValue {
            $0.earlierBytesOut &+= info.bytesOut.load(ordering: .relaxed)
            $0.earlierDroppedVideo &+= info.droppedVideo.load(ordering: .relaxed)
            $0.earlierDroppedAudio &+= info.droppedAudio.load(ordering: .relaxed)
            $0.connection = nil
        }
    }

    private func setState(_ s: State) {
        state = s
        status.withLockedValue {
            $0.state = s
            $0.since = Date()
            if s != .waiting { $0.retryAt = nil }
        }
    }

    // MARK: UpstreamSessionDelegate

    func upstreamReady(_ session: UpstreamSession, output: RTMPOutput, messageStreamID: UInt32) {
        guard session === self.session, state == .connecting else { return }
        let d = QueuedDelivery(output: output, info: session.info, stream: stream, messageStreamID: messageStreamID,
                               limits: PlayerQueue.Limits(covering: server.configuration.gopLimits))
        // In place before the burst is written: a burst that fills the
        // socket says so from inside its writes, and `d` must hear it.
        delivery = d
        // The burst is handed over under the stream's lock, so nothing
        // posted to us later overtakes it; it starts on the newest keyframe.
        let live = stream.subscribeIfLive(self, from: .newestKeyframe) { burst in
            if !burst.contains(where: { $0.kind == .video && $0.isKeyframe }) { d.skipVideoUntilKeyframe() }
            for frame in burst { d.enqueue(frame) }
        }
        guard live else {
            delivery = nil
            return halt(.ended, reason: "the stream is no longer published")
        }
        d.publishQueueGauges()
        maxQueuedBytes = max(maxQueuedBytes, d.queue.bytes)
        output.flush()
        retry.succeeded()
        let reconnected = status.withLockedValue { $0.reconnects > 0 }
        setState(.publishing)
        logger.info(reconnected ? "push reconnected" : "push publishing")
        server.events.add(.publish, "push \(endpoint.masked) of \(stream.key) \(reconnected ? "reconnected" : "publishing")",
                          connectionID: session.info.id, streamKey: stream.key.description)
    }

    func upstreamMedia(_ session: UpstreamSession, _ message: RTMPMessage) {}

    func upstreamWritabilityChanged(_ session: UpstreamSession, isWritable: Bool) {
        guard session === self.session else { return }
        delivery?.writabilityChanged(isWritable: isWritable)
    }

    func upstreamClosed(_ session: UpstreamSession, reason: String) {
        guard session === self.session else { return }
        self.session = nil
        failed(reason)
    }

    // MARK: StreamSink

    func receive(_ items: ArraySlice<StreamItem>) {
        guard delivery != nil else { return }
        for item in items {
            switch item {
            case .frame(let frame):
                delivery?.enqueue(frame)
            case .publisherStopped:
                delivery?.output.flush()
                return halt(.ended, reason: "publisher left")
            case .publisherStarted:
                break
            }
        }
        guard let d = delivery else { return }
        d.publishQueueGauges()
        maxQueuedBytes = max(maxQueuedBytes, d.queue.bytes)
        d.output.flush()
    }

    // MARK: loop guard

    /// Our connect's flashVer carries this process's token: a publish that
    /// arrives with it came from ourselves (a push aimed at this server).
    static func flashVer(_ server: ServerState) -> String { "FMLE/3.0 (compatible; rtmp-top relay \(server.instanceToken))" }
}
