/// Draws a table's header row and body rows from its columns and the
/// widths `ColumnLayout` chose.
struct TableRenderer<Row> {
    let columns: [TableColumn<Row>]
    let layout: ColumnLayout
    let theme: Theme

    /// Column titles on a full-width bar; the sorted column (if any) is
    /// highlighted and, where it fits, marked with the sort direction.
    func drawHeader(y: Int, sortedColumn: String? = nil, sortMark: String = "", into screen: inout Screen) {
        screen.fill(x: 0, y: y, width: screen.width, height: 1, style: theme.tableHeader)
        var x = 0
        for (column, width) in zip(columns, layout.widths) {
            guard let width else { continue }
            var title = DisplayWidth.of(column.title) <= width ? column.title : column.shortTitle
            var style = theme.tableHeader
            if column.id == sortedColumn {
                style = theme.sortedColumnHeader
                if DisplayWidth.of(title) + DisplayWidth.of(sortMark) <= width { title += sortMark }
            }
            if column.id == sortedColumn { screen.fill(x: x, y: y, width: width, height: 1, style: style) }
            put(title, column: column, x: x, width: width, y: y, style: style, into: &screen)
            x += width + ColumnLayout.gap
        }
    }

    /// One row; a selected row is a full-width bar in one style, like htop's,
    /// except for the text of columns that keep their own style.
    func drawRow(_ row: Row, y: Int, selected: Bool, into screen: inout Screen) {
        if selected { screen.fill(x: 0, y: y, width: screen.width, height: 1, style: theme.selectedRow) }
        var x = 0
        for (column, width) in zip(columns, layout.widths) {
            guard let width else { continue }
            let cell = column.cell(row, width)
            let style = selected && !column.keepsStyleWhenSelected ? theme.selectedRow : cell.style
            put(cell.text, column: column, x: x, width: width, y: y, style: style, into: &screen)
            x += width + ColumnLayout.gap
        }
    }

    private func put(_ text: String, column: TableColumn<Row>, x: Int, width: Int, y: Int, style: Style, into screen: inout Screen) {
        let textWidth = DisplayWidth.of(text)
        let start = column.alignment == .right && textWidth < width ? x + width - textWidth : x
        screen.put(text, x: start, y: y, style: style, maxWidth: width - (start - x))
    }
}
