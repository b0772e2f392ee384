import XCTest
import Dashboard
import Relay

/// No snapshot, screen size or key sequence may crash the dashboard or
/// leave a row that is not exactly as wide as the screen.
final class RobustnessTests: XCTestCase {
    typealias S = SampleSnapshots

    /// Everything a hostile or broken peer could put into a snapshot.
    static let hostile: ServerSnapshot = {
        var streams: [StreamSnapshot] = (0..<1000).map { i in
            S.stream("app/stream-\(i)", publisher: nil, players: i % 7 == 0 ? [S.connection(UInt64(5000 + i), "10.9.9.9:1", role: "player",
                                                                                              key: nil, client: nil, connectedFor: 1)] : [])
        }
        let weird = S.connection(UInt64.max, "\u{1B}[2J\u{1B}[H evil\nhost:1", role: "publisher", key: nil, client: "直播📺\u{7}\t客户端",
                                 connectedFor: -500, bytesIn: UInt64.max, bytesOut: UInt64.max, drops: UInt64.max, queued: Int.min,
                                 queuedMessages: Int.max, inBps: .infinity, outBps: .nan)
        var monster = S.stream(String(repeating: "very-long-key/", count: 800), publisher: weird, liveFor: -10, players: [weird, weird],
                               video: VideoSnapshot(codec: "Unknown (\u{1B}]0;x\u{7})", profile: "\n", level: "", width: Int.max, height: Int.min),
                               audio: AudioSnapshot(codec: "", profile: nil, sampleRate: Int.max, channels: Int.min),
                               frameRate: .infinity, bitrate: .nan, drops: UInt64.max,
                               history: [.nan, .infinity, -.infinity, 1e308, -5, 0] + Array(repeating: 1e300, count: 100),
                               recording: RecordingSnapshot(isRecording: true, path: String(repeating: "🎥/", count: 500), segment: Int.max,
                                                            bytesWritten: Int64.min, durationMilliseconds: UInt32.max, droppedFrames: UInt64.max,
                                                            lastError: "\u{0}"))
        monster.gopCachedBytes = Int.min
        monster.gopCachedFrames = Int.max
        var health = S.health((0..<40).map { i in
            S.finding("\u{1B}[2J code\(i)", "detail\n\u{7}\u{1B}]52;c;eA==\u{7} 直播", note: i % 3 == 0, age: [.nan, -.infinity, 1e300, -1][i % 4],
                      lastTrue: [.infinity, .nan, -5, 1e18][i % 4])
        }, gop: .infinity, fps: .nan, liveFor: -10)
        health.faults = Int.max
        health.profile = "\u{1B}[31m"
        health.figures.keyframeIntervalMin = -.infinity
        health.figures.keyframeIntervalFrames = Int.min
        health.figures.frameIntervalJitterMs = -.greatestFiniteMagnitude
        health.figures.maxCompositionOffsetMs = Int.max
        health.figures.avInterleaveMs = Int.min
        health.figures.pace = .nan
        health.keyframeSecondsAgo = [.nan, -.infinity, .infinity, -0.0, 59.999, 60, 1e300, -1e-300, 0.5]
        monster.health = health
        monster.videoBitrateHistory = [.nan, .infinity, -1] + Array(repeating: 1e300, count: 200)
        monster.audioBitrateHistory = [-.infinity]
        streams.append(monster)
        streams.append(S.stream("", publisher: nil, players: []))
        streams.append(S.stream("直播/频道一📺👨‍👩‍👧🇯🇵é", publisher: weird, liveFor: 1e12, health: health))
        var snapshot = S.snapshot(streams: streams, extraConnections: [weird],
                                  events: (0..<500).map { S.event(Double($0), "event \($0)\n\u{1B}[31m red \u{202E}reversed") },
                                  listen: "\u{1B}[2J")
        snapshot.startedAt = .distantFuture
        snapshot.totalInBps = .nan
        snapshot.totalOutBps = -.infinity
        snapshot.recordDirectory = String(repeating: "目录/", count: 300)
        snapshot.version = "\u{8}\u{8}\u{8}"
        return snapshot
    }()

    static let sizes = [(0, 0), (1, 1), (2, 2), (20, 5), (5, 20), (1, 100), (300, 3), (80, 24), (61, 13), (160, 48), (400, 120)]

