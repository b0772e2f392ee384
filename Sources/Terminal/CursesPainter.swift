import CNcurses
import Dashboard

/// Copies a `Screen` onto an ncurses window: runs of cells with one style
/// become one `mvwaddstr`, and `doupdate` sends only what changed.
struct CursesPainter {
    var colors = false
    private var pairs: [ColorPair: Int16] = [:]

    private struct ColorPair: Hashable {
        var foreground: Color
        var background: Color
    }

    mutating func paint(_ screen: Screen, on win: UnsafeMutablePointer<WINDOW>?) {
        _ = werase(win)
        let rows = min(screen.height, Int(cn_getmaxy(win)))
        for y in 0..<max(0, rows) {
            var run = ""
            var runStyle = Style.plain
            var runX = 0
            var x = 0
            for cell in screen.cells(row: y) {
                defer { x += 1 }
                if cell.isContinuation { continue }
                if cell.style != runStyle || run.isEmpty {
                    flush(run, style: runStyle, x: runX, y: y, win: win)
                    run = ""
                    runStyle = cell.style
                    runX = x
                }
                run += cell.text
            }
            flush(run, style: runStyle, x: runX, y: y, win: win)
        }
        _ = wattrset(win, Int32(truncatingIfNeeded: cn_a_normal()))
        _ = wnoutrefresh(win)
        _ = doupdate()
    }

    private mutating func flush(_ text: String, style: Style, x: Int, y: Int, win: UnsafeMutablePointer<WINDOW>?) {
        guard !text.isEmpty else { return }
        _ = wattrset(win, Int32(truncatingIfNeeded: attributes(for: style)))
        // The bottom-right cell makes waddstr return ERR (the cursor cannot
        // advance); the text is still drawn.
        _ = mvwaddstr(win, Int32(y), Int32(x), text)
    }

    private mutating func attributes(for style: Style) -> attr_t {
        var a = cn_a_normal()
        if style.bold { a |= cn_a_bold() }
        if style.reverse { a |= cn_a_reverse() }
        if style.dim { a |= cn_a_dim() }
        if colors && !style.isMonochrome {
            a |= cn_color_pair(pair(for: ColorPair(foreground: style.foreground, background: style.background)))
        }
        return a
    }

    private mutating func pair(for key: ColorPair) -> Int16 {
        if let p = pairs[key] { return p }
        let next = Int16(pairs.count + 1)
        guard Int32(next) < cn_color_pairs() else { return 0 }
        _ = init_pair(next, Self.number(key.foreground), Self.number(key.background))
        pairs[key] = next
        return next
    }

    private static func number(_ c: Color) -> Int16 {
        switch c {
        case .default: return -1
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        }
    }
}
