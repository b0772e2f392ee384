import Foundation
import NIOConcurrencyHelpers
import DequeModule

/// The last few hundred notable events, for the dashboard's event pane.
final class EventRing: Sendable {
    private let events = NIOLockedValueBox((ring: Deque<ServerEvent>(), lastID: UInt64(0)))
    let capacity: Int

    init(capacity: Int = 200) {
        self.capacity = capacity
    }

    func add(_ kind: ServerEvent.Kind, _ message: String, connectionID: UInt64? = nil, streamKey: String? = nil) {
        let now = Date()
        events.withLockedValue { state in
            state.lastID &+= 1
            state.ring.append(ServerEvent(id: state.lastID, kind: kind, time: now, message: message, connectionID: connectionID, streamKey: streamKey))
            if state.ring.count > capacity { state.ring.removeFirst() }
        }
    }

    var all: [ServerEvent] { events.withLockedValue { Array($0.ring) } }

    /// The events with an id above `id`, oldest first; none without copying
    /// the ring when there is nothing new (the event feed asks 5 times a second).
    func after(_ id: UInt64) -> [ServerEvent] {
        events.withLockedValue { state in
            guard state.lastID > id else { return [] }
            return state.ring.filter { $0.id > id }
        }
    }

    var lastID: UInt64 { events.withLockedValue { $0.lastID } }
}
