/// How one cell is drawn: colours from the small `Color` palette and the
/// attributes every terminal supports. The renderer never uses colours when
/// `RenderOptions.color` is false, so a monochrome terminal gets the same
/// information from `bold`, `reverse` and `dim` alone.
public struct Style: Sendable, Hashable {
    /// Text colour.
    public var foreground: Color
    /// Cell colour.
    public var background: Color
    /// Bold (or bright) text.
    public var bold: Bool
    /// Foreground and background swapped (the selection bar without colours).
    public var reverse: Bool
    /// Faint text.
    public var dim: Bool

    /// Creates a style; every argument defaults to "plain".
    public init(foreground: Color = .default, background: Color = .default, bold: Bool = false, reverse: Bool = false, dim: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.reverse = reverse
        self.dim = dim
    }

    /// Default colours, no attributes.
    public static let plain = Style()

    /// True when the style uses no colour other than the terminal's default.
    public var isMonochrome: Bool { foreground == .default && background == .default }
}
