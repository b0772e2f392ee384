/// The orders `s` cycles through, in that order. Every order breaks ties by
/// stream key, so rows never swap places between two identical snapshots.
public enum StreamSortOrder: String, Sendable, CaseIterable {
    /// Stream key, A to Z.
    case key
    /// Input bitrate, highest first.
    case bitrate
    /// Number of players, most first.
    case players
    /// Dropped frames, most first.
    case drops
    /// Time since the publisher started, longest first; streams without a
    /// publisher last.
    case liveTime

    /// The order after this one (wrapping around).
    public var next: StreamSortOrder {
        let all = Self.allCases
        let index = all.firstIndex(of: self) ?? 0
        return all[(index + 1) % all.count]
    }

    /// How the help overlay and status line name it.
    public var title: String {
        switch self {
        case .key: return "key"
        case .bitrate: return "bitrate"
        case .players: return "players"
        case .drops: return "drops"
        case .liveTime: return "live time"
        }
    }
}
