import XCTest
@testable import Dashboard
import Relay

/// Stream health on screen: the HEALTH column, the detail view's health
/// pane (findings, figures, keyframe strip, video and audio bitrate) and its
/// one-line form. The busy sample's live/concert is healthy, live/test has
/// two faults (keyframe_interval, av_interleave) and a note (b_frames), and
/// show/later has no publisher.
final class StreamHealthViewTests: XCTestCase {
    typealias S = SampleSnapshots

    func render(_ snapshot: ServerSnapshot = S.busy, state: DashboardState = DashboardState(), width: Int, height: Int,
                options: RenderOptions = RenderOptions()) -> Screen {
        var screen = Screen(width: width, height: height)
        DashboardRenderer.render(snapshot, state: state, into: &screen, options: options)
        return screen
    }

    func detail(_ key: String, logVisible: Bool = false) -> DashboardState {
        var state = DashboardState()
        state.view = .detail(streamKey: key)
        state.isLogVisible = logVisible
        return state
    }

    /// The text of the HEALTH column (titled HLTH at 80 columns) on the row of `key`.
    func healthCell(_ screen: Screen, _ key: String, title: String = "HLTH") -> String? {
        guard let header = screen.lines.first(where: { $0.hasPrefix("KEY") }), let range = header.range(of: title),
              let row = screen.lines.first(where: { $0.hasPrefix(key + " ") }) else { return nil }
        let start = header.distance(from: header.startIndex, to: range.lowerBound)
        return String(Array(row).dropFirst(start).prefix(4)).trimmingCharacters(in: .whitespaces)
    }

    // MARK: HEALTH column

    func testHealthColumnAtEightyColumns() {
        var state = DashboardState()
        state.selectedStreamKey = "show/later"  // the others unselected, in their own colours
        let screen = render(state: state, width: 80, height: 24)
        XCTAssertEqual(healthCell(screen, "live/concert"), "✓")
        XCTAssertEqual(healthCell(screen, "live/test"), "⚠2")
        XCTAssertEqual(healthCell(screen, "show/later"), "-")
        for title in ["KEY", "STAT", "HLTH", "VIDEO", "AUDIO", "IN", "PLAY", "DROPS", "REC"] {
            XCTAssertTrue(screen.lines[3].contains(title), "\(title) missing from \(screen.lines[3])")
        }
        let column = screen.lines[3].distance(from: screen.lines[3].startIndex, to: screen.lines[3].range(of: "HLTH")!.lowerBound)
        XCTAssertEqual(screen[x: column, y: 4].style, Style(foreground: .green), "✓ in the live colour")
        XCTAssertEqual(screen[x: column, y: 5].style, Style(foreground: .yellow), "⚠2 in the warning colour")
        XCTAssertEqual(screen[x: column + 1, y: 5].style, Style(foreground: .yellow))
        XCTAssertEqual(screen.lines[4], "live/concert live ✓    H.264 1920x1080 AAC 48kHz 2ch    6.1 Mb/s    2     0 ●REC")

        let ascii = render(state: state, width: 80, height: 24, options: RenderOptions(unicode: false, color: false))
        XCTAssertEqual(healthCell(ascii, "live/concert"), "ok")
        XCTAssertEqual(healthCell(ascii, "live/test"), "!2")
        XCTAssertEqual(healthCell(ascii, "show/later"), "-")
    }

    func testHealthColumnCountsFaultsNotNotesAndIgnoresAStaleHealth() {
        var snapshot = S.busy
        snapshot.streams[0].health?.faults = 12
        snapshot.streams[1].health = S.health([S.finding("b_frames", "B-frames", note: true, age: 3)])
        snapshot.streams[2].health = S.health([S.finding("media_stall", "no media for 5.0 s", age: 3)])  // no publisher: not judged
        let screen = render(snapshot, width: 80, height: 24)
        XCTAssertEqual(healthCell(screen, "live/test"), "⚠12")
        XCTAssertEqual(healthCell(screen, "live/concert"), "✓", "a note is no fault")
        XCTAssertEqual(healthCell(screen, "show/later"), "-")
        XCTAssertTrue(screen.lines.allSatisfy { DisplayWidth.of($0) <= 80 })
    }

    func testWiderScreensSpellTheTitleOut() {
        let screen = render(width: 160, height: 48)
        XCTAssertEqual(healthCell(screen, "live/test", title: "HEALTH"), "⚠2")
    }

    // MARK: health pane

