import XCTest
import Dashboard
import Relay

/// `p` (ffplay on the stream) and `u` (its URLs, the play URL copied):
/// the actions, the URLs they are built from, the messages, and both keys
/// in the footer and the help overlay.
final class PlayAndURLKeysTests: XCTestCase {
    typealias S = SampleSnapshots
    var controller = DashboardController()

    @discardableResult
    func press(_ keys: Key..., snapshot: ServerSnapshot = S.busy) -> [DashboardAction] {
        keys.flatMap { controller.handle($0, snapshot: snapshot, screenHeight: 24) }
    }

    func render(_ snapshot: ServerSnapshot = S.busy, width: Int = 80, height: Int = 24) -> [String] {
        var screen = Screen(width: width, height: height)
        DashboardRenderer.render(snapshot, state: controller.state, into: &screen, options: RenderOptions())
        return screen.lines
    }

    func testPPlaysTheSelectedStreamAtAConnectableAddress() {
        // The busy sample listens on 0.0.0.0:1935: a player dials 127.0.0.1.
        XCTAssertEqual(press(.char("p")), [.play(streamKey: "live/concert", url: "rtmp://127.0.0.1:1935/live/concert")])
        XCTAssertEqual(controller.state.statusMessage?.text, "Starting ffplay for live/concert")
        XCTAssertEqual(press(.down, .char("P")), [.play(streamKey: "live/test", url: "rtmp://127.0.0.1:1935/live/test")])
        XCTAssertEqual(press(.down, .char("p")), [.play(streamKey: "show/later", url: "rtmp://127.0.0.1:1935/show/later")],
                       "a waiting stream too: ffplay waits for its publisher")
    }

    func testPInDetailPlaysThatStream() {
        press(.down, .enter, .down)
        XCTAssertEqual(press(.char("p")), [.play(streamKey: "live/test", url: "rtmp://127.0.0.1:1935/live/test")])
        var gone = S.busy
        gone.streams.removeAll { $0.key == "live/test" }
        XCTAssertEqual(press(.char("p"), snapshot: gone), [])
        XCTAssertEqual(controller.state.statusMessage?.text, "The stream has gone")
    }

    func testURLsFollowTheListenAddress() {
        let cases = [
            ("0.0.0.0:1935", "rtmp://127.0.0.1:1935/live/concert"),
            ("[::]:1936", "rtmp://127.0.0.1:1936/live/concert"),
            (":1937", "rtmp://127.0.0.1:1937/live/concert"),
            ("192.168.1.5:1935", "rtmp://192.168.1.5:1935/live/concert"),
            ("[::1]:19350", "rtmp://[::1]:19350/live/concert"),
        ]
        for (listen, url) in cases {
            var snapshot = S.busy
            snapshot.listenAddress = listen
            controller = DashboardController()
            XCTAssertEqual(press(.char("p"), snapshot: snapshot), [.play(streamKey: "live/concert", url: url)], listen)
            XCTAssertEqual(press(.char("u"), snapshot: snapshot), [.copyToClipboard(url)], listen)
        }
    }

    func testUShowsPublishAndPlayURLsAndCopiesThePlayURL() {
        var snapshot = S.busy
        snapshot.listenAddress = "[::]:1935"
        XCTAssertEqual(press(.down, .char("u"), snapshot: snapshot), [.copyToClipboard("rtmp://127.0.0.1:1935/live/test")])
        let expected = "publish rtmp://127.0.0.1:1935/live/test  play rtmp://127.0.0.1:1935/live/test"
        XCTAssertEqual(controller.state.statusMessage?.text, expected)
        XCTAssertEqual(render(snapshot, width: 100)[22], expected)
        press(.enter, snapshot: snapshot)
        XCTAssertEqual(press(.char("U"), snapshot: snapshot), [.copyToClipboard("rtmp://127.0.0.1:1935/live/test")], "detail: that stream")
    }

    func testNoStreamNoAction() {
        XCTAssertEqual(press(.char("p"), snapshot: S.empty), [])
        XCTAssertEqual(controller.state.statusMessage?.text, "No stream selected")
        XCTAssertEqual(press(.char("u"), snapshot: S.empty), [])
    }

    func testTheAppsMessageShowsOnTheMessageLine() {
        press(.char("p"))
        controller.show(message: "ffplay not found: apt install ffmpeg", at: S.now)
        XCTAssertEqual(render()[22], "ffplay not found: apt install ffmpeg")
        var later = S.busy
        later.takenAt = S.now.addingTimeInterval(6)
        controller.sync(with: later, screenHeight: 24)
        XCTAssertFalse(render(later).contains("ffplay not found: apt install ffmpeg"), "it fades like any status")
    }

    func testTypingAFilterIsNotAKey() {
        press(.char("/"))
        XCTAssertEqual(press(.char("p"), .char("u")), [])
        XCTAssertEqual(controller.state.filter, "pu")
    }

    // MARK: footer and help

    func testFooterListsPAndUAndKeepsHelpAndQuitAtEightyColumns() {
        let streams = render().last ?? ""
        XCTAssertEqual(streams, "F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  / Filter  F10/q Quit")
        XCTAssertLessThanOrEqual(DisplayWidth.of(streams), 80)
        XCTAssertEqual(render(width: 120).last, "F1 Help  Enter Detail  p Play  u URL  r Rec  F9/k Kick  s Sort  / Filter  l Log  F10/q Quit")
        press(.enter)
        XCTAssertEqual(render().last, "F1 Help  Esc Back  p Play  u URL  r Rec  F9/k Kick  l Log  F10/q Quit")
        // Narrower still: the least needed go first, the help and quit keys stay.
        XCTAssertEqual(render(width: 40).last, "F1 Help  Esc Back  p Play  F10/q Quit")
    }

    func testHelpListsPAndU() {
        press(.char("?"))
        let help = render(height: 30)
        XCTAssertTrue(help.contains { $0.contains("│ p                  play the stream in ffplay") }, help.joined(separator: "\n"))
        XCTAssertTrue(help.contains { $0.contains("│ u                  show its publish and play URLs, copy the play URL") })
        XCTAssertTrue(help.contains { $0.contains("HEALTH: ✓ no fault, ⚠N faults") })
    }
}
