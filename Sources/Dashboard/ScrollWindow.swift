/// Keeps a selected row inside a scrolling window of rows. The offset is
/// remembered between frames (like htop) so moving up from the bottom of a
/// long list moves the highlight, not the whole list.
enum ScrollWindow {
    /// The offset closest to `offset` that shows row `selected` among
    /// `count` rows with `visible` of them on screen, and leaves no empty
    /// rows at the end when the list is long enough.
    static func offset(_ offset: Int, selected: Int?, count: Int, visible: Int) -> Int {
        guard visible > 0, count > visible else { return 0 }
        var result = min(max(0, offset), count - visible)
        if let selected {
            if selected < result { result = selected }
            if selected >= result + visible { result = selected - visible + 1 }
        }
        return min(max(0, result), count - visible)
    }
}
