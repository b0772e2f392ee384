import Foundation
import Relay

/// Everything the dashboard remembers between frames: which view, what is
/// selected, how streams are sorted and filtered, what overlays are open.
/// A plain value: `DashboardController` changes it, `DashboardRenderer`
/// reads it, and the server is never consulted.
public struct DashboardState: Sendable, Equatable {
    /// The main view.
    public enum View: Sendable, Equatable {
        /// The table of all streams.
        case streams
        /// One stream's summary with its publisher, pushes and players.
        case detail(streamKey: String)
    }

    /// A question waiting for `y`.
    public enum Confirmation: Sendable, Equatable {
        /// Disconnect `connectionID`; `description` ("player 127.0.0.1:5555")
        /// is captured with the id when `k` is pressed, so the prompt and the
        /// action stay right even if rows re-sort or the connection leaves.
        case kick(connectionID: UInt64, description: String)
        /// Stop push `pushID` until it is restarted; `description` ("push
        /// rtmp://…") is captured like a kick's.
        case stopPush(pushID: UInt64, description: String)
        /// Send Enhanced RTMP's Reconnect Request to publisher `connectionID`;
        /// `description` is captured like a kick's.
        case requestReconnect(connectionID: UInt64, description: String)
    }

    /// A one-line message shown for a few seconds after a key.
    public struct StatusMessage: Sendable, Equatable {
        /// What it says ("Sorted by bitrate").
        public var text: String
        /// The snapshot time when it was set; it fades `lifetime` later.
        public var shownAt: Date

        /// A message shown at snapshot time `shownAt`.
        public init(text: String, shownAt: Date) {
            self.text = text
            self.shownAt = shownAt
        }

        /// How long a status message stays up.
        public static let lifetime: TimeInterval = 5

        /// Whether it still shows at `now`.
        public func isVisible(at now: Date) -> Bool {
            let age = now.timeIntervalSince(shownAt)
            return age >= -1 && age < Self.lifetime
        }
    }

    /// Which view is shown.
    public var view: View = .streams
    /// The selected stream's key. When it is nil or no longer listed, the
    /// stream at `selectedStreamIndex` (clamped) is selected instead, so there
    /// is always a selection while there are streams.
    public var selectedStreamKey: String?
    /// Where the selection was when last resolved: the fallback position
    /// when the selected stream disappears (its neighbour takes over).
    public var selectedStreamIndex: Int = 0
    /// In the detail view: the selected row (publisher, push or player).
    public var selectedRowID: DetailRow.ID?
    /// Fallback position for `selectedRowID`, as above.
    public var selectedRowIndex: Int = 0
    /// First stream row shown (the table scrolls to keep the selection visible).
    public var streamScrollOffset: Int = 0
    /// First row shown in the detail view's table.
    public var rowScrollOffset: Int = 0
    /// The streams table's order (`s` cycles it).
    public var sort: StreamSortOrder = .key
    /// Case-insensitive text matched against stream key, publisher address
    /// and client name; empty shows every stream.
    public var filter: String = ""
    /// While true every key is filter text until Enter or Esc.
    public var isEditingFilter = false
    /// The event log pane (`l` toggles it).
    public var isLogVisible = true
    /// The help overlay (`?` or F1; any key closes it).
    public var isHelpVisible = false
    /// A kick or a push stop waiting for `y` (any other key cancels it).
    public var pendingConfirmation: Confirmation?
    /// The last key's feedback, shown above the footer for a few seconds.
    public var statusMessage: StatusMessage?

    /// The initial state: streams view, first stream selected, sorted by key,
    /// no filter, event log shown.
    public init() {}

    // MARK: streams

    /// The streams the table shows, in order: filtered, then sorted
    /// (stable; ties broken by key in natural order, `cam2` before `cam10`).
    public func visibleStreams(in snapshot: ServerSnapshot) -> [StreamSnapshot] {
        let needle = filter.lowercased()
        let matching = needle.isEmpty ? snapshot.streams : snapshot.streams.filter { Self.stream($0, matches: needle) }
        let sort = self.sort
        // Natural key order (`cam2` before `cam10`) is the tie-break of
        // every order; the original position settles duplicate keys.
        let entries = matching.enumerated().map { (stream: $0.element, key: NaturalSortKey($0.element.key), position: $0.offset) }
        return entries.sorted { a, b in
            if let ordered = Self.ordered(a.stream, b.stream, by: sort) { return ordered }
            return a.key != b.key ? a.key < b.key : a.position < b.position
        }.map(\.stream)
    }

