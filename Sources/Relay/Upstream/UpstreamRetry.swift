import NIOCore

/// A push's or a pull's next connection attempt: the `ReconnectBackoff`
/// policy and the task it scheduled, kept together so that a restart or an
/// end cancels what a failure scheduled. Confined to its owner's loop.
struct UpstreamRetry {
    private(set) var backoff = ReconnectBackoff()
    private var task: Scheduled<Void>?

    var reconnects: Int { backoff.reconnects }

    /// After a failure: runs `attempt` on `loop` after the policy's delay; returns the delay in seconds.
    mutating func schedule(on loop: EventLoop, _ attempt: @escaping @Sendable () -> Void) -> Int {
        let delay = backoff.failed()
        task = loop.scheduleTask(in: .seconds(Int64(delay)), attempt)
        return delay
    }

    /// The connection got as far as publishing or playing: the next failure waits the shortest delay.
    mutating func succeeded() { backoff.succeeded() }

    mutating func cancel() {
        task?.cancel()
        task = nil
    }
}
