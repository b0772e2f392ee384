import XCTest
import Dashboard
import Relay

/// Every view at 80×24 and 160×48 compared, as text, with the golden
/// frames, plus the styles the text cannot show.
final class RenderGoldenTests: XCTestCase {
    func testEveryViewMatchesItsGoldenFrame() {
        for scenario in GoldenScenario.allCases {
            for (width, height) in scenario.sizes {
                guard let expected = Golden.expected(scenario, width: width, height: height) else {
                    XCTFail("no golden frame for \(scenario) at \(width)x\(height)")
                    continue
                }
                let actual = scenario.render(width: width, height: height).lines.joined(separator: "\n")
                if actual != expected {
                    XCTFail("\(scenario) at \(width)x\(height) differs from its golden frame:\n\(Self.difference(actual, expected))")
                }
            }
        }
    }

    func testSelectedStreamRowIsHighlightedAcrossTheWholeWidth() {
        let screen = GoldenScenario.streams.render(width: 80, height: 24)
        let selected = Style(foreground: .black, background: .cyan)
        XCTAssertTrue(screen.cells(row: 4).allSatisfy { $0.style == selected }, "live/concert is selected by default")
        XCTAssertFalse(screen.cells(row: 5).contains { $0.style == selected })
        XCTAssertTrue(screen.cells(row: 3).allSatisfy { $0.style.background == .green || $0.style.background == .cyan }, "table header bar")
    }

    func testSelectedConnectionRowIsHighlightedInDetail() {
        // The detail scenario pressed Down once: the first player (id 7) is selected.
        let screen = GoldenScenario.detail.render(width: 80, height: 24)
        let row = screen.lines.firstIndex { $0.hasPrefix("play   7") }
        XCTAssertNotNil(row)
        XCTAssertEqual(screen[x: 0, y: row ?? 0].style, Style(foreground: .black, background: .cyan))
        XCTAssertEqual(screen[x: 79, y: row ?? 0].style, Style(foreground: .black, background: .cyan))
        XCTAssertEqual(screen[x: 0, y: (row ?? 0) - 1].style.background, .default)
    }

    func testHeaderNamesTheHTTPAddressWhenTheAPIIsOn() {
        var snapshot = SampleSnapshots.busy
        var screen = Screen(width: 120, height: 36)
        DashboardRenderer.render(snapshot, state: DashboardState(), into: &screen, options: RenderOptions())
        XCTAssertFalse(screen.lines[0].contains("HTTP:"), "off: not shown")
        snapshot.httpAddress = "127.0.0.1:8080"
        DashboardRenderer.render(snapshot, state: DashboardState(), into: &screen, options: RenderOptions())
        XCTAssertTrue(screen.lines[0].contains("Listen: 0.0.0.0:1935  HTTP: 127.0.0.1:8080  Uptime:"), screen.lines[0])
        XCTAssertFalse(screen.lines[0].contains("RTMPS"), "no TLS listener: not shown")
        snapshot.rtmpsAddress = "0.0.0.0:1936"
        DashboardRenderer.render(snapshot, state: DashboardState(), into: &screen, options: RenderOptions())
        XCTAssertTrue(screen.lines[0].contains("Listen: 0.0.0.0:1935  RTMPS: 0.0.0.0:1936  HTTP: 127.0.0.1:8080"), screen.lines[0])
    }

    func testRecordingMarkIsRedAndBold() {
        var state = DashboardState()
        state.selectedStreamKey = "show/later"
        var screen = Screen(width: 80, height: 24)
        DashboardRenderer.render(SampleSnapshots.busy, state: state, into: &screen, options: RenderOptions())
        let line = screen.lines[4]
        let column = DisplayWidth.of(String(line.prefix { $0 != "●" }))
        XCTAssertEqual(screen[x: column, y: 4].text, "●")
        XCTAssertEqual(screen[x: column, y: 4].style, Style(foreground: .red, bold: true))
    }

    func testMonochromeUsesNoColourAnywhere() {
        for scenario in GoldenScenario.allCases {
            var screen = Screen(width: 160, height: 48)
            DashboardRenderer.render(scenario.snapshot, state: scenario.state(height: 48), into: &screen,
                                     options: RenderOptions(unicode: true, color: false))
            for y in 0..<screen.height {
                XCTAssertTrue(screen.cells(row: y).allSatisfy(\.style.isMonochrome), "\(scenario) row \(y) has a colour")
            }
        }
    }

