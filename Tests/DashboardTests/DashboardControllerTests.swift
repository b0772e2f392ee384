import XCTest
import Dashboard
import Relay

/// The key → action rules of the dashboard issue. The busy sample, sorted
/// by key, lists live/concert (publisher 3, players 7 and 9), live/test
/// (publisher 5, player 8) and show/later (player 11, no publisher).
final class DashboardControllerTests: XCTestCase {
    let busy = SampleSnapshots.busy
    var controller = DashboardController()

    @discardableResult
    func press(_ keys: Key..., snapshot: ServerSnapshot? = nil, height: Int = 24) -> [DashboardAction] {
        var actions: [DashboardAction] = []
        for key in keys { actions += controller.handle(key, snapshot: snapshot ?? busy, screenHeight: height) }
        return actions
    }

    func type(_ text: String) -> [DashboardAction] {
        text.flatMap { press(.char($0)) }
    }

    var selectedKey: String? {
        controller.state.currentStream(in: busy)?.key
    }

    // MARK: selection

    func testFirstStreamIsSelectedByDefault() {
        XCTAssertEqual(selectedKey, "live/concert")
        XCTAssertEqual(press(.char("r")), [.toggleRecording(streamKey: "live/concert")])
    }

    func testArrowsPagesHomeAndEndStayInsideTheList() {
        press(.down)
        XCTAssertEqual(selectedKey, "live/test")
        press(.down, .down, .down)
        XCTAssertEqual(selectedKey, "show/later")
        press(.up)
        XCTAssertEqual(selectedKey, "live/test")
        press(.home)
        XCTAssertEqual(selectedKey, "live/concert")
        press(.up)
        XCTAssertEqual(selectedKey, "live/concert")
        press(.end)
        XCTAssertEqual(selectedKey, "show/later")
        press(.pageUp)
        XCTAssertEqual(selectedKey, "live/concert")
        press(.pageDown)
        XCTAssertEqual(selectedKey, "show/later")
    }

    func testSelectionIsKeptByKeyAcrossResorts() {
        press(.down)
        XCTAssertEqual(selectedKey, "live/test")
        press(.char("s"), .char("s"), .char("s"))
        XCTAssertEqual(controller.state.sort, .drops)
        XCTAssertEqual(controller.visibleStreams(busy).map(\.key), ["live/test", "live/concert", "show/later"])
        XCTAssertEqual(selectedKey, "live/test")
        XCTAssertEqual(press(.char("r")), [.toggleRecording(streamKey: "live/test")])
    }

    func testSelectionSurvivesAnotherStreamDisappearing() {
        press(.down, .down)
        XCTAssertEqual(selectedKey, "show/later")
        var fewer = busy
        fewer.streams.removeAll { $0.key == "live/concert" }
        controller.sync(with: fewer, screenHeight: 24)
        XCTAssertEqual(controller.state.currentStream(in: fewer)?.key, "show/later")
        XCTAssertEqual(press(.char("r"), snapshot: fewer), [.toggleRecording(streamKey: "show/later")])
    }

    func testWhenTheSelectedStreamDisappearsItsNeighbourIsSelected() {
        press(.down)
        var fewer = busy
        fewer.streams.removeAll { $0.key == "live/test" }
        controller.sync(with: fewer, screenHeight: 24)
        XCTAssertEqual(controller.state.currentStream(in: fewer)?.key, "show/later")
        fewer.streams.removeAll { $0.key == "show/later" }
        XCTAssertEqual(press(.char("r"), snapshot: fewer), [.toggleRecording(streamKey: "live/concert")])
        fewer.streams.removeAll()
        XCTAssertEqual(press(.char("r"), snapshot: fewer), [])
        XCTAssertEqual(controller.state.statusMessage?.text, "No stream selected")
    }

    func testMouseClickSelectsTheStreamRow() {
        // 80×24: three header lines, the table header on row 3, streams from row 4.
        press(.mouse(x: 10, y: 6))
        XCTAssertEqual(selectedKey, "show/later")
        press(.mouse(x: 10, y: 5))
        XCTAssertEqual(selectedKey, "live/test")
        press(.mouse(x: 10, y: 12), .mouse(x: 10, y: 1), .mouse(x: 10, y: 3))
        XCTAssertEqual(selectedKey, "live/test", "clicks outside the rows change nothing")
    }

