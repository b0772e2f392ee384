import Foundation
import Relay

/// Turns key presses into state changes and `DashboardAction`s. Pure: it
/// reads the snapshot it is given and returns what the app should do; the
/// app performs the actions (stop, record, kick, stop or restart a push,
/// ask a publisher to reconnect) through the server's control API, starts
/// ffplay or sets the clipboard, and may hand back a message about how that
/// went (`show(message:at:)`).
///
/// Order of precedence for a key: a pending y/n confirmation takes it, then
/// an open help overlay (any key closes it), then filter editing (keys are
/// text), then the command keys of the current view.
public struct DashboardController: Sendable {
    /// The state the renderer draws; the app may read it, and may set it
    /// (for instance to start with the log hidden).
    public var state: DashboardState

    /// The filtered, sorted list for the snapshot being handled: one key
    /// press asks for it several times, and with a thousand streams sorting
    /// is the expensive part. Emptied before and after every call, so it
    /// never outlives its snapshot.
    private var visibleCache: (sort: StreamSortOrder, filter: String, streams: [StreamSnapshot])?

    /// Starts from `state` (the initial state by default).
    public init(state: DashboardState = DashboardState()) {
        self.state = state
    }

    /// The streams the table shows for `snapshot`: filtered and sorted.
    public func visibleStreams(_ snapshot: ServerSnapshot) -> [StreamSnapshot] {
        state.visibleStreams(in: snapshot)
    }

    /// Brings the state up to date with a new snapshot without a key press:
    /// selection follows its stream (or moves to its neighbour when the
    /// stream has gone), scrolling keeps it visible, an old status message
    /// is dropped. Call it whenever a new snapshot arrives, before rendering.
    public mutating func sync(with snapshot: ServerSnapshot, screenHeight: Int) {
        visibleCache = nil
        defer { visibleCache = nil }
        if let status = state.statusMessage, !status.isVisible(at: snapshot.takenAt) {
            state.statusMessage = nil
        }
        resolveSelection(in: snapshot)
        adjustScrolling(in: snapshot, screenHeight: screenHeight)
    }

    /// Applies one key to the state and returns what the app must do.
    /// `screenHeight` is the screen's row count: it sets the page size for
    /// PgUp/PgDn and where the rows are for mouse clicks.
    public mutating func handle(_ key: Key, snapshot: ServerSnapshot, screenHeight: Int) -> [DashboardAction] {
        let key = key.normalized
        visibleCache = nil
        defer { visibleCache = nil }
        resolveSelection(in: snapshot)
        // Clicks and page sizes refer to the screen as drawn, before this
        // key changes anything (a status line appearing or going away).
        let layout = DashboardLayout(height: screenHeight, state: state, now: snapshot.takenAt)
        let actions = dispatch(key, snapshot: snapshot, layout: layout)
        resolveSelection(in: snapshot)
        adjustScrolling(in: snapshot, screenHeight: screenHeight)
        return actions
    }

    // MARK: dispatch

    private mutating func dispatch(_ key: Key, snapshot: ServerSnapshot, layout: DashboardLayout) -> [DashboardAction] {
        if key == .resize { return [] }
        let now = snapshot.takenAt
        if let confirmation = state.pendingConfirmation {
            state.pendingConfirmation = nil
            let confirmed = key == .char("y") || key == .char("Y")
            switch confirmation {
            case .kick(let id, let description):
                guard confirmed else {
                    setStatus("Kick cancelled", at: now)
                    return []
                }
                setStatus("Kicking connection \(id) (\(description))", at: now)
                return [.kick(connectionID: id)]
            case .stopPush(let id, let description):
                guard confirmed else {
                    setStatus("Push stop cancelled", at: now)
                    return []
                }
                setStatus("Stopping \(description) (t restarts it)", at: now)
                return [.stopPush(id: id)]
            case .requestReconnect(let id, let description):
                guard confirmed else {
                    setStatus("Reconnect request cancelled", at: now)
                    return []
                }
                setStatus("Asking connection \(id) (\(description)) to reconnect", at: now)
                return [.requestReconnect(connectionID: id)]
            }
        }
        if state.isHelpVisible {
            state.isHelpVisible = false
            return []
        }
        if state.isEditingFilter {
            editFilter(with: key, snapshot: snapshot, layout: layout)
            return []
        }
        state.statusMessage = nil

        switch key {
        case .char("q"), .char("Q"), .f10:
            return [.quit]
        case .char("?"), .char("h"), .f1:
            state.isHelpVisible = true
        case .char("l"), .char("L"):
            state.isLogVisible.toggle()
        case .char("s"), .char("S"):
            state.sort = state.sort.next
            setStatus("Sorted by \(state.sort.title)", at: now)
        case .char("/"):
            if case .detail(let key) = state.view { leaveDetail(selecting: key) }
            state.isEditingFilter = true
        case .char("r"), .char("R"):
            return toggleRecording(snapshot: snapshot)
        case .char("p"), .char("P"):
            return play(snapshot: snapshot)
        case .char("u"), .char("U"):
            return showURLs(snapshot: snapshot)
        case .char("k"), .char("K"), .f9:
            askToKick(snapshot: snapshot)
        case .char("t"), .char("T"):
            return restartPush(snapshot: snapshot)
        case .char("e"), .char("E"):
            askToRequestReconnect(snapshot: snapshot)
        case .enter:
            if state.view == .streams, let stream = currentStream(in: snapshot) {
                state.view = .detail(streamKey: stream.key)
                state.selectedRowID = nil
                state.selectedRowIndex = 0
                state.rowScrollOffset = 0
            }
        case .escape:
            switch state.view {
            case .detail(let key): leaveDetail(selecting: key)
            case .streams: state.filter = ""
            }
        case .up, .down, .pageUp, .pageDown, .home, .end:
            move(key, snapshot: snapshot, layout: layout)
        case .mouse(let x, let y):
            click(x: x, y: y, snapshot: snapshot, layout: layout)
        default:
            break
        }
        return []
    }

