import Logging
import Media
import NIOCore
import NIOEmbedded
import RTMP
@testable import Relay
import XCTest

/// The session's command state machine on `EmbeddedChannel`s: no sockets,
/// no threads. A fake client encodes commands, the test reads what the
/// session answered.
final class SessionEmbeddedTests: XCTestCase {
    /// One connection: the chunk decoder and the session, and the client's
    /// own encoder and decoder for its side of the wire.
    private final class Connection {
        let channel = EmbeddedChannel()
        var encoder = RTMPChunkEncoder()
        var decoder = RTMPChunkDecoder()
        var received: [RTMPMessage] = []

        init(state: ServerState) throws {
            // Active, as an accepted socket is: a dead publisher would be evicted.
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
            let info = try state.makeConnection(remote: "embedded", address: "127.0.0.1", channel: channel).get()
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RTMPChunkDecoder()))
            try channel.pipeline.syncOperations.addHandler(RTMPSession(server: state, info: info))
            channel.pipeline.fireUserInboundEventTriggered(RTMPHandshakeEvent.completed(kind: .plain, bytesRead: 3073, bytesWritten: 3073))
        }

        func send(_ message: RTMPMessage) throws {
            var out = ByteBuffer()
            encoder.encode(message, into: &out)
            try channel.writeInbound(out)
        }

        func command(_ name: String, _ txn: Double, object: AMF0Value = .null, _ args: [AMF0Value] = [], stream: UInt32 = 0) throws {
            try send(CommandMessage(name: name, transactionID: txn, commandObject: object, arguments: args).message(messageStreamID: stream))
        }

        /// Reads what the session wrote since the last call.
        @discardableResult
        func read() throws -> [RTMPMessage] {
            (channel.eventLoop as? EmbeddedEventLoop)?.run()
            var wire = ByteBuffer()
            while var b = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&b) }
            var out: [RTMPMessage] = []
            while let m = try decoder.decodeMessage(from: &wire) { out.append(m) }
            received += out
            return out
        }

        func commands(_ messages: [RTMPMessage]) -> [CommandMessage] {
            messages.filter { $0.typeID == RTMPMessageType.commandAMF0 }.compactMap { try? CommandMessage.parse($0) }
        }

        func statusCodes(_ messages: [RTMPMessage]) -> [String] {
            commands(messages).filter { $0.name == "onStatus" }.compactMap { $0.arguments.first?["code"]?.stringValue }
        }

        func connect(fourCcList: Bool = false) throws -> CommandMessage {
            var props = [AMF0Property(key: "app", value: .string("live/?token=x")), AMF0Property(key: "tcUrl", value: .string("rtmp://h/live"))]
            if fourCcList { props.append(AMF0Property(key: "fourCcList", value: .strictArray([.string("hvc1")]))) }
            try command("connect", 1, object: .object(props))
            let replies = try read()
            return try XCTUnwrap(commands(replies).first { $0.name == "_result" && $0.transactionID == 1 })
        }
    }

    private var state: ServerState!

    override func setUp() {
        var config = ServerConfiguration()
        config.recording.directory = FileManager.default.temporaryDirectory.path
        state = ServerState(configuration: config, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), group: EmbeddedEventLoop())
    }

    func testTheTcUrlsTokenIsMaskedInTheSnapshot() throws {
        let c = try Connection(state: state)
        try c.command("connect", 1, object: .object([AMF0Property(key: "app", value: .string("live")),
                                                      AMF0Property(key: "tcUrl", value: .string("rtmp://h/live?token=s3cret"))]))
        try c.read()
        let snap = try XCTUnwrap(state.allConnections.first.map(ConnectionSnapshot.init))
        XCTAssertEqual(snap.tcUrl, "rtmp://h/live?token=***")
    }

    func testConnectAnswersWithChunkSizeWindowAndTheFourCCsFromTheCodecTables() throws {
        let c = try Connection(state: state)
        let result = try c.connect(fourCcList: true)
        XCTAssertEqual(result.arguments.first?["code"]?.stringValue, "NetConnection.Connect.Success")
        guard case .strictArray(let list)? = result.commandObject["fourCcList"] else { return XCTFail("no fourCcList") }
        XCTAssertEqual(list.compactMap(\.stringValue), EnhancedRTMPCodecs.fourCcList)
        XCTAssertTrue(c.received.contains { $0.typeID == RTMPMessageType.setChunkSize })
        XCTAssertTrue(c.received.contains { $0.typeID == RTMPMessageType.windowAcknowledgementSize })
        XCTAssertEqual(state.allConnections.first?.details.withLockedValue { $0.app }, "live", "query and trailing slash stripped")

        let plain = try Connection(state: state)
        XCTAssertNil(try plain.connect().commandObject["fourCcList"], "only a client that asks gets the list")
    }

    func testPublishThenPlayRelaysFramesAndASecondPublisherIsRefused() throws {
        let pub = try Connection(state: state)
        _ = try pub.connect()
        try pub.command("createStream", 2)
        let created = try XCTUnwrap(pub.commands(try pub.read()).first { $0.transactionID == 2 })
        XCTAssertEqual(created.arguments.first?.numberValue, 1)
        try pub.command("publish", 0, [.string("cam"), .string("live")], stream: 1)
        XCTAssertEqual(pub.statusCodes(try pub.read()), ["NetStream.Publish.Start"])

        let player = try Connection(state: state)
        _ = try player.connect()
        try player.command("createStream", 2)
        try player.command("play", 0, [.string("cam")], stream: 1)
        XCTAssertEqual(player.statusCodes(try player.read()), ["NetStream.Play.Reset", "NetStream.Play.Start"])

        try pub.send(RTMPMessage(chunkStreamID: 6, typeID: 9, messageStreamID: 1, timestamp: 0, payload: SyntheticMedia.videoSequenceHeader()))
        try pub.send(RTMPMessage(chunkStreamID: 6, typeID: 9, messageStreamID: 1, timestamp: 0, payload: SyntheticMedia.video(keyframe: true, size: 500, seed: 1)))
        let video = try player.read().filter { $0.typeID == 9 }
        XCTAssertEqual(video.count, 2, "sequence header and keyframe reach the player through the mailbox")
        XCTAssertEqual(video.last?.payload, SyntheticMedia.video(keyframe: true, size: 500, seed: 1))

        let second = try Connection(state: state)
        _ = try second.connect()
        try second.command("publish", 0, [.string("cam")], stream: 1)
        let refused = second.commands(try second.read()).first { $0.name == "onStatus" }
        XCTAssertEqual(refused?.arguments.first?["code"]?.stringValue, "NetStream.Publish.BadName")
        XCTAssertEqual(refused?.arguments.first?["level"]?.stringValue, "error", "ffmpeg gives up only on level error")
        XCTAssertFalse(second.channel.isActive, "the refused publisher is closed")
    }

    func testUnknownCommandsGetAnErrorAndHousekeepingGetsResults() throws {
        let c = try Connection(state: state)
        _ = try c.connect()
        try c.command("noSuchCommand", 5)
        try c.command("releaseStream", 6, [.string("cam")])
        try c.command("FCPublish", 7, [.string("cam")])
        try c.command("getStreamLength", 8, [.string("cam")])
        let replies = c.commands(try c.read())
        XCTAssertEqual(replies.first { $0.transactionID == 5 }?.name, "_error")
        XCTAssertEqual(replies.first { $0.transactionID == 6 }?.name, "_result")
        XCTAssertEqual(replies.first { $0.name == "onFCPublish" }?.arguments.first?["description"]?.stringValue, "cam")
        XCTAssertEqual(replies.first { $0.transactionID == 8 }?.arguments.first?.numberValue, 0)
        XCTAssertTrue(c.channel.isActive)
    }

    func testPlayBeforeConnectClosesTheConnection() throws {
        let c = try Connection(state: state)
        XCTAssertTrue(c.channel.isActive)
        try c.command("play", 0, [.string("cam")], stream: 1)
        XCTAssertFalse(c.channel.isActive)
    }
}
