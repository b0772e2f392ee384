/// What the streams view shows before anyone has connected: the exact
/// commands to publish to and play from this server, ready to copy.
enum GettingStartedView {
    static func draw(_ context: RenderContext, rows: Range<Int>, into screen: inout Screen) {
        let base = "rtmp://\(connectableAddress(context.snapshot.listenAddress))/live/test"
        let publish = "ffmpeg -re -i FILE -c copy -f flv \(base)"
        let play = "ffplay \(base)"
        let theme = context.theme
        let intro = TextRun("No streams yet. Publish one with:", theme.value)
        let watch = TextRun("and watch it with:", theme.plain)
        let hint = TextRun("Any rtmp://HOST:PORT/APP/NAME works; it shows up here as APP/NAME.", theme.muted)
        let blank = TextRun("", theme.plain)
        let lines: [(indent: Int, run: TextRun)]
        if rows.count >= 10 {
            lines = [(0, blank), (2, intro), (0, blank), (4, TextRun(publish, theme.command)), (0, blank),
                     (2, watch), (0, blank), (4, TextRun(play, theme.command)), (0, blank), (2, hint)]
        } else {
            lines = [(0, intro), (2, TextRun(publish, theme.command)), (0, watch), (2, TextRun(play, theme.command))]
        }
        for (y, line) in zip(rows, lines) {
            // A command is worth more than its indentation: keep it whole if
            // the screen is just too narrow for both.
            let indent = DisplayWidth.of(line.run.text) + line.indent <= screen.width ? line.indent : 0
            screen.put(line.run.text, x: indent, y: y, style: line.run.style)
        }
    }

    /// The listen address as a client would dial it: a wildcard address
    /// (0.0.0.0, ::, empty) means "this machine", so 127.0.0.1.
    static func connectableAddress(_ listenAddress: String) -> String {
        var host: Substring
        var port: Substring
        if listenAddress.hasPrefix("["), let close = listenAddress.firstIndex(of: "]") {
            host = listenAddress[listenAddress.index(after: listenAddress.startIndex)..<close]
            port = listenAddress[listenAddress.index(after: close)...]
            guard port.hasPrefix(":") else { return listenAddress }
            port = port.dropFirst()
        } else if let colon = listenAddress.lastIndex(of: ":") {
            host = listenAddress[..<colon]
            port = listenAddress[listenAddress.index(after: colon)...]
        } else {
            return listenAddress
        }
        if ["", "0.0.0.0", "::", "*", "0:0:0:0:0:0:0:0"].contains(host) { host = "127.0.0.1" }
        let shownHost = host.contains(":") ? "[\(host)]" : String(host)
        return "\(shownHost):\(port)"
    }
}
