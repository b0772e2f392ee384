import NIOConcurrencyHelpers
import NIOCore

/// Delivers stream items to the sinks living on one event loop with one
/// hop per batch, not one per sink and message: the publisher's loop appends
/// under a lock and schedules a drain only when the mailbox was empty.
final class LoopMailbox: Sendable {
    struct Letter: Sendable {
        let item: StreamItem
        let sinks: [any StreamSink]
    }

    private struct Pending {
        var letters: [Letter] = []
        var bytes = 0
        var waiters: [@Sendable () -> Void] = []
    }

    let eventLoop: EventLoop
    /// Media bytes posted but not yet handed to the sinks. Past `highWater`
    /// the loop is not keeping up (CPU-bound, not a slow player: those drop
    /// in their own queues), and publishers pause reading until the backlog
    /// is below `lowWater`: the server sheds load instead of growing without
    /// bound.
    let highWater: Int
    let lowWater: Int
    private let pending = NIOLockedValueBox(Pending())

    init(eventLoop: EventLoop, highWater: Int = 32 << 20, lowWater: Int = 8 << 20) {
        self.eventLoop = eventLoop
        self.highWater = highWater
        self.lowWater = lowWater
    }

    /// Returns true when the backlog is past the high-water mark.
    @discardableResult
    func post(_ item: StreamItem, to sinks: [any StreamSink]) -> Bool {
        let size: Int
        if case .frame(let f) = item { size = f.size } else { size = 0 }
        let (wasEmpty, overloaded) = pending.withLockedValue { p -> (Bool, Bool) in
            p.letters.append(Letter(item: item, sinks: sinks))
            p.bytes &+= size
            return (p.letters.count == 1, p.bytes > highWater)
        }
        if wasEmpty {
            eventLoop.execute { self.drain() }
        }
        return overloaded
    }

    /// Calls `body` (on any thread) once the backlog is below the low-water mark.
    func whenBelowLowWater(_ body: @escaping @Sendable () -> Void) {
        let now = pending.withLockedValue { p -> Bool in
            if p.bytes <= lowWater { return true }
            p.waiters.append(body)
            return false
        }
        if now { body() }
    }

    private func drain() {
        let letters = pending.withLockedValue { p -> [Letter] in
            defer { p.letters.removeAll(keepingCapacity: true) }
            return p.letters
        }
        // Group consecutive letters per sink so each sink gets one batch
        // (and flushes its socket once).
        var batches: [ObjectIdentifier: (sink: any StreamSink, items: [StreamItem])] = [:]
        var order: [ObjectIdentifier] = []
        var drained = 0
        for letter in letters {
            if case .frame(let f) = letter.item { drained &+= f.size }
            for sink in letter.sinks {
                let id = ObjectIdentifier(sink)
                if batches[id] == nil {
                    batches[id] = (sink, [])
                    order.append(id)
                }
                batches[id]?.items.append(letter.item)
            }
        }
        for id in order {
            if let batch = batches[id] { batch.sink.receive(batch.items[...]) }
        }
        let waiters = pending.withLockedValue { p -> [@Sendable () -> Void] in
            p.bytes &-= drained
            guard p.bytes <= lowWater else { return [] }
            defer { p.waiters.removeAll() }
            return p.waiters
        }
        for w in waiters { w() }
    }
}
