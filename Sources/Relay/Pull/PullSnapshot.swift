import Foundation

/// A stream's pull from its origin, for the snapshot.
public struct PullSnapshot: Sendable, Encodable, Equatable {
    public var url: String
    /// connecting, playing, waiting (to retry).
    public var state: String
    public var connectionID: UInt64?
    public var reconnects: Int
    public var lastError: String?

    public init(url: String, state: String, connectionID: UInt64? = nil, reconnects: Int = 0, lastError: String? = nil) {
        self.url = url
        self.state = state
        self.connectionID = connectionID
        self.reconnects = reconnects
        self.lastError = lastError
    }

    init(_ relay: PullRelay) {
        let s = relay.status.withLockedValue { $0 }
        self.init(url: relay.endpoint.masked, state: s.state.rawValue, connectionID: s.connectionID, reconnects: s.reconnects, lastError: s.lastError)
    }
}
