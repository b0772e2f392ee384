import Relay

/// A stream's health in one short word, as the HEALTH column and the detail
/// pane's first line show it: `✓` with no fault, `⚠N` with N faults (notes
/// such as B-frames do not count), `-` without a publisher.
enum HealthMark {
    /// The health that belongs to the current publisher: without one there
    /// is nothing to judge (the snapshot has none then anyway).
    static func health(of stream: StreamSnapshot) -> HealthSnapshot? {
        stream.isLive ? stream.health : nil
    }

    static func of(_ stream: StreamSnapshot, glyphs: Glyphs, theme: Theme) -> (text: String, style: Style) {
        guard let health = health(of: stream) else { return ("-", theme.muted) }
        return health.faults > 0 ? ("\(glyphs.fault)\(health.faults)", theme.warning) : (glyphs.healthy, theme.live)
    }
}
