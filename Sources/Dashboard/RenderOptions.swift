/// What the terminal can show. The app decides (locale, `TERM`, `NO_COLOR`,
/// `has_colors()`); the renderer only follows.
public struct RenderOptions: Sendable, Equatable {
    /// UTF-8 box drawing, `▁▂▃▄▅▆▇█` sparklines, `…` and `●`; when false,
    /// plain ASCII everywhere (`-|+`, ` .:-=+*#`, `~`, `*`) and any
    /// non-ASCII text from clients is shown as `?`.
    public var unicode: Bool
    /// Colours from the palette; when false only bold, reverse and dim.
    public var color: Bool
    /// Added to UTC for the clock times in the event log (the app passes
    /// the local time zone's offset; tests keep 0 so output is fixed).
    public var utcOffsetSeconds: Int

    /// Creates options; the defaults describe a modern colour UTF-8 terminal.
    public init(unicode: Bool = true, color: Bool = true, utcOffsetSeconds: Int = 0) {
        self.unicode = unicode
        self.color = color
        self.utcOffsetSeconds = utcOffsetSeconds
    }
}
