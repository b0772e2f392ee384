import Foundation
@testable import HTTPAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// Issue 12 over HTTP: pushes and pulls in the stream documents and in
/// `/metrics` (from a snapshot built here), the push routes and their
/// errors, and an origin pushing to a second in-process server, stopped and
/// restarted through the router.
final class PushAPITests: XCTestCase {
    private var group: MultiThreadedEventLoopGroup!
    private var servers: [RTMPServer] = []

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    override func tearDown() {
        for s in servers.reversed() { s.shutdown(timeout: .milliseconds(200)) }
        try? group.syncShutdownGracefully()
    }

    private func startServer(_ configure: (inout ServerConfiguration) throws -> Void = { _ in }) throws -> (RTMPServer, Int) {
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.recording.directory = FileManager.default.temporaryDirectory.appendingPathComponent("push-api-\(UUID().uuidString)").path
        try configure(&config)
        let server = RTMPServer(configuration: config, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), group: group)
        servers.append(server)
        return (server, try server.start().port ?? 0)
    }

    private func json(_ r: APIResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.headers.first(name: "Content-Type"), "application/json", file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any], file: file, line: line)
    }

    private func errorMessage(_ r: APIResponse) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any]).flatMap { $0["error"] as? [String: Any] }?["message"] as? String
    }

    /// The value of one series of a Prometheus text page, found by name and labels.
    private func sample(_ page: String, _ name: String, _ labels: [String: String]) -> Double? {
        for line in page.split(separator: "\n") where line.hasPrefix(name + "{") {
            guard let close = line.lastIndex(of: "}") else { continue }
            let inner = line[line.index(line.startIndex, offsetBy: name.count + 1)..<close]
            var found: [String: String] = [:]
            for pair in inner.split(separator: ",") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                found[String(kv[0])] = String(kv[1].dropFirst().dropLast())
            }
            if found == labels { return Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) }
        }
        return nil
    }

    private func stream(_ key: String, pushes: [PushSnapshot], pull: PullSnapshot?) -> StreamSnapshot {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        var s = StreamSnapshot(key: key, app: parts[0], name: parts[1], publisher: nil, publishedAt: nil, players: [], video: nil, audio: nil,
                               frameRate: nil, bytesIn: 0, videoFrames: 0, audioFrames: 0, keyframes: 0, droppedVideo: 0, droppedAudio: 0,
                               bitrateBps: 0, videoBitrateBps: 0, audioBitrateBps: 0, bitrateHistory: [], gopCachedFrames: 0, gopCachedBytes: 0,
                               metadata: [], recording: nil)
        s.pushes = pushes
        s.pull = pull
        return s
    }

    // MARK: documents and metrics, from a snapshot built here

    func testStreamDocumentsAndMetricsCarryPushesAndPull() throws {
        let since = Date(timeIntervalSince1970: 1_700_000_000)
        let publishing = PushSnapshot(id: 3, url: "rtmp://up.example:1935/live/***", state: "publishing", connectionID: 11, bytesOut: 123_456,
                                      outBps: 2_000_000, queuedBytes: 4096, droppedVideo: 5, droppedAudio: 2, reconnects: 1,
                                      lastError: "cannot connect: refused", since: since)
        let waiting = PushSnapshot(id: 4, url: "rtmp://other.example:1935/app/***?key=***", state: "waiting", reconnects: 7,
                                   lastError: "upstream closed", since: since, retryAt: since.addingTimeInterval(8))
        let cam = stream("live/cam", pushes: [publishing, waiting], pull: nil)
        let edge = stream("edge/cam", pushes: [], pull: PullSnapshot(url: "rtmp://origin.example:1935/live/***", state: "playing", connectionID: 12, reconnects: 2))
        let snapshot = ServerSnapshot(takenAt: since, startedAt: since, listenAddress: "127.0.0.1:1935", streams: [cam, edge], connections: [],
                                      recentEvents: [], totalBytesIn: 0, totalBytesOut: 0, totalInBps: 0, totalOutBps: 0,
                                      recordDirectory: "/tmp", version: "test")

        let doc = try json(.json(APIDocuments.Stream(snapshot: cam)))
        let pushes = try XCTUnwrap(doc["pushes"] as? [[String: Any]], "a stream document lists its pushes")
        XCTAssertEqual(pushes.count, 2)
        let first = pushes[0]
        XCTAssertEqual(Set(first.keys), ["id", "url", "state", "connection_id", "bytes_out", "out_bps", "queued_bytes",
                                         "dropped_video", "dropped_audio", "reconnects", "last_error", "since"],
                       "PushSnapshot's fields, snake_case (retry_at only while waiting)")
        XCTAssertEqual(first["id"] as? Int, 3)
        XCTAssertEqual(first["state"] as? String, "publishing")
        XCTAssertEqual(first["bytes_out"] as? Int, 123_456)
        XCTAssertEqual(first["connection_id"] as? Int, 11)
        XCTAssertEqual(first["since"] as? String, "2023-11-14T22:13:20Z")
        XCTAssertEqual(pushes[1]["retry_at"] as? String, "2023-11-14T22:13:28Z")
        XCTAssertNil(doc["pull"], "no pull: no key")
        let pull = try XCTUnwrap(try json(.json(APIDocuments.Stream(snapshot: edge)))["pull"] as? [String: Any], "an edge stream shows its pull")
        XCTAssertEqual(pull["state"] as? String, "playing")
        XCTAssertEqual(pull["url"] as? String, "rtmp://origin.example:1935/live/***")
        XCTAssertEqual(pull["connection_id"] as? Int, 12)
        XCTAssertEqual(pull["reconnects"] as? Int, 2)

        let list = try json(.json(APIDocuments.Pushes(pushes: APIDocuments.Push.all(in: snapshot))))
        let listed = try XCTUnwrap(list["pushes"] as? [[String: Any]])
        XCTAssertEqual(listed.compactMap { $0["id"] as? Int }, [3, 4])
        XCTAssertEqual(listed.compactMap { $0["stream_key"] as? String }, ["live/cam", "live/cam"], "each push names its stream")
        XCTAssertEqual(listed[1]["url"] as? String, "rtmp://other.example:1935/app/***?key=***")

        let page = String(decoding: PrometheusExposition.text(snapshot), as: UTF8.self)
        let three = ["app": "live", "name": "cam", "push_id": "3"], four = ["app": "live", "name": "cam", "push_id": "4"]
        XCTAssertEqual(sample(page, "rtmp_push_up", three), 1, page)
        XCTAssertEqual(sample(page, "rtmp_push_up", four), 0, "waiting is not up")
        XCTAssertEqual(sample(page, "rtmp_push_sent_bytes_total", three), 123_456)
        XCTAssertEqual(sample(page, "rtmp_push_reconnects_total", four), 7)
        XCTAssertEqual(sample(page, "rtmp_push_dropped_frames_total", three.merging(["track": "video"]) { a, _ in a }), 5)
        XCTAssertEqual(sample(page, "rtmp_push_dropped_frames_total", three.merging(["track": "audio"]) { a, _ in a }), 2)
        XCTAssertEqual(sample(page, "rtmp_push_queued_bytes", three), 4096)
        XCTAssertEqual(sample(page, "rtmp_pull_up", ["app": "edge", "name": "cam"]), 1)
        XCTAssertEqual(sample(page, "rtmp_pull_reconnects_total", ["app": "edge", "name": "cam"]), 2)
        XCTAssertEqual(sample(page, "rtmp_connections", ["role": "push"]), 0)
        XCTAssertNil(sample(page, "rtmp_pull_up", ["app": "live", "name": "cam"]), "a stream without a pull has no pull series")
        XCTAssertFalse(page.contains("example"), "no URL in any label, not even masked")
    }

    // MARK: routes and errors

    func testPushRoutesAnswerUnknownIdsWithJSON404AndNeedTheTokenToChange() throws {
        let (server, _) = try startServer()
        var o = APIRouter.Options()
        o.token = "s3cret"
        let r = APIRouter(server: server, options: o)
        var auth = HTTPHeaders()
        auth.add(name: "Authorization", value: "Bearer s3cret")

        XCTAssertEqual((try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes")))["pushes"] as? [Any])?.count, 0)
        let missing = r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes/42"))
        XCTAssertEqual(missing.status, .notFound)
        XCTAssertEqual((try json(missing)["error"] as? [String: Any])?["status"] as? Int, 404)
        XCTAssertEqual(errorMessage(missing), "no push 42")
        for action in ["stop", "restart"] {
            let answer = r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/42/\(action)", headers: auth))
            XCTAssertEqual(answer.status, .notFound, action)
            XCTAssertEqual(errorMessage(answer), "no push 42", action)
            XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/42/\(action)")).status, .unauthorized, "\(action) is a change")
            let wrongMethod = r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes/42/\(action)"))
            XCTAssertEqual(wrongMethod.status, .methodNotAllowed)
            XCTAssertEqual(wrongMethod.headers.first(name: "Allow"), "POST")
        }
        XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/42/pause", headers: auth)).status, .notFound)
        XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/abc/stop", headers: auth)).status, .notFound)
        XCTAssertEqual(r.respond(to: APIRequest(method: .DELETE, uri: "/api/v1/pushes/42", headers: auth)).headers.first(name: "Allow"), "GET")
        var crossSite = auth
        crossSite.add(name: "Origin", value: "https://evil.example")
        XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/42/stop", headers: crossSite)).status, .forbidden)
    }

    // MARK: end to end

    /// An origin pushes live/cam to a second server; the API stops the push
    /// (the upstream loses its publisher), refuses to restart a running one,
    /// restarts a stopped one (the upstream has it again), and forgets it
    /// when the publish ends.
    func testStopAndRestartAPushToASecondServerThroughTheRouter() throws {
        let (upstream, upstreamPort) = try startServer()
        let (origin, originPort) = try startServer { c in
            c.pushes = [UpstreamRule(target: try UpstreamURLTemplate("rtmp://127.0.0.1:\(upstreamPort)/live"))]
        }
        var o = APIRouter.Options()
        o.token = "s3cret"
        let r = APIRouter(server: origin, options: o)
        var auth = HTTPHeaders()
        auth.add(name: "Authorization", value: "Bearer s3cret")
        func push() -> PushSnapshot? { origin.snapshot().streams.first?.pushes.first }
        func upstreamPublisher() -> ConnectionSnapshot? { upstream.snapshot().streams.first { $0.key == "live/cam" }?.publisher }

        let publisher = try RTMPClient.connect(host: "127.0.0.1", port: originPort, app: "live", group: group)
        defer { publisher.close() }
        try publisher.publish("cam")
        publisher.sendMedia(typeID: RTMPMessageType.video, timestamp: 0, payload: ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF]))
        XCTAssertTrue(waitUntil(timeout: 5) { push()?.state == "publishing" && upstreamPublisher() != nil }, "\(String(describing: push()))")
        let id = try XCTUnwrap(push()?.id)

        let listed = try XCTUnwrap(try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes")))["pushes"] as? [[String: Any]])
        XCTAssertEqual(listed.count, 1)
        XCTAssertEqual(listed.first?["id"] as? Int, Int(id))
        XCTAssertEqual(listed.first?["stream_key"] as? String, "live/cam")
        XCTAssertEqual(listed.first?["state"] as? String, "publishing")
        XCTAssertEqual(listed.first?["url"] as? String, "rtmp://127.0.0.1:\(upstreamPort)/live/***", "the stream key is masked")
        XCTAssertEqual((try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes?stream=live/cam")))["pushes"] as? [Any])?.count, 1)
        XCTAssertEqual((try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes?stream=live/other")))["pushes"] as? [Any])?.count, 0)
        let one = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes/\(id)")))
        XCTAssertEqual(one["state"] as? String, "publishing")
        let streamDoc = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams/live/cam")))
        XCTAssertEqual((streamDoc["pushes"] as? [[String: Any]])?.first?["id"] as? Int, Int(id), "the stream document has it too")
        let metrics = String(decoding: r.respond(to: APIRequest(method: .GET, uri: "/metrics")).body, as: UTF8.self)
        XCTAssertEqual(sample(metrics, "rtmp_push_up", ["app": "live", "name": "cam", "push_id": "\(id)"]), 1, metrics)
        XCTAssertEqual(sample(metrics, "rtmp_connections", ["role": "push"]), 1)
        XCTAssertGreaterThan(sample(metrics, "rtmp_push_sent_bytes_total", ["app": "live", "name": "cam", "push_id": "\(id)"]) ?? 0, 0)
        XCTAssertFalse(metrics.contains("127.0.0.1:\(upstreamPort)"), "no upstream URL in /metrics")

        let running = r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/\(id)/restart", headers: auth))
        XCTAssertEqual(running.status, .conflict)
        XCTAssertEqual(errorMessage(running), "push \(id) is already publishing")

        XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/\(id)/stop")).status, .unauthorized)
        XCTAssertEqual(push()?.state, "publishing", "refused: nothing changed")
        let stopped = r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/\(id)/stop", headers: auth))
        XCTAssertEqual(stopped.status, .ok)
        XCTAssertEqual(try json(stopped)["stopped"] as? Int, Int(id))
        XCTAssertTrue(waitUntil(timeout: 5) { push()?.state == "stopped" }, "\(String(describing: push()))")
        XCTAssertTrue(waitUntil(timeout: 5) { upstreamPublisher() == nil }, "the upstream lost the push's publish")
        XCTAssertTrue(waitUntil(timeout: 5) { origin.snapshot().connections.allSatisfy { $0.role != "push" } }, "and its connection is gone")
        XCTAssertEqual(try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes/\(id)")))["state"] as? String, "stopped")
        let stoppedMetrics = String(decoding: r.respond(to: APIRequest(method: .GET, uri: "/metrics")).body, as: UTF8.self)
        XCTAssertEqual(sample(stoppedMetrics, "rtmp_push_up", ["app": "live", "name": "cam", "push_id": "\(id)"]), 0)

        let restarted = r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/\(id)/restart", headers: auth))
        XCTAssertEqual(restarted.status, .ok)
        XCTAssertEqual(try json(restarted)["restarted"] as? Int, Int(id))
        XCTAssertTrue(waitUntil(timeout: 5) { push()?.state == "publishing" && upstreamPublisher() != nil }, "\(String(describing: push()))")
        XCTAssertEqual(push()?.id, id, "the same push, not a new one")

        publisher.close()
        XCTAssertTrue(waitUntil(timeout: 5) { r.respond(to: APIRequest(method: .GET, uri: "/api/v1/pushes/\(id)")).status == .notFound },
                      "the publish ended, and the push with it")
        XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/pushes/\(id)/stop", headers: auth)).status, .notFound)
    }
}
