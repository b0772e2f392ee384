/// The dashboard's styles by purpose. With colour it looks like htop
/// (green table header, cyan selection and footer labels); without, the same
/// distinctions are made with reverse, bold and dim only, and no cell ever
/// carries a colour, so `NO_COLOR` is honoured all the way down.
struct Theme {
    let plain = Style.plain
    let title: Style
    let label: Style
    let value: Style
    let tableHeader: Style
    let sortedColumnHeader: Style
    let selectedRow: Style
    let live: Style
    let waiting: Style
    let idle: Style
    let recording: Style
    let warning: Style
    let error: Style
    let sparkline: Style
    let muted: Style
    let command: Style
    let sectionTitle: Style
    let footerKey: Style
    let footerLabel: Style
    let prompt: Style
    let cursor: Style
    let helpBorder: Style
    let helpKey: Style

    init(color: Bool) {
        if color {
            title = Style(foreground: .green, bold: true)
            label = Style(foreground: .cyan)
            value = Style(bold: true)
            tableHeader = Style(foreground: .black, background: .green)
            sortedColumnHeader = Style(foreground: .black, background: .cyan)
            selectedRow = Style(foreground: .black, background: .cyan)
            live = Style(foreground: .green)
            waiting = Style(foreground: .yellow)
            idle = Style(dim: true)
            recording = Style(foreground: .red, bold: true)
            warning = Style(foreground: .yellow)
            error = Style(foreground: .red)
            sparkline = Style(foreground: .green)
            muted = Style(foreground: .cyan)
            command = Style(foreground: .yellow, bold: true)
            sectionTitle = Style(foreground: .cyan, bold: true)
            footerKey = Style(bold: true)
            footerLabel = Style(foreground: .black, background: .cyan)
            prompt = Style(foreground: .black, background: .yellow, bold: true)
            cursor = Style(reverse: true)
            helpBorder = Style(foreground: .cyan, bold: true)
            helpKey = Style(foreground: .yellow, bold: true)
        } else {
            title = Style(bold: true)
            label = Style.plain
            value = Style(bold: true)
            tableHeader = Style(bold: true)
            sortedColumnHeader = Style(bold: true, reverse: true)
            selectedRow = Style(reverse: true)
            live = Style(bold: true)
            waiting = Style.plain
            idle = Style(dim: true)
            recording = Style(bold: true)
            warning = Style(bold: true)
            error = Style(bold: true)
            sparkline = Style.plain
            muted = Style(dim: true)
            command = Style(bold: true)
            sectionTitle = Style(bold: true)
            footerKey = Style(bold: true)
            footerLabel = Style(reverse: true)
            prompt = Style(bold: true, reverse: true)
            cursor = Style(reverse: true)
            helpBorder = Style.plain
            helpKey = Style(bold: true)
        }
    }
}
