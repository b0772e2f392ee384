import Foundation
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

/// `POST /api/v1/connections/{id}/reconnect`: Enhanced RTMP's Reconnect
/// Request through the router to a real engine, where an `RTMPClient`
/// publisher that announced capsEx Reconnect receives it; 409 for every
/// connection that cannot (the connection JSON's handles_reconnect_request
/// says so beforehand), 404, 400 and the token like a kick.
final class ReconnectAPITests: XCTestCase {
    private var group: MultiThreadedEventLoopGroup!
    private var server: RTMPServer!
    private var port = 0

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var config = ServerConfiguration()
        config.host = "127.0.0.1"
        config.port = 0
        server = RTMPServer(configuration: config, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), group: group)
        port = try server.start().port ?? 0
    }

    override func tearDown() {
        server.shutdown(timeout: .milliseconds(200))
        try? group.syncShutdownGracefully()
    }

    private func router(token: String? = nil) -> APIRouter {
        var o = APIRouter.Options()
        o.token = token
        return APIRouter(server: server, options: o)
    }

    private func json(_ r: APIResponse, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(r.headers.first(name: "Content-Type"), "application/json", file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any], file: file, line: line)
    }

    /// The message of an error document (`{"error": {"status", "message"}}`).
    private func message(_ r: APIResponse) -> String? {
        ((try? json(r))?["error"] as? [String: Any])?["message"] as? String
    }

    /// A client connected to app "live"; `capable` announces capsEx Reconnect in its connect.
    private func client(capable: Bool) throws -> RTMPClient {
        var options = RTMPClient.Options()
        if capable { options.extraConnectProperties = [AMF0Property(key: "capsEx", value: .number(1))] }
        return try RTMPClient.connect(host: "127.0.0.1", port: port, app: "live", group: group, options: options)
    }

    /// The id of `key`'s publisher once the relay lists it.
    private func publisherID(of key: String) throws -> UInt64 {
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().streams.contains { $0.key == key && $0.publisher != nil } })
        return try XCTUnwrap(server.snapshot().streams.first { $0.key == key }?.publisher?.id)
    }

    private func post(_ r: APIRouter, _ uri: String, body: String = "", token: String? = nil) -> APIResponse {
        var headers = HTTPHeaders()
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if !body.isEmpty { headers.add(name: "Content-Type", value: "application/json") }
        return r.respond(to: APIRequest(method: .POST, uri: uri, headers: headers, body: Array(body.utf8)))
    }

    private static func isReconnectRequest(_ c: CommandMessage) -> Bool {
        c.name == "onStatus" && c.arguments.first?["code"]?.stringValue == "NetConnection.Connect.ReconnectRequest"
    }

    func testACapablePublisherReceivesTheRequestWithTheBodysURLAndDescription() throws {
        let mover = try client(capable: true)
        defer { mover.close() }
        try mover.publish("a")
        let id = try publisherID(of: "live/a")
        let r = router(token: "s3cret")

        XCTAssertEqual(post(r, "/api/v1/connections/\(id)/reconnect").status, .unauthorized, "a change: the token, like a kick")
        let answer = post(r, "/api/v1/connections/\(id)/reconnect",
                          body: #"{"tc_url": "rtmp://other.example/live", "description": "maintenance"}"#, token: "s3cret")
        XCTAssertEqual(answer.status, .ok)
        XCTAssertEqual(try json(answer)["reconnect_requested"] as? Int, Int(id))

        let request = try mover.waitCommand(timeout: 5, Self.isReconnectRequest)
        XCTAssertEqual(request.arguments.first?["tcUrl"]?.stringValue, "rtmp://other.example/live")
        XCTAssertEqual(request.arguments.first?["description"]?.stringValue, "maintenance")
        XCTAssertTrue(mover.isActive, "asked, not kicked: it moves in its own time")
    }

    func testTheQueryCarriesTheFieldsAndTheBodyWins() throws {
        let mover = try client(capable: true)
        defer { mover.close() }
        try mover.publish("q")
        let id = try publisherID(of: "live/q")
        let answer = post(router(), "/api/v1/connections/\(id)/reconnect?tc_url=rtmp%3A%2F%2Fedge2%2Flive&description=from+the+query",
                          body: #"{"description": "from the body"}"#)
        XCTAssertEqual(answer.status, .ok)
        let request = try mover.waitCommand(timeout: 5, Self.isReconnectRequest)
        XCTAssertEqual(request.arguments.first?["tcUrl"]?.stringValue, "rtmp://edge2/live")
        XCTAssertEqual(request.arguments.first?["description"]?.stringValue, "from the body")
    }

    func testConnectionJSONSaysWhetherItHandlesAReconnectRequest() throws {
        let mover = try client(capable: true)
        defer { mover.close() }
        try mover.publish("m")
        let moverID = try publisherID(of: "live/m")
        let legacy = try client(capable: false)
        defer { legacy.close() }
        try legacy.publish("l")
        let legacyID = try publisherID(of: "live/l")
        let r = router()
        func get(_ uri: String) throws -> [String: Any] { try json(r.respond(to: APIRequest(method: .GET, uri: uri))) }

        let listed = try XCTUnwrap(try get("/api/v1/connections")["connections"] as? [[String: Any]])
        let flags = Dictionary(uniqueKeysWithValues: listed.compactMap { c in (c["id"] as? Int).map { ($0, c["handles_reconnect_request"]) } })
        XCTAssertEqual(flags[Int(moverID)] as? Bool, true)
        XCTAssertEqual(flags[Int(legacyID)] as? Bool, false, "present, and false, for a connect without capsEx")
        XCTAssertEqual(try get("/api/v1/connections/\(moverID)")["handles_reconnect_request"] as? Bool, true)
        XCTAssertEqual(try get("/api/v1/connections/\(legacyID)")["handles_reconnect_request"] as? Bool, false)
        // A stream's publisher object is the same document.
        let stream = try get("/api/v1/streams/live/l")
        XCTAssertEqual((stream["publisher"] as? [String: Any])?["handles_reconnect_request"] as? Bool, false)
        XCTAssertEqual(((try get("/api/v1/streams/live/m"))["publisher"] as? [String: Any])?["handles_reconnect_request"] as? Bool, true)
    }

    func testConnectionsThatCannotBeAskedGet409AndUnknownOnes404() throws {
        let legacy = try client(capable: false)
        defer { legacy.close() }
        try legacy.publish("old")
        let legacyID = try publisherID(of: "live/old")
        let watcher = try client(capable: true)
        defer { watcher.close() }
        try watcher.play("old")
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().streams.first { $0.key == "live/old" }?.players.count == 1 })
        let watcherID = try XCTUnwrap(server.snapshot().streams.first { $0.key == "live/old" }?.players.first?.id)
        let r = router()

        let old = post(r, "/api/v1/connections/\(legacyID)/reconnect")
        XCTAssertEqual(old.status, .conflict)
        XCTAssertEqual(message(old),
                       "connection \(legacyID) did not announce that it handles reconnect requests (capsEx Reconnect)")
        let player = post(r, "/api/v1/connections/\(watcherID)/reconnect")
        XCTAssertEqual(player.status, .conflict, "announcing it does not make a player a publisher")
        XCTAssertEqual(message(player), "connection \(watcherID) is a player, not a publisher")
        // requestReconnect sends while it is called: nothing went to either.
        for c in [legacy, watcher] {
            XCTAssertFalse(c.messages.contains { (try? CommandMessage.parse($0)).map(Self.isReconnectRequest) == true })
        }

        XCTAssertEqual(post(r, "/api/v1/connections/999999/reconnect").status, .notFound)
        let get = r.respond(to: APIRequest(method: .GET, uri: "/api/v1/connections/\(legacyID)/reconnect"))
        XCTAssertEqual(get.status, .methodNotAllowed)
        XCTAssertEqual(get.headers.first(name: "Allow"), "POST")
        XCTAssertEqual(post(r, "/api/v1/connections/\(legacyID)/kick").status, .notFound, "no such endpoint")
    }

    func testABadBodyOrAnOverlongFieldIs400AndAsksNobody() throws {
        let mover = try client(capable: true)
        defer { mover.close() }
        try mover.publish("b")
        let id = try publisherID(of: "live/b")
        let r = router()
        for body in ["not json", "[1]", #"{"tc_url": 5}"#, #"{"description": "\#(String(repeating: "x", count: 1025))"}"#] {
            let answer = post(r, "/api/v1/connections/\(id)/reconnect", body: body)
            XCTAssertEqual(answer.status, .badRequest, body)
            XCTAssertNotNil(message(answer))
        }
        XCTAssertEqual(post(r, "/api/v1/connections/999999/reconnect", body: "{").status, .badRequest, "the request is read before the id")
        XCTAssertFalse(mover.messages.contains { (try? CommandMessage.parse($0)).map(Self.isReconnectRequest) == true })
        XCTAssertEqual(post(r, "/api/v1/connections/\(id)/reconnect", body: " {} \n").status, .ok, "an empty object asks with the defaults")
        let request = try mover.waitCommand(timeout: 5, Self.isReconnectRequest)
        XCTAssertEqual(request.arguments.first?["description"]?.stringValue, "Please reconnect.")
    }
}
