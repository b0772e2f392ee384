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
        }
    }
}
