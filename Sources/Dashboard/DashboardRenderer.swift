import Relay

/// Draws a whole frame: header, the streams table (or the publish/play
/// commands while there are none) or one stream's detail, the event log,
/// the message line, the footer, and the help overlay on top.
public enum DashboardRenderer {
    /// Clears `screen` and draws `snapshot` as `state` asks. Deterministic
    /// (durations are measured to `snapshot.takenAt`), never writes outside
    /// the screen, and copes with any screen size down to 0×0.
    public static func render(_ snapshot: ServerSnapshot, state: DashboardState, into screen: inout Screen, options: RenderOptions) {
        screen.unicode = options.unicode
        screen.clear()
        guard screen.width > 0, screen.height > 0 else { return }
        let context = RenderContext(
            snapshot: snapshot, state: state, options: options,
            theme: Theme(color: options.color), glyphs: Glyphs(unicode: options.unicode),
            layout: DashboardLayout(height: screen.height, state: state, now: snapshot.takenAt))

        HeaderView.draw(context, into: &screen)
        switch state.view {
        case .streams: StreamsView.draw(context, into: &screen)
        case .detail(let key): DetailView.draw(context, streamKey: key, into: &screen)
        }
        EventLogView.draw(context, into: &screen)
        MessageLine.draw(context, into: &screen)
        FooterView.draw(context, into: &screen)
        if state.isHelpVisible { HelpOverlay.draw(context, into: &screen) }
    }
}
