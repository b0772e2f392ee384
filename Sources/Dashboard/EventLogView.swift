import Relay

/// The latest server events (connects, publishes, codecs, drops, errors,
/// recordings), newest at the bottom like a log tail.
enum EventLogView {
    static func draw(_ context: RenderContext, into screen: inout Screen) {
        let rows = context.layout.log
        guard let titleRow = rows.first else { return }
        let theme = context.theme
        screen.fill(x: 0, y: titleRow, width: screen.width, height: 1, style: theme.muted,
                    character: Character(context.glyphs.horizontal))
        screen.put(" Events ", x: 1, y: titleRow, style: theme.sectionTitle)

        let lines = rows.dropFirst()
        let events = context.snapshot.recentEvents.suffix(lines.count)
        guard !events.isEmpty else {
            if let y = lines.first { screen.put("No events yet.", x: 0, y: y, style: theme.muted) }
            return
        }
        for (y, event) in zip(lines, events) {
            let time = Format.clockTime(secondsSince1970: event.time.timeIntervalSince1970, utcOffsetSeconds: context.options.utcOffsetSeconds)
            TextRun.draw([TextRun(time, theme.muted), TextRun(" ", theme.plain), TextRun(event.message, style(of: event.message, theme))],
                         x: 0, y: y, into: &screen)
        }
    }

    /// Trouble stands out; the engine's event texts are short and regular
    /// enough that a few words tell the kinds apart.
    static func style(of message: String, _ theme: Theme) -> Style {
        let text = message.lowercased()
        if ["error", "fail", "refused", "invalid"].contains(where: text.contains) { return theme.error }
        if ["kicked", "evicted", "drop", "closed", "timeout", "ended"].contains(where: text.contains) { return theme.warning }
        if text.hasPrefix("publish ") || text.hasPrefix("recording ") { return theme.live }
        return theme.plain
    }
}
