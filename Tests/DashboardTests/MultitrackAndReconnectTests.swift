import XCTest
@testable import Dashboard
import Relay

/// An Enhanced RTMP v2 multitrack publish in the detail summary (the
/// Tracks line), and the `e` key: a Reconnect Request to a publisher that
/// announced capsEx Reconnect after y/n, its prompt, footer hint and help
/// entry; a message instead for a publisher that did not.
final class MultitrackAndReconnectTests: XCTestCase {
    typealias S = SampleSnapshots
    let busy = SampleSnapshots.busy
    var controller = DashboardController()

    /// live/test of the busy sample, published as two video and two audio renditions.
    static let multitrack: ServerSnapshot = {
        var snapshot = SampleSnapshots.busy
        let index = snapshot.streams.firstIndex { $0.key == "live/test" }!
        snapshot.streams[index].tracks = [
            TrackSnapshot(kind: "video", id: 0, video: VideoSnapshot(codec: "H.264", profile: "Main", level: "3.1", width: 1280, height: 720),
                          bytesIn: 9_000_000, bitrateBps: 2_300_000),
            TrackSnapshot(kind: "video", id: 1, video: VideoSnapshot(codec: "H.264", profile: "Baseline", level: "2.1", width: 320, height: 180),
                          bytesIn: 3_000_000, bitrateBps: 600_000),
            TrackSnapshot(kind: "audio", id: 0, audio: AudioSnapshot(codec: "AAC", profile: "LC", sampleRate: 48_000, channels: 2),
                          bytesIn: 700_000, bitrateBps: 128_000),
            TrackSnapshot(kind: "audio", id: 1, audio: AudioSnapshot(codec: "AAC", profile: "LC", sampleRate: 48_000, channels: 1),
                          bytesIn: 350_000, bitrateBps: 64_000),
        ]
        return snapshot
    }()

    /// The busy sample where every publisher's connect announced capsEx
    /// Reconnect (the sample's own clients, like most, did not).
    static let announcing: ServerSnapshot = {
        var snapshot = SampleSnapshots.busy
        for i in snapshot.streams.indices { snapshot.streams[i].publisher?.handlesReconnectRequest = true }
        let publishers = Set(snapshot.streams.compactMap(\.publisher?.id))
        for i in snapshot.connections.indices where publishers.contains(snapshot.connections[i].id) {
            snapshot.connections[i].handlesReconnectRequest = true
        }
        return snapshot
    }()

    @discardableResult
    func press(_ keys: Key..., snapshot: ServerSnapshot? = nil, height: Int = 24) -> [DashboardAction] {
        var actions: [DashboardAction] = []
        for key in keys { actions += controller.handle(key, snapshot: snapshot ?? busy, screenHeight: height) }
        return actions
    }

    /// The frame after pressing `keys` from the initial state.
    func render(_ keys: [Key], snapshot: ServerSnapshot, width: Int, height: Int) -> Screen {
        var controller = DashboardController()
        for key in keys { _ = controller.handle(key, snapshot: snapshot, screenHeight: height) }
        controller.sync(with: snapshot, screenHeight: height)
        var screen = Screen(width: width, height: height)
        DashboardRenderer.render(snapshot, state: controller.state, into: &screen, options: RenderOptions())
        return screen
    }

    // MARK: tracks

    func testTracksLineAtEightyColumnsShowsTheWholeTracksThatFit() {
        let lines = render([.down, .enter], snapshot: Self.multitrack, width: 80, height: 24).lines
        XCTAssertEqual(lines[4], "Video    H.264 Main@L3.1 1280x720 29.97fps  2.4 Mb/s  92 keyframes, 5550 frames")
        // Where the audio line was; no track is cut in the middle.
        XCTAssertEqual(lines[5], "Tracks   v0 H.264 1280x720 2.3 Mb/s · v1 H.264 320x180 600 kb/s · +2 more")
        XCTAssertTrue(lines[6].hasPrefix("Traffic  in 2.5 Mb/s"), lines[6])
        XCTAssertTrue(lines[8].hasPrefix("Bitrate  "), "the summary keeps its six rows: \(lines[8])")
    }

    func testTracksLineAtOneHundredTwentyColumnsShowsEveryTrack() {
        let lines = render([.down, .enter], snapshot: Self.multitrack, width: 120, height: 36).lines
        XCTAssertEqual(lines[5], ("Tracks   v0 H.264 1280x720 2.3 Mb/s · v1 H.264 320x180 600 kb/s · a0 AAC 48kHz 2ch 128 kb/s"
                                  + " · a1 AAC 48kHz 1ch 64 kb/s"))
        XCTAssertFalse(lines.contains { $0.hasPrefix("Audio    ") }, "the default audio is a0")
    }

    func testTrackTextWithoutItsSequenceStartYetIsItsIdAndBitrate() {
        XCTAssertEqual(DetailView.trackText(TrackSnapshot(kind: "video", id: 2, bytesIn: 0, bitrateBps: 0)), "v2 0 b/s")
        let runs = DetailView.tracksLine([TrackSnapshot(kind: "audio", id: 0, bytesIn: 0, bitrateBps: 0)], width: 5, Theme(color: false))
        XCTAssertEqual(runs.map(\.text).joined(), "Tracks   +1 more", "not even one fits: the count alone")
    }

    func testAStreamWithoutTracksKeepsItsAudioLine() {
        let lines = render([.down, .enter], snapshot: busy, width: 80, height: 24).lines
        XCTAssertTrue(lines[5].hasPrefix("Audio    AAC"), lines[5])
        XCTAssertFalse(lines.contains { $0.hasPrefix("Tracks") })
    }

