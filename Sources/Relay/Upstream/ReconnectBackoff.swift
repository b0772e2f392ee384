/// When an upstream connection tries again: 1 s after the first failure,
/// doubling up to 30 s (issue 12), back to 1 s once a connection got as
/// far as publishing or playing. A policy as a value, tested alone.
struct ReconnectBackoff: Sendable, Equatable {
    static let firstDelaySeconds = 1
    static let maxDelaySeconds = 30

    private(set) var nextDelaySeconds = firstDelaySeconds
    /// Attempts after the first connection (the snapshot's "reconnects").
    private(set) var reconnects = 0

    /// The delay before the next attempt; the one after is twice as long.
    mutating func failed() -> Int {
        let delay = nextDelaySeconds
        nextDelaySeconds = min(Self.maxDelaySeconds, nextDelaySeconds * 2)
        reconnects &+= 1
        return delay
    }

    /// The connection started publishing or playing.
    mutating func succeeded() {
        nextDelaySeconds = Self.firstDelaySeconds
    }
}
