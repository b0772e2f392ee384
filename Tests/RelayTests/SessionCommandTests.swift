import TestSupport
import Foundation
import Logging
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient
import Relay
import XCTest

/// The NetConnection/NetStream commands on real loopback sockets.
final class SessionCommandTests: LoopbackServerTestCase {
    private func publish(_ c: RTMPClient, _ messages: [SyntheticMedia.Message]) {
        for m in messages { c.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload) }
    }

    func testConnectResultCarriesServerInfoAndEnhancedFourCCs() throws {
        try start()
        var options = RTMPClient.Options()
        options.extraConnectProperties = [
            AMF0Property(key: "objectEncoding", value: .number(3)),
            AMF0Property(key: "fourCcList", value: .strictArray([.string("hvc1"), .string("av01")])),
        ]
        let c = try client(options)
        let result = try c.waitCommand(timeout: 2) { $0.name == "_result" && $0.transactionID == 1 }
        XCTAssertEqual(result.commandObject["fmsVer"]?.stringValue?.hasPrefix("FMS/"), true)
        XCTAssertEqual(result.commandObject["capabilities"]?.numberValue, 31)
        guard case .strictArray(let fourCCs)? = result.commandObject["fourCcList"] else { return XCTFail("no fourCcList in \(result)") }
        XCTAssertTrue(fourCCs.contains(.string("hvc1")) && fourCCs.contains(.string("av01")) && fourCCs.contains(.string("vp09")))
        XCTAssertEqual(result.arguments.first?["code"]?.stringValue, "NetConnection.Connect.Success")
        XCTAssertEqual(result.arguments.first?["objectEncoding"]?.numberValue, 3, "objectEncoding is echoed")
        // The server announced its chunk size and window.
        XCTAssertTrue(c.messages.contains { $0.typeID == RTMPMessageType.setChunkSize })
        XCTAssertTrue(c.messages.contains { $0.typeID == RTMPMessageType.windowAcknowledgementSize })
    }

    func testUnknownCommandGetsAnErrorAndTheConnectionLives() throws {
        try start()
        let c = try client()
        c.send(CommandMessage(name: "noSuchCommand", transactionID: 7).message())
        let error = try c.waitCommand(timeout: 2) { $0.name == "_error" && $0.transactionID == 7 }
        XCTAssertEqual(error.arguments.first?["code"]?.stringValue, "NetConnection.Call.Failed")
        c.send(CommandMessage(name: "getStreamLength", transactionID: 8, arguments: [.string("x")]).message())
        _ = try c.waitCommand(timeout: 2) { $0.name == "_result" && $0.transactionID == 8 }
        c.send(CommandMessage(name: "_checkbw", transactionID: 9).message())
        _ = try c.waitCommand(timeout: 2) { $0.name == "_result" && $0.transactionID == 9 }
        XCTAssertTrue(c.isActive)
    }

    func testPingIsAnswered() throws {
        try start()
        let c = try client()
        c.send(ControlMessage.userControl(.pingRequest(timestamp: 4242)).message)
        try c.wait(timeout: 2, for: "ping response") { ms in
            ms.contains { $0.typeID == RTMPMessageType.userControl && (try? UserControlEvent.parse($0.payload)) == .pingResponse(timestamp: 4242) }
        }
    }

    func testAcknowledgementWhenThePeersWindowIsReached() throws {
        try start()
        let c = try client()
        c.send(ControlMessage.windowAcknowledgementSize(50_000).message)
        try c.publish("ack")
        publish(c, SyntheticMedia.stream(seconds: 2, videoFrameSize: 2000))
        try c.wait(timeout: 5, for: "acknowledgement") { $0.contains { $0.typeID == RTMPMessageType.acknowledgement } }
        let ack = try XCTUnwrap(c.messages.first { $0.typeID == RTMPMessageType.acknowledgement })
        let seq = try XCTUnwrap(ack.payload.getInteger(at: ack.payload.readerIndex, as: UInt32.self))
        XCTAssertGreaterThanOrEqual(seq, 50_000)
    }

    func testStalePublisherIsEvictedAndALiveOneIsNot() throws {
        try start { $0.stalePublisherTimeout = .milliseconds(800) }
        let first = try client()
        try first.publish("evict")
        publish(first, SyntheticMedia.stream(seconds: 1))
        // While the first keeps talking, a second is refused with an error-level status.
        let second = try client()
        XCTAssertThrowsError(try second.publish("evict")) { error in
            XCTAssertEqual("\(error)", "server answered NetStream.Publish.BadName")
        }
        XCTAssertTrue(waitUntil(timeout: 2) { !second.isActive }, "the refused publisher is closed")
        XCTAssertTrue(first.isActive)
        // Once the first has been silent past the limit, a newcomer takes over.
        Thread.sleep(forTimeInterval: 1.2)
        let third = try client()
        XCTAssertNoThrow(try third.publish("evict"))
        XCTAssertTrue(waitUntil(timeout: 2) { !first.isActive }, "the stale publisher is closed")
    }

    func testNoGOPCacheStillStartsAJoinerOnAKeyframe() throws {
        try start { $0.gopCache = false }
        let pub = try client()
        try pub.publish("nogop")
        let messages = SyntheticMedia.stream(seconds: 3, gop: 30)
        let firstHalf = messages.prefix(messages.count / 2 + 7)  // mid-GOP
        publish(pub, Array(firstHalf))
        XCTAssertTrue(waitUntil(timeout: 3) { (self.server.snapshot().streams.first?.videoFrames ?? 0) > 40 })
        let player = try client()
        try player.play("nogop")
        publish(pub, Array(messages.dropFirst(firstHalf.count)))
        try player.wait(timeout: 5, for: "video") { $0.filter { $0.typeID == 9 }.count >= 3 }
        let video = player.messages.filter { $0.typeID == 9 }.compactMap { VideoTagInfo.parse($0.payload) }
        XCTAssertTrue(video[0].isSequenceHeader, "sequence headers are still sent")
        XCTAssertTrue(video[1].isKeyframe, "the first coded frame is a keyframe")
        let snap = server.snapshot().streams.first
        XCTAssertEqual(snap?.gopCachedFrames, 0)
    }

    func testReceiveVideoFalseAndPauseStopDelivery() throws {
        try start()
        let pub = try client()
        try pub.publish("ctl")
        let player = try client()
        try player.play("ctl")
        player.send(CommandMessage(name: "receiveVideo", transactionID: 0, arguments: [.boolean(false)]).message(messageStreamID: 1))
        Thread.sleep(forTimeInterval: 0.2)
        let before = player.messages.filter { $0.typeID == 9 }.count
        publish(pub, SyntheticMedia.stream(seconds: 1))
        try player.wait(timeout: 3, for: "audio") { $0.filter { $0.typeID == 8 }.count > 30 }
        XCTAssertEqual(player.messages.filter { $0.typeID == 9 }.count, before, "no video after receiveVideo(false)")

        player.send(CommandMessage(name: "pause", transactionID: 0, arguments: [.boolean(true), .number(0)]).message(messageStreamID: 1))
        _ = try player.waitStatus(timeout: 2) { $0 == "NetStream.Pause.Notify" }
        let audioBefore = player.messages.filter { $0.typeID == 8 }.count
        publish(pub, SyntheticMedia.stream(seconds: 1))
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(player.messages.filter { $0.typeID == 8 }.count, audioBefore, "nothing while paused")
        player.send(CommandMessage(name: "pause", transactionID: 0, arguments: [.boolean(false), .number(0)]).message(messageStreamID: 1))
        _ = try player.waitStatus(timeout: 2) { $0 == "NetStream.Unpause.Notify" }
    }

    private func statusCodes(_ c: RTMPClient) -> [String] {
        c.messages.compactMap { m in
            guard m.typeID == RTMPMessageType.commandAMF0, let cmd = try? CommandMessage.parse(m), cmd.name == "onStatus" else { return nil }
            return cmd.arguments.first?["code"]?.stringValue
        }
    }

    private func userControlEvents(_ c: RTMPClient) -> [UserControlEvent] {
        c.messages.filter { $0.typeID == RTMPMessageType.userControl }.compactMap { try? UserControlEvent.parse($0.payload) }
    }

    func testPublisherRestartSendsStreamEOFAndBeginButNoNotifyByDefault() throws {
        try start()
        let player = try client()
        try player.play("notify")
        for round in 1...2 {
            let videoBefore = player.messages.filter { $0.typeID == 9 }.count
            let pub = try client()
            try pub.publish("notify")
            publish(pub, SyntheticMedia.stream(seconds: 1))
            try player.wait(timeout: 3, for: "media") { $0.filter { $0.typeID == 9 }.count > videoBefore }
            pub.close()
            try player.wait(timeout: 3, for: "StreamEOF \(round)") { _ in
                self.userControlEvents(player).filter { $0 == .streamEOF(streamID: 1) }.count == round
            }
        }
        XCTAssertGreaterThanOrEqual(userControlEvents(player).filter { $0 == .streamBegin(streamID: 1) }.count, 3, "Play, then each publisher")
        XCTAssertFalse(statusCodes(player).contains("NetStream.Play.UnpublishNotify"), "ffmpeg would stop playing on it")
        XCTAssertFalse(statusCodes(player).contains("NetStream.Play.PublishNotify"))
        XCTAssertTrue(player.isActive, "the player stays across publishers")
    }

    func testPublishNotifyFlagSendsTheNotifyStatuses() throws {
        try start { $0.publishNotify = true }
        let player = try client()
        try player.play("notify")
        let pub = try client()
        try pub.publish("notify")
        _ = try player.waitStatus(timeout: 3) { $0 == "NetStream.Play.PublishNotify" }
        pub.close()
        _ = try player.waitStatus(timeout: 3) { $0 == "NetStream.Play.UnpublishNotify" }
    }

    func testKickClosesTheConnection() throws {
        try start()
        let player = try client()
        try player.play("kick")
        let id = try XCTUnwrap(server.snapshot().connections.first { $0.role == "player" }?.id)
        XCTAssertTrue(server.kick(connectionID: id))
        XCTAssertTrue(waitUntil(timeout: 2) { !player.isActive })
        XCTAssertFalse(server.kick(connectionID: 999_999))
    }
}