    func testMonochromeStillShowsSelectionAndHeader() {
        var screen = Screen(width: 80, height: 24)
        DashboardRenderer.render(SampleSnapshots.busy, state: DashboardState(), into: &screen, options: RenderOptions(unicode: true, color: false))
        XCTAssertTrue(screen.cells(row: 4).allSatisfy { $0.style.reverse }, "selected row in reverse video")
        XCTAssertTrue(screen.cells(row: 3).prefix(40).allSatisfy { $0.style.bold }, "header in bold")
        XCTAssertTrue(screen.cells(row: 23).contains { $0.style.reverse }, "footer labels in reverse video")
    }

    func testASCIIModeDrawsNoNonASCIICharacter() {
        for scenario in GoldenScenario.allCases {
            var screen = Screen(width: 160, height: 48)
            DashboardRenderer.render(scenario.snapshot, state: scenario.state(height: 48), into: &screen,
                                     options: RenderOptions(unicode: false, color: true))
            for line in screen.lines {
                XCTAssertTrue(line.allSatisfy(\.isASCII), "\(scenario): \(line)")
            }
        }
    }

    func testEightyColumnsKeepTheEssentialColumns() {
        let header = GoldenScenario.streams.render(width: 80, height: 24).lines[3]
        for title in ["KEY", "STAT", "HLTH", "VIDEO", "AUDIO", "IN", "PLAY", "DROPS", "REC"] {
            XCTAssertTrue(header.contains(title), "\(title) missing from \(header)")
        }
        XCTAssertFalse(header.contains("PUBLISHER"))
    }

    func testOneHundredSixtyColumnsShowEveryColumn() {
        let header = GoldenScenario.streams.render(width: 160, height: 48).lines[3]
        for title in ["KEY", "STATE", "HEALTH", "PUBLISHER", "VIDEO", "AUDIO", "IN", "OUT", "PLAYERS", "DROPS", "REC", "LIVE", "HISTORY"] {
            XCTAssertTrue(header.contains(title), "\(title) missing from \(header)")
        }
    }

    func testAWideTerminalGetsAFullMinuteSparklineAndAFullWidthHeaderBar() {
        var screen = Screen(width: 300, height: 60)
        DashboardRenderer.render(SampleSnapshots.busy, state: DashboardState(), into: &screen, options: RenderOptions())
        XCTAssertTrue(screen.cells(row: 3).allSatisfy { $0.style.background != .default })
        let concert = screen.lines[4]
        let bars = concert.filter { "▁▂▃▄▅▆▇█".contains($0) }
        XCTAssertEqual(bars.count, 60, concert)
    }

    func testOneHundredTwentyColumnsShowACompactSparklineBeforeThePublisher() {
        // Keys as long as the screenshots' and longer still: the sparkline
        // always fits at 120 columns, and the table uses the whole width.
        for keyLength in [10, 12, 14, 16, 20] {
            var snapshot = SampleSnapshots.busy
            snapshot.streams[1].key = "live/" + String(repeating: "c", count: keyLength - 5)
            var screen = Screen(width: 120, height: 36)
            DashboardRenderer.render(snapshot, state: DashboardState(), into: &screen, options: RenderOptions())
            let header = screen.lines[3]
            XCTAssertTrue(header.hasSuffix("HISTORY"), header)
            XCTAssertFalse(header.contains("PUBLISHER"), header)
            for y in 4...5 {
                let row = screen.lines[y]
                let bars = row.filter { "▁▂▃▄▅▆▇█".contains($0) }.count
                XCTAssertTrue((8...12).contains(bars), "key length \(keyLength): \(row)")
                XCTAssertEqual(DisplayWidth.of(row), 120, "the sparkline takes the leftover width: \(row)")
            }
        }
    }

    func testSelectedRowKeepsTheSparklinesOwnColour() {
        let screen = GoldenScenario.streams.render(width: 160, height: 48)
        let selected = Style(foreground: .black, background: .cyan)
        let row = Array(screen.cells(row: 4))
        let bars = row.indices.filter { "▁▂▃▄▅▆▇█".contains(row[$0].text) }
        XCTAssertEqual(bars.count, 12)
        for x in bars { XCTAssertEqual(row[x].style, Style(foreground: .green), "column \(x)") }
        XCTAssertTrue(row.indices.filter { !bars.contains($0) }.allSatisfy { row[$0].style == selected }, "the rest is the selection bar")

        var mono = Screen(width: 160, height: 48)
        DashboardRenderer.render(SampleSnapshots.busy, state: DashboardState(), into: &mono, options: RenderOptions(unicode: true, color: false))
        let monoRow = Array(mono.cells(row: 4))
        XCTAssertTrue(bars.allSatisfy { !monoRow[$0].style.reverse }, "bars are not inverted into a block")
        XCTAssertTrue(monoRow[0].style.reverse)
    }