    func testLongListsScrollToKeepTheSelectionVisible() {
        let many = SampleSnapshots.snapshot(streams: (0..<1000).map { SampleSnapshots.stream("app/s\($0)", publisher: nil) })
        press(.end, snapshot: many)
        XCTAssertEqual(controller.state.currentStream(in: many)?.key, "app/s999")
        // 80×24 with the log shown: 13 stream rows.
        XCTAssertEqual(controller.state.streamScrollOffset, 1000 - 13)
        press(.pageUp, snapshot: many)
        XCTAssertEqual(controller.state.currentStream(in: many)?.key, "app/s986")
        XCTAssertEqual(controller.state.streamScrollOffset, 986)
        press(.home, .pageDown, snapshot: many)
        XCTAssertEqual(controller.state.currentStream(in: many)?.key, "app/s13")
        XCTAssertEqual(controller.state.streamScrollOffset, 1)
        press(.mouse(x: 0, y: 4), snapshot: many)
        XCTAssertEqual(controller.state.currentStream(in: many)?.key, "app/s1", "a click maps through the scroll offset")
    }

    // MARK: detail

    func testEnterOpensDetailAndEscGoesBack() {
        press(.down, .enter)
        XCTAssertEqual(controller.state.view, .detail(streamKey: "live/test"))
        press(.escape)
        XCTAssertEqual(controller.state.view, .streams)
        XCTAssertEqual(selectedKey, "live/test")
    }

    func testArrowsInDetailMoveAcrossPublisherAndPlayers() {
        press(.enter)
        XCTAssertEqual(controller.state.selectedConnectionID, 3, "the publisher first")
        press(.down)
        XCTAssertEqual(controller.state.selectedConnectionID, 7)
        press(.down, .down)
        XCTAssertEqual(controller.state.selectedConnectionID, 9)
        press(.home)
        XCTAssertEqual(controller.state.selectedConnectionID, 3)
        press(.end)
        XCTAssertEqual(controller.state.selectedConnectionID, 9)
        // 80×24 detail: header 3, summary 6, the health line, a blank row, table header on row 11, rows from 12.
        press(.mouse(x: 3, y: 13))
        XCTAssertEqual(controller.state.selectedConnectionID, 7)
    }

    func testRecordInDetailTogglesThatStream() {
        press(.down, .enter)
        XCTAssertEqual(press(.char("r")), [.toggleRecording(streamKey: "live/test")])
        XCTAssertEqual(controller.state.statusMessage?.text, "Recording live/test")
    }

    // MARK: kick

    func testKickInStreamsViewAsksAboutThePublisherThenKicks() {
        XCTAssertEqual(press(.char("k")), [])
        XCTAssertEqual(controller.state.pendingConfirmation, .kick(connectionID: 3, description: "publisher 192.168.1.20:50432"))
        XCTAssertEqual(press(.char("y")), [.kick(connectionID: 3)])
        XCTAssertNil(controller.state.pendingConfirmation)
    }

    func testKickInDetailNamesTheSelectedPlayer() {
        press(.down, .enter, .down, .f9)
        XCTAssertEqual(controller.state.pendingConfirmation, .kick(connectionID: 8, description: "player 127.0.0.1:5555"))
        XCTAssertEqual(press(.char("Y")), [.kick(connectionID: 8)])
    }

    func testKickThenResortThenYesStillKicksTheCapturedConnection() {
        press(.char("s"))
        XCTAssertEqual(controller.state.sort, .bitrate)
        XCTAssertEqual(selectedKey, "live/concert")
        press(.char("k"))
        // Before `y` arrives, live/test overtakes live/concert: rows re-sort.
        var resorted = busy
        resorted.streams[0].bitrateBps = 50_000_000
        XCTAssertEqual(controller.visibleStreams(resorted).first?.key, "live/test")
        controller.sync(with: resorted, screenHeight: 24)
        XCTAssertEqual(press(.char("y"), snapshot: resorted), [.kick(connectionID: 3)])
    }

    func testAnyOtherKeyCancelsTheKick() {
        press(.char("k"))
        XCTAssertEqual(press(.char("n")), [])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(controller.state.statusMessage?.text, "Kick cancelled")
        press(.char("k"))
        XCTAssertEqual(press(.char("q")), [], "q cancels the question, it does not quit")
        XCTAssertEqual(press(.char("y")), [], "the question is gone")
        press(.char("k"))
        XCTAssertEqual(press(.enter), [])
        XCTAssertEqual(controller.state.view, .streams, "the cancelling key does nothing else")
    }

    func testResizeDoesNotCancelTheKick() {
        press(.char("k"), .resize)
        XCTAssertEqual(press(.char("y")), [.kick(connectionID: 3)])
    }

    func testNothingToKickOnAStreamWithoutPublisher() {
        press(.end, .char("k"))
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(controller.state.statusMessage?.text, "show/later has no publisher to kick (Enter shows its players)")
        XCTAssertEqual(press(.char("y")), [])
    }

    // MARK: filter

