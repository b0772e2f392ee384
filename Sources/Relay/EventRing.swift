import Foundation
import NIOConcurrencyHelpers
import DequeModule

/// The last few hundred notable events, for the dashboard's event pane.
final class EventRing: Sendable {
    private let events = NIOLockedValueBox(Deque<ServerEvent>())
    let capacity: Int

    init(capacity: Int = 200) {
        self.capacity = capacity
    }

    func add(_ message: String, connectionID: UInt64? = nil, streamKey: String? = nil) {
        let e = ServerEvent(time: Date(), message: message, connectionID: connectionID, streamKey: streamKey)
        events.withLockedValue { ring in
            ring.append(e)
            if ring.count > capacity { ring.removeFirst() }
        }
    }

    var all: [ServerEvent] { events.withLockedValue { Array($0) } }
}
