/// The bottom line of key hints, htop style: each key followed by what it
/// does on a coloured label. When they do not all fit, the least needed go
/// first (the log and sort keys before play, help and quit), the others
/// keep their places; the help overlay lists every key anyway.
enum FooterView {
    struct Hint: Equatable {
        let key: String
        let label: String
        /// Higher stays longer on a narrow screen.
        var priority: Int = 5
    }

    static func draw(_ context: RenderContext, into screen: inout Screen) {
        guard let y = context.layout.footerRow else { return }
        let theme = context.theme
        var x = 0
        var onPushRow = false, onReconnectablePublisher = false
        switch context.state.selectedRow(in: context.snapshot) {
        case .push: onPushRow = true
        // `e` only where it can work: a publisher that announced Reconnect (capsEx).
        case .connection(let c):
            onReconnectablePublisher = context.state.currentStream(in: context.snapshot).map { DashboardState.canAskToReconnect(c, of: $0) } ?? false
        case nil: break
        }
        for hint in fitting(hints(context.state, onPushRow: onPushRow, onReconnectablePublisher: onReconnectablePublisher), width: screen.width) {
            let width = DisplayWidth.of(hint.key) + DisplayWidth.of(hint.label)
            guard x + width <= screen.width else { break }
            x += screen.put(hint.key, x: x, y: y, style: theme.footerKey)
            x += screen.put(hint.label, x: x, y: y, style: theme.footerLabel)
            x += screen.put("  ", x: x, y: y, style: theme.plain)
        }
    }

    /// `hints` without the lowest-priority ones (the later of equals first)
    /// until the rest, two spaces apart, fit in `width`.
    static func fitting(_ hints: [Hint], width: Int) -> [Hint] {
        var shown = hints
        func used() -> Int {
            shown.reduce(0) { $0 + DisplayWidth.of($1.key) + DisplayWidth.of($1.label) } + 2 * max(0, shown.count - 1)
        }
        while used() > width, shown.count > 1 {
            let lowest = shown.map(\.priority).min() ?? 0
            shown.remove(at: shown.lastIndex { $0.priority == lowest } ?? shown.count - 1)
        }
        return shown
    }

    /// Every hint for the state, in display order: `F1 Help  Enter Detail …`.
    /// `onPushRow`: the detail view's selected row is a push;
    /// `onReconnectablePublisher`: it is the stream's publisher (not our own pull) and can be asked to reconnect.
    static func hints(_ state: DashboardState, onPushRow: Bool, onReconnectablePublisher: Bool = false) -> [Hint] {
        switch state.pendingConfirmation {
        case .kick: return [Hint(key: "y", label: " Kick"), Hint(key: "n", label: " Cancel")]
        case .stopPush: return [Hint(key: "y", label: " Stop push"), Hint(key: "n", label: " Cancel")]
        case .requestReconnect: return [Hint(key: "y", label: " Ask to reconnect"), Hint(key: "n", label: " Cancel")]
        case nil: break
        }
        if state.isHelpVisible {
            return [Hint(key: "Esc", label: " Close help")]
        }
        if state.isEditingFilter {
            return [Hint(key: "Enter", label: " Done"), Hint(key: "Esc", label: " Clear"), Hint(key: "Up/Down", label: " Select")]
        }
        let help = Hint(key: "F1", label: " Help", priority: 9), quit = Hint(key: "F10/q", label: " Quit", priority: 9)
        let play = Hint(key: "p", label: " Play", priority: 7), url = Hint(key: "u", label: " URL", priority: 6)
        let record = Hint(key: "r", label: " Rec"), kick = Hint(key: "F9/k", label: " Kick")
        let log = Hint(key: "l", label: " Log", priority: 2)
        switch state.view {
        case .streams:
            return [help, Hint(key: "Enter", label: " Detail", priority: 8), play, url, record, kick,
                    Hint(key: "s", label: " Sort", priority: 3), Hint(key: "/", label: " Filter", priority: 4), log, quit]
        case .detail where onPushRow:
            // On a push row `k` stops the push and `t` restarts it.
            return [help, Hint(key: "Esc", label: " Back", priority: 8), play, url, record, Hint(key: "F9/k", label: " Stop push"),
                    Hint(key: "t", label: " Restart"), log, quit]
        case .detail where onReconnectablePublisher:
            // Low priority: few publishers handle it, and the help lists it anyway.
            return [help, Hint(key: "Esc", label: " Back", priority: 8), play, url, record, kick,
                    Hint(key: "e", label: " Reconnect", priority: 1), log, quit]
        case .detail:
            return [help, Hint(key: "Esc", label: " Back", priority: 8), play, url, record, kick, log, quit]
        }
    }
}
