import NIOConcurrencyHelpers
import NIOCore

/// Delivers stream items to the sinks living on one event loop with one
/// hop per batch, not one per sink and message: the publisher's loop appends
/// under a lock and schedules a drain only when the mailbox was empty.
///
/// The drain allocates nothing per sink: letters posted to the same sink
/// list (the stream's, unchanged between joins and leaves) form one group,
/// and every sink of a group gets the group's items as one slice, however
/// the letters of several streams on this loop interleave (one flush per
/// player per drain, which `mergeWriteDelay` counts on).
final class LoopMailbox: @unchecked Sendable {
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
    /// Zero: a drain is scheduled for the loop's next turn as soon as the
    /// first item arrives, so each frame leaves at once (at real-time pace,
    /// one socket write per frame per player). Above zero: the drain waits
    /// this long, so every player writes whatever arrived meanwhile (the
    /// audio and video around it) in one write: fewer, larger writes cost
    /// the kernel less per byte, at this much more latency (SRS's merged
    /// write, `mw_latency`). `--merge-write-ms`.
    let mergeWriteDelay: TimeAmount
    private let pending = NIOLockedValueBox(Pending())
    /// Confined to `eventLoop`: the letters being drained and the items of
    /// one run, kept with their capacity between drains (swapped with
    /// `pending.letters`, so neither side allocates in the steady state).
    private var draining: [Letter] = []
    private var groups: [(id: Int, sinks: [any StreamSink])] = []
    /// Items per group, by group number: kept with their capacity between
    /// drains, so grouping allocates nothing in the steady state.
    private var groupItems: [[StreamItem]] = []

    init(eventLoop: EventLoop, highWater: Int = 32 << 20, lowWater: Int = 8 << 20, mergeWriteDelay: TimeAmount = .zero) {
        self.eventLoop = eventLoop
        self.mergeWriteDelay = mergeWriteDelay
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
            if mergeWriteDelay > .zero {
                eventLoop.scheduleTask(in: mergeWriteDelay) { self.drain() }
            } else {
                eventLoop.execute { self.drain() }
            }
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
        pending.withLockedValue { p in swap(&p.letters, &draining) }
        var drained = 0
        // Group letters by sink list. A stream's lists only ever follow one
        // another (a join or leave makes a new one while letters hold the
        // old), so delivering groups in order of first appearance keeps each
        // sink's items in stream order.
        for letter in draining {
            if case .frame(let f) = letter.item { drained &+= f.size }
            let id = Self.identity(letter.sinks)
            // A loop holds few streams' lists: a scan beats hashing.
            var g = groups.firstIndex { $0.id == id } ?? -1
            if g < 0 {
                g = groups.count
                groups.append((id, letter.sinks))
                if groupItems.count <= g { groupItems.append([]) }
            }
            groupItems[g].append(letter.item)
        }
        for (g, group) in groups.enumerated() {
            let items = groupItems[g][...]
            for sink in group.sinks { sink.receive(items) }
        }
        for g in groups.indices { groupItems[g].removeAll(keepingCapacity: true) }
        draining.removeAll(keepingCapacity: true)
        groups.removeAll(keepingCapacity: true)
        let waiters = pending.withLockedValue { p -> [@Sendable () -> Void] in
            p.bytes &-= drained
            guard p.bytes <= lowWater else { return [] }
            defer { p.waiters.removeAll() }
            return p.waiters
        }
        for w in waiters { w() }
    }

    /// A sink list's storage address: the stream posts its current list, a
    /// copy-on-write value shared until a sink joins or leaves, and every
    /// letter being drained keeps its list alive, so no two lists alive at
    /// once share an address.
    private static func identity(_ sinks: [any StreamSink]) -> Int {
        sinks.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
    }
}
