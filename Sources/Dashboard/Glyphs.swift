/// The non-letter characters the dashboard draws, in UTF-8 or plain ASCII
/// for terminals (or locales) that cannot show UTF-8.
struct Glyphs {
    let horizontal: String
    let vertical: String
    let topLeft: String
    let topRight: String
    let bottomLeft: String
    let bottomRight: String
    /// Sparkline levels, lowest first.
    let levels: [String]
    /// The recording mark, followed by "REC".
    let recordingDot: String
    let ascending: String
    let descending: String
    /// A stream with no health fault (HEALTH column, health pane).
    let healthy: String
    /// Before a fault's count or a fault finding.
    let fault: String
    /// Before an informational finding (a note, not a fault).
    let note: String
    /// A second of the keyframe strip that had a keyframe, and one that had none.
    let keyframe: String
    let noKeyframe: String

    init(unicode: Bool) {
        if unicode {
            horizontal = "─"
            vertical = "│"
            topLeft = "┌"
            topRight = "┐"
            bottomLeft = "└"
            bottomRight = "┘"
            levels = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
            recordingDot = "●"
            ascending = "▲"
            descending = "▼"
            healthy = "✓"
            fault = "⚠"
            note = "·"
            keyframe = "█"
            noKeyframe = "·"
        } else {
            horizontal = "-"
            vertical = "|"
            topLeft = "+"
            topRight = "+"
            bottomLeft = "+"
            bottomRight = "+"
            levels = [" ", ".", ":", "-", "=", "+", "*", "#"]
            recordingDot = "*"
            ascending = "^"
            descending = "v"
            healthy = "ok"
            fault = "!"
            note = "i"
            keyframe = "|"
            noKeyframe = "."
        }
    }
}