    private mutating func editFilter(with key: Key, snapshot: ServerSnapshot, layout: DashboardLayout) {
        switch key {
        case .char(let character):
            guard let first = character.unicodeScalars.first, !DisplayWidth.isControl(first), state.filter.count < 200 else { return }
            state.filter.append(character)
            filterChanged(snapshot: snapshot)
        case .backspace:
            guard !state.filter.isEmpty else { return }
            state.filter.removeLast()
            filterChanged(snapshot: snapshot)
        case .enter:
            state.isEditingFilter = false
        case .escape:
            state.isEditingFilter = false
            state.filter = ""
        case .up, .down, .pageUp, .pageDown, .home, .end:
            // Not text, and handy: pick a stream while narrowing the list.
            move(key, snapshot: snapshot, layout: layout)
        default:
            // Function keys and clicks would surprise someone mid-typing.
            break
        }
    }

    /// A stream filtered out of view hands the selection to the first match
    /// rather than to whatever happens to sit at its old position.
    private mutating func filterChanged(snapshot: ServerSnapshot) {
        let listed = visible(in: snapshot)
        if let key = state.selectedStreamKey, !listed.contains(where: { $0.key == key }) {
            state.selectedStreamIndex = 0
        }
    }

    private mutating func leaveDetail(selecting key: String) {
        state.view = .streams
        state.selectedStreamKey = key
        state.selectedRowID = nil
    }

    private mutating func toggleRecording(snapshot: ServerSnapshot) -> [DashboardAction] {
        guard let stream = currentStream(in: snapshot) else {
            setStatus("No stream selected", at: snapshot.takenAt)
            return []
        }
        setStatus(stream.isRecording ? "Stopping recording of \(stream.key)" : "Recording \(stream.key)", at: snapshot.takenAt)
        return [.toggleRecording(streamKey: stream.key)]
    }

    private mutating func play(snapshot: ServerSnapshot) -> [DashboardAction] {
        guard let stream = streamForURLs(in: snapshot) else { return [] }
        setStatus("Starting ffplay for \(stream.key)", at: snapshot.takenAt)
        return [.play(streamKey: stream.key, url: StreamURL.of(stream, listenAddress: snapshot.listenAddress))]
    }

    /// RTMP publishes and plays at one URL; both are named so nobody has to know that.
    private mutating func showURLs(snapshot: ServerSnapshot) -> [DashboardAction] {
        guard let stream = streamForURLs(in: snapshot) else { return [] }
        let url = StreamURL.of(stream, listenAddress: snapshot.listenAddress)
        setStatus("publish \(url)  play \(url)", at: snapshot.takenAt)
        return [.copyToClipboard(url)]
    }

    /// The stream `p` and `u` act on, or nil after saying why there is none.
    private mutating func streamForURLs(in snapshot: ServerSnapshot) -> StreamSnapshot? {
        if let stream = currentStream(in: snapshot) { return stream }
        setStatus(state.view == .streams ? "No stream selected" : "The stream has gone", at: snapshot.takenAt)
        return nil
    }

