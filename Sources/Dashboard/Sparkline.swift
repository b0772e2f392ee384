/// A one-line bar chart of recent values (the last minute's bitrate).
public enum Sparkline {
    /// The newest `width` values as bars scaled to their own maximum, oldest
    /// on the left; shorter histories are left-aligned, so the line fills
    /// in as the stream ages. Zero, negative and NaN draw the lowest bar
    /// (blank in ASCII).
    public static func text(_ values: [Double], width: Int, unicode: Bool) -> String {
        text(values, width: width, levels: Glyphs(unicode: unicode).levels)
    }

    static func text(_ values: [Double], width: Int, levels: [String]) -> String {
        guard width > 0, let top = levels.indices.last else { return "" }
        let shown = values.suffix(width).map { $0.isFinite && $0 > 0 ? $0 : 0 }
        let peak = shown.max() ?? 0
        return shown.map { value -> String in
            guard peak > 0, value > 0 else { return levels[0] }
            let level = Int((value / peak * Double(top)).rounded(.up))
            return levels[min(top, max(1, level))]
        }.joined()
    }
}
