/// Every key in a box over the middle of the screen (`?` or F1; any key
/// closes it).
enum HelpOverlay {
    static let entries: [(keys: String, action: String)] = [
        ("Up Down PgUp PgDn", "select a stream (a connection in detail)"),
        ("Home End", "first / last row"),
        ("Enter", "open the selected stream's detail"),
        ("Esc", "back; clears the filter; closes this help"),
        ("p", "play the stream in ffplay (its log beside rtmp-top's)"),
        ("u", "show its publish and play URLs, copy the play URL"),
        ("r", "start / stop recording the stream"),
        ("k F9", "kick: the publisher (detail: the selected row)"),
        ("k / t on a push", "stop it (until t) / restart it or retry now"),
        ("e", "ask the publisher to reconnect (Enhanced RTMP only)"),
        ("y / other key", "confirm / cancel a kick, push stop or reconnect"),
        ("s", "sort: key, bitrate, players, drops, live time"),
        ("/", "filter streams by key, address or client"),
        ("l", "show / hide the event log"),
        ("? F1 h", "this help"),
        ("q F10", "quit (recordings are finalised)"),
        ("mouse click", "select a row"),
    ]

    static func draw(_ context: RenderContext, into screen: inout Screen) {
        let theme = context.theme
        let glyphs = context.glyphs
        let keyWidth = entries.map { DisplayWidth.of($0.keys) }.max() ?? 0
        let footnotes = [
            "Sorted by \(context.state.sort.title). States: live = publishing,",
            "waiting = players but no publisher, idle = neither.",
            "HEALTH: \(glyphs.healthy) no fault, \(glyphs.fault)N faults (the detail lists them).",
        ]
        let contentWidth = max(entries.map { keyWidth + 2 + DisplayWidth.of($0.action) }.max() ?? 0,
                               footnotes.map { DisplayWidth.of($0) }.max() ?? 0)
        let boxWidth = min(screen.width, contentWidth + 4)
        let boxHeight = min(screen.height, entries.count + footnotes.count + 3)
        guard boxWidth >= 2, boxHeight >= 2 else { return }
        let left = (screen.width - boxWidth) / 2
        let top = (screen.height - boxHeight) / 2

        screen.fill(x: left, y: top, width: boxWidth, height: boxHeight, style: theme.plain)
        let horizontal = String(repeating: glyphs.horizontal, count: max(0, boxWidth - 2))
        screen.put(glyphs.topLeft + horizontal + glyphs.topRight, x: left, y: top, style: theme.helpBorder)
        screen.put(glyphs.bottomLeft + horizontal + glyphs.bottomRight, x: left, y: top + boxHeight - 1, style: theme.helpBorder)
        for y in (top + 1)..<(top + boxHeight - 1) {
            screen.put(glyphs.vertical, x: left, y: y, style: theme.helpBorder)
            screen.put(glyphs.vertical, x: left + boxWidth - 1, y: y, style: theme.helpBorder)
        }
        screen.put(" rtmp-top keys ", x: left + 2, y: top, style: theme.sectionTitle, maxWidth: boxWidth - 4)

        let inner = left + 2
        let innerWidth = boxWidth - 4
        var lines: [[TextRun]] = entries.map { entry in
            [TextRun(entry.keys.padding(to: keyWidth + 2), theme.helpKey), TextRun(entry.action, theme.plain)]
        }
        lines.append([])
        lines += footnotes.map { [TextRun($0, theme.muted)] }
        for (y, runs) in zip((top + 1)..<(top + boxHeight - 1), lines) where innerWidth > 0 {
            TextRun.draw(runs, x: inner, y: y, limit: inner + innerWidth, into: &screen)
        }
    }
}
