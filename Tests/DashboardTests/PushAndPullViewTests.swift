import XCTest
@testable import Dashboard
import Relay

/// Pushes and pulls on screen: push rows in the detail table (masked URL,
/// state, traffic, reconnects), the pull as the publisher row and, while it
/// is not playing, in the summary; the footer and prompt of the push keys.
final class PushAndPullViewTests: XCTestCase {
    let relay = PushAndPullSnapshots.relay

    /// The frame after pressing `keys` from the initial state, as a user would.
    func render(_ keys: [Key], snapshot: ServerSnapshot? = nil, width: Int, height: Int,
                options: RenderOptions = RenderOptions()) -> Screen {
        let snapshot = snapshot ?? relay
        var controller = DashboardController()
        for key in keys { _ = controller.handle(key, snapshot: snapshot, screenHeight: height) }
        controller.sync(with: snapshot, screenHeight: height)
        var screen = Screen(width: width, height: height)
        DashboardRenderer.render(snapshot, state: controller.state, into: &screen, options: options)
        return screen
    }

    /// live/show's detail with its first push selected.
    func showOnFirstPush(width: Int, height: Int) -> Screen {
        render([.end, .enter, .down], width: width, height: height)
    }

    func line(_ screen: Screen, containing text: String) -> (y: Int, text: String)? {
        screen.lines.enumerated().first { $0.element.contains(text) }.map { ($0.offset, $0.element) }
    }

    /// The x where `text` starts on row `y`, counted in columns.
    func column(of text: String, in screen: Screen, y: Int) -> Int? {
        let line = screen.lines[y]
        return line.range(of: text).map { DisplayWidth.of(String(line[..<$0.lowerBound])) }
    }

    func testDetailWithPushesAtEightyColumns() {
        let actual = showOnFirstPush(width: 80, height: 24).lines.joined(separator: "\n")
        XCTAssertEqual(actual, Self.showOnFirstPush80x24, RenderGoldenTests.difference(actual, Self.showOnFirstPush80x24))
    }

    func testPushRowsShowTheMaskedURLStateTrafficAndReconnects() {
        let screen = showOnFirstPush(width: 160, height: 48)
        guard let header = line(screen, containing: "ROLE"), let waiting = line(screen, containing: "backup.example.net") else {
            return XCTFail(screen.lines.joined(separator: "\n"))
        }
        for title in ["ADDRESS", "STATE", "CLIENT", "CONNECTED", "BYTES", "BITRATE", "QUEUE", "DROPS", "RECONNECTS"] {
            XCTAssertTrue(header.text.contains(title), "\(title) missing from \(header.text)")
        }
        XCTAssertTrue(waiting.text.hasPrefix("push       - backup.example.net:1936/ingest/***?token=*** "), waiting.text)
        let cells = waiting.text.split(separator: " ").map(String.init)
        XCTAssertEqual(cells.dropFirst(3).first, "waiting")
        XCTAssertEqual(cells.last, "3", "reconnects, the last column")
        XCTAssertTrue(waiting.text.contains(" 8s   1.0 MiB     0 b/s       0 B "), waiting.text)
        // Waiting and its reconnects in the warning colour.
        if let x = column(of: "waiting", in: screen, y: waiting.y) {
            XCTAssertEqual(screen[x: x, y: waiting.y].style, Style(foreground: .yellow))
        } else {
            XCTFail("no state on \(waiting.text)")
        }
        XCTAssertEqual(screen[x: DisplayWidth.of(waiting.text) - 1, y: waiting.y].style, Style(foreground: .yellow))

        guard let publishing = line(screen, containing: "a.rtmp.youtube.com/live2/***") else { return XCTFail("no publishing push") }
        XCTAssertTrue(publishing.text.hasPrefix("push      14 a.rtmp.youtube.com/live2/*** "),
                      "the current connection's id: \(publishing.text)")
        XCTAssertTrue(publishing.text.contains(" publishing "), publishing.text)
        XCTAssertTrue(publishing.text.contains("120.0 MiB  4.5 Mb/s  32.0 KiB     -     3          0"), publishing.text)
        XCTAssertEqual(screen[x: 0, y: publishing.y].style, Style(foreground: .black, background: .cyan), "selected")
        XCTAssertTrue(line(screen, containing: "cdn.example.org/live/***")?.text.contains(" stopped ") == true)
        XCTAssertNil(line(screen, containing: "rtmp://a.rtmp"), "no scheme in the table")
        XCTAssertTrue(line(screen, containing: "publisher  3 192.168.1.20:50432")?.text.hasSuffix("-") == true,
                      "no reconnects for a local publisher")
    }

