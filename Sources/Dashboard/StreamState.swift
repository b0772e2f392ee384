import Relay

/// What a stream is doing, as the STATE column shows it.
public enum StreamState: String, Sendable {
    /// A publisher is sending.
    case live
    /// Players are connected but nobody publishes (yet, or any more).
    case waiting
    /// Neither: the entry is about to go away.
    case idle

    /// Classifies a stream from its snapshot.
    public init(_ stream: StreamSnapshot) {
        if stream.publisher != nil {
            self = .live
        } else if !stream.players.isEmpty {
            self = .waiting
        } else {
            self = .idle
        }
    }

    /// Four letters, for an 80-column table.
    var shortName: String {
        switch self {
        case .live: return "live"
        case .waiting: return "wait"
        case .idle: return "idle"
        }
    }
}
