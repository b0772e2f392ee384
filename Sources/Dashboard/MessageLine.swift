/// The line above the footer: the kick, push-stop or reconnect confirmation, the filter being
/// typed, a status message, or the active filter, in that order of
/// importance.
enum MessageLine {
    static func draw(_ context: RenderContext, into screen: inout Screen) {
        guard let y = context.layout.messageRow else { return }
        let state = context.state
        let theme = context.theme
        if let confirmation = state.pendingConfirmation {
            let text: String
            switch confirmation {
            case .kick(let id, let description):
                text = "Kick connection \(id) (\(description))? y/n"
            case .stopPush(_, let description):
                text = "Stop \(description) until t restarts it? y/n"
            case .requestReconnect(let id, let description):
                text = "Ask connection \(id) (\(description)) to reconnect? y/n"
            }
            screen.fill(x: 0, y: y, width: screen.width, height: 1, style: theme.prompt)
            screen.put(text, x: 0, y: y, style: theme.prompt)
        } else if state.isEditingFilter {
            let end = TextRun.draw([TextRun("Filter: ", theme.label), TextRun(state.filter, theme.value)], x: 0, y: y, into: &screen)
            screen.put(" ", x: end, y: y, style: theme.cursor)
            TextRun.draw([TextRun("  \(matchSummary(context))", theme.muted)], x: end + 1, y: y, into: &screen)
        } else if let status = state.statusMessage, status.isVisible(at: context.now) {
            screen.put(status.text, x: 0, y: y, style: theme.value)
        } else if !state.filter.isEmpty {
            TextRun.draw([TextRun("Filter: ", theme.label), TextRun(state.filter, theme.value),
                          TextRun("  \(matchSummary(context))  / edits, Esc clears", theme.muted)], x: 0, y: y, into: &screen)
        }
    }

    static func matchSummary(_ context: RenderContext) -> String {
        let total = context.snapshot.streams.count
        let shown = context.state.visibleStreams(in: context.snapshot).count
        return "\(shown) of \(total) stream\(total == 1 ? "" : "s")"
    }
}
