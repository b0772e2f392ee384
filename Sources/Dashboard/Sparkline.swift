/// A one-line bar chart of recent values (the last minute's bitrate).
public enum Sparkline {
    /// Below this spread (as a fraction of the peak) differences are not
    /// stretched to the full height: a steady stream draws a line around the
    /// middle with small wiggles, not a wall of full bars or amplified noise.
    static let minimumSpan = 0.25

    /// The newest `width` values as bars, oldest on the left; shorter
    /// histories are left-aligned, so the line fills in as the stream ages.
    ///
    /// Bars are scaled between the smallest and the largest positive value
    /// shown (but over at least `minimumSpan` of the largest, centred on
    /// them), so variation is visible and a flat line sits at mid-height.
    /// Zero, negative and NaN draw the lowest bar (blank in ASCII), which no
    /// positive value uses: a stall always stands out.
    public static func text(_ values: [Double], width: Int, unicode: Bool) -> String {
        text(values, width: width, levels: Glyphs(unicode: unicode).levels)
    }

    static func text(_ values: [Double], width: Int, levels: [String]) -> String {
        guard width > 0, let top = levels.indices.last else { return "" }
        let shown = values.suffix(width).map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let positive = shown.filter { $0 > 0 }
        guard top > 0, let low = positive.min(), let high = positive.max() else {
            return String(repeating: levels[0], count: shown.count)
        }
        // Positive values use levels 1...top; halves avoid overflow near .greatestFiniteMagnitude.
        let span = max(high - low, high * minimumSpan)
        let bottom = (low / 2 + high / 2) - span / 2
        let steps = Double(top - 1)
        return shown.map { value -> String in
            guard value > 0 else { return levels[0] }
            let position = span > 0 ? (value - bottom) / span : 0.5
            let fraction = position.isFinite ? min(1, max(0, position)) : 0.5
            return levels[1 + Int((fraction * steps).rounded())]
        }.joined()
    }
}