    func testEveryViewAtEverySizeRendersWholeRows() {
        let keySequences: [[Key]] = [[], [.enter], [.enter, .end], [.char("?")], [.char("k")], [.char("/"), .char("x")], [.char("l")],
                                     [.end, .enter], [.end, .char("k")], [.char("s"), .char("s"), .end], [.char("p")], [.end, .char("u")],
                                     [.end, .enter, .char("p")]]
        for snapshot in [S.empty, S.busy, Self.hostile] {
            for keys in keySequences {
                for (width, height) in Self.sizes {
                    var controller = DashboardController()
                    for key in keys { _ = controller.handle(key, snapshot: snapshot, screenHeight: height) }
                    for options in [RenderOptions(), RenderOptions(unicode: false, color: false)] {
                        var screen = Screen(width: width, height: height)
                        DashboardRenderer.render(snapshot, state: controller.state, into: &screen, options: options)
                        assertWellFormed(screen, "\(keys) at \(width)x\(height)")
                    }
                }
            }
        }
    }

    func testRandomKeysNeverCrash() {
        var generator = SplitMix(seed: 42)
        let keys: [Key] = [.up, .down, .pageUp, .pageDown, .home, .end, .enter, .escape, .backspace, .f1, .f9, .f10, .resize,
                           .char("k"), .char("y"), .char("n"), .char("r"), .char("s"), .char("/"), .char("l"), .char("?"), .char("直"),
                           .mouse(x: 3, y: 5), .mouse(x: -1, y: 9999)]
        for snapshot in [S.empty, S.busy, Self.hostile] {
            var controller = DashboardController()
            var screen = Screen(width: 80, height: 24)
            for step in 0..<200 {
                let key = keys[Int(generator.next() % UInt64(keys.count))]
                let height = [24, 3, 1, 0, 48][step % 5]
                for action in controller.handle(key, snapshot: snapshot, screenHeight: height) {
                    if case .kick = action { XCTAssertFalse(snapshot.connections.isEmpty) }
                }
                DashboardRenderer.render(snapshot, state: controller.state, into: &screen, options: RenderOptions())
            }
            assertWellFormed(screen, "after random keys")
        }
    }

    func testHostileTextNeverReachesTheScreenAsControlCharacters() {
        var controller = DashboardController()
        _ = controller.handle(.end, snapshot: Self.hostile, screenHeight: 48)
        _ = controller.handle(.enter, snapshot: Self.hostile, screenHeight: 48)
        var screen = Screen(width: 160, height: 48)
        DashboardRenderer.render(Self.hostile, state: controller.state, into: &screen, options: RenderOptions())
        for y in 0..<screen.height {
            for cell in screen.cells(row: y) {
                XCTAssertFalse(cell.text.unicodeScalars.contains { $0.properties.generalCategory == .control }, "row \(y): \(screen.lines[y])")
            }
        }
    }

    /// Each row is exactly `width` columns: wide graphemes are whole (lead
    /// plus continuation) and nothing else is two columns wide.
    func assertWellFormed(_ screen: Screen, _ context: String, file: StaticString = #filePath, line: UInt = #line) {
        if let problem = Self.malformation(in: screen) {
            XCTFail("\(problem): \(context)", file: file, line: line)
        }
    }

    static func malformation(in screen: Screen) -> String? {
        for y in 0..<screen.height {
            let cells = Array(screen.cells(row: y))
            guard cells.count == screen.width else { return "row \(y) has \(cells.count) cells" }
            var x = 0
            while x < cells.count {
                let width = DisplayWidth.of(cells[x].text)
                if cells[x].isContinuation { return "orphan continuation at \(x),\(y)" }
                if width == 2 {
                    guard x + 1 < cells.count, cells[x + 1].isContinuation else { return "wide grapheme without continuation at \(x),\(y)" }
                    x += 2
                } else if width == 1 {
                    x += 1
                } else {
                    return "cell \(x),\(y) is \(width) columns wide: \(cells[x].text.unicodeScalars.map(\.value))"
                }
            }
            let rowWidth = DisplayWidth.of(screen.text(row: y))
            if rowWidth != screen.width { return "row \(y) is \(rowWidth) columns wide" }
        }
        return nil
    }
}

/// A small deterministic generator, so a failing key sequence repeats.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