    func testAStreamWithoutPublisherShowsNoStaleCodecsOrBitrate() {
        // The publisher of live/test has just left; the snapshot still carries its values.
        var snapshot = SampleSnapshots.busy
        snapshot.streams[0].publisher = nil
        var screen = Screen(width: 120, height: 36)
        DashboardRenderer.render(snapshot, state: DashboardState(), into: &screen, options: RenderOptions())
        let row = screen.lines[5]
        XCTAssertEqual(row.split(separator: " ").prefix(9), ["live/test", "waiting", "-", "-", "-", "0", "b/s", "2.4", "Mb/s"], row)
        XCTAssertFalse(row.contains("H.264") || row.contains("AAC") || row.contains("2.5 Mb/s"), row)

        var state = DashboardState()
        state.sort = .bitrate
        var spiking = snapshot
        spiking.streams[0].bitrateBps = 50_000_000
        XCTAssertEqual(state.visibleStreams(in: spiking).map(\.key), ["live/concert", "live/test", "show/later"], "a stale bitrate sorts as 0")

        state.view = .detail(streamKey: "live/test")
        DashboardRenderer.render(snapshot, state: state, into: &screen, options: RenderOptions())
        XCTAssertEqual(screen.lines[3], "Stream   live/test  waiting")
        XCTAssertEqual(screen.lines[4], "Video    -")
        XCTAssertEqual(screen.lines[5], "Audio    -")
        XCTAssertTrue(screen.lines[6].hasPrefix("Traffic  in 0 b/s  out 2.4 Mb/s"), screen.lines[6])
    }

    func testEventsAreColouredBySeverity() {
        let plain = Style(), yellow = Style(foreground: .yellow), red = Style(foreground: .red), green = Style(foreground: .green)
        let cases: [(String, Style)] = [
            ("connection 4 closed: connection reset by peer", plain),
            ("connection 1 closed: peer closed its side", plain),
            ("connection 2 closed: peer closed", plain),
            ("connection 3 closed: server shutting down", plain),
            ("publisher left live/radio", plain),
            ("player left live/camera-1", plain),
            ("recording of live/camera-1 ended", plain),
            ("play live/errors by 127.0.0.1:5000", plain),
            ("publish live/camera-1 from 127.0.0.1:5001", green),
            ("recording live/camera-1", green),
            ("kicked connection 9", yellow),
            ("connection 9 closed: kicked", yellow),
            ("evicted stale publisher 6 of live/camera-1", yellow),
            ("connection 6 closed: evicted by a new publisher", yellow),
            ("connection 7 closed: player too slow", yellow),
            ("connection 8 closed: stream already published", yellow),
            ("connection 10 closed: publisher timeout", yellow),
            ("publish refused: live/x is already published", yellow),
            ("player 8 dropped 12 frames", yellow),
            ("connection 11 closed: protocol error: chunk too large", red),
            ("recording failed for live/camera-1: disk full", red),
        ]
        // The log shows the newest few: a handful of events per frame.
        for start in stride(from: 0, to: cases.count, by: 5) {
            let batch = cases[start..<min(start + 5, cases.count)]
            let snapshot = SampleSnapshots.snapshot(streams: [], events: batch.map { SampleSnapshots.event(1, $0.0) })
            var screen = Screen(width: 100, height: 40)
            DashboardRenderer.render(snapshot, state: DashboardState(), into: &screen, options: RenderOptions())
            for (message, style) in batch {
                guard let y = screen.lines.firstIndex(where: { $0.hasSuffix(" " + message) }) else {
                    XCTFail("\(message) not shown")
                    continue
                }
                XCTAssertEqual(screen[x: 9, y: y].style, style, message)
                XCTAssertEqual(screen[x: 8 + message.count, y: y].style, style, message)
            }
        }
    }

    func testDetailSummaryKeepsABlankRowAboveTheTable() {
        for height in 6...40 {
            var state = DashboardState()
            state.view = .detail(streamKey: "live/concert")
            var screen = Screen(width: 80, height: height)
            DashboardRenderer.render(SampleSnapshots.busy, state: state, into: &screen, options: RenderOptions())
            guard screen.lines.contains(where: { $0.hasPrefix("Bitrate  ") }) else { continue }
            // The health pane (the whole of it or its one line) is the last thing before the blank row, when it shows.
            let last = screen.lines.lastIndex { $0.hasPrefix("Audio in ") } ?? screen.lines.lastIndex { $0.hasPrefix("Health   ") }
                ?? screen.lines.firstIndex { $0.hasPrefix("Bitrate  ") }!
            XCTAssertEqual(screen.lines[last + 1], "", "height \(height)")
            XCTAssertTrue(screen.lines[last + 2].hasPrefix("ROLE"), "height \(height)")
        }
    }

