import Dispatch
import Logging
import NIOConcurrencyHelpers

/// At most one log line per interval for a kind of event a peer can make
/// happen as often as it likes (refused connections): a flood must not
/// flood the log. The line after a quiet spell says how many were not logged.
final class RateLimitedLog: Sendable {
    private let interval: UInt64
    private let state = NIOLockedValueBox<(lastNanos: UInt64?, suppressed: Int)>((nil, 0))

    init(intervalNanos: UInt64 = 1_000_000_000) {
        interval = intervalNanos
    }

    /// Logs through `emit` (with the count suppressed since the last line) or counts it.
    func log(now: UInt64 = DispatchTime.now().uptimeNanoseconds, _ emit: (_ suppressed: Int) -> Void) {
        let suppressed = state.withLockedValue { s -> Int? in
            if let last = s.lastNanos, now &- last < interval {
                s.suppressed += 1
                return nil
            }
            defer { s = (now, 0) }
            return s.suppressed
        }
        if let suppressed { emit(suppressed) }
    }
}
