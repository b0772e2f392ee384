/// What the streams view shows before anyone has connected: the exact
/// commands to publish to and play from this server, ready to copy.
enum GettingStartedView {
    static func draw(_ context: RenderContext, rows: Range<Int>, into screen: inout Screen) {
        let base = StreamURL.of(app: "live", name: "test", listenAddress: context.snapshot.listenAddress)
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
}