    func testGettingStartedCommandsDialTheListenAddress() {
        let cases = [
            ("0.0.0.0:1935", "rtmp://127.0.0.1:1935/live/test"),
            ("[::]:1935", "rtmp://127.0.0.1:1935/live/test"),
            (":1936", "rtmp://127.0.0.1:1936/live/test"),
            ("192.168.1.5:1935", "rtmp://192.168.1.5:1935/live/test"),
            ("[::1]:19350", "rtmp://[::1]:19350/live/test"),
        ]
        for (listen, url) in cases {
            var screen = Screen(width: 100, height: 24)
            DashboardRenderer.render(SampleSnapshots.snapshot(streams: [], listen: listen), state: DashboardState(), into: &screen,
                                     options: RenderOptions())
            XCTAssertTrue(screen.lines.contains("    ffmpeg -re -i FILE -c copy -f flv \(url)"), "\(listen):\n\(screen.lines.joined(separator: "\n"))")
            XCTAssertTrue(screen.lines.contains("    ffplay \(url)"), listen)
        }
    }

    func testFilterWithoutMatchesSaysSo() {
        var state = DashboardState()
        state.filter = "nothing-like-this"
        var screen = Screen(width: 80, height: 24)
        DashboardRenderer.render(SampleSnapshots.busy, state: state, into: &screen, options: RenderOptions())
        XCTAssertEqual(screen.lines[4], "No stream matches \"nothing-like-this\". Esc clears the filter.")
        XCTAssertEqual(screen.lines[22], "Filter: nothing-like-this  0 of 3 streams  / edits, Esc clears")
    }

    func testStatusMessageShowsForFiveSecondsOfSnapshotTime() {
        var controller = DashboardController()
        _ = controller.handle(.char("s"), snapshot: SampleSnapshots.busy, screenHeight: 24)
        var later = SampleSnapshots.busy
        var screen = Screen(width: 80, height: 24)
        DashboardRenderer.render(later, state: controller.state, into: &screen, options: RenderOptions())
        XCTAssertEqual(screen.lines[22], "Sorted by bitrate")
        later.takenAt = later.takenAt.addingTimeInterval(6)
        DashboardRenderer.render(later, state: controller.state, into: &screen, options: RenderOptions())
        XCTAssertFalse(screen.lines.contains("Sorted by bitrate"))
        XCTAssertTrue(screen.lines[22].hasPrefix("22:"), "the log takes the line back")
    }

    func testDetailOfAStreamThatHasGone() {
        var state = DashboardState()
        state.view = .detail(streamKey: "live/vanished")
        var screen = Screen(width: 80, height: 24)
        DashboardRenderer.render(SampleSnapshots.busy, state: state, into: &screen, options: RenderOptions())
        XCTAssertEqual(screen.lines[3], "Stream live/vanished has gone. Esc goes back.")
    }

    func testRecordingErrorAndStoppedRecordingInDetail() {
        var snapshot = SampleSnapshots.busy
        snapshot.streams[0].recording = RecordingSnapshot(isRecording: false, path: nil, segment: 0, bytesWritten: 0, durationMilliseconds: 0,
                                                          droppedFrames: 0, lastError: "disk full")
        snapshot.streams[2].recording = RecordingSnapshot(isRecording: false, path: "recordings/show_later.flv", segment: 1,
                                                          bytesWritten: 3482, durationMilliseconds: 2000, droppedFrames: 4, lastError: nil)
        var state = DashboardState()
        state.view = .detail(streamKey: "live/test")
        var screen = Screen(width: 100, height: 24)
        DashboardRenderer.render(snapshot, state: state, into: &screen, options: RenderOptions())
        XCTAssertEqual(screen.lines[7], "Record   failed: disk full")
        state.view = .detail(streamKey: "show/later")
        DashboardRenderer.render(snapshot, state: state, into: &screen, options: RenderOptions())
        XCTAssertEqual(screen.lines[7], "Record   stopped  3.4 KiB in recordings/show_later.flv  4 frames dropped")
        state.view = .streams
        DashboardRenderer.render(snapshot, state: state, into: &screen, options: RenderOptions())
        XCTAssertTrue(screen.lines[5].hasSuffix("ERR"), screen.lines[5])
    }

    /// The first differing line, with context, so a failure is readable.
    static func difference(_ actual: String, _ expected: String) -> String {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, e.count) {
            let x = i < a.count ? String(a[i]) : "<none>"
            let y = i < e.count ? String(e[i]) : "<none>"
            if x != y { return "line \(i):\n  actual:   \(x)\n  expected: \(y)\nwhole frame:\n\(actual)" }
        }
        return "(same lines)"
    }
}
