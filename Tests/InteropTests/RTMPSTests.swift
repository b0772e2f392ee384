import Foundation
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
@testable import Relay
import TestSupport
import XCTest

/// RTMPS (issue 13): the same server behind a TLS listener, with a
/// certificate made here by `openssl req -x509`; ffmpeg 9 publishes and
/// plays over it, Debian's ffmpeg plays over plain RTMP, and rtmps://
/// pushes verify the upstream's certificate unless told not to.
final class RTMPSTests: XCTestCase {
    var work: URL!
    private var servers: [TestServer] = []
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
    }

    override func tearDown() {
        for s in servers { s.stop() }
        if (testRun?.totalFailureCount ?? 0) > 0 {
            for (i, s) in servers.enumerated() { print("--- server \(i) log (\(name)) ---\n\(s.log.suffix(6000))") }
        }
        try? group.syncShutdownGracefully()
    }

    /// A self-signed certificate for 127.0.0.1 and localhost, and its key.
    static func makeCertificate(in dir: URL, name: String = "server") throws -> (cert: String, key: String) {
        let cert = dir.appendingPathComponent("\(name).crt").path, key = dir.appendingPathComponent("\(name).key").path
        let r = try ChildProcess.run(try Tool.path("openssl"), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ], in: dir, timeout: 30)
        guard r.status == 0 else { throw ChildProcessError("openssl failed: \(r.stderr)") }
        return (cert, key)
    }

    private func tlsServer(_ label: String, configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> (TestServer, Int) {
        let dir = Fixtures.subdirectory(label, of: work)
        let (cert, key) = try Self.makeCertificate(in: dir)
        let context = try TLSServerContext(certificatePath: cert, keyPath: key)
        let s = try TestServer(directory: dir) { c in
            c.rtmps = RTMPSListener(host: "127.0.0.1", port: 0, context: context)
            configure(&c)
        }
        servers.append(s)
        return (s, try XCTUnwrap(s.server.rtmpsAddress?.port))
    }

    func testFFmpeg9PublishesOverRTMPSAndPlayersOnBothListenersGetTheSourcesPackets() throws {
        let ffmpeg9 = try Tool.ffmpeg9()
        let source = try Fixtures.h264aac(seconds: 5, gop: 30, name: "rtmps-5s.flv")
        let reference = try Fixtures.frameMD5(of: source)
        let (server, tlsPort) = try tlsServer("server")
        let tlsURL = "rtmps://127.0.0.1:\(tlsPort)/live/x"
        XCTAssertEqual(server.server.snapshot().rtmpsAddress, "127.0.0.1:\(tlsPort)", "the snapshot names both listeners")

        let overTLS = try ChildProcess(ffmpeg9, ["-hide_banner", "-loglevel", "error", "-tls_verify", "0", "-rw_timeout", "4000000", "-i", tlsURL,
                                                 "-map", "0", "-c", "copy", "-copyinkf", "-f", "framemd5", "tls.md5"], in: work, name: "ffmpeg9-play").start()
        let plain = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-rw_timeout", "4000000", "-i", server.url("live/x"),
                                                              "-map", "0", "-c", "copy", "-copyinkf", "-f", "framemd5", "plain.md5"], in: work, name: "ffmpeg-play").start()
        server.waitFor(timeout: 10) { $0.connections.filter { $0.role == "player" }.count == 2 }
        let pub = try ChildProcess(ffmpeg9, ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-tls_verify", "0", "-f", "flv", tlsURL],
                                   in: work, name: "ffmpeg9-publish").start()
        XCTAssertEqual(pub.wait(timeout: 30).status, 0, pub.stderr)
        for p in [overTLS, plain] { p.wait(timeout: 15) }
        for file in ["tls.md5", "plain.md5"] {
            let got = FrameMD5(try String(contentsOf: work.appendingPathComponent(file), encoding: .utf8))
            XCTAssertEqual(got.packets(codec: "h264"), reference.packets(codec: "h264"), "\(file): video packets differ")
            XCTAssertEqual(got.packets(codec: "aac"), reference.packets(codec: "aac"), "\(file): audio packets differ")
        }
    }

    func testPlainRTMPAndGarbageOnTheTLSPortCloseOnlyThatConnection() throws {
        let (server, tlsPort) = try tlsServer("server")
        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        defer { publisher.close() }
        try publisher.publish("cam")
        let player = try RTMPClient.connect(host: "127.0.0.1", port: server.port, app: "live", group: group)
        defer { player.close() }
        try player.play("cam")
        var ts: UInt32 = 0
        func sendFrames(_ n: Int) {
            for _ in 0..<n {
                publisher.sendMedia(typeID: 9, timestamp: ts, payload: ByteBuffer(bytes: [0x17, 1, 0, 0, 0, 1, 2, 3]))
                ts += 40
            }
        }
        sendFrames(5)
        try player.wait(timeout: 5, for: "frames") { $0.filter { $0.typeID == 9 }.count >= 5 }

        // An RTMP handshake where TLS is expected, then plain garbage.
        let rtmpPeer = try XCTUnwrap(RawPeer(port: tlsPort))
        _ = rtmpPeer.send([3] + [UInt8](repeating: 0, count: 1536))
        XCTAssertTrue(rtmpPeer.closedByServer(within: 5), "plain RTMP on the TLS port is closed")
        let garbage = try XCTUnwrap(RawPeer(port: tlsPort))
        _ = garbage.send((0..<4096).map { _ in UInt8.random(in: 0...255) })
        XCTAssertTrue(garbage.closedByServer(within: 5), "garbage on the TLS port is closed")

        sendFrames(5)
        try player.wait(timeout: 5, for: "frames after") { $0.filter { $0.typeID == 9 }.count >= 10 }
        XCTAssertTrue(publisher.isActive && player.isActive, "the other connections go on")
        XCTAssertTrue(server.log.contains("closing connection: bad input"), "the bad one got a log line")
    }

    func testAnRTMPSPushVerifiesTheUpstreamsCertificateUnlessInsecure() throws {
        let (upstream, tlsPort) = try tlsServer("upstream")
        let strict = try TestServer(directory: Fixtures.subdirectory("strict", of: work)) { c in
            c.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmps://127.0.0.1:\(tlsPort)/strict"))]
        }
        servers.append(strict)
        let insecure = try TestServer(directory: Fixtures.subdirectory("insecure", of: work)) { c in
            c.pushes = [UpstreamRule(target: try! UpstreamURLTemplate("rtmps://127.0.0.1:\(tlsPort)/insecure"))]
            c.verifyUpstreamCertificates = false
        }
        servers.append(insecure)
        var clients: [RTMPClient] = []
        defer { clients.forEach { $0.close() } }
        for s in [strict, insecure] {
            let c = try RTMPClient.connect(host: "127.0.0.1", port: s.port, app: "live", group: group)
            try c.publish("cam")
            clients.append(c)
        }
        let failed = strict.waitFor(timeout: 5) { $0.streams.first?.pushes.first?.lastError != nil }
        let error = failed.streams.first?.pushes.first?.lastError ?? ""
        XCTAssertTrue(error.lowercased().contains("certificate") || error.contains("handshake"), "a self-signed upstream is refused: \(error)")
        XCTAssertNotEqual(failed.streams.first?.pushes.first?.state, "publishing")
        let pushing = insecure.waitFor(timeout: 5) { $0.streams.first?.pushes.first?.state == "publishing" }
        XCTAssertEqual(pushing.streams.first?.pushes.first?.state, "publishing", "--tls-insecure pushes anyway")
        XCTAssertTrue(waitUntil(timeout: 5) { upstream.server.snapshot().streams.contains { $0.key == "insecure/cam" && $0.publisher != nil } })
        XCTAssertFalse(upstream.server.snapshot().streams.contains { $0.key == "strict/cam" && $0.publisher != nil })
    }

    func testACertificateThatDoesNotLoadKeepsTheOldOne() throws {
        let (cert, key) = try Self.makeCertificate(in: work)
        let context = try TLSServerContext(certificatePath: cert, keyPath: key)
        let before = context.current
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: cert))
        XCTAssertThrowsError(try context.reload()) { XCTAssertTrue("\($0)".contains("PEM"), "\($0)") }
        XCTAssertTrue(context.current === before, "the old pair stays")
        let (_, otherKey) = try Self.makeCertificate(in: work, name: "other")
        _ = try Self.makeCertificate(in: work)  // a good pair again at the same paths
        try context.reload()
        XCTAssertFalse(context.current === before, "a good pair replaces it")
        XCTAssertThrowsError(try TLSServerContext(certificatePath: cert, keyPath: otherKey), "a key that is not the certificate's")
    }
}
