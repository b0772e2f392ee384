/// One column of one row of a `Screen`.
///
/// A double-width grapheme (CJK, most emoji) is stored in its first cell and
/// the cell to its right becomes a *continuation*: empty text, same style.
/// The Terminal layer draws a cell's text and skips continuations, because
/// the terminal itself advances two columns after a wide grapheme.
public struct Cell: Sendable, Hashable {
    /// One grapheme, already made safe for the terminal (no control
    /// characters); empty for a continuation cell.
    public var text: String
    /// How the grapheme is drawn.
    public var style: Style

    /// Creates a cell holding `text` (one grapheme, or "" for a continuation).
    public init(text: String = " ", style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// A blank cell.
    public static let blank = Cell()

    /// The right half of a double-width grapheme.
    public var isContinuation: Bool { text.isEmpty }

    static func continuation(style: Style) -> Cell { Cell(text: "", style: style) }
}
