/// H.264, HEVC and VP9 name levels "3", "3.1", "4" (no ".0"), as their specs'
/// level tables do; AV1 always writes the minor part ("4.0").
enum LevelFormatting {
    static func decimal(major: Int, minor: Int) -> String {
        minor == 0 ? "\(major)" : "\(major).\(minor)"
    }
}
