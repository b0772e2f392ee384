/// One column of a table whose columns come and go with the screen width.
///
/// The table starts from its required columns at their minimum widths
/// (dropping some, in a fixed order, on screens narrower than that), then
/// spends what is left on a plan of steps: widen this one, add that one.
/// The plan is how each table says what matters most at 80 columns and
/// what to add as the terminal grows.
struct TableColumn<Row> {
    enum Alignment { case left, right }

    let id: String
    /// Header text when the column is at least this wide …
    let title: String
    /// … and this one otherwise (cut to the width if still too long).
    let shortTitle: String
    let alignment: Alignment
    let minWidth: Int
    let maxWidth: Int
    /// Shown before any optional column; optional ones wait for `.add`.
    let required: Bool
    /// Its text keeps its own style on a selected row instead of taking the
    /// selection bar's (a coloured chart that the bar would turn into a box).
    let keepsStyleWhenSelected: Bool
    /// The cell's text for a row at a given width (columns may shorten
    /// their text rather than be truncated) and its style when not selected.
    let cell: (Row, Int) -> (text: String, style: Style)

    init(id: String, title: String, shortTitle: String? = nil, alignment: Alignment = .left, minWidth: Int, maxWidth: Int? = nil,
         required: Bool = true, keepsStyleWhenSelected: Bool = false, cell: @escaping (Row, Int) -> (text: String, style: Style)) {
        self.id = id
        self.title = title
        self.shortTitle = shortTitle ?? title
        self.alignment = alignment
        self.minWidth = max(1, minWidth)
        self.maxWidth = max(self.minWidth, maxWidth ?? minWidth)
        self.required = required
        self.keepsStyleWhenSelected = keepsStyleWhenSelected
        self.cell = cell
    }
}
