import Foundation
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// The hardening issue's fault list, on loopback and bounded in time: what
/// a peer does to its own connection stays there; the server, its live
/// streams and their players lose nothing. Resource figures are asserted as
/// counters and RSS before and after, never as clocks.
final class FaultTests: XCTestCase {
    var work: URL!
    var children: [ChildProcess] = []
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
    }

    override func tearDown() {
        for c in children where c.isRunning { c.signal(SIGKILL) }
        try? group.syncShutdownGracefully()
    }

    // MARK: a publisher killed

    func testAPublisherKilledMidStreamLeavesPlayersAndTheKeyReady() throws {
        let server = try TestServer(directory: work)
        defer { server.stop() }
        let source = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        let ffmpeg = try Tool.path("ffmpeg")
        func publish() throws -> ChildProcess {
            try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", source.path, "-c", "copy", "-f", "flv",
                                      server.url("live/cam")], in: work, name: "ffmpeg-pub").start()
        }
        let first = try publish()
        children.append(first)
        XCTAssertTrue(server.waitFor(timeout: 10) { $0.streams.contains { $0.isLive } }.streams.contains { $0.isLive })
        let player = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        try player.play("cam")
        try player.wait(timeout: 10, for: "media") { $0.filter { $0.typeID == 9 }.count > 30 }
        first.signal(SIGKILL)  // mid-message, as likely as not: frames are several chunks
        _ = first.wait(timeout: 5)
        // The player stays, told the stream ended (StreamEOF, user control event 1); no connection leaks.
        try player.wait(timeout: 5, for: "StreamEOF") { ms in ms.contains { $0.typeID == 4 && $0.payload.getInteger(at: $0.payload.readerIndex, as: UInt16.self) == 1 } }
        XCTAssertTrue(player.isActive)
        let after = server.waitFor(timeout: 5) { $0.connections.count == 1 }
        XCTAssertEqual(after.connections.map(\.role), ["player"], "only the player is left")
        // A new publisher on the key works at once, and the player gets its media.
        let videoBefore = player.messages.filter { $0.typeID == 9 }.count
        let started = Date()
        let second = try publish()
        children.append(second)
        XCTAssertTrue(server.waitFor(timeout: 5) { $0.streams.contains { $0.isLive } }.streams.contains { $0.isLive })
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        try player.wait(timeout: 10, for: "media again") { $0.filter { $0.typeID == 9 }.count > videoBefore + 30 }
    }

    // MARK: connections that never get anywhere

    func testThousandsOfHalfOpenAndTricklingConnectionsDoNotHurtALiveStream() throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let needed = 2 * 2300 + 200
        guard limit.rlim_cur >= rlim_t(needed) else {
            XCTFail("the open-files hard limit \(limit.rlim_max) is below the \(needed) this test needs (client and server share this process)")
            return
        }
        let server = try TestServer(directory: work) {
            $0.handshakeTimeout = .seconds(2)
            $0.maxConnections = 0
        }
        defer { server.stop() }
        // A live stream with three players.
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        try publisher.publish("cam")
        let players = try (0..<3).map { _ -> RTMPClient in
            let p = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
            try p.play("cam")
            return p
        }
        let feeding = DispatchGroup()
        feeding.enter()
        let stop = SharedBox(false)
        let sent = SharedBox(0)
        Thread.detachNewThread {
            var t: UInt32 = 0
            let payload = ByteBuffer(bytes: [0x17, 1, 0, 0, 0] + [UInt8](repeating: 0x42, count: 3000))
            while !stop.value {
                publisher.sendMedia(typeID: 9, timestamp: t, payload: payload)
                t &+= 33
                sent.value += 1
                usleep(33_000)
            }
            feeding.leave()
        }
        // 2000 that never send a byte, 200 that trickle one byte a second.
        let silent = (0..<2000).compactMap { _ in LoopbackTCP.connect(port: server.port) }
        let tricklers = (0..<200).compactMap { _ in LoopbackTCP.connect(port: server.port) }
        defer { (silent + tricklers).forEach { close($0) } }
        XCTAssertEqual(silent.count + tricklers.count, 2200)
        let trickling = Thread { for _ in 0..<6 { for fd in tricklers { var b: UInt8 = 3; _ = Glibc.send(fd, &b, 1, Int32(MSG_NOSIGNAL)) }; sleep(1) } }
        trickling.start()
        // Meanwhile a newcomer plays within 2 s.
        let joined = Date()
        let newcomer = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        try newcomer.play("cam")
        try newcomer.wait(timeout: 2, for: "first video") { $0.contains { $0.typeID == 9 } }
        XCTAssertLessThan(Date().timeIntervalSince(joined), 2)
        // The timeouts close them all: only the stream's own connections remain.
        let settled = server.waitFor(timeout: 15) { $0.connections.count == 5 }
        XCTAssertEqual(settled.connections.count, 5, "publisher, three players and the newcomer")
        XCTAssertGreaterThanOrEqual(settled.lifetime.errorsByReason["handshake_timeout"] ?? 0, 2200)
        stop.value = true
        feeding.wait()
        let stream = try XCTUnwrap(server.server.snapshot().streams.first { $0.key == "live/cam" })
        XCTAssertEqual(stream.droppedVideo + stream.droppedAudio, 0, "no drops")
        for p in players {
            XCTAssertTrue(p.isActive)
            let total = sent.value
            try p.wait(timeout: 5, for: "every frame") { $0.filter { $0.typeID == 9 }.count >= total }
        }
    }

    // MARK: hostile declarations against the real binary

    private func vmRSSKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
    }

    private func metric(_ text: String, _ name: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    func testHostileDeclarationsCostBoundedWorkAndMemory() throws {
        let (p, first) = try RTMPTopProcess.launch(["--headless", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--stall-timeout", "2"], in: work)
        children.append(p)
        let port = try XCTUnwrap(RTMPTopProcess.port(from: first))
        XCTAssertTrue(waitUntil(timeout: 5) { p.stdout.contains("\"msg\":\"http listening\"") })
        let httpLine = p.stdout.split(separator: "\n").first { $0.contains("\"msg\":\"http listening\"") } ?? ""
        let httpPort = try XCTUnwrap(httpLine.range(of: "127.0.0.1:").map { Int(httpLine[$0.upperBound...].prefix { $0.isNumber }) } ?? nil)
        func metrics() throws -> String {
            try ChildProcess.run(try Tool.path("curl"), ["-s", "http://127.0.0.1:\(httpPort)/metrics"], in: work, timeout: 10).stdout
        }
        let pid = p.process.processIdentifier
        let rssBefore = vmRSSKiB(pid)

        // 0xFFFFFF-byte messages declared on 70 chunk streams, one chunk each.
        var peer = try XCTUnwrap(RawPeer(port: port))
        XCTAssertTrue(peer.handshake())
        for csid: UInt32 in 3..<73 { peer.send(RawPeer.fmt0(csid: csid, length: 0xFF_FFFF, type: 9, streamID: 1) + [UInt8](repeating: 0, count: 128)) }
        XCTAssertTrue(peer.closedByServer(within: 5), "past 64 partial messages")

        // Chunk sizes 0 and 2^31.
        for size: UInt32 in [0, 0x8000_0000] {
            peer = try XCTUnwrap(RawPeer(port: port))
            XCTAssertTrue(peer.handshake())
            peer.send(RawPeer.setChunkSize(size))
            XCTAssertTrue(peer.closedByServer(within: 5), "SetChunkSize \(size)")
        }

        // Every chunk stream id up to 65599, a small whole message on each.
        peer = try XCTUnwrap(RawPeer(port: port))
        XCTAssertTrue(peer.handshake())
        var bytes: [UInt8] = []
        for csid: UInt32 in stride(from: 64, through: 65599, by: 1) { bytes += RawPeer.message(csid: csid, type: 3, payload: [0, 0, 0, 1]) }
        peer.send(bytes)
        XCTAssertTrue(peer.closedByServer(within: 5), "past 256 chunk stream ids")

        // An AMF object nested 100 000 deep in a command.
        peer = try XCTUnwrap(RawPeer(port: port))
        XCTAssertTrue(peer.handshake())
        var amf: [UInt8] = [0x02, 0, 7] + Array("connect".utf8) + [0x00] + [UInt8](repeating: 0, count: 8)
        for _ in 0..<100_000 { amf += [0x03, 0, 1, UInt8(ascii: "a")] }
        peer.send(RawPeer.message(csid: 3, type: 20, payload: amf))
        XCTAssertTrue(peer.closedByServer(within: 10), "nesting beyond the AMF decoder's depth")

        // An 8 MiB message in 128-byte chunks: reassembled with linear work.
        let m0 = try metrics()
        peer = try XCTUnwrap(RawPeer(port: port))
        XCTAssertTrue(peer.handshake())
        let big = 8 << 20
        peer.send(RawPeer.message(csid: 6, type: 18, payload: [UInt8](repeating: 5, count: big), streamID: 1))
        XCTAssertTrue(waitUntil(timeout: 10) {
            let m = (try? metrics()) ?? ""
            return (self.metric(m, "rtmp_reassembled_bytes_total") ?? 0) >= (self.metric(m0, "rtmp_reassembled_bytes_total") ?? 0) + Double(big)
        }, "the 8 MiB message was reassembled")
        let m1 = try metrics()
        let reassembled = (metric(m1, "rtmp_reassembled_bytes_total") ?? 0) - (metric(m0, "rtmp_reassembled_bytes_total") ?? 0)
        let copied = (metric(m1, "rtmp_reassembly_copied_bytes_total") ?? 0) - (metric(m0, "rtmp_reassembly_copied_bytes_total") ?? 0)
        XCTAssertLessThanOrEqual(copied, 2 * reassembled, "bytes copied ≤ 2× the message")
        print("fault figures: 8 MiB in 128-byte chunks: \(Int(reassembled)) bytes reassembled, \(Int(copied)) copied")
        peer = try XCTUnwrap(RawPeer(port: port))  // the big one's peer closes with the old object

        // Nothing is held for any of them any more, and the memory came back within bounds.
        XCTAssertTrue(waitUntil(timeout: 5) { self.metric((try? metrics()) ?? "", "rtmp_buffered_partial_message_bytes") == 0 })
        let rssAfter = vmRSSKiB(pid)
        print("fault figures: hostile declarations: server RSS \(rssBefore) → \(rssAfter) KiB")
        XCTAssertLessThan(rssAfter - rssBefore, 64 * 1024, "RSS \(rssBefore) → \(rssAfter) KiB")

        // The server lives: a publisher and a player work.
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try publisher.publish("ok")
        let player = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try player.play("ok")
        XCTAssertTrue(p.isRunning)
        let text = try metrics()
        XCTAssertGreaterThanOrEqual(metric(text, "rtmp_connection_errors_total{reason=\"limit\"}") ?? 0, 2, text)
    }

    func testAPlayerThatNeverReadsIsDroppedWithMemoryBounded() throws {
        let (p, first) = try RTMPTopProcess.launch(["--headless", "--listen", "127.0.0.1:0", "--stall-timeout", "2"], in: work)
        children.append(p)
        let port = try XCTUnwrap(RTMPTopProcess.port(from: first))
        let pid = p.process.processIdentifier
        let rssBefore = vmRSSKiB(pid)
        let stalled = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try stalled.play("cam")
        try stalled.stopReading()
        let reader = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try reader.play("cam")
        // A publisher at full speed (no -re): 4 Mbit/s of real H.264 as fast as loopback takes it.
        let source = try Fixtures.h264aac(seconds: 8, gop: 60, name: "relay-8s.flv")
        children.append(try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-stream_loop", "20", "-i", source.path, "-c", "copy",
                                                                   "-f", "flv", "rtmp://127.0.0.1:\(port)/live/cam"], in: work, name: "ffmpeg-flood").start())
        XCTAssertTrue(waitUntil(timeout: 30) { p.stdout.contains("\"msg\":\"player too slow, disconnecting\"") }, "dropped after the stall limit")
        XCTAssertTrue(reader.isActive, "the reading player stays")
        let rssAfter = vmRSSKiB(pid)
        print("fault figures: stalled player: server RSS \(rssBefore) → \(rssAfter) KiB")
        XCTAssertLessThan(rssAfter - rssBefore, 96 * 1024, "the stalled player's backlog is bounded")
    }
}

/// A value shared with a feeding thread.
final class SharedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var v: T
    init(_ v: T) { self.v = v }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return v }
        set { lock.lock(); v = newValue; lock.unlock() }
    }
}
