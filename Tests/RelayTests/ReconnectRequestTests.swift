import NIOCore
import RTMP
import RTMPClient
import Relay
import TestSupport
import XCTest

/// Enhanced RTMP v2's Reconnect Request: sent to publishers whose connect
/// announced capsEx Reconnect, with the tcUrl and description asked for,
/// and to no one else; the snapshot says beforehand which connections announced it.
final class ReconnectRequestTests: LoopbackServerTestCase {
    func testOnlyPublishersThatAnnouncedTheCapabilityAreAsked() throws {
        try start()
        var capable = RTMPClient.Options()
        capable.extraConnectProperties = [AMF0Property(key: "capsEx", value: .number(1))]
        let mover = try client(capable)
        defer { mover.close() }
        let connectResult = try mover.waitCommand(timeout: 5) { $0.name == "_result" && $0.transactionID == 1 }
        XCTAssertEqual(connectResult.commandObject["capsEx"]?.numberValue, 7, "we announce Reconnect, Multitrack and ModEx")
        try mover.publish("a")
        let stayer = try client()
        defer { stayer.close() }
        try stayer.publish("b")
        let watcher = try client(capable)
        defer { watcher.close() }
        try watcher.play("a")

        // The snapshot says beforehand who announced it (the player too: it is what its connect said).
        XCTAssertTrue(waitUntil(timeout: 5) {
            let streams = self.server.snapshot().streams
            return streams.first { $0.key == "live/a" }?.players.count == 1 && streams.first { $0.key == "live/b" }?.publisher != nil
        })
        let snapshot = server.snapshot()
        let streamA = try XCTUnwrap(snapshot.streams.first { $0.key == "live/a" })
        let streamB = try XCTUnwrap(snapshot.streams.first { $0.key == "live/b" })
        XCTAssertEqual(streamA.publisher?.handlesReconnectRequest, true)
        XCTAssertEqual(streamB.publisher?.handlesReconnectRequest, false, "a connect without capsEx")
        XCTAssertEqual(streamA.players.first?.handlesReconnectRequest, true)
        let flags = Dictionary(uniqueKeysWithValues: snapshot.connections.map { ($0.id, $0.handlesReconnectRequest) })
        XCTAssertEqual(flags[try XCTUnwrap(streamA.publisher?.id)], true, "the connections list says the same")
        XCTAssertEqual(flags[try XCTUnwrap(streamB.publisher?.id)], false)

        let asked = server.requestReconnect(tcUrl: "rtmp://other.example/live", description: "maintenance")
        XCTAssertEqual(asked.count, 1, "one capable publisher; the player and the legacy publisher are not asked")
        let request = try mover.waitCommand(timeout: 5) { $0.name == "onStatus" && $0.arguments.first?["code"]?.stringValue == "NetConnection.Connect.ReconnectRequest" }
        XCTAssertEqual(request.arguments.first?["tcUrl"]?.stringValue, "rtmp://other.example/live")
        XCTAssertEqual(request.arguments.first?["description"]?.stringValue, "maintenance")
        XCTAssertEqual(request.arguments.first?["level"]?.stringValue, "status")
        // The request went out on the loops when the capable one got it; the others got none.
        for c in [stayer, watcher] {
            XCTAssertFalse(c.messages.contains { m in
                (try? CommandMessage.parse(m))?.arguments.first?["code"]?.stringValue == "NetConnection.Connect.ReconnectRequest"
            })
        }
        XCTAssertEqual(server.connectedPublishers(among: asked), 1)
        mover.close()
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.connectedPublishers(among: asked) == 0 }, "gone once it moved")
    }
}