    func testPushStatesShortenAtEightyColumns() {
        let screen = showOnFirstPush(width: 80, height: 24)
        XCTAssertTrue(line(screen, containing: "ROLE")?.text.hasSuffix("STATE       BYTES   BITRATE     QUEUE DROPS RECON") == true)
        XCTAssertTrue(line(screen, containing: "a.rtmp.youtube.com")?.text.contains(" publish 120.0 MiB") == true)
    }

    func testTrafficAndTheStreamsTableCountPushesAsOutput() {
        let detail = showOnFirstPush(width: 160, height: 48)
        // Players 4.5 + 4.4 Mb/s, pushes 4.5 Mb/s.
        XCTAssertTrue(line(detail, containing: "Traffic")?.text
            .contains("out 13.4 Mb/s  received 480.1 MiB  players 2  pushes 3  drops") == true)
        let streams = render([], width: 120, height: 36)
        XCTAssertTrue(line(streams, containing: "live/show")?.text.contains("4.5 Mb/s 13.4 Mb/s") == true,
                      line(streams, containing: "live/show")?.text ?? "")
    }

    func testAStreamWithoutPushesKeepsItsTableColumns() {
        let screen = render([.enter], width: 160, height: 48)
        let header = line(screen, containing: "ROLE")?.text ?? ""
        XCTAssertTrue(header.hasPrefix("ROLE      ID ADDRESS"), header)
        XCTAssertFalse(header.contains("STATE") || header.contains("RECON"), header)
        XCTAssertFalse(line(screen, containing: "Traffic")?.text.contains("pushes") == true)
    }

    func testAPulledStreamShowsThePullAsItsPublisher() {
        let screen = render([.enter], width: 160, height: 48)
        XCTAssertTrue(line(screen, containing: "Stream   ")?.text
            .hasSuffix("live for 1m59s  pulled from rtmp://origin.example.com/edge/cam") == true)
        guard let row = line(screen, containing: "origin.example.com:1935") else { return XCTFail("no pull row") }
        XCTAssertTrue(row.text.hasPrefix("pull      20 origin.example.com:1935 "), row.text)
        XCTAssertTrue(row.text.contains("28.6 MiB  2.0 Mb/s         -"), "bytes and bitrate in, no queue: \(row.text)")
        XCTAssertEqual(screen[x: 0, y: row.y].style, Style(foreground: .black, background: .cyan), "selected first")
    }

    func testAPullThatIsNotPlayingIsExplainedInTheSummary() {
        let screen = render([.down, .enter], width: 160, height: 48)
        guard let title = line(screen, containing: "Stream   ") else { return XCTFail("no title") }
        XCTAssertEqual(title.text, "Stream   edge/lobby  waiting  pulling from rtmp://origin.example.com/edge/lobby: waiting, "
                       + "2 reconnects, last error: connection refused")
        if let x = column(of: "pulling", in: screen, y: title.y) {
            XCTAssertEqual(screen[x: x, y: title.y].style, Style(foreground: .yellow))
        } else {
            XCTFail(title.text)
        }

        var connecting = relay
        connecting.streams[2].pull = PullSnapshot(url: "rtmp://origin.example.com/edge/lobby", state: "connecting", reconnects: 1)
        let first = render([.down, .enter], snapshot: connecting, width: 160, height: 48)
        let firstTitle = line(first, containing: "Stream   ")?.text ?? ""
        XCTAssertTrue(firstTitle.hasSuffix("waiting  pulling from rtmp://origin.example.com/edge/lobby: connecting, 1 reconnect"), firstTitle)
    }

