import Foundation

/// Which rows of the screen hold what. It depends only on the height and
/// the state, never on the width or the snapshot's content, so the
/// controller can work out page sizes and mouse targets from `screenHeight`
/// alone and agree with what the renderer drew.
struct DashboardLayout: Equatable {
    /// Server summary lines at the top (3, 1 or none on tiny screens).
    var header: Range<Int>
    /// The detail view's stream summary (empty in the streams view).
    var summary: Range<Int>
    /// The detail view's health pane under the summary: `HealthPane.lines`
    /// rows when the table keeps its room, one row when only that fits,
    /// else none; a blank row follows when the height allows.
    var health: Range<Int>
    /// The column titles of the streams or connections table.
    var tableHeaderRow: Int?
    /// One row per stream or connection.
    var tableBody: Range<Int>
    /// Event log: a title row then the newest events (empty when hidden).
    var log: Range<Int>
    /// Prompt, filter or status line just above the footer.
    var messageRow: Int?
    var footerRow: Int?

    /// Everything between the header and the log.
    var content: Range<Int> {
        let lower = !summary.isEmpty ? summary.lowerBound : (!health.isEmpty ? health.lowerBound : (tableHeaderRow ?? tableBody.lowerBound))
        return lower..<tableBody.upperBound
    }

    init(height: Int, state: DashboardState, now: Date) {
        var top = 0
        var bottom = max(0, height)
        if bottom >= 2 {
            footerRow = bottom - 1
            bottom -= 1
        }
        let wantsMessage = state.pendingConfirmation != nil || state.isEditingFilter || !state.filter.isEmpty
            || state.statusMessage?.isVisible(at: now) == true
        if wantsMessage && bottom - top >= 2 {
            messageRow = bottom - 1
            bottom -= 1
        }
        let headerCount = height >= 14 ? 3 : (height >= 6 ? 1 : 0)
        header = top..<(top + headerCount)
        top += headerCount

        log = bottom..<bottom
        let available = bottom - top
        if state.isLogVisible && available >= 12 {
            let lines = min(12, max(3, available / 4))
            log = (bottom - lines - 1)..<bottom
            bottom = log.lowerBound
        }

        summary = top..<top
        health = top..<top
        if case .detail = state.view {
            let rows = bottom - top
            let count = rows >= 12 ? DetailView.summaryLines : (rows >= 5 ? 1 : 0)
            summary = top..<(top + count)
            top += count
            health = top..<top
            if count > 1 {
                // What is left once the table has its blank row, header and three rows.
                let room = bottom - top - DetailView.roomForSpacing
                let lines = room >= HealthPane.lines ? HealthPane.lines : (room >= 1 ? 1 : 0)
                health = top..<(top + lines)
                top += lines
            }
            // A blank row keeps the summary's last line off the table header.
            if count > 1 && bottom - top >= DetailView.roomForSpacing { top += 1 }
        }
        if bottom - top >= 2 {
            tableHeaderRow = top
            top += 1
        }
        tableBody = top..<max(top, bottom)
    }
}
