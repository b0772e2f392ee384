import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPAPI
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// The router as a function: a real engine on a loopback port (an
/// `RTMPClient` publishes and plays), requests built in the test, no HTTP
/// socket. Every route and every error path.
final class APIRouterTests: XCTestCase {
    private var group: MultiThreadedEventLoopGroup!
    private var server: RTMPServer!
    private var port = 0

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        config.recording.directory = FileManager.default.temporaryDirectory.appendingPathComponent("api-\(UUID().uuidString)").path
        server = RTMPServer(configuration: config, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), group: group)
        port = try server.start().port ?? 0
    }

    override func tearDown() {
        server.shutdown(timeout: .milliseconds(200))
        try? group.syncShutdownGracefully()
    }

    private func router(token: String? = nil, readsNeedToken: Bool = false) -> APIRouter {
        var o = APIRouter.Options()
        o.token = token
        o.readsNeedToken = readsNeedToken
        return APIRouter(server: server, options: o)
    }

    private func json(_ r: APIResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.headers.first(name: "Content-Type"), "application/json", file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any], file: file, line: line)
    }

    private func publish(_ key: String) throws -> RTMPClient {
        let c = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        try c.publish(key)
        c.sendMedia(typeID: RTMPMessageType.video, timestamp: 0, payload: ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF]))
        c.sendMedia(typeID: RTMPMessageType.audio, timestamp: 0, payload: ByteBuffer(bytes: [0xAF, 0x00, 0x12, 0x08]))
        var frame = ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0])
        frame.writeRepeatingByte(7, count: 500)
        c.sendMedia(typeID: RTMPMessageType.video, timestamp: 0, payload: frame)
        return c
    }

    func testServerStreamsConnectionsAndEventsAnswerWithTheSnapshot() throws {
        let publisher = try publish("cam")
        defer { publisher.close() }
        let player = try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group)
        defer { player.close() }
        try player.play("cam")
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().streams.first?.audio != nil && self.server.snapshot().streams.first?.players.count == 1 })
        server.noteHTTPAddress("127.0.0.1:8080")
        let r = router()

        let s = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/server")))
        XCTAssertEqual((s["listen"] as? [String: Any])?["http"] as? String, "127.0.0.1:8080")
        let totals = try XCTUnwrap(s["totals"] as? [String: Any])
        XCTAssertEqual(totals["streams"] as? Int, 1)
        XCTAssertEqual(totals["players"] as? Int, 1)
        XCTAssertEqual(totals["connections"] as? Int, 2)

        let list = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams")))
        XCTAssertEqual((list["streams"] as? [[String: Any]])?.count, 1)
        let one = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams/live/cam")))
        XCTAssertEqual(one["state"] as? String, "live")
        XCTAssertEqual(one["key"] as? String, "live/cam")
        XCTAssertEqual((one["video"] as? [String: Any])?["codec"] as? String, "H.264")
        XCTAssertEqual((one["audio"] as? [String: Any])?["codec"] as? String, "AAC")
        XCTAssertEqual((one["players"] as? [[String: Any]])?.count, 1)
        XCTAssertNotNil(one["bitrate_history"] as? [Any], "snake_case keys")
        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams/live/nope")).status, .notFound)

        let conns = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/connections")))
        let ids = try XCTUnwrap(conns["connections"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
        XCTAssertEqual(ids.count, 2)
        let c = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/connections/\(ids[0])")))
        XCTAssertEqual(c["id"] as? Int, ids[0])

        // The sent-bytes total keeps what a player got after it leaves.
        XCTAssertTrue(waitUntil(timeout: 5) { (self.server.snapshot().streams.first?.bytesOutTotal ?? 0) > 0 })
        let sentBefore = try XCTUnwrap(try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams/live/cam")))["bytes_out_total"] as? Int)
        player.close()
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().streams.first?.players.isEmpty == true })
        let sentAfter = try XCTUnwrap(try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams/live/cam")))["bytes_out_total"] as? Int)
        XCTAssertGreaterThanOrEqual(sentAfter, sentBefore, "a counter: never down when a player leaves")

        let events = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/events?since=0")))
        let kinds = try XCTUnwrap(events["events"] as? [[String: Any]]).compactMap { $0["kind"] as? String }
        XCTAssertTrue(kinds.contains("publish"), "\(kinds)")
        XCTAssertTrue(kinds.contains("play"))
        let last = try XCTUnwrap(events["last_id"] as? Int)
        let none = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/events?since=\(last)")))
        XCTAssertEqual((none["events"] as? [Any])?.count, 0, "since is exclusive")
        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/events?since=x")).status, .badRequest)
        let afterRestart = try json(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/events?since=\(last + 1000)")))
        XCTAssertEqual((afterRestart["events"] as? [Any])?.count, kinds.count, "an id from a previous process gets everything")
    }

    func testKickAndRecordingGoThroughTheControlAPIWithTheToken() throws {
        let publisher = try publish("rec")
        defer { publisher.close() }
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().streams.first?.isLive == true })
        let r = router(token: "s3cret")
        var auth = HTTPHeaders()
        auth.add(name: "Authorization", value: "Bearer s3cret")
        var wrong = HTTPHeaders()
        wrong.add(name: "Authorization", value: "Bearer s3cre")

        let unauthorized = r.respond(to: APIRequest(method: .POST, uri: "/api/v1/streams/live/rec/recording", headers: wrong))
        XCTAssertEqual(unauthorized.status, .unauthorized)
        XCTAssertEqual(unauthorized.headers.first(name: "WWW-Authenticate"), "Bearer")
        XCTAssertFalse(server.isRecording(streamKey: "live/rec"))
        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams")).status, .ok, "reads on loopback need no token")

        let started = r.respond(to: APIRequest(method: .POST, uri: "/api/v1/streams/live/rec/recording", headers: auth))
        XCTAssertEqual(started.status, .created)
        XCTAssertTrue(server.isRecording(streamKey: "live/rec"))
        XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/streams/live/rec/recording", headers: auth)).status, .conflict)
        XCTAssertEqual(r.respond(to: APIRequest(method: .POST, uri: "/api/v1/streams/live/none/recording", headers: auth)).status, .notFound)
        XCTAssertEqual(r.respond(to: APIRequest(method: .DELETE, uri: "/api/v1/streams/live/rec/recording", headers: auth)).status, .ok)
        XCTAssertEqual(r.respond(to: APIRequest(method: .DELETE, uri: "/api/v1/streams/live/rec/recording", headers: auth)).status, .notFound)

        let id = try XCTUnwrap(server.snapshot().streams.first?.publisher?.id)
        XCTAssertEqual(r.respond(to: APIRequest(method: .DELETE, uri: "/api/v1/connections/\(id)")).status, .unauthorized)
        XCTAssertEqual(r.respond(to: APIRequest(method: .DELETE, uri: "/api/v1/connections/\(id)?token=s3cret")).status, .ok)
        XCTAssertTrue(waitUntil(timeout: 5) { !publisher.isActive }, "the kicked publisher's connection closed")
        XCTAssertEqual(r.respond(to: APIRequest(method: .DELETE, uri: "/api/v1/connections/\(id)", headers: auth)).status, .notFound)
    }

    /// A connection that sends "GET / HTTP/1.1" to the RTMP port is a
    /// handshake error: counted by reason, and the counter outlives it.
    func testLifetimeCountersCountClosedConnectionsAndErrorsByReason() throws {
        let fd = try XCTUnwrap(LoopbackTCP.connect(port: port))
        let garbage = Array("GET / HTTP/1.1\r\n\r\n".utf8)
        XCTAssertEqual(write(fd, garbage, garbage.count), garbage.count)
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().lifetime.errorsByReason["handshake"] == 1 })
        close(fd)
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().connections.isEmpty })
        let doc = try json(router().respond(to: APIRequest(method: .GET, uri: "/api/v1/server")))
        let lifetime = try XCTUnwrap(doc["lifetime"] as? [String: Any])
        XCTAssertEqual(lifetime["connections_accepted"] as? Int, 1)
        XCTAssertEqual((lifetime["errors_by_reason"] as? [String: Any])?["handshake"] as? Int, 1)
        XCTAssertEqual(lifetime["bytes_in"] as? Int, garbage.count, "a closed connection's bytes stay counted")
    }

    /// A web page the operator has open cannot drive a loopback endpoint:
    /// not through DNS rebinding (another Host), not by a cross-site form or image.
    func testCrossSiteRequestsAndForeignHostsAreRefused() throws {
        let r = router()
        func request(_ method: HTTPMethod, _ uri: String, _ headers: [(String, String)]) -> APIResponse {
            r.respond(to: APIRequest(method: method, uri: uri, headers: HTTPHeaders(headers)))
        }
        XCTAssertEqual(request(.GET, "/api/v1/streams", [("Host", "evil.example:8080")]).status, .forbidden, "DNS rebinding")
        XCTAssertEqual(request(.GET, "/api/v1/streams", [("Host", "127.attacker.example:8080")]).status, .forbidden, "a name, not an address")
        XCTAssertEqual(request(.GET, "/api/v1/streams", [("Host", "127.0.0.300")]).status, .forbidden)
        XCTAssertEqual(request(.GET, "/api/v1/streams", [("Host", "127.1.2.3:80")]).status, .ok)
        XCTAssertEqual(request(.GET, "/api/v1/streams", [("Host", "127.0.0.1:8080")]).status, .ok)
        XCTAssertEqual(request(.GET, "/api/v1/streams", [("Host", "localhost")]).status, .ok)
        XCTAssertEqual(request(.GET, "/api/v1/streams", [("Host", "[::1]:8080")]).status, .ok)
        XCTAssertEqual(request(.DELETE, "/api/v1/connections/1", [("Host", "127.0.0.1:8080"), ("Origin", "https://evil.example")]).status, .forbidden)
        XCTAssertEqual(request(.GET, "/control/drop/publisher?app=a&name=b", [("Sec-Fetch-Site", "cross-site")]).status, .forbidden, "an <img> from another site")
        XCTAssertEqual(request(.GET, "/control/drop/publisher?app=a&name=b", [("Origin", "null")]).status, .forbidden)
        XCTAssertEqual(request(.DELETE, "/api/v1/connections/12345", [("Origin", "http://127.0.0.1:8080")]).status, .notFound, "same-origin pages may")
        XCTAssertEqual(request(.GET, "/api/v1/streams/live/a+b", []).status, .notFound)
        XCTAssertTrue(String(decoding: request(.GET, "/api/v1/streams/live/a+b", []).body, as: UTF8.self).contains("live/a+b"), "+ stays + in a path")
    }

    func testUnknownPathsWrongMethodsAndReadsBeyondLoopbackGetJSONErrors() throws {
        let r = router()
        let missing = r.respond(to: APIRequest(method: .GET, uri: "/nope"))
        XCTAssertEqual(missing.status, .notFound)
        XCTAssertEqual((try json(missing)["error"] as? [String: Any])?["status"] as? Int, 404)
        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/connections/abc")).status, .notFound)
        let wrong = r.respond(to: APIRequest(method: .POST, uri: "/api/v1/server"))
        XCTAssertEqual(wrong.status, .methodNotAllowed)
        XCTAssertEqual(wrong.headers.first(name: "Allow"), "GET")
        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams/live/x/recording")).headers.first(name: "Allow"), "POST, DELETE")

        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/stat")).headers.first(name: "Content-Type"), "text/xml; charset=utf-8")
        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/control/drop/client")).status, .badRequest, "app and name are required")
        XCTAssertEqual(r.respond(to: APIRequest(method: .GET, uri: "/control/drop/everything?app=a&name=b")).status, .notFound)
        XCTAssertEqual(String(decoding: r.respond(to: APIRequest(method: .GET, uri: "/control/drop/publisher?app=a&name=b")).body, as: UTF8.self), "0")
        XCTAssertEqual(router(token: "t").respond(to: APIRequest(method: .GET, uri: "/control/drop/publisher?app=a&name=b")).status, .unauthorized,
                       "control GETs change things: they need the token")

        let guarded = router(token: "t", readsNeedToken: true)
        XCTAssertEqual(guarded.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams")).status, .unauthorized)
        XCTAssertEqual(guarded.respond(to: APIRequest(method: .GET, uri: "/api/v1/streams?token=t")).status, .ok)
    }
}
