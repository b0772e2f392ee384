import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Stops reading a channel that publishes into a stream (a client's
/// publish, or our pull from an origin) while the loops it feeds are behind,
/// until every overloaded mailbox has drained: the server is CPU-bound, and
/// growing its backlog without bound would only trade memory for latency.
/// The sender's TCP window takes the wait. Confined to the channel's loop.
final class PublisherReadPause {
    private(set) var isPaused = false

    /// `overloaded` is what `LiveStream.ingest` returned; nothing happens
    /// when it is empty or the channel is already paused.
    func pause(_ channel: Channel, until overloaded: [LoopMailbox], logger: Logger) {
        guard !overloaded.isEmpty, !isPaused else { return }
        isPaused = true
        try? channel.syncOptions?.setOption(.autoRead, value: false)
        logger.debug("publisher paused: relay backlog", metadata: ["mailboxes": "\(overloaded.count)"])
        let pause = NIOLoopBound(self, eventLoop: channel.eventLoop)
        let remaining = NIOLockedValueBox(overloaded.count)
        for m in overloaded {
            m.whenBelowLowWater {
                guard remaining.withLockedValue({ $0 -= 1; return $0 }) == 0 else { return }
                channel.eventLoop.execute { pause.value.resume(channel) }
            }
        }
    }

    private func resume(_ channel: Channel) {
        guard isPaused else { return }
        isPaused = false
        try? channel.syncOptions?.setOption(.autoRead, value: true)
        channel.read()
    }
}
