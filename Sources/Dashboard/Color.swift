/// The eight basic terminal colours plus the terminal's own default. Kept
/// this small on purpose: every terminal that has colours at all has these,
/// so the Terminal layer can map each one to a colour pair without guessing.
public enum Color: Sendable, Hashable, CaseIterable {
    /// Whatever the terminal's foreground or background is (ncurses' -1).
    case `default`
    /// ANSI colour 0.
    case black
    /// ANSI colour 1.
    case red
    /// ANSI colour 2.
    case green
    /// ANSI colour 3.
    case yellow
    /// ANSI colour 4.
    case blue
    /// ANSI colour 5.
    case magenta
    /// ANSI colour 6.
    case cyan
    /// ANSI colour 7.
    case white
}
