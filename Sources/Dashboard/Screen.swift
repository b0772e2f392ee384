/// A width × height grid of cells that the dashboard draws into and the
/// Terminal layer copies to the real terminal; tests read it as text.
///
/// Drawing never fails and never writes outside the grid: text is clipped
/// at the edges and truncated with a marker where it does not fit, so no
/// snapshot, however odd, can break the layout or crash the program.
public struct Screen: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Truncation marker and character repertoire: `…` and any Unicode text
    /// when true; `~` and `?` for every non-ASCII grapheme when false.
    public var unicode: Bool
    private var cells: [Cell]

    /// A blank grid; negative sizes count as zero.
    public init(width: Int, height: Int, unicode: Bool = true) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.unicode = unicode
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at (x, y); a blank cell outside the grid.
    public subscript(x x: Int, y y: Int) -> Cell {
        guard contains(x: x, y: y) else { return .blank }
        return cells[y * width + x]
    }

    /// One row's cells, left to right (empty outside the grid): what the
    /// Terminal layer paints, skipping `Cell.isContinuation` cells.
    public func cells(row y: Int) -> ArraySlice<Cell> {
        guard y >= 0 && y < height else { return [] }
        return cells[(y * width)..<((y + 1) * width)]
    }

    /// Writes `text` from column `x` of row `y`, using at most `maxWidth`
    /// columns (and never past the right edge). Text that does not fit ends
    /// in `…` (`~` in ASCII mode); columns left of 0 are cut off silently.
    /// Control characters become `?`, so client-supplied text cannot move
    /// the cursor. Returns the number of columns written from `x`.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0 && y < height && x < width else { return 0 }
        let available = min(maxWidth ?? Int.max, width - x)
        guard available > 0 else { return 0 }
        let glyphs = text.compactMap { glyph(for: $0) }
        var total = 0
        for glyph in glyphs {
            total += glyph.width
            if total > available { break }
        }
        let truncated = total > available
        let marker = unicode ? "…" : "~"
        let room = truncated ? available - 1 : available
        var column = 0
        for glyph in glyphs {
            if column + glyph.width > room { break }
            write(glyph, x: x + column, y: y, style: style)
            column += glyph.width
        }
        if truncated {
            write((marker, 1), x: x + column, y: y, style: style)
            column += 1
        }
        return column
    }

    /// Sets every cell of the rectangle to `character` in `style`; the
    /// rectangle is clipped to the grid.
    public mutating func fill(x: Int, y: Int, width fillWidth: Int, height fillHeight: Int, style: Style = .plain, character: Character = " ") {
        let glyph = glyph(for: character) ?? (" ", 1)
        let left = max(0, x)
        let right = min(width, x + max(0, fillWidth))
        let top = max(0, y)
        let bottom = min(height, y + max(0, fillHeight))
        guard left < right && top < bottom else { return }
        for row in top..<bottom {
            var column = left
            while column + glyph.width <= right {
                write(glyph, x: column, y: row, style: style)
                column += glyph.width
            }
            if column < right { write((" ", 1), x: column, y: row, style: style) }
        }
    }

    /// Blanks the whole grid with `style`.
    public mutating func clear(style: Style = .plain) {
        for index in cells.indices { cells[index] = Cell(text: " ", style: style) }
    }

    /// The row's text as the terminal would show it (continuation cells
    /// contribute nothing), trailing spaces kept; "" outside the grid.
    public func text(row y: Int) -> String {
        cells(row: y).reduce(into: "") { $0 += $1.text }
    }

    /// Every row's text with trailing spaces removed, for tests.
    public var lines: [String] {
        (0..<height).map { y in
            var line = text(row: y)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    // MARK: internals

    private func contains(x: Int, y: Int) -> Bool {
        x >= 0 && x < width && y >= 0 && y < height
    }

    /// What is actually stored for one grapheme of input, or nil for a
    /// zero-width one (a stray combining mark or format character).
    private func glyph(for character: Character) -> (text: String, width: Int)? {
        if let first = character.unicodeScalars.first, DisplayWidth.isControl(first) { return ("?", 1) }
        if !unicode && !character.isASCII { return ("?", 1) }
        let columns = DisplayWidth.of(character)
        guard columns > 0 else { return nil }
        return (String(character), columns)
    }

    /// Stores a glyph, repairing any wide grapheme it half overwrites so a
    /// row never holds an orphaned lead or continuation cell.
    private mutating func write(_ glyph: (text: String, width: Int), x: Int, y: Int, style: Style) {
        guard y >= 0 && y < height else { return }
        if glyph.width == 2 {
            guard x >= 0 && x + 1 < width else {
                // Half of it would be off-screen: show blanks instead.
                for column in [x, x + 1] where column >= 0 && column < width {
                    store(Cell(text: " ", style: style), x: column, y: y)
                }
                return
            }
            store(Cell(text: glyph.text, style: style), x: x, y: y)
            store(.continuation(style: style), x: x + 1, y: y)
        } else if x >= 0 && x < width {
            store(Cell(text: glyph.text, style: style), x: x, y: y)
        }
    }

    private mutating func store(_ cell: Cell, x: Int, y: Int) {
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation && x > 0 && !cell.isContinuation {
            cells[index - 1].text = " "
        }
        if !old.isContinuation && x + 1 < width && cells[index + 1].isContinuation {
            cells[index + 1].text = " "
        }
        cells[index] = cell
    }
}
