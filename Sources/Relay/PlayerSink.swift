import NIOCore
import RTMP

/// A network player of one live stream: the sink the stream's mailbox
/// delivers to, on the connection's own event loop. It owns everything of
/// playing: receiveAudio/receiveVideo/pause, legacy players' filter, the
/// publisher notifications, and its `QueuedDelivery` (the bounded queue and
/// drop policy, drop counters, writability, the writes through the
/// connection's `RTMPOutput`), which a push delivers with too. `RTMPSession`
/// only creates it on `play`, passes commands on, and stops it.
///
/// Confined to `eventLoop`: the mailbox calls `receive` there (the
/// `StreamSink` contract) and the session calls everything else there.
final class PlayerSink: StreamSink, @unchecked Sendable {
    let eventLoop: EventLoop
    let stream: LiveStream
    let messageStreamID: UInt32
    private let output: RTMPOutput
    private let info: ConnectionInfo
    private let publishNotify: Bool
    /// The player announced Enhanced RTMP in `connect`; a legacy one gets
    /// only the default tracks, as the source sent them (MediaMTX does the same).
    private let enhanced: Bool
    private let delivery: QueuedDelivery
    var drops: PlayerQueue.Drops { delivery.drops }
    var unwritableSinceNanos: UInt64? { delivery.unwritableSinceNanos }
    private var receiveAudio = true
    private var receiveVideo = true
    private(set) var paused = false
    /// After `stop`, batches still in the mailbox are ignored.
    private var stopped = false
    /// The connection's bytes out when this sink began: what it sent is the difference.
    private let bytesOutAtStart: UInt64

    init(stream: LiveStream, messageStreamID: UInt32, output: RTMPOutput, info: ConnectionInfo, eventLoop: EventLoop,
         queueLimits: PlayerQueue.Limits, publishNotify: Bool, enhanced: Bool = true) {
        self.enhanced = enhanced
        self.stream = stream
        self.messageStreamID = messageStreamID
        self.output = output
        self.info = info
        self.eventLoop = eventLoop
        self.delivery = QueuedDelivery(output: output, info: info, stream: stream, messageStreamID: messageStreamID, limits: queueLimits)
        self.publishNotify = publishNotify
        self.bytesOutAtStart = info.bytesOut.load(ordering: .relaxed)
    }

    // MARK: the stream's side

    /// What the stream had when we subscribed (metadata, sequence headers,
    /// the join burst). Without a keyframe in it (no GOP cache, no publisher
    /// yet, a GOP over the cache's cap) video starts at the next keyframe.
    func start(burst: [MediaFrame]) {
        if !burst.contains(where: { $0.kind == .video && $0.isKeyframe }) { delivery.skipVideoUntilKeyframe() }
        for frame in burst { enqueue(frame) }
        delivery.publishQueueGauges()
        output.flush()
    }

    func receive(_ items: ArraySlice<StreamItem>) {
        guard !stopped else { return }
        for item in items {
            switch item {
            case .frame(let frame):
                enqueue(frame)
            case .publisherStarted:
                output.send(ControlMessage.userControl(.streamBegin(streamID: messageStreamID)).message)
                if publishNotify {
                    output.send(NetReply.status(.playPublishNotify, "\(stream.key) is now published.", messageStreamID: messageStreamID))
                }
                delivery.skipVideoUntilKeyframe()
            case .publisherStopped:
                output.send(ControlMessage.userControl(.streamEOF(streamID: messageStreamID)).message)
                if publishNotify {
                    output.send(NetReply.status(.playUnpublishNotify, "\(stream.key) is now unpublished.", messageStreamID: messageStreamID))
                }
            }
        }
        delivery.publishQueueGauges()
        output.flush()
    }

    /// Bytes this player has been sent since it subscribed (any thread).
    var bytesSent: UInt64 { info.bytesOut.load(ordering: .relaxed) &- bytesOutAtStart }

    // MARK: the session's side

    func setReceiveAudio(_ on: Bool) { receiveAudio = on }
    func setReceiveVideo(_ on: Bool) { receiveVideo = on }

    func pause(_ pause: Bool) {
        paused = pause
        if pause {
            delivery.removeAll()
            output.send(NetReply.status(.pauseNotify, "Paused.", messageStreamID: messageStreamID))
            output.send(ControlMessage.userControl(.streamEOF(streamID: messageStreamID)).message)
        } else {
            output.send(ControlMessage.userControl(.streamBegin(streamID: messageStreamID)).message)
            output.send(NetReply.status(.unpauseNotify, "Unpaused.", messageStreamID: messageStreamID))
            // Resume on a decodable picture, like a late joiner.
            delivery.skipVideoUntilKeyframe()
            output.resetHeaders()
            for frame in stream.joinBurst() { enqueue(frame) }
        }
        delivery.publishQueueGauges()
        output.flush()
    }

    /// The server is shutting down: tell the player the stream is over, so
    /// ffmpeg ends cleanly.
    func announceShutdown() {
        output.send(NetReply.status(.playUnpublishNotify, "Server shutting down.", messageStreamID: messageStreamID))
        output.send(ControlMessage.userControl(.streamEOF(streamID: messageStreamID)).message)
    }

    func writabilityChanged(isWritable: Bool) {
        delivery.writabilityChanged(isWritable: isWritable)
    }

    /// Unsubscribes; later batches are ignored.
    func stop() {
        guard !stopped else { return }
        stopped = true
        stream.unsubscribe(self)
        delivery.removeAll()
    }

    private func enqueue(_ frame: MediaFrame) {
        guard !paused else { return }
        if frame.kind == .audio && !receiveAudio { return }
        if frame.kind == .video && !receiveVideo { return }
        if frame.needsEnhancedPlayer && !enhanced { return }
        delivery.enqueue(frame)
    }
}
