import Foundation

/// Polls `predicate` until it holds or `timeout` seconds pass; true if it held.
/// For state that has no event to await (a snapshot, another process).
public func waitUntil(timeout: TimeInterval, _ predicate: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while !predicate() {
        if Date() > deadline { return false }
        usleep(10_000)
    }
    return true
}