    /// Index into `visible` of the selected stream, or nil when there are none.
    public func selectedStreamPosition(in visible: [StreamSnapshot]) -> Int? {
        guard !visible.isEmpty else { return nil }
        if let key = selectedStreamKey, let index = visible.firstIndex(where: { $0.key == key }) { return index }
        return min(max(selectedStreamIndex, 0), visible.count - 1)
    }

    /// The stream the keys act on: the detail view's stream, or the selected
    /// row of the table. Nil when there is none (or it has gone).
    public func currentStream(in snapshot: ServerSnapshot) -> StreamSnapshot? {
        switch view {
        case .detail(let key):
            return snapshot.streams.first { $0.key == key }
        case .streams:
            let visible = visibleStreams(in: snapshot)
            return selectedStreamPosition(in: visible).map { visible[$0] }
        }
    }

    // MARK: detail rows

    /// The selected row's connection id; nil when a push row (or nothing) is selected.
    public var selectedConnectionID: UInt64? {
        if case .connection(let id) = selectedRowID { return id }
        return nil
    }

    /// The detail view's selected row in `snapshot` (by position when the
    /// selection is not resolved yet); nil in the streams view or when there is none.
    public func selectedRow(in snapshot: ServerSnapshot) -> DetailRow? {
        guard case .detail = view, let stream = currentStream(in: snapshot) else { return nil }
        let rows = DetailRow.rows(of: stream)
        return selectedRowPosition(in: rows).map { rows[$0] }
    }

    /// `connection` is `stream`'s publisher and a client that connected to
    /// us, so a Reconnect Request can reach it; in edge mode the publisher
    /// is our own pull connection, which nobody would ask to move.
    public static func isClientPublisher(_ connection: ConnectionSnapshot, of stream: StreamSnapshot) -> Bool {
        guard connection.id == stream.publisher?.id else { return false }
        return stream.pull?.connectionID != connection.id
    }

    /// `e` can work on `connection`: a client publisher of `stream` whose
    /// connect announced capsEx Reconnect (what the server checks too).
    public static func canAskToReconnect(_ connection: ConnectionSnapshot, of stream: StreamSnapshot) -> Bool {
        connection.handlesReconnectRequest && isClientPublisher(connection, of: stream)
    }

    /// Index into `rows` (`DetailRow.rows(of:)`) of the selected row, or nil when empty.
    public func selectedRowPosition(in rows: [DetailRow]) -> Int? {
        guard !rows.isEmpty else { return nil }
        if let id = selectedRowID, let index = rows.firstIndex(where: { $0.id == id }) { return index }
        return min(max(selectedRowIndex, 0), rows.count - 1)
    }

    // MARK: helpers

    static func stream(_ stream: StreamSnapshot, matches needle: String) -> Bool {
        if stream.key.lowercased().contains(needle) { return true }
        if let publisher = stream.publisher {
            if publisher.remote.lowercased().contains(needle) { return true }
            if let client = publisher.clientName, client.lowercased().contains(needle) { return true }
        }
        return false
    }

    /// True/false when `sort` orders the two, nil when it sees them as equal.
    static func ordered(_ a: StreamSnapshot, _ b: StreamSnapshot, by sort: StreamSortOrder) -> Bool? {
        switch sort {
        case .key:
            return nil
        case .bitrate:
            let x = sanitized(inputBitrate(a)), y = sanitized(inputBitrate(b))
            return x == y ? nil : x > y
        case .players:
            return a.players.count == b.players.count ? nil : a.players.count > b.players.count
        case .drops:
            let x = drops(a), y = drops(b)
            return x == y ? nil : x > y
        case .liveTime:
            switch (a.isLive ? a.publishedAt : nil, b.isLive ? b.publishedAt : nil) {
            case let (x?, y?): return x == y ? nil : x < y
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return nil
            }
        }
    }

    /// The stream's input bitrate; 0 without a publisher, whatever the
    /// snapshot still carries from the last one.
    static func inputBitrate(_ stream: StreamSnapshot) -> Double {
        stream.isLive ? stream.bitrateBps : 0
    }

    /// What the stream sends: to its players and to its pushes' upstreams.
    static func outputBitrate(_ stream: StreamSnapshot) -> Double {
        let players = stream.players.reduce(0.0) { $0 + ($1.outBps.isFinite ? $1.outBps : 0) }
        return stream.pushes.reduce(players) { $0 + ($1.outBps.isFinite ? $1.outBps : 0) }
    }

    /// Frames dropped for all of the stream's players.
    static func drops(_ stream: StreamSnapshot) -> UInt64 {
        stream.droppedVideo &+ stream.droppedAudio
    }

    /// NaN sorts as zero instead of breaking the sort's ordering rules.
    static func sanitized(_ value: Double) -> Double {
        value.isNaN ? 0 : value
    }
}
