import Foundation
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
@testable import Relay
import TestSupport
import XCTest

/// Issue 12 with real peers on loopback: rtmp-top pushing to nginx-rtmp and
/// to a second rtmp-top, surviving an upstream that dies or stops reading,
/// pulling as an edge from nginx-rtmp and from rtmp-top (one upstream
/// connection for many players), and serving nginx-rtmp's own `pull`.
final class PushPullInteropTests: XCTestCase {
    var work: URL!
    private var servers: [TestServer] = []
    private var nginx: NginxRTMP?
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
    }

    override func tearDown() {
        for s in servers { s.stop() }
        nginx?.stop()
        if (testRun?.totalFailureCount ?? 0) > 0 {
            for (i, s) in servers.enumerated() { print("--- server \(i) log (\(name)) ---\n\(s.log.suffix(6000))") }
        }
        try? group.syncShutdownGracefully()
    }

    private func server(_ label: String, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        let s = try TestServer(directory: Fixtures.subdirectory(label, of: work), configure: configure)
        servers.append(s)
        return s
    }

    private func publisher(_ source: URL, to url: String, realtime: Bool = true) throws -> ChildProcess {
        try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error"] + (realtime ? ["-re"] : []) +
                                                  ["-i", source.path, "-c", "copy", "-f", "flv", url],
                         in: work, name: "ffmpeg-publish")
    }

    private func player(_ url: String, output: String, rwTimeoutSeconds: Int = 4) throws -> ChildProcess {
        try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-rw_timeout", "\(rwTimeoutSeconds * 1_000_000)",
                                                  "-i", url, "-map", "0", "-c", "copy", "-copyinkf", "-f", "framemd5", output],
                         in: work, name: "ffmpeg-play")
    }

    private func md5(_ file: String) throws -> FrameMD5 {
        FrameMD5(try String(contentsOf: work.appendingPathComponent(file), encoding: .utf8))
    }

    private func assertSamePackets(_ file: String, as reference: FrameMD5, _ what: String, file f: StaticString = #filePath, line: UInt = #line) throws {
        let got = try md5(file)
        XCTAssertEqual(got.packets(codec: "h264"), reference.packets(codec: "h264"), "\(what): video packets differ", file: f, line: line)
        XCTAssertEqual(got.packets(codec: "aac"), reference.packets(codec: "aac"), "\(what): audio packets differ", file: f, line: line)
    }

    // MARK: push

    func testPushToNginxAndToASecondRTMPTopGivesThemTheSourcesPackets() throws {
        let source = try Fixtures.h264aac(seconds: 6, gop: 30, name: "push-6s.flv")
        let reference = try Fixtures.frameMD5(of: source)
        let nginx = try NginxRTMP(directory: work)
        self.nginx = nginx
        let upstream = try server("upstream")
        let origin = try server("origin") { c in
            c.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(nginx.rtmpPort)/live")),
                        UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(upstream.port)/live"))]
        }
        // Players wait on both upstreams before anything is published.
        let onNginx = try player(nginx.url("live/cam"), output: "nginx.md5").start()
        let onUpstream = try player(upstream.url("live/cam"), output: "upstream.md5").start()
        let local = try player(origin.url("live/cam"), output: "local.md5").start()
        upstream.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        // nginx's stat page lists its waiting player under the stream.
        _ = waitUntil(timeout: 5) { (try? Self.nginxPlayers(httpPort: nginx.httpPort, in: self.work)) == 1 }

        let pub = try publisher(source, to: origin.url("live/cam")).start()
        let pushing = origin.waitFor(timeout: 5) { $0.streams.first?.pushes.filter { $0.state == "publishing" }.count == 2 }
        let pushes = try XCTUnwrap(pushing.streams.first?.pushes)
        XCTAssertEqual(pushes.map(\.url).sorted(), ["rtmp://127.0.0.1:\(nginx.rtmpPort)/live/***", "rtmp://127.0.0.1:\(upstream.port)/live/***"].sorted(),
                       "the stream key is masked")
        XCTAssertEqual(pushing.connections.filter { $0.role == "push" }.count, 2, "each push is a connection of its own")
        let upstreamStream = upstream.waitFor(timeout: 5) { $0.streams.first?.publisher != nil }.streams.first
        XCTAssertEqual(upstreamStream?.publisher?.clientName?.contains("rtmp-top relay"), true, "our connect names us")

        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        for p in [onNginx, onUpstream, local] { p.wait(timeout: 15) }
        try assertSamePackets("local.md5", as: reference, "local player")
        try assertSamePackets("upstream.md5", as: reference, "player on the rtmp-top upstream")
        try assertSamePackets("nginx.md5", as: reference, "player on nginx-rtmp")
        // The publisher left: the pushes ended and unpublished upstream.
        XCTAssertTrue(waitUntil(timeout: 5) { origin.server.snapshot().connections.allSatisfy { $0.role != "push" } })
        XCTAssertTrue(waitUntil(timeout: 5) { upstream.server.snapshot().streams.allSatisfy { $0.publisher == nil } })
    }

    func testUpstreamKilledAndBackGetsTheStreamAgainStartingOnAKeyframe() throws {
        let source = try Fixtures.h264aac(seconds: 16, gop: 30, name: "push-16s.flv")
        let reference = try Fixtures.frameMD5(of: source)
        let port = try LoopbackTCP.freePort()
        let upstreamDir = Fixtures.subdirectory("upstream", of: work)
        var upstream: TestServer? = try TestServer(directory: upstreamDir) { $0.port = port }
        let origin = try server("origin") { $0.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(port)/live"))] }
        let local = try player(origin.url("live/cam"), output: "local.md5").start()
        origin.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        let pub = try publisher(source, to: origin.url("live/cam")).start()
        origin.waitFor(timeout: 5) { $0.streams.first?.pushes.first?.state == "publishing" }
        XCTAssertTrue(waitUntil(timeout: 5) { upstream?.server.snapshot().streams.first?.publisher != nil })
        sleep(2)

        upstream?.stop()
        upstream = nil
        let down = origin.waitFor(timeout: 5) { $0.streams.first?.pushes.first?.state == "waiting" }
        XCTAssertEqual(down.streams.first?.pushes.first?.state, "waiting", "the push noticed")
        sleep(3)
        let restarted = try TestServer(directory: Fixtures.subdirectory("upstream-again", of: work)) { $0.port = port }
        servers.append(restarted)
        let backAt = Date()
        // A player waiting on the restarted upstream: what reaches it first is what the push resumed with.
        let watcher = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try watcher.play("cam")
        let resumed = origin.waitFor(timeout: 10) { $0.streams.first?.pushes.first?.state == "publishing" }
        let reconnectSeconds = Date().timeIntervalSince(backAt)
        let push = try XCTUnwrap(resumed.streams.first?.pushes.first)
        XCTAssertEqual(push.state, "publishing")
        XCTAssertLessThan(reconnectSeconds, 5, "the push reconnects within 5 s of the upstream being back")
        XCTAssertGreaterThanOrEqual(push.reconnects, 1, "the snapshot shows the reconnect")
        XCTAssertEqual(resumed.connections.filter { $0.role == "push" }.map(\.id), [push.connectionID].compactMap { $0 },
                       "the refused attempts left no connection behind")
        print("push reconnected \(String(format: "%.2f", reconnectSeconds)) s after the upstream was back (\(push.reconnects) attempts)")

        try watcher.wait(timeout: 5, for: "video after the reconnect") { $0.filter { $0.typeID == 9 }.count >= 3 }
        let video = watcher.messages.filter { $0.typeID == 9 && $0.messageStreamID != 0 }.compactMap { VideoTagInfo.parse($0.payload) }
        XCTAssertTrue(video.first?.isSequenceHeader == true, "the sequence header first")
        XCTAssertTrue(video.dropFirst().first?.isKeyframe == true, "then a keyframe")
        XCTAssertTrue(watcher.messages.contains { $0.typeID == 18 }, "and the metadata")
        watcher.close()

        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        local.wait(timeout: 15)
        try assertSamePackets("local.md5", as: reference, "local player across the upstream's restart")
        let events = origin.server.snapshot().recentEvents.map(\.message)
        XCTAssertTrue(events.contains { $0.contains("reconnected") }, "the events say so: \(events)")
    }

    func testBlackHoleUpstreamCostsTheLocalPlayersNothingAndThePushDropsWithinItsBound() throws {
        // More than the kernel's socket buffers on loopback and the push's 7 s queue hold.
        let source = try Fixtures.h264aac(seconds: 20, gop: 30, videoBitrate: "6M", name: "push-20s-6M.flv")
        let reference = try Fixtures.frameMD5(of: source)
        let hole = try BlackHoleUpstream(group: group)
        var gop = GOPCache.Limits()
        gop.maxDurationMilliseconds = 2_000
        let origin = try server("origin") { c in
            c.gopLimits = gop
            // A small write buffer: the push's socket counts as full early, and its queue takes over.
            c.writeBufferLow = 16 << 10
            c.writeBufferHigh = 64 << 10
            c.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(hole.port)/live"))]
        }
        let local = try player(origin.url("live/cam"), output: "local.md5").start()
        origin.waitFor(timeout: 5) { $0.connections.contains { $0.role == "player" } }
        // As fast as it goes: the push's queue overflows by media time at once.
        let pub = try publisher(source, to: origin.url("live/cam"), realtime: false).start()
        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        local.wait(timeout: 15)
        try assertSamePackets("local.md5", as: reference, "local player beside a black-hole push")
        XCTAssertTrue(hole.publishing, "the black hole accepted the publish")
        // The stream is over, so the push has ended; the events and the log tell its drops.
        let log = origin.log
        let drops = origin.server.snapshot().connections.first { $0.role == "player" }
        XCTAssertEqual(drops.map { $0.droppedVideo + $0.droppedAudio } ?? 0, 0, "the local player dropped nothing")
        XCTAssertTrue(log.contains("\"msg\":\"push ended\""), "the push ended with the publish")
        let pushDrops = Self.pushDrops(in: log)
        XCTAssertGreaterThan(pushDrops, 0, "the push dropped what the upstream would not take")
        let queued = Self.maxPushQueue(in: log)
        let limits = PlayerQueue.Limits(covering: gop)
        XCTAssertLessThanOrEqual(queued, limits.maxBytes, "the push's queue stayed within its bound")
    }

    /// The push's drops, from its "push ended" line.
    static func pushDrops(in log: String) -> Int {
        log.split(separator: "\n").filter { $0.contains("\"msg\":\"push ended\"") }.compactMap { line -> Int? in
            guard let r = line.range(of: "\"dropped\":\"") else { return nil }
            return Int(line[r.upperBound...].prefix { $0 != "\"" })
        }.reduce(0, +)
    }

    static func maxPushQueue(in log: String) -> Int {
        log.split(separator: "\n").filter { $0.contains("\"msg\":\"push ended\"") }.compactMap { line -> Int? in
            guard let r = line.range(of: "\"max_queued_bytes\":\"") else { return nil }
            return Int(line[r.upperBound...].prefix { $0 != "\"" })
        }.max() ?? 0
    }

    // MARK: pull

    func testEdgePullsFromRTMPTopOverOneConnectionForThreePlayersAndLetsGoWhenTheyLeave() throws {
        let origin = try server("origin")
        let edge = try server("edge") { c in
            c.pulls = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(origin.port)/live"))]
            c.pullIdleTimeout = .seconds(1)
        }
        try edgeScenario(edge: edge, publishTo: origin.url("live/cam")) {
            origin.server.snapshot().streams.first { $0.key == "live/cam" }?.players.count ?? 0
        }
        XCTAssertTrue(waitUntil(timeout: 5) { origin.server.snapshot().streams.allSatisfy { $0.players.isEmpty } }, "the pull let go of the origin")
    }

    func testEdgePullsFromNginx() throws {
        let nginx = try NginxRTMP(directory: work)
        self.nginx = nginx
        let edge = try server("edge") { c in
            c.pulls = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(nginx.rtmpPort)/live"))]
            c.pullIdleTimeout = .seconds(1)
        }
        try edgeScenario(edge: edge, publishTo: nginx.url("live/cam")) { try Self.nginxPlayers(httpPort: nginx.httpPort, in: self.work) }
    }

    /// Three players on the edge before the publisher starts at the origin:
    /// all get the source's packets over one upstream connection (counted
    /// at the origin by `originPlayers`), and the pull ends once they left.
    private func edgeScenario(edge: TestServer, publishTo url: String, originPlayers: () throws -> Int) throws {
        let source = try Fixtures.h264aac(seconds: 6, gop: 30, name: "pull-6s.flv")
        let reference = try Fixtures.frameMD5(of: source)
        let players = try (1...3).map { try player(edge.url("live/cam"), output: "edge\($0).md5").start() }
        let pulling = edge.waitFor(timeout: 5) { s in
            s.streams.first?.players.count == 3 && s.streams.first?.pull != nil && s.connections.contains { $0.role == "pull" }
        }
        XCTAssertEqual(pulling.connections.filter { $0.role == "pull" }.count, 1, "one upstream connection")
        XCTAssertTrue(waitUntil(timeout: 5) { edge.server.snapshot().streams.first?.pull?.state == "playing" })
        let pub = try publisher(source, to: url).start()
        XCTAssertTrue(waitUntil(timeout: 8) { (edge.server.snapshot().streams.first?.videoFrames ?? 0) > 10 }, "media arrives through the pull")
        XCTAssertEqual(try originPlayers(), 1, "the origin serves the edge one connection for three players")
        XCTAssertEqual(edge.server.snapshot().streams.first?.publisher?.role, "pull", "the pull is the edge stream's publisher")
        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        for p in players { p.wait(timeout: 15) }
        for i in 1...3 { try assertSamePackets("edge\(i).md5", as: reference, "edge player \(i)") }
        XCTAssertTrue(waitUntil(timeout: 6) { edge.server.snapshot().connections.allSatisfy { $0.role != "pull" } }, "the pull ended after the last player left")
        XCTAssertTrue(waitUntil(timeout: 3) { edge.server.snapshot().streams.isEmpty }, "and the edge forgot the stream")
    }

    /// Players of live/cam on nginx's stat page: its clients that do not publish.
    static func nginxPlayers(httpPort: Int, in dir: URL) throws -> Int {
        let r = try ChildProcess.run(try Tool.path("curl"), ["-s", "http://127.0.0.1:\(httpPort)/stat"], in: dir, timeout: 10)
        guard let name = r.stdout.range(of: "<name>cam</name>") else { return 0 }
        let rest = r.stdout[name.upperBound...]
        let stream = rest.range(of: "</stream>").map { rest[..<$0.lowerBound] } ?? rest
        let clients = stream.components(separatedBy: "<client>").dropFirst().map { $0.components(separatedBy: "</client>")[0] }
        let players = clients.filter { !$0.contains("<publishing/>") }.count
        if players == 0 { print("nginx stat:\n\(r.stdout)") }
        return players
    }

    func testNginxPullsFromRTMPTopAsItsOrigin() throws {
        let source = try Fixtures.h264aac(seconds: 6, gop: 30, name: "pull-6s.flv")
        let reference = try Fixtures.frameMD5(of: source)
        let origin = try server("origin")
        let nginx = try NginxRTMP(directory: work, application: "live on; pull rtmp://127.0.0.1:\(origin.port)/live;")
        self.nginx = nginx
        let pub = try publisher(source, to: origin.url("live/cam")).start()
        origin.waitFor(timeout: 5) { ($0.streams.first?.videoFrames ?? 0) > 0 }
        // nginx pulls on the first play and relays from the next keyframe:
        // the packets this player gets are a run of the source's.
        let edgePlayer = try player(nginx.url("live/cam"), output: "nginx.md5").start()
        XCTAssertTrue(waitUntil(timeout: 5) { origin.server.snapshot().streams.first?.players.count == 1 }, "nginx's pull plays from us")
        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        edgePlayer.wait(timeout: 15)
        let got = try md5("nginx.md5").payloads(codec: "h264"), want = reference.payloads(codec: "h264")
        XCTAssertGreaterThan(got.count, want.count / 2, "most of the stream came through nginx")
        if let first = got.first, let start = want.firstIndex(of: first) {
            XCTAssertEqual(Array(want[start..<min(want.count, start + got.count)]), got, "nginx's player got a contiguous run of the source's video")
        } else {
            XCTFail("nginx's first packet is not one of the source's")
        }
    }

    // MARK: Enhanced RTMP through push and pull

    func testEnhancedRTMPThroughAPushAndAPullByteExact() throws {
        let path = EnhancedRTMPTests.mediaDirectory.appendingPathComponent("hevc-opus.flv").path
        let (_, tags) = try FLVReader.readFile(path)
        let media = tags.filter { $0.type == 8 || $0.type == 9 }
        let upstream = try server("upstream")
        let origin = try server("origin") { $0.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(upstream.port)/live"))] }
        let edge = try server("edge") { c in
            c.pulls = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(upstream.port)/live"))]
            c.pullIdleTimeout = .seconds(1)
        }
        // Origin → push → upstream → pull → edge → player.
        let player = try RTMPClient.connect(host: "127.0.0.1", port: edge.port, app: "live", group: group)
        try player.play("hevc")
        XCTAssertTrue(waitUntil(timeout: 5) { upstream.server.snapshot().streams.first?.players.count == 1 }, "the edge's pull waits at the upstream")
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: origin.port, app: "live", group: group)
        try publisher.publish("hevc")
        XCTAssertTrue(waitUntil(timeout: 5) { origin.server.snapshot().streams.first?.pushes.first?.state == "publishing" })
        for tag in tags { publisher.sendMedia(typeID: tag.type, timestamp: tag.timestamp, payload: tag.payload) }
        try player.wait(timeout: 15, for: "all media through push and pull") { $0.filter { $0.typeID == 8 || $0.typeID == 9 }.count >= media.count }
        let received = player.messages.filter { $0.typeID == 8 || $0.typeID == 9 }
        XCTAssertEqual(received.count, media.count)
        for (got, want) in zip(received, media) where got.payload != want.payload || got.timestamp != want.timestamp {
            XCTFail("a \(want.type == 9 ? "video" : "audio") tag at \(want.timestamp) ms differs after push and pull")
            break
        }
        let edgeStream = edge.server.snapshot().streams.first
        XCTAssertEqual(edgeStream?.video?.codec, "HEVC")
        XCTAssertEqual(edgeStream?.audio?.codec, "Opus")
        for c in [player, publisher] { c.close() }
    }
}