    private mutating func askToKick(snapshot: ServerSnapshot) {
        let now = snapshot.takenAt
        switch state.view {
        case .streams:
            guard let stream = currentStream(in: snapshot) else {
                setStatus("No stream selected", at: now)
                return
            }
            guard let publisher = stream.publisher else {
                setStatus("\(stream.key) has no publisher to kick (Enter shows its players)", at: now)
                return
            }
            // The role, not "publisher": in edge mode it is our own pull connection.
            state.pendingConfirmation = .kick(connectionID: publisher.id, description: "\(publisher.role) \(publisher.remote)")
        case .detail:
            guard let stream = currentStream(in: snapshot) else {
                setStatus("The stream has gone", at: now)
                return
            }
            let rows = DetailRow.rows(of: stream)
            guard let index = state.selectedRowPosition(in: rows) else {
                setStatus("No connection selected", at: now)
                return
            }
            switch rows[index] {
            case .connection(let connection):
                state.pendingConfirmation = .kick(connectionID: connection.id, description: "\(connection.role) \(connection.remote)")
            case .push(let push) where push.state == "stopped":
                setStatus("push \(push.url) is already stopped (t restarts it)", at: now)
            case .push(let push):
                // A push is not kicked: stopping it keeps it stopped (no reconnect) until `t`.
                state.pendingConfirmation = .stopPush(pushID: push.id, description: "push \(push.url)")
            }
        }
    }

    /// `e`: Enhanced RTMP's Reconnect Request to the stream's publisher (the
    /// streams view) or the selected publisher row (the detail view), after
    /// y/n like a kick. A publisher whose connect did not announce capsEx
    /// Reconnect is never sent one, so it is not offered a y/n that could
    /// only fail; the app still says after the fact whether it was sent
    /// (the publisher may have gone meanwhile).
    private mutating func askToRequestReconnect(snapshot: ServerSnapshot) {
        let now = snapshot.takenAt
        guard let stream = currentStream(in: snapshot) else {
            setStatus(state.view == .streams ? "No stream selected" : "The stream has gone", at: now)
            return
        }
        guard let publisher = stream.publisher else {
            setStatus("\(stream.key) has no publisher to ask to reconnect", at: now)
            return
        }
        if case .detail = state.view {
            guard case .connection(let c) = state.selectedRow(in: snapshot), c.id == publisher.id else {
                setStatus("e asks the publisher to reconnect: select its row", at: now)
                return
            }
        }
        guard DashboardState.isClientPublisher(publisher, of: stream) else {
            setStatus("\(stream.key) is pulled by rtmp-top itself: no publisher to ask to reconnect", at: now)
            return
        }
        guard publisher.handlesReconnectRequest else {
            setStatus("\(stream.key): its publisher did not announce Enhanced RTMP reconnect (capsEx)", at: now)
            return
        }
        state.pendingConfirmation = .requestReconnect(connectionID: publisher.id, description: "\(publisher.role) \(publisher.remote)")
    }

    /// `t`: a stopped push starts again, a waiting one retries now. Only on a
    /// push row, so the key never acts on something the user did not pick.
    private mutating func restartPush(snapshot: ServerSnapshot) -> [DashboardAction] {
        let now = snapshot.takenAt
        guard case .detail = state.view else {
            setStatus("t restarts a push: Enter opens the stream, then select its push", at: now)
            return []
        }
        guard let stream = currentStream(in: snapshot) else {
            setStatus("The stream has gone", at: now)
            return []
        }
        let rows = DetailRow.rows(of: stream)
        guard let index = state.selectedRowPosition(in: rows), case .push(let push) = rows[index] else {
            setStatus(stream.pushes.isEmpty ? "\(stream.key) has no push to restart" : "t restarts a push: select its row", at: now)
            return []
        }
        guard push.state == "stopped" || push.state == "waiting" else {
            setStatus("push \(push.url) is \(push.state): nothing to restart", at: now)
            return []
        }
        setStatus("Restarting push \(push.url)", at: now)
        return [.restartPush(id: push.id)]
    }

    // MARK: selection

    private mutating func move(_ key: Key, snapshot: ServerSnapshot, layout: DashboardLayout) {
        let page = max(1, layout.tableBody.count)
        func target(from current: Int, count: Int) -> Int {
            switch key {
            case .up: return current - 1
            case .down: return current + 1
            case .pageUp: return current - page
            case .pageDown: return current + page
            case .home: return 0
            default: return count - 1
            }
        }
        switch state.view {
        case .streams:
            let listed = visible(in: snapshot)
            guard let current = state.selectedStreamPosition(in: listed) else { return }
            selectStream(at: target(from: current, count: listed.count), in: listed)
        case .detail:
            guard let stream = currentStream(in: snapshot) else { return }
            let rows = DetailRow.rows(of: stream)
            guard let current = state.selectedRowPosition(in: rows) else { return }
            selectRow(at: target(from: current, count: rows.count), in: rows)
        }
    }

