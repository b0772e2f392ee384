/// A key press (or terminal event) as the Terminal layer decodes it.
public enum Key: Sendable, Equatable {
    /// A printable character (letters, digits, `/`, `?`, space …).
    case char(Character)
    /// Arrow up.
    case up
    /// Arrow down.
    case down
    /// Page Up.
    case pageUp
    /// Page Down.
    case pageDown
    /// Home.
    case home
    /// End.
    case end
    /// Enter or Return.
    case enter
    /// Esc (the Terminal layer sets a short ESC delay so it arrives at once).
    case escape
    /// Backspace or Delete-left.
    case backspace
    /// F1: help.
    case f1
    /// F9: kick.
    case f9
    /// F10: quit.
    case f10
    /// The terminal changed size (ncurses' `KEY_RESIZE`): not a user action,
    /// so it cancels nothing.
    case resize
    /// A mouse click at screen column `x`, row `y` (0-based).
    case mouse(x: Int, y: Int)

    /// Folds the control characters some terminals send instead of
    /// function keys into the named keys, so both spellings behave alike.
    var normalized: Key {
        guard case .char(let character) = self else { return self }
        switch character {
        case "\r", "\n", "\r\n": return .enter
        case "\u{1B}": return .escape
        case "\u{7F}", "\u{08}": return .backspace
        default: return self
        }
    }
}