    func testFilterTypingTreatsCommandKeysAsText() {
        press(.char("/"))
        XCTAssertTrue(controller.state.isEditingFilter)
        XCTAssertEqual(type("qkrsl/?"), [])
        XCTAssertEqual(press(.f10, .f9, .f1), [])
        XCTAssertEqual(controller.state.filter, "qkrsl/?")
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertFalse(controller.state.isHelpVisible)
        XCTAssertEqual(controller.state.sort, .key)
        press(.backspace, .backspace)
        XCTAssertEqual(controller.state.filter, "qkrsl")
        press(.enter)
        XCTAssertFalse(controller.state.isEditingFilter)
        XCTAssertEqual(controller.state.filter, "qkrsl")
        XCTAssertEqual(press(.char("q")), [.quit], "after Enter, keys are commands again")
    }

    func testFilterNarrowsTheListAndSelectsTheFirstMatch() {
        press(.end)
        XCTAssertEqual(selectedKey, "show/later")
        press(.char("/"))
        _ = type("live")
        XCTAssertEqual(controller.visibleStreams(busy).map(\.key), ["live/concert", "live/test"])
        XCTAssertEqual(selectedKey, "live/concert")
        press(.down, .enter)
        XCTAssertEqual(press(.char("r")), [.toggleRecording(streamKey: "live/test")], "arrows select while the filter is typed")
    }

    func testEscCancelsFilterEditingAndClearsTheFilter() {
        press(.char("/"))
        _ = type("test")
        press(.escape)
        XCTAssertFalse(controller.state.isEditingFilter)
        XCTAssertEqual(controller.state.filter, "")
        press(.char("/"))
        _ = type("test")
        press(.enter)
        XCTAssertEqual(controller.visibleStreams(busy).map(\.key), ["live/test"])
        press(.escape)
        XCTAssertEqual(controller.state.filter, "", "Esc in the streams view clears an applied filter")
    }

    func testSlashInDetailGoesBackToTheListToFilter() {
        press(.down, .enter, .char("/"))
        XCTAssertEqual(controller.state.view, .streams)
        XCTAssertTrue(controller.state.isEditingFilter)
        XCTAssertEqual(selectedKey, "live/test")
    }

    // MARK: other keys

    func testHelpOpensWithQuestionMarkOrF1AndAnyKeyClosesIt() {
        press(.char("?"))
        XCTAssertTrue(controller.state.isHelpVisible)
        XCTAssertEqual(press(.char("q")), [], "closing help swallows the key")
        XCTAssertFalse(controller.state.isHelpVisible)
        press(.f1)
        XCTAssertTrue(controller.state.isHelpVisible)
        press(.escape)
        XCTAssertFalse(controller.state.isHelpVisible)
        XCTAssertEqual(controller.state.view, .streams)
    }

    func testLogToggles() {
        XCTAssertTrue(controller.state.isLogVisible)
        press(.char("l"))
        XCTAssertFalse(controller.state.isLogVisible)
        press(.char("l"))
        XCTAssertTrue(controller.state.isLogVisible)
    }

    func testQuitWithQOrF10() {
        XCTAssertEqual(press(.char("q")), [.quit])
        XCTAssertEqual(press(.f10), [.quit])
        press(.enter)
        XCTAssertEqual(press(.char("q")), [.quit], "from the detail view too")
    }

    func testRecordingStatusSaysWhetherItStartsOrStops() {
        XCTAssertEqual(press(.char("r")), [.toggleRecording(streamKey: "live/concert")])
        XCTAssertEqual(controller.state.statusMessage?.text, "Stopping recording of live/concert")
        press(.down)
        XCTAssertNil(controller.state.statusMessage, "the next key clears it")
        XCTAssertEqual(press(.char("r")), [.toggleRecording(streamKey: "live/test")])
        XCTAssertEqual(controller.state.statusMessage?.text, "Recording live/test")
    }

    func testControlCharacterSpellingsOfKeys() {
        press(.char("\r"))
        XCTAssertEqual(controller.state.view, .detail(streamKey: "live/concert"))
        press(.char("\u{1B}"))
        XCTAssertEqual(controller.state.view, .streams)
        press(.char("/"), .char("a"), .char("\u{7F}"))
        XCTAssertEqual(controller.state.filter, "")
        press(.char("\u{01}"))
        XCTAssertEqual(controller.state.filter, "", "control characters are not filter text")
    }

    func testKeysOnAnEmptyServerDoNothing() {
        let empty = SampleSnapshots.empty
        for key: Key in [.up, .down, .pageUp, .pageDown, .home, .end, .enter, .char("k"), .char("r"), .mouse(x: 0, y: 4)] {
            XCTAssertEqual(controller.handle(key, snapshot: empty, screenHeight: 24), [])
        }
        XCTAssertEqual(controller.state.view, .streams)
        XCTAssertNil(controller.state.pendingConfirmation)
    }
}