    private mutating func click(x: Int, y: Int, snapshot: ServerSnapshot, layout: DashboardLayout) {
        guard x >= 0, layout.tableBody.contains(y) else { return }
        let row = y - layout.tableBody.lowerBound
        switch state.view {
        case .streams:
            let listed = visible(in: snapshot)
            let offset = ScrollWindow.offset(state.streamScrollOffset, selected: state.selectedStreamPosition(in: listed),
                                             count: listed.count, visible: layout.tableBody.count)
            if offset + row < listed.count { selectStream(at: offset + row, in: listed) }
        case .detail:
            guard let stream = currentStream(in: snapshot) else { return }
            let rows = DetailRow.rows(of: stream)
            let offset = ScrollWindow.offset(state.rowScrollOffset, selected: state.selectedRowPosition(in: rows),
                                             count: rows.count, visible: layout.tableBody.count)
            if offset + row < rows.count { selectRow(at: offset + row, in: rows) }
        }
    }

    private mutating func selectStream(at index: Int, in listed: [StreamSnapshot]) {
        guard !listed.isEmpty else { return }
        let index = min(max(0, index), listed.count - 1)
        state.selectedStreamKey = listed[index].key
        state.selectedStreamIndex = index
    }

    private mutating func selectRow(at index: Int, in rows: [DetailRow]) {
        guard !rows.isEmpty else { return }
        let index = min(max(0, index), rows.count - 1)
        state.selectedRowID = rows[index].id
        state.selectedRowIndex = index
    }

    /// Pins the selection to what is on screen now, so that when the
    /// selected stream, connection or push disappears its neighbour is selected.
    private mutating func resolveSelection(in snapshot: ServerSnapshot) {
        let listed = visible(in: snapshot)
        if let index = state.selectedStreamPosition(in: listed) {
            selectStream(at: index, in: listed)
        }
        if case .detail = state.view, let stream = currentStream(in: snapshot) {
            let rows = DetailRow.rows(of: stream)
            if let index = state.selectedRowPosition(in: rows) {
                selectRow(at: index, in: rows)
            }
        }
    }

    private mutating func adjustScrolling(in snapshot: ServerSnapshot, screenHeight: Int) {
        let layout = DashboardLayout(height: screenHeight, state: state, now: snapshot.takenAt)
        let rows = layout.tableBody.count
        switch state.view {
        case .streams:
            let listed = visible(in: snapshot)
            state.streamScrollOffset = ScrollWindow.offset(state.streamScrollOffset, selected: state.selectedStreamPosition(in: listed),
                                                           count: listed.count, visible: rows)
        case .detail:
            guard let stream = currentStream(in: snapshot) else { return }
            let detailRows = DetailRow.rows(of: stream)
            state.rowScrollOffset = ScrollWindow.offset(state.rowScrollOffset, selected: state.selectedRowPosition(in: detailRows),
                                                        count: detailRows.count, visible: rows)
        }
    }

    private mutating func visible(in snapshot: ServerSnapshot) -> [StreamSnapshot] {
        if let cache = visibleCache, cache.sort == state.sort, cache.filter == state.filter { return cache.streams }
        let streams = state.visibleStreams(in: snapshot)
        visibleCache = (state.sort, state.filter, streams)
        return streams
    }

    /// `DashboardState.currentStream(in:)`, through the cache.
    private mutating func currentStream(in snapshot: ServerSnapshot) -> StreamSnapshot? {
        switch state.view {
        case .detail(let key):
            return snapshot.streams.first { $0.key == key }
        case .streams:
            let streams = visible(in: snapshot)
            return state.selectedStreamPosition(in: streams).map { streams[$0] }
        }
    }

    /// Shows what came of an action (`ffplay started …`, `ffplay not found …`)
    /// on the message line, as a key's own feedback is shown. `now` is the
    /// time of the snapshot the app last handed in.
    public mutating func show(message: String, at now: Date) {
        setStatus(message, at: now)
    }

    private mutating func setStatus(_ text: String, at now: Date) {
        state.statusMessage = DashboardState.StatusMessage(text: text, shownAt: now)
    }
}
