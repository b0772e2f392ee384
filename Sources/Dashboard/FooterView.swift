/// The bottom line of key hints, htop style: each key followed by what it
/// does on a coloured label; hints that do not fit whole are left out.
enum FooterView {
    struct Hint {
        let key: String
        let label: String
    }

    static func draw(_ context: RenderContext, into screen: inout Screen) {
        guard let y = context.layout.footerRow else { return }
        let theme = context.theme
        var x = 0
        for hint in hints(context.state) {
            let width = DisplayWidth.of(hint.key) + DisplayWidth.of(hint.label)
            guard x + width <= screen.width else { break }
            x += screen.put(hint.key, x: x, y: y, style: theme.footerKey)
            x += screen.put(hint.label, x: x, y: y, style: theme.footerLabel)
            x += screen.put("  ", x: x, y: y, style: theme.plain)
        }
    }

    /// The footer text, separators included: `F1 Help  Enter Detail …`.
    static func hints(_ state: DashboardState) -> [Hint] {
        if state.pendingConfirmation != nil {
            return [Hint(key: "y", label: " Kick"), Hint(key: "n", label: " Cancel")]
        }
        if state.isHelpVisible {
            return [Hint(key: "Esc", label: " Close help")]
        }
        if state.isEditingFilter {
            return [Hint(key: "Enter", label: " Done"), Hint(key: "Esc", label: " Clear"), Hint(key: "Up/Down", label: " Select")]
        }
        switch state.view {
        case .streams:
            return [Hint(key: "F1", label: " Help"), Hint(key: "Enter", label: " Detail"), Hint(key: "r", label: " Rec"),
                    Hint(key: "F9/k", label: " Kick"), Hint(key: "s", label: " Sort"), Hint(key: "/", label: " Filter"),
                    Hint(key: "l", label: " Log"), Hint(key: "F10/q", label: " Quit")]
        case .detail:
            return [Hint(key: "F1", label: " Help"), Hint(key: "Esc", label: " Back"), Hint(key: "r", label: " Rec"),
                    Hint(key: "F9/k", label: " Kick"), Hint(key: "l", label: " Log"), Hint(key: "F10/q", label: " Quit")]
        }
    }
}
