/// When the keyframes of the last minute arrived, one cell per second,
/// newest second at the right: a regular GOP is a regular fence, a 12 s GOP
/// a sparse one, a stall a gap. Lined up with the pane's bitrate lines,
/// which are drawn right-aligned to the same width.
enum KeyframeStrip {
    /// `width` cells; cell `width - 1 - s` stands for the second that began
    /// `s + 1` seconds ago and ended `s` seconds ago. Seconds before the
    /// publish began (`liveSeconds`) are blank, so a young stream is not
    /// mistaken for one without keyframes. Values that are not finite,
    /// negative or outside the strip are ignored.
    static func text(keyframeSecondsAgo: [Double], width: Int, liveSeconds: Double?, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        var marked = [Bool](repeating: false, count: width)
        for ago in keyframeSecondsAgo where ago.isFinite && ago >= 0 && ago < Double(width) {
            marked[width - 1 - Int(ago)] = true
        }
        let live = liveSeconds.map { $0.isFinite ? max(0, $0) : 0 } ?? Double(width)
        return (0..<width).map { cell -> String in
            let secondsAgo = width - 1 - cell
            if marked[cell] { return glyphs.keyframe }
            // The second that began before the publish did holds nothing to show.
            return Double(secondsAgo) >= live.rounded(.up) ? " " : glyphs.noKeyframe
        }.joined()
    }

    /// How many of `keyframeSecondsAgo` the strip of `width` cells shows.
    static func count(_ keyframeSecondsAgo: [Double], width: Int) -> Int {
        keyframeSecondsAgo.filter { $0.isFinite && $0 >= 0 && $0 < Double(width) }.count
    }
}
