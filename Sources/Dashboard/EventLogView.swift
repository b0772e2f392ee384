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

    /// How much an event matters, which sets its colour.
    enum Severity: Equatable {
        /// Something broke: red (a protocol error, a failed recording).
        case error
        /// Worth a look but handled: yellow (a kick, an eviction, a player
        /// too slow, a refused publish, a timeout, dropped frames).
        case warning
        /// Good news: green (a publish, a recording started).
        case notable
        /// The ordinary comings and goings, an ordinary close included.
        case ordinary
    }

    static func style(of message: String, _ theme: Theme) -> Style {
        switch severity(of: message) {
        case .error: return theme.error
        case .warning: return theme.warning
        case .notable: return theme.live
        case .ordinary: return theme.plain
        }
    }

    /// The engine's event texts are short and regular: their shape says what
    /// they are, and a few words in a close reason tell trouble from an
    /// ordinary goodbye. Shapes that embed a stream key or an address are
    /// recognised first, so a stream called `live/errors` stays uncoloured.
    static func severity(of message: String) -> Severity {
        let text = message.lowercased()
        if text.hasPrefix("connection "), let colon = text.range(of: " closed: ") {
            return severity(ofReason: String(text[colon.upperBound...]))
        }
        if text.hasPrefix("publish "), text.contains(" from ") { return .notable }
        if ["play ", "connect ", "listening on ", "publisher left ", "player left "].contains(where: text.hasPrefix) { return .ordinary }
        if text.hasPrefix("recording of ") && text.hasSuffix(" ended") { return .ordinary }
        if text.hasPrefix("recording "), !text.dropFirst("recording ".count).contains(" ") { return .notable }
        return severity(ofReason: text)
    }

    private static func severity(ofReason text: String) -> Severity {
        if errorWords.contains(where: text.contains) { return .error }
        if warningWords.contains(where: text.contains) { return .warning }
        return .ordinary
    }

    private static let errorWords = ["error", "fail", "invalid"]
    private static let warningWords = [
        "kick", "evict", "too slow", "refused", "rejected", "denied", "already published", "timeout", "timed out", "drop",
    ]
}