    func testHealthPaneListsTheFindingsAndTheFigures() {
        let lines = render(state: detail("live/test"), width: 160, height: 40).lines
        guard let top = lines.firstIndex(where: { $0.hasPrefix("Health   ") }) else { return XCTFail(lines.joined(separator: "\n")) }
        XCTAssertEqual(Array(lines[top...(top + 6)]), [
            "Health   ⚠ 2 faults, 1 note (profile generic)",
            "         ⚠ keyframe_interval  keyframe every 12.0 s (at most 10.0 s)  2m05s ago",
            "         ⚠ av_interleave  audio is 1.2 s ahead of video as they arrive  40s ago, last 12s ago  +1 more",
            "Figures  GOP 12.0 s (2.0-12.0 s, mean 12.0 s, 359 frames)  29.97fps (declared 29.97fps)  pace 1.00x  A/V +23 ms  jitter 0.4 ms",
            "Keyframe ···········█···········█···········█···········█···········█  5 in the last 60s",
            "Video in                                         ▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃  peak 2.4 Mb/s",
            "Audio in                                         ▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅▅  peak 130 kb/s",
        ])
        XCTAssertEqual(lines[top + 7], "", "the blank row above the table")
        XCTAssertTrue(lines[top + 8].hasPrefix("ROLE"))
    }

    func testNotesHaveTheirOwnMarkAndComeAfterFaults() {
        var snapshot = S.busy
        snapshot.streams[0].health = S.health([
            S.finding("b_frames", "B-frames: frames arrive out of presentation order (composition offsets)", note: true, age: 184),
            S.finding("keyframe_interval", "no keyframe for 11.0 s (at most 10.0 s)", age: 0.4),
        ], gop: 12, liveFor: 185)
        let screen = render(snapshot, state: detail("live/test"), width: 120, height: 40)
        let lines = screen.lines
        let top = lines.firstIndex { $0.hasPrefix("Health   ") } ?? 0
        XCTAssertEqual(lines[top], "Health   ⚠ 1 fault, 1 note (profile generic)")
        XCTAssertEqual(lines[top + 1], "         ⚠ keyframe_interval  no keyframe for 11.0 s (at most 10.0 s)  just now")
        XCTAssertEqual(lines[top + 2], "         · b_frames  B-frames: frames arrive out of presentation order (composition offsets)  3m04s ago")
        XCTAssertEqual(screen[x: 9, y: top + 1].style, Style(foreground: .yellow), "a fault in the warning colour")
        XCTAssertEqual(screen[x: 9, y: top + 2].style, Style(foreground: .cyan), "a note muted")

        let ascii = render(snapshot, state: detail("live/test"), width: 120, height: 40, options: RenderOptions(unicode: false, color: false)).lines
        XCTAssertEqual(ascii[top], "Health   ! 1 fault, 1 note (profile generic)")
        XCTAssertTrue(ascii[top + 1].hasPrefix("         ! keyframe_interval"), ascii[top + 1])
        XCTAssertTrue(ascii[top + 2].hasPrefix("         i b_frames"), ascii[top + 2])
    }

