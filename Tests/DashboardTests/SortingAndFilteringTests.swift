import XCTest
import Dashboard
import Relay

final class SortingAndFilteringTests: XCTestCase {
    typealias S = SampleSnapshots

    /// Five streams with ties in every order, listed out of key order.
    static let mixed: ServerSnapshot = {
        func publisher(_ id: UInt64, _ remote: String, _ client: String) -> ConnectionSnapshot {
            S.connection(id, remote, role: "publisher", key: nil, client: client, connectedFor: 10)
        }
        func players(_ count: Int) -> [ConnectionSnapshot] {
            (0..<count).map { S.connection(UInt64(100 + $0), "10.0.0.\($0):1", role: "player", key: nil, client: nil, connectedFor: 5) }
        }
        return S.snapshot(streams: [
            S.stream("cam10", publisher: publisher(1, "10.1.1.1:1000", "OBS 30"), liveFor: 50, players: players(1), bitrate: 2_000_000, drops: 5),
            S.stream("cam2", publisher: publisher(2, "10.1.1.2:1000", "Lavf61.7.100"), liveFor: 500, players: players(3), bitrate: 1_000_000),
            S.stream("cam1", publisher: nil, players: players(3), bitrate: 0, drops: 9),
            S.stream("Studio", publisher: publisher(3, "192.168.7.7:999", "FMLE/3.0"), liveFor: 500, players: players(0), bitrate: 2_000_000,
                     drops: 5),
            S.stream("backup", publisher: nil, players: [], bitrate: .nan),
        ])
    }()

    func keys(_ sort: StreamSortOrder, filter: String = "") -> [String] {
        var state = DashboardState()
        state.sort = sort
        state.filter = filter
        return state.visibleStreams(in: Self.mixed).map(\.key)
    }

    func testKeyOrderIsNatural() {
        XCTAssertEqual(keys(.key), ["Studio", "backup", "cam1", "cam2", "cam10"])
    }

    func testBitrateHighestFirstTiesByKey() {
        XCTAssertEqual(keys(.bitrate), ["Studio", "cam10", "cam2", "backup", "cam1"])
    }

    func testPlayersMostFirstTiesByKey() {
        XCTAssertEqual(keys(.players), ["cam1", "cam2", "cam10", "Studio", "backup"])
    }

    func testDropsMostFirstTiesByKey() {
        XCTAssertEqual(keys(.drops), ["cam1", "Studio", "cam10", "backup", "cam2"])
    }

    func testLiveTimeLongestFirstThenStreamsWithoutPublisher() {
        XCTAssertEqual(keys(.liveTime), ["Studio", "cam2", "cam10", "backup", "cam1"])
    }

    func testSortingIsStableForDuplicateKeys() {
        let first = S.stream("dup", publisher: nil, players: [], bitrate: 1)
        let second = S.stream("dup", publisher: nil, players: [], bitrate: 1, drops: 1)
        var state = DashboardState()
        state.sort = .bitrate
        let sorted = state.visibleStreams(in: S.snapshot(streams: [first, second]))
        XCTAssertEqual(sorted.map(\.droppedVideo), [0, 1])
    }

    func testSortCyclesThroughEveryOrder() {
        var controller = DashboardController()
        var seen: [StreamSortOrder] = [controller.state.sort]
        for _ in 0..<5 {
            _ = controller.handle(.char("s"), snapshot: Self.mixed, screenHeight: 24)
            seen.append(controller.state.sort)
        }
        XCTAssertEqual(seen, [.key, .bitrate, .players, .drops, .liveTime, .key])
    }

    func testFilterMatchesKeyAddressAndClientIgnoringCase() {
        XCTAssertEqual(keys(.key, filter: "CAM1"), ["cam1", "cam10"])
        XCTAssertEqual(keys(.key, filter: "192.168"), ["Studio"])
        XCTAssertEqual(keys(.key, filter: "lavf"), ["cam2"])
        XCTAssertEqual(keys(.key, filter: "nothing"), [])
        XCTAssertEqual(keys(.bitrate, filter: "cam"), ["cam10", "cam2", "cam1"], "filtered, then sorted")
    }

    func testControllerVisibleStreamsUsesItsState() {
        var controller = DashboardController()
        controller.state.filter = "cam"
        XCTAssertEqual(controller.visibleStreams(Self.mixed).map(\.key), ["cam1", "cam2", "cam10"])
    }
}
