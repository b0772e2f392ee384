import Dispatch
import NIOCore
import RTMP

/// How relayed frames reach one connection: written at once while the
/// socket takes data, queued in a `PlayerQueue` (bounded, GOP-aware drops)
/// while it does not, drained when it does again. Drops are counted for the
/// connection and the stream. A player and a push (one more sink, whose
/// socket goes upstream) deliver the same way; what differs around it —
/// pause and receiveAudio for a player, reconnects for a push — stays with
/// them. Confined to the connection's loop. A class, not a value: a write
/// can cross the socket's high-water mark, and NIO tells us from inside
/// that write (`writabilityChanged` re-enters while `enqueue` runs).
final class QueuedDelivery {
    let output: RTMPOutput
    let info: ConnectionInfo
    let stream: LiveStream
    let messageStreamID: UInt32
    private(set) var queue: PlayerQueue
    private(set) var drops = PlayerQueue.Drops()
    /// Set when the socket stopped taking data; cleared when it takes it
    /// again. The channel says so synchronously, from inside the write that
    /// crossed its high-water mark, so this is the channel's writability
    /// without a load from the channel's state per frame.
    private(set) var unwritableSinceNanos: UInt64?
    var writable: Bool { unwritableSinceNanos == nil }

    init(output: RTMPOutput, info: ConnectionInfo, stream: LiveStream, messageStreamID: UInt32, limits: PlayerQueue.Limits) {
        self.output = output
        self.info = info
        self.stream = stream
        self.messageStreamID = messageStreamID
        self.queue = PlayerQueue(limits: limits)
        if !output.isWritable { unwritableSinceNanos = DispatchTime.now().uptimeNanoseconds }
    }

    /// Writes or queues one frame, by the drop policy.
    func enqueue(_ frame: MediaFrame) {
        let before = drops
        defer { countDrops(since: before) }
        guard queue.admit(frame, drops: &drops) else { return }
        if queue.isEmpty, writable {
            output.write(frame, messageStreamID: messageStreamID)
        } else if queue.push(frame, drops: &drops) {
            output.resetMediaHeaders()
        }
    }

    func writabilityChanged(isWritable: Bool) {
        if isWritable {
            unwritableSinceNanos = nil
            drainQueue()
        } else if unwritableSinceNanos == nil {
            unwritableSinceNanos = DispatchTime.now().uptimeNanoseconds
        }
    }

    /// Video waits for the next keyframe (a join without one, a resume).
    func skipVideoUntilKeyframe() { queue.skipVideoUntilKeyframe() }

    func removeAll() {
        queue.removeAll()
        publishQueueGauges()
    }

    private func countDrops(since before: PlayerQueue.Drops) {
        let dv = drops.video &- before.video, da = drops.audio &- before.audio
        guard dv > 0 || da > 0 else { return }
        info.droppedVideo.wrappingIncrement(by: UInt64(dv), ordering: .relaxed)
        info.droppedAudio.wrappingIncrement(by: UInt64(da), ordering: .relaxed)
        stream.noteDrops(video: dv, audio: da)
    }

    private func drainQueue() {
        var wrote = false
        while writable, let frame = queue.popFirst() {
            output.write(frame, messageStreamID: messageStreamID)
            wrote = true
        }
        publishQueueGauges()
        if wrote { output.flush() }
    }

    /// The snapshot's view of the queue, updated once per batch rather than per frame.
    func publishQueueGauges() {
        info.queuedBytes.store(queue.bytes, ordering: .relaxed)
        info.queuedMessages.store(queue.count, ordering: .relaxed)
    }
}