    func testHealthyStreamSaysNoFindingsAndItsProfile() {
        var snapshot = S.busy
        snapshot.streams[1].health?.profile = "twitch"
        let lines = render(snapshot, state: detail("live/concert"), width: 120, height: 40).lines
        XCTAssertTrue(lines.contains("Health   ✓ no findings (profile twitch)"), lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("Keyframe ·█·█·█") })
    }

    func testWithoutAPublisherThereIsNoHealth() {
        let lines = render(state: detail("show/later"), width: 120, height: 40).lines
        XCTAssertTrue(lines.contains("Health   -"), lines.joined(separator: "\n"))
        XCTAssertFalse(lines.contains { $0.hasPrefix("Figures") || $0.hasPrefix("Keyframe") || $0.hasPrefix("Video in") })
    }

    func testShortScreensGetTheOneLineForm() {
        // 80x24 with the log: header, summary, this line, a blank row and the table.
        let lines = render(state: detail("live/test", logVisible: true), width: 100, height: 24).lines
        XCTAssertEqual(lines[9], "Health   ⚠ keyframe_interval  keyframe every 12.0 s (at most 10.0 s)  2m05s ago  +2 more")
        XCTAssertEqual(lines[10], "")
        XCTAssertTrue(lines[11].hasPrefix("ROLE"))
        XCTAssertFalse(lines.contains { $0.hasPrefix("Figures") })
        let healthy = render(state: detail("live/concert", logVisible: true), width: 80, height: 24).lines
        XCTAssertEqual(healthy[9], "Health   ✓ no findings (profile generic)")
        // Too short for even that: the table keeps its rows.
        let tiny = render(state: detail("live/test", logVisible: true), width: 80, height: 20).lines
        XCTAssertFalse(tiny.contains { $0.hasPrefix("Health") }, tiny.joined(separator: "\n"))
    }

    func testThePaneNeedsRoomForTheTable() {
        for height in 14...60 {
            let layout = DashboardLayout(height: height, state: detail("live/test"), now: S.now)
            XCTAssertTrue([0, 1, HealthPane.lines].contains(layout.health.count), "height \(height)")
            XCTAssertEqual(layout.health.lowerBound, layout.summary.upperBound)
            if !layout.health.isEmpty { XCTAssertGreaterThanOrEqual(layout.tableBody.count, 3, "height \(height)") }
        }
        XCTAssertEqual(DashboardLayout(height: 36, state: detail("live/test", logVisible: true), now: S.now).health.count, HealthPane.lines,
                       "the end-to-end test's 120x36 shows the whole pane")
    }

    // MARK: keyframe strip

    func testKeyframeStripMarksTheSecondsThatHadAKeyframeNewestAtTheRight() {
        let unicode = Glyphs(unicode: true)
        let strip = KeyframeStrip.text(keyframeSecondsAgo: [59.5, 30.2, 12.0, 0.3], width: 60, liveSeconds: 3000, glyphs: unicode)
        let cells = strip.map(String.init)
        XCTAssertEqual(cells.count, 60)
        XCTAssertEqual(cells.indices.filter { cells[$0] == "█" }, [0, 29, 47, 59])
        XCTAssertTrue(cells.indices.filter { ![0, 29, 47, 59].contains($0) }.allSatisfy { cells[$0] == "·" })

        // A narrower strip shows the newest seconds only; a young stream's seconds before its publish are blank.
        XCTAssertEqual(KeyframeStrip.text(keyframeSecondsAgo: [30.2, 8.9, 0.3], width: 10, liveSeconds: nil, glyphs: unicode), "·█·······█")
        XCTAssertEqual(KeyframeStrip.text(keyframeSecondsAgo: [4.1, 0.3], width: 10, liveSeconds: 5.3, glyphs: unicode), "    ·█···█")
        XCTAssertEqual(KeyframeStrip.text(keyframeSecondsAgo: [4.1, 0.3], width: 10, liveSeconds: 5.3, glyphs: Glyphs(unicode: false)),
                       "    .|...|")
        XCTAssertEqual(KeyframeStrip.count([59.5, 30.2, 8.9, 0.3], width: 10), 2)
        XCTAssertEqual(KeyframeStrip.text(keyframeSecondsAgo: [.nan, -1, .infinity, 10], width: 10, liveSeconds: .nan, glyphs: unicode),
                       "          ", "nonsense marks nothing")
        XCTAssertEqual(KeyframeStrip.text(keyframeSecondsAgo: [1], width: 0, liveSeconds: 1, glyphs: unicode), "")
    }

    func testTheStripAndTheBitrateLinesShareTheirSeconds() {
        let lines = render(state: detail("live/test"), width: 120, height: 40).lines
        guard let strip = lines.first(where: { $0.hasPrefix("Keyframe ") }), let video = lines.first(where: { $0.hasPrefix("Video in ") }),
              let audio = lines.first(where: { $0.hasPrefix("Audio in ") }) else { return XCTFail(lines.joined(separator: "\n")) }
        let cells = DetailView.sparklineWidth(screenWidth: 120)
        XCTAssertEqual(cells, 60)
        // The newest second is the strip's last cell and the last bar of both bitrate lines.
        XCTAssertEqual(Array(strip)[9 + cells - 1], "█", "a keyframe 0.3 s ago")
        XCTAssertTrue("▁▂▃▄▅▆▇█".contains(Array(video)[9 + cells - 1]), video)
        XCTAssertTrue("▁▂▃▄▅▆▇█".contains(Array(audio)[9 + cells - 1]), audio)
        XCTAssertEqual(Array(video)[9 + cells], " ")
        XCTAssertEqual(Array(video)[9 + cells - 21], " ", "20 s of history, right-aligned")
    }

    // MARK: figures

    func testFiguresShowWhatWasMeasured() {
        var health = S.health()
        XCTAssertEqual(HealthPane.figuresText(health),
                       "GOP 2.0 s (2.0-2.0 s, mean 2.0 s, 60 frames)  30fps (declared 30fps)  pace 1.00x  A/V +23 ms  jitter 0.4 ms")
        health.figures = S.health().figures
        health.figures.keyframeIntervalMin = nil
        health.figures.keyframeIntervalMean = nil
        health.figures.keyframeIntervalFrames = nil
        health.figures.measuredFrameRate = nil
        health.figures.avInterleaveMs = -140
        health.figures.maxCompositionOffsetMs = 67
        health.figures.pace = 0.954
        XCTAssertEqual(HealthPane.figuresText(health), "GOP 2.0 s  declared 30fps  pace 0.95x  A/V -140 ms  jitter 0.4 ms  reorder 67 ms")
        XCTAssertNil(HealthPane.figuresText(HealthSnapshot(findings: [], faults: 0, figures: .init())), "nothing measured yet")
        XCTAssertEqual(HealthPane.number(-0.04), "0.0")
        XCTAssertEqual(HealthPane.number(-1.25), "-1.3")
        XCTAssertEqual(HealthPane.number(1.005, decimals: 2), "1.00")
        XCTAssertEqual(HealthPane.number(.nan), "-")
    }
}