    func testFooterAndPromptOfThePushKeys() {
        let onPush = showOnFirstPush(width: 80, height: 24)
        XCTAssertEqual(onPush.lines[23], "F1 Help  Esc Back  p Play  u URL  r Rec  F9/k Stop push  t Restart  F10/q Quit")
        let onPublisher = render([.end, .enter], width: 80, height: 24)
        XCTAssertEqual(onPublisher.lines[23], "F1 Help  Esc Back  p Play  u URL  r Rec  F9/k Kick  l Log  F10/q Quit")

        let asking = render([.end, .enter, .down, .char("k")], width: 80, height: 24)
        XCTAssertEqual(asking.lines[22], "Stop push rtmp://a.rtmp.youtube.com/live2/*** until t restarts it? y/n")
        XCTAssertEqual(asking.lines[23], "y Stop push  n Cancel")
        XCTAssertEqual(asking[x: 79, y: 22].style, Style(foreground: .black, background: .yellow, bold: true), "the prompt bar")
    }

    func testHostilePushAndPullValuesStayOnScreen() {
        var snapshot = relay
        snapshot.streams[0].pushes.append(PushSnapshot(
            id: UInt64.max, url: "rtmp://" + String(repeating: "very-long-host.", count: 20) + "example/app/***", state: "some-new-state",
            connectionID: UInt64.max, bytesOut: UInt64.max, outBps: .nan, queuedBytes: -5, droppedVideo: UInt64.max, droppedAudio: 1,
            reconnects: Int.max, lastError: "line\nbreak", since: .distantFuture))
        snapshot.streams[2].pull = PullSnapshot(url: "", state: "", reconnects: -1, lastError: "\u{1B}[31m")
        for width in [1, 20, 40, 79, 80, 81, 120, 200] {
            for keys: [Key] in [[.end, .enter, .end], [.down, .enter]] {
                let screen = render(keys, snapshot: snapshot, width: width, height: 30)
                for text in screen.lines { XCTAssertLessThanOrEqual(DisplayWidth.of(text), width, text) }
            }
        }
        let wide = render([.end, .enter, .end], snapshot: snapshot, width: 200, height: 30)
        XCTAssertTrue(line(wide, containing: " some-ne ")?.text.contains("     0 b/s ") == true, "NaN shows as 0 b/s")
    }

    /// Pushes between the publisher and the players; at 80 columns the
    /// client names give way to the upstream URLs, STATE and RECON.
    static let showOnFirstPush80x24 = """
        rtmp-top 0.2.0  Listen: 0.0.0.0:1935  Uptime: 1h02m
        Connections: 7  Streams: 3 (2 live, 1 waiting)  In: 6.5 Mb/s  Out: 15.4 Mb/s
        Recording to: recordings  Received: 543.6 MiB  Sent: 336.5 MiB
        Stream   live/show  live for 14m55s  from 192.168.1.20:50432 (OBS 30.1)
        Video    H.264 High@L4.0 1280x720 30fps  4.3 Mb/s  447 keyframes, 26850 frames
        Audio    AAC LC 48kHz 2ch  225 kb/s  42065 frames
        Traffic  in 4.5 Mb/s  out 13.4 Mb/s  received 480.1 MiB  players 2  pushes 3  d…
        Record   not recording  (r starts)
        Bitrate  ▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆▃▇▅▃▇▄▂▆▄█▆  peak 4.5 Mb/s
        Health   ✓ no findings (profile generic)

        ROLE ID ADDRESS                STATE       BYTES   BITRATE     QUEUE DROPS RECON
        pub   3 192.168.1.20:50432     -       515.0 MiB  4.5 Mb/s         -     0     -
        push 14 a.rtmp.youtube.com/li… publish 120.0 MiB  4.5 Mb/s  32.0 KiB     3     0
        push  - backup.example.net:19… waiting   1.0 MiB     0 b/s       0 B     0     3
        push  - cdn.example.org/live/… stopped   4.8 MiB     0 b/s       0 B     0     1
        play  7 10.0.0.7:40112         -       157.4 MiB  4.5 Mb/s       0 B     0     -
        ─ Events ───────────────────────────────────────────────────────────────────────
        22:13:12 push rtmp://backup.example.net:1936/ingest/***?token=*** of live/show …




        F1 Help  Esc Back  p Play  u URL  r Rec  F9/k Stop push  t Restart  F10/q Quit
        """
}
