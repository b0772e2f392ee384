import XCTest
import Dashboard
import Relay

/// The push keys: `k` on a push row asks, then stops the push; `t` restarts
/// a stopped or waiting one. live/show's rows (`PushAndPullSnapshots`) are
/// publisher 3, pushes 1 (publishing), 2 (waiting) and 7 (stopped), then
/// players 7 and 9.
final class PushAndPullControllerTests: XCTestCase {
    let relay = PushAndPullSnapshots.relay
    var controller = DashboardController()

    @discardableResult
    func press(_ keys: Key..., snapshot: ServerSnapshot? = nil) -> [DashboardAction] {
        var actions: [DashboardAction] = []
        for key in keys { actions += controller.handle(key, snapshot: snapshot ?? relay, screenHeight: 24) }
        return actions
    }

    /// Opens live/show (last by key) and moves down to row `index`.
    func openShow(row index: Int) {
        press(.end, .enter)
        for _ in 0..<index { press(.down) }
    }

    var status: String? { controller.state.statusMessage?.text }

    func testRowsArePublisherThenPushesByIDThenPlayers() {
        XCTAssertEqual(DetailRow.rows(of: PushAndPullSnapshots.show).map(\.id),
                       [.connection(3), .push(1), .push(2), .push(7), .connection(7), .connection(9)])
        openShow(row: 1)
        XCTAssertEqual(controller.state.selectedRowID, .push(1))
        XCTAssertNil(controller.state.selectedConnectionID, "a push row is no connection")
        press(.down, .down, .down)
        XCTAssertEqual(controller.state.selectedRowID, .connection(7))
        XCTAssertEqual(controller.state.selectedConnectionID, 7)
    }

    func testKOnAPushRowAsksThenStopsThePush() {
        openShow(row: 1)
        XCTAssertEqual(press(.char("k")), [], "nothing happens before y")
        XCTAssertEqual(controller.state.pendingConfirmation, .stopPush(pushID: 1, description: "push rtmp://a.rtmp.youtube.com/live2/***"))
        XCTAssertEqual(press(.char("y")), [.stopPush(id: 1)])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(status, "Stopping push rtmp://a.rtmp.youtube.com/live2/*** (t restarts it)")
    }

    func testF9AndAnyOtherKeyCancelThePushStop() {
        openShow(row: 2)
        press(.f9)
        XCTAssertEqual(controller.state.pendingConfirmation,
                       .stopPush(pushID: 2, description: "push rtmp://backup.example.net:1936/ingest/***?token=***"))
        XCTAssertEqual(press(.char("n")), [])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(status, "Push stop cancelled")
        XCTAssertEqual(press(.char("y")), [], "the question is gone")
        press(.char("k"))
        XCTAssertEqual(press(.char("t")), [], "t cancels the question, it does not restart")
    }

    func testTheStopGoesToTheCapturedPushWhateverTheNextSnapshotSays() {
        openShow(row: 1)
        press(.char("k"))
        // Before y arrives push 1 has ended: the rows move under the question.
        var later = relay
        later.streams[0].pushes.removeAll { $0.id == 1 }
        controller.sync(with: later, screenHeight: 24)
        XCTAssertEqual(press(.char("y"), snapshot: later), [.stopPush(id: 1)])
    }

    func testKOnAStoppedPushSaysSoAndAsksNothing() {
        openShow(row: 3)
        XCTAssertEqual(press(.char("k")), [])
        XCTAssertNil(controller.state.pendingConfirmation)
        XCTAssertEqual(status, "push rtmp://cdn.example.org/live/*** is already stopped (t restarts it)")
    }

    func testTRestartsAStoppedOrAWaitingPush() {
        openShow(row: 3)
        XCTAssertEqual(press(.char("t")), [.restartPush(id: 7)])
        XCTAssertEqual(status, "Restarting push rtmp://cdn.example.org/live/***")
        press(.up)
        XCTAssertEqual(press(.char("T")), [.restartPush(id: 2)], "a waiting push retries now")
        XCTAssertNil(controller.state.pendingConfirmation, "restarting asks nothing")
    }

    func testTDoesNothingOnAPublishingPushOrOffAPushRow() {
        openShow(row: 1)
        XCTAssertEqual(press(.char("t")), [])
        XCTAssertEqual(status, "push rtmp://a.rtmp.youtube.com/live2/*** is publishing: nothing to restart")
        press(.home)
        XCTAssertEqual(press(.char("t")), [], "the publisher row")
        XCTAssertEqual(status, "t restarts a push: select its row")
        press(.end)
        XCTAssertEqual(press(.char("t")), [], "a player row")
        press(.escape)
        XCTAssertEqual(press(.char("t")), [], "the streams view")
        XCTAssertEqual(status, "t restarts a push: Enter opens the stream, then select its push")
        press(.home, .enter)
        XCTAssertEqual(controller.state.view, .detail(streamKey: "edge/cam"))
        XCTAssertEqual(press(.char("t")), [])
        XCTAssertEqual(status, "edge/cam has no push to restart")
    }

    func testAPushAndAPlayerWithTheSameIDAreNotMixedUp() {
        openShow(row: 3)
        XCTAssertEqual(controller.state.selectedRowID, .push(7))
        press(.down)
        XCTAssertEqual(controller.state.selectedRowID, .connection(7))
        press(.char("k"))
        XCTAssertEqual(controller.state.pendingConfirmation, .kick(connectionID: 7, description: "player 10.0.0.7:40112"))
        XCTAssertEqual(press(.char("y")), [.kick(connectionID: 7)])

        // Push 7 ends: the selected player 7 stays selected …
        var later = relay
        later.streams[0].pushes.removeAll { $0.id == 7 }
        controller.sync(with: later, screenHeight: 24)
        XCTAssertEqual(controller.state.selectedRowID, .connection(7))
        // … and a selected push that ends hands the selection to its neighbour.
        press(.up, snapshot: later)
        XCTAssertEqual(controller.state.selectedRowID, .push(2))
        later.streams[0].pushes.removeAll { $0.id == 2 }
        controller.sync(with: later, screenHeight: 24)
        XCTAssertEqual(controller.state.selectedRowID, .connection(7))
    }

    func testKickInTheStreamsViewNamesAPulledStreamsPublisherByItsRole() {
        XCTAssertEqual(controller.state.currentStream(in: relay)?.key, "edge/cam")
        press(.char("k"))
        XCTAssertEqual(controller.state.pendingConfirmation, .kick(connectionID: 20, description: "pull origin.example.com:1935"))
    }
}
