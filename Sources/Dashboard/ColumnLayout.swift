/// The widths chosen for a table's columns at one screen width.
struct ColumnLayout {
    /// A step of a table's growth plan.
    enum Growth {
        /// Widen a shown column towards its maximum (or `upTo`, if smaller).
        case widen(String, upTo: Int = Int.max)
        /// Show an optional column at its minimum width, if it fits.
        case add(String)
    }

    /// Per column, in display order: its width, or nil when hidden.
    let widths: [Int?]
    static let gap = 1

    init<Row>(columns: [TableColumn<Row>], totalWidth: Int, dropOrder: [String], growth: [Growth]) {
        var widths: [Int?] = columns.map { $0.required ? $0.minWidth : nil }
        func used() -> Int {
            let shown = widths.compactMap { $0 }
            return shown.reduce(0, +) + max(0, shown.count - 1) * Self.gap
        }
        func index(_ id: String) -> Int? { columns.firstIndex { $0.id == id } }

        var dropped = Set<String>()
        for id in dropOrder where used() > totalWidth {
            if let i = index(id), widths[i] != nil {
                widths[i] = nil
                dropped.insert(id)
            }
        }
        var remaining = totalWidth - used()
        for step in growth where remaining > 0 {
            switch step {
            case .widen(let id, let limit):
                guard let i = index(id), let width = widths[i] else { continue }
                let extra = max(0, min(min(columns[i].maxWidth, limit) - width, remaining))
                widths[i] = width + extra
                remaining -= extra
            case .add(let id):
                guard let i = index(id), widths[i] == nil, !dropped.contains(id) else { continue }
                let cost = columns[i].minWidth + (widths.contains { $0 != nil } ? Self.gap : 0)
                guard cost <= remaining else { continue }
                widths[i] = columns[i].minWidth
                remaining -= cost
            }
        }
        self.widths = widths
    }
}
