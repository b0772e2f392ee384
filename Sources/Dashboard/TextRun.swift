/// A piece of text in one style; a line is drawn as a sequence of runs.
struct TextRun {
    let text: String
    let style: Style

    init(_ text: String, _ style: Style) {
        self.text = text
        self.style = style
    }

    /// Draws runs left to right from `x`, stopping at `limit` (exclusive
    /// column, the screen's width by default); returns the column after the
    /// last one written.
    @discardableResult
    static func draw(_ runs: [TextRun], x: Int, y: Int, limit: Int? = nil, into screen: inout Screen) -> Int {
        let end = min(limit ?? screen.width, screen.width)
        var column = x
        for run in runs {
            guard column < end else { break }
            column += screen.put(run.text, x: column, y: y, style: run.style, maxWidth: end - column)
        }
        return column
    }
}