    // MARK: the reconnect key

    func testEInTheStreamsViewAsksAboutThePublisherThenRequests() {
        XCTAssertEqual(press(.char("e"), snapshot: Self.announcing), [])
        XCTAssertEqual(controller.state.pendingConfirmation, .requestReconnect(connectionID: 3, description: "publisher 192.168.1.20:50432"))
        XCTAssertEqual(press(.char("y"), snapshot: Self.announcing), [.requestReconnect(connectionID: 3)])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(controller.state.statusMessage?.text, "Asking connection 3 (publisher 192.168.1.20:50432) to reconnect")
    }

    func testAnyOtherKeyCancelsTheReconnectRequest() {
        press(.char("E"), snapshot: Self.announcing)
        XCTAssertNotNil(controller.state.pendingConfirmation, "E works like e")
        XCTAssertEqual(press(.char("n"), snapshot: Self.announcing), [])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(controller.state.statusMessage?.text, "Reconnect request cancelled")
    }

    func testEInDetailActsOnThePublisherRowOnly() {
        press(.down, .enter, snapshot: Self.announcing)
        XCTAssertEqual(controller.state.selectedRowID, .connection(5), "the publisher row comes first")
        press(.char("e"), snapshot: Self.announcing)
        XCTAssertEqual(controller.state.pendingConfirmation, .requestReconnect(connectionID: 5, description: "publisher 127.0.0.1:51000"))
        XCTAssertEqual(press(.char("y"), snapshot: Self.announcing), [.requestReconnect(connectionID: 5)])

        press(.down, snapshot: Self.announcing)
        XCTAssertEqual(controller.state.selectedRowID, .connection(8))
        XCTAssertEqual(press(.char("e"), snapshot: Self.announcing), [])
        XCTAssertNil(controller.state.pendingConfirmation, "a player is not asked")
        XCTAssertEqual(controller.state.statusMessage?.text, "e asks the publisher to reconnect: select its row")
    }

    func testAPublisherThatDidNotAnnounceTheCapabilityGetsAMessageNotAPrompt() {
        XCTAssertFalse(try XCTUnwrap(busy.streams.first { $0.key == "live/concert" }?.publisher).handlesReconnectRequest)
        XCTAssertEqual(press(.char("e")), [])
        XCTAssertNil(controller.state.pendingConfirmation, "no y/n for a request it would not be sent")
        XCTAssertEqual(controller.state.statusMessage?.text, "live/concert: its publisher did not announce Enhanced RTMP reconnect (capsEx)")
        XCTAssertEqual(press(.char("y")), [], "a y afterwards asks nothing")

        // The same on the detail view's publisher row, and the message line shows it.
        controller = DashboardController()
        press(.down, .enter)
        XCTAssertEqual(controller.state.selectedRowID, .connection(5))
        XCTAssertEqual(press(.char("e")), [])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(controller.state.statusMessage?.text, "live/test: its publisher did not announce Enhanced RTMP reconnect (capsEx)")
        let lines = render([.down, .enter, .char("e")], snapshot: busy, width: 80, height: 24).lines
        XCTAssertEqual(lines[22].trimmingCharacters(in: .whitespaces),
                       "live/test: its publisher did not announce Enhanced RTMP reconnect (capsEx)")
    }

    func testEWithoutAPublisherSaysSo() {
        press(.end)
        XCTAssertEqual(controller.state.currentStream(in: busy)?.key, "show/later")
        XCTAssertEqual(press(.char("e")), [])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(controller.state.statusMessage?.text, "show/later has no publisher to ask to reconnect")
    }

    func testEOnAPulledStreamDoesNotAskOurOwnPullConnection() {
        let relay = PushAndPullSnapshots.relay
        XCTAssertEqual(controller.state.currentStream(in: relay)?.key, "edge/cam")
        XCTAssertEqual(press(.char("e"), snapshot: relay), [])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(controller.state.statusMessage?.text, "edge/cam is pulled by rtmp-top itself: no publisher to ask to reconnect")
    }

    func testPromptFooterAndHelpNameTheReconnectRequest() {
        let prompt = render([.char("e")], snapshot: Self.announcing, width: 80, height: 24).lines
        XCTAssertEqual(prompt[22], "Ask connection 3 (publisher 192.168.1.20:50432) to reconnect? y/n")
        XCTAssertEqual(prompt[23], "y Ask to reconnect  n Cancel")

        let onPublisher = render([.down, .enter], snapshot: Self.announcing, width: 120, height: 36).lines
        XCTAssertTrue(onPublisher[35].contains("F9/k Kick  e Reconnect  l Log"), onPublisher[35])
        // A publisher that did not announce it is not offered the key.
        let incapable = render([.down, .enter], snapshot: busy, width: 120, height: 36).lines
        XCTAssertFalse(incapable[35].contains("Reconnect"), incapable[35])
        let onPlayer = render([.down, .enter, .down], snapshot: Self.announcing, width: 120, height: 36).lines
        XCTAssertFalse(onPlayer[35].contains("Reconnect"), onPlayer[35])
        // At 80 columns it is the first hint to go.
        let narrow = render([.down, .enter], snapshot: Self.announcing, width: 80, height: 24).lines
        XCTAssertFalse(narrow[23].contains("Reconnect"), narrow[23])

        let help = render([.char("?")], snapshot: busy, width: 80, height: 24).lines
        XCTAssertTrue(help.contains { $0.contains("│ e                  ask the publisher to reconnect (Enhanced RTMP only)") },
                      help.joined(separator: "\n"))
    }
}