/// The loop guards: a push aimed at the server itself is skipped, one that
/// comes back through another name is refused by the token in its connect,
/// and a stream our own pull publishes is not pushed again.
final class PushLoopGuardTests: XCTestCase {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    override func tearDown() {
        try? group.syncShutdownGracefully()
    }

    func testAPushToItselfIsSkippedAndOneThatComesBackIsRefused() throws {
        let work = Fixtures.workDirectory(name)
        let port = try LoopbackTCP.freePort()
        let server = try TestServer(directory: work) { c in
            c.port = port
            c.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://localhost:\(port)/copy"))]
        }
        defer { server.stop() }
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        defer { publisher.close() }
        try publisher.publish("cam")
        XCTAssertTrue(waitUntil(timeout: 5) { server.log.contains("push skipped: it targets this server itself") }, server.log)
        XCTAssertEqual(server.server.snapshot().streams.first { $0.key == "live/cam" }?.pushes.count, 0)

        // A connect carrying this server's relay token: one of our own pushes, come back.
        var options = RTMPClient.Options()
        options.flashVer = PushRelay.flashVer(server.server.state)
        let echo = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "copy", group: group, options: options)
        defer { echo.close() }
        XCTAssertThrowsError(try echo.publish("cam")) { XCTAssertTrue("\($0)".contains("BadName"), "\($0)") }
        XCTAssertTrue(server.log.contains("\"reason\":\"push_loop\""))
    }

    func testAStreamOurPullPublishesIsNotPushedAgain() throws {
        let work = Fixtures.workDirectory(name)
        let origin = try TestServer(directory: Fixtures.subdirectory("origin", of: work))
        defer { origin.stop() }
        let sink = try TestServer(directory: Fixtures.subdirectory("sink", of: work))
        defer { sink.stop() }
        let edge = try TestServer(directory: Fixtures.subdirectory("edge", of: work)) { c in
            c.pulls = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(origin.port)/live"))]
            c.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(sink.port)/live"))]
        }
        defer { edge.stop() }
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: origin.port, app: "live", group: group)
        defer { publisher.close() }
        try publisher.publish("cam")
        let player = try RTMPClient.connect(host: "127.0.0.1", port: edge.port, app: "live", group: group)
        defer { player.close() }
        try player.play("cam")
        XCTAssertTrue(waitUntil(timeout: 5) { edge.server.snapshot().streams.first?.publisher?.role == "pull" }, "the edge pulls")
        // A local publish on the edge is pushed: the rule works…
        let local = try RTMPClient.connect(host: "127.0.0.1", port: edge.port, app: "live", group: group)
        defer { local.close() }
        try local.publish("own")
        XCTAssertTrue(waitUntil(timeout: 5) { sink.server.snapshot().streams.contains { $0.key == "live/own" && $0.publisher != nil } })
        // …and the pulled stream was not.
        XCTAssertFalse(sink.server.snapshot().streams.contains { $0.key == "live/cam" }, "a pulled stream is not pushed again")
        XCTAssertEqual(edge.server.snapshot().streams.first { $0.key == "live/cam" }?.pushes.count, 0)
    }

    func testALocalPublisherTakesTheKeyOverFromAPull() throws {
        let work = Fixtures.workDirectory(name)
        let origin = try TestServer(directory: Fixtures.subdirectory("origin", of: work))
        defer { origin.stop() }
        let edge = try TestServer(directory: Fixtures.subdirectory("edge", of: work)) { c in
            c.pulls = [UpstreamRule(target: try! UpstreamURLTemplate("rtmp://127.0.0.1:\(origin.port)/live"))]
        }
        defer { edge.stop() }
        let player = try RTMPClient.connect(host: "127.0.0.1", port: edge.port, app: "live", group: group)
        defer { player.close() }
        try player.play("cam")
        XCTAssertTrue(waitUntil(timeout: 5) { edge.server.snapshot().streams.first?.publisher?.role == "pull" })
        let local = try RTMPClient.connect(host: "127.0.0.1", port: edge.port, app: "live", group: group)
        defer { local.close() }
        try local.publish("cam")
        XCTAssertTrue(waitUntil(timeout: 5) { edge.server.snapshot().streams.first?.publisher?.role == "publisher" }, "the local publisher has the key")
        XCTAssertTrue(waitUntil(timeout: 5) { origin.server.snapshot().streams.allSatisfy { $0.players.isEmpty } }, "the pull let go of the origin")
        XCTAssertTrue(edge.server.snapshot().connections.allSatisfy { $0.role != "pull" })
    }
}
