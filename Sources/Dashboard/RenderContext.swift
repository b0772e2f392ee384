import Foundation
import Relay

/// What every part of a frame needs, computed once per frame.
struct RenderContext {
    let snapshot: ServerSnapshot
    let state: DashboardState
    let options: RenderOptions
    let theme: Theme
    let glyphs: Glyphs
    let layout: DashboardLayout

    /// "Now" is the snapshot's time, so a frame depends on its inputs only.
    var now: Date { snapshot.takenAt }

    /// Seconds from `date` to now, never negative.
    func age(of date: Date) -> Double {
        max(0, now.timeIntervalSince(date))
    }
}
