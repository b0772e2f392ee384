import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sets the clipboard of the terminal the dashboard runs in, wherever that
/// terminal is (over ssh too), with OSC 52: `ESC ] 52 ; c ; BASE64 BEL`.
/// Terminals that do not support it ignore it. tmux takes it itself when
/// its `set-clipboard` option is `on` (a paste buffer, and the outer
/// terminal's clipboard); its default, `external`, ignores it from programs.
enum TerminalClipboard {
    static func sequence(for text: String) -> String {
        "\u{1B}]52;c;\(Data(text.utf8).base64EncodedString())\u{07}"
    }

    /// Written straight to the terminal after ncurses has flushed its
    /// frame: the sequence moves no cursor, so the screen stays as drawn.
    static func copy(_ text: String) {
        fflush(nil)  // anything buffered in stdio goes first
        let bytes = Array(sequence(for: text).utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                sent += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
