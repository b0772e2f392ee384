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

    let eventLoop: EventLoop
    private let pending = NIOLockedValueBox<[Letter]>([])

    init(eventLoop: EventLoop) {
        self.eventLoop = eventLoop
    }

    func post(_ item: StreamItem, to sinks: [any StreamSink]) {
        let wasEmpty = pending.withLockedValue { letters -> Bool in
            letters.append(Letter(item: item, sinks: sinks))
            return letters.count == 1
        }
        if wasEmpty {
            eventLoop.execute { self.drain() }
        }
    }

    private func drain() {
        let letters = pending.withLockedValue { letters -> [Letter] in
            defer { letters.removeAll(keepingCapacity: true) }
            return letters
        }
        // Group consecutive letters per sink so each sink gets one batch
        // (and flushes its socket once).
        var batches: [ObjectIdentifier: (sink: any StreamSink, items: [StreamItem])] = [:]
        var order: [ObjectIdentifier] = []
        for letter in letters {
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
    }
}
