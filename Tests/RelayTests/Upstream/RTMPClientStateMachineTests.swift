import NIOCore
import RTMP
import RTMPClient
import XCTest

/// The client side of a session as a value: what it sends at each step,
/// what it takes as a refusal, and the control messages it answers.
final class RTMPClientStateMachineTests: XCTestCase {
    private func machine(_ mode: RTMPClientStateMachine.Mode) -> RTMPClientStateMachine {
        var c = RTMPClientStateMachine.Configuration(mode: mode, app: "live", tcUrl: "rtmp://up/live", streamName: "cam?key=S")
        c.fourCcList = ["hvc1", "av01"]
        return RTMPClientStateMachine(c)
    }

    private func sent(_ actions: [RTMPClientStateMachine.Action]) -> [CommandMessage] {
        actions.compactMap {
            if case .send(let m) = $0, m.typeID == RTMPMessageType.commandAMF0 { return try? CommandMessage.parse(m) }
            return nil
        }
    }

    private func result(_ txn: Double, _ value: AMF0Value = .null) -> RTMPMessage {
        CommandMessage(name: "_result", transactionID: txn, commandObject: .null, arguments: [value]).message()
    }

    private func status(_ level: String, _ code: String, stream: UInt32 = 1) -> RTMPMessage {
        CommandMessage.onStatus(level: level, code: code, description: "d").message(messageStreamID: stream)
    }

    func testPublishSequenceAsFFmpegSendsIt() throws {
        var m = machine(.publish)
        let hello = m.handshakeCompleted()
        guard case .send(let first) = hello.first, first.typeID == RTMPMessageType.setChunkSize else { return XCTFail("SetChunkSize first: \(hello)") }
        XCTAssertTrue(hello.contains { if case .useChunkSize(4096) = $0 { return true }; return false })
        let connect = try XCTUnwrap(sent(hello).first)
        XCTAssertEqual(connect.name, "connect")
        XCTAssertEqual(connect.commandObject["app"]?.stringValue, "live")
        XCTAssertEqual(connect.commandObject["tcUrl"]?.stringValue, "rtmp://up/live")
        XCTAssertNotNil(connect.commandObject["fourCcList"], "Enhanced RTMP: our FourCCs are listed")
        XCTAssertEqual(m.stateName, "connect")

        XCTAssertEqual(sent(try m.received(result(1))).map(\.name), ["releaseStream", "FCPublish", "createStream"])
        let publish = try m.received(result(4, .number(7)))
        XCTAssertEqual(sent(publish).map(\.name), ["publish"])
        if case .send(let p) = publish.first { XCTAssertEqual(p.messageStreamID, 7, "publish goes on the created stream") }
        XCTAssertEqual(sent(publish).first?.arguments.first?.stringValue, "cam?key=S", "the name keeps its query (the ingest key)")
        XCTAssertFalse(m.isReady)
        let ready = try m.received(status("status", "NetStream.Publish.Start", stream: 7))
        guard case .ready(7)? = ready.first else { return XCTFail("\(ready)") }
        XCTAssertTrue(m.isReady)
        XCTAssertEqual(m.goodbye().compactMap { try? CommandMessage.parse($0).name }, ["FCUnpublish", "deleteStream"])
    }

    func testPlayDeliversMediaOfItsStreamOnly() throws {
        var m = machine(.play)
        _ = m.handshakeCompleted()
        XCTAssertEqual(sent(try m.received(result(1))).map(\.name), ["createStream"])
        XCTAssertEqual(sent(try m.received(result(4, .number(1)))).map(\.name), ["play"])
        XCTAssertTrue(try m.received(RTMPMessage(chunkStreamID: 6, typeID: 9, messageStreamID: 1, timestamp: 0, payload: ByteBuffer(bytes: [0x17]))).isEmpty,
                      "nothing before Play.Start")
        _ = try m.received(status("status", "NetStream.Play.Reset"))
        guard case .ready(1)? = try m.received(status("status", "NetStream.Play.Start")).first else { return XCTFail("not ready") }
        let media = try m.received(RTMPMessage(chunkStreamID: 6, typeID: 9, messageStreamID: 1, timestamp: 40, payload: ByteBuffer(bytes: [0x17])))
        guard case .media(let v)? = media.first else { return XCTFail("\(media)") }
        XCTAssertEqual(v.timestamp, 40)
        XCTAssertTrue(try m.received(RTMPMessage(chunkStreamID: 6, typeID: 9, messageStreamID: 5, timestamp: 0, payload: ByteBuffer(bytes: [0x17]))).isEmpty,
                      "another message stream's media is not ours")
    }

    func testRefusalsFailWithTheServersWords() throws {
        var m = machine(.publish)
        _ = m.handshakeCompleted()
        _ = try m.received(result(1))
        _ = try m.received(result(4, .number(1)))
        guard case .fail(let why)? = try m.received(status("error", "NetStream.Publish.BadName")).first else { return XCTFail("no failure") }
        XCTAssertTrue(why.contains("BadName"), why)

        var refused = machine(.play)
        _ = refused.handshakeCompleted()
        let error = CommandMessage(name: "_error", transactionID: 1, commandObject: .null, arguments: [
            .object([AMF0Property(key: "code", value: .string("NetConnection.Connect.Rejected")), AMF0Property(key: "description", value: .string("no"))]),
        ]).message()
        guard case .fail(let w)? = try refused.received(error).first else { return XCTFail("no failure") }
        XCTAssertTrue(w.contains("Rejected"), w)
    }

    func testPingsAndAcknowledgementWindows() throws {
        var m = machine(.play)
        let ping = try m.received(ControlMessage.userControl(.pingRequest(timestamp: 99)).message)
        guard case .send(let pong)? = ping.first, case .userControl(.pingResponse(99))? = try ControlMessage.parse(pong) else { return XCTFail("\(ping)") }
        XCTAssertNil(m.acknowledge(totalBytesReceived: 10_000), "no window announced yet")
        _ = try m.received(ControlMessage.windowAcknowledgementSize(5000).message)
        XCTAssertNil(m.acknowledge(totalBytesReceived: 4_999))
        let ack = try XCTUnwrap(m.acknowledge(totalBytesReceived: 5_000))
        guard case .acknowledgement(5000)? = try ControlMessage.parse(ack) else { return XCTFail("\(ack)") }
        XCTAssertNil(m.acknowledge(totalBytesReceived: 9_000))
        XCTAssertNotNil(m.acknowledge(totalBytesReceived: 10_000))
    }
}
