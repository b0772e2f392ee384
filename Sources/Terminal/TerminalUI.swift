import Atomics
import CNcurses
import Dashboard
import Foundation
import Relay

/// The dashboard on a real terminal: the only code that calls ncurses, all
/// from the one thread that runs `run()` (ncurses is not thread-safe, and a
/// blocking `wget_wch` must not sit on the Swift concurrency pool).
public final class TerminalUI: @unchecked Sendable {
    // @unchecked: everything but `stopRequested` is touched only by the
    // thread that calls `open()` and then `run()`.
    public struct Options: Sendable {
        public var unicode = true
        public var color = true
        /// Redraws per second while nothing happens.
        public var framesPerSecond = 4
        public init() {}
    }

    private let options: Options
    private let stopRequested = ManagedAtomic<Bool>(false)
    private var screenHandle: OpaquePointer?
    private var painter = CursesPainter()

    public init(options: Options) {
        self.options = options
    }

    /// Opens the terminal. False when there is none (the caller falls back
    /// to headless). The app's SIGINT/SIGTERM must already be ignored, so
    /// ncurses installs no handlers of its own.
    public func open() -> Bool {
        _ = cn_set_locale()
        guard let s = cn_newterm() else { return false }
        screenHandle = s
        _ = set_term(s)
        _ = cbreak()
        _ = noecho()
        _ = nonl()
        _ = curs_set(0)
        _ = set_escdelay(25)
        let win = cn_stdscr()
        _ = keypad(win, true)
        wtimeout(win, 100)
        _ = mousemask(cn_mouse_mask(), nil)
        _ = mouseinterval(0)
        if options.color && has_colors() {
            _ = start_color()
            _ = use_default_colors()
            painter.colors = true
        }
        return true
    }

    /// Asks `run()` to return (from any thread, e.g. a signal handler);
    /// it does within about 100 ms.
    public func requestStop() {
        stopRequested.store(true, ordering: .relaxed)
    }

    /// Polls snapshots and keys until `q`, F10 or `requestStop()`; restores
    /// the terminal before returning. `perform` carries out the other
    /// actions but `copyToClipboard` (this layer writes to the terminal) and
    /// may return a message for the dashboard's message line.
    public func run(snapshot: () -> ServerSnapshot, perform: (DashboardAction) -> String?) {
        defer { close() }
        var controller = DashboardController()
        let renderOptions = RenderOptions(unicode: options.unicode, color: painter.colors, utcOffsetSeconds: TimeZone.current.secondsFromGMT())
        let frameNanos = UInt64(1_000_000_000 / max(1, options.framesPerSecond))
        var lastDraw: UInt64 = 0
        var dirty = true
        // Written after the next frame, so it never lands inside ncurses' output.
        var clipboard: String?
        let win = cn_stdscr()
        while !stopRequested.load(ordering: .relaxed) {
            let now = DispatchTime.now().uptimeNanoseconds
            if dirty || now &- lastDraw >= frameNanos {
                let snap = snapshot()
                let height = Int(cn_getmaxy(win)), width = Int(cn_getmaxx(win))
                var screen = Screen(width: max(1, width), height: max(1, height), unicode: options.unicode)
                controller.sync(with: snap, screenHeight: height)
                DashboardRenderer.render(snap, state: controller.state, into: &screen, options: renderOptions)
                painter.paint(screen, on: win)
                if let text = clipboard {
                    TerminalClipboard.copy(text)
                    clipboard = nil
                }
                lastDraw = now
                dirty = false
            }
            guard let key = readKey(win) else { continue }
            dirty = true
            if case .resize = key { continue }
            let snap = snapshot()
            let actions = controller.handle(key, snapshot: snap, screenHeight: Int(cn_getmaxy(win)))
            for action in actions {
                switch action {
                case .quit:
                    return
                case .copyToClipboard(let text):
                    clipboard = text
                default:
                    if let message = perform(action) { controller.show(message: message, at: snap.takenAt) }
                }
            }
        }
    }

    private func close() {
        guard let s = screenHandle else { return }
        screenHandle = nil
        _ = endwin()
        delscreen(s)
    }

    /// One key, or nil after the 100 ms timeout.
    private func readKey(_ win: UnsafeMutablePointer<WINDOW>?) -> Key? {
        var ch: wint_t = 0
        let r = wget_wch(win, &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_RESIZE: return .resize
            case cn_key_f(1): return .f1
            case cn_key_f(9): return .f9
            case cn_key_f(10): return .f10
            case KEY_MOUSE:
                var event = MEVENT()
                guard getmouse(&event) == OK else { return nil }
                return .mouse(x: Int(event.x), y: Int(event.y))
            default: return nil
            }
        }
        switch ch {
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(scalar))
        }
    }
}
