import NIOCore
import RTMP
import XCTest

/// Commands decoded into typed values, and the replies built from them.
final class NetCommandTests: XCTestCase {
    func testConnectStripsTheQueryAndTrailingSlashesAndReadsEitherFlashVerSpelling() {
        let cmd = CommandMessage(name: "connect", transactionID: 1, commandObject: .object([
            AMF0Property(key: "app", value: .string("live//?token=abc")),
            AMF0Property(key: "flashver", value: .string("FMLE/3.0")),
            AMF0Property(key: "tcUrl", value: .string("rtmp://h/live")),
            AMF0Property(key: "objectEncoding", value: .number(3)),
            AMF0Property(key: "fourCcList", value: .strictArray([.string("av01")])),
        ]))
        XCTAssertEqual(NetCommand(cmd), .connect(NetCommand.Connect(transactionID: 1, app: "live", tcUrl: "rtmp://h/live", flashVer: "FMLE/3.0",
                                                                    objectEncoding: 3, asksForFourCcList: true)))
        let bare = NetCommand(CommandMessage(name: "connect", transactionID: 1))
        XCTAssertEqual(bare, .connect(NetCommand.Connect(transactionID: 1, app: "", tcUrl: nil, flashVer: nil, objectEncoding: 0, asksForFourCcList: false)))
    }

    func testStreamCommandsWithTheirDefaults() {
        XCTAssertEqual(NetCommand(CommandMessage(name: "publish", transactionID: 0, arguments: [.string("cam")])), .publish(streamName: "cam", type: "live"))
        XCTAssertEqual(NetCommand(CommandMessage(name: "publish", transactionID: 0, arguments: [.string("cam"), .string("record")])), .publish(streamName: "cam", type: "record"))
        XCTAssertEqual(NetCommand(CommandMessage(name: "publish", transactionID: 0, arguments: [.number(1)])), .publish(streamName: "", type: "live"),
                       "a mistyped name decodes as empty; the session refuses it")
        XCTAssertEqual(NetCommand(CommandMessage(name: "play", transactionID: 0, arguments: [.string("cam"), .number(-2000)])),
                       .play(streamName: "cam", start: -2000, duration: -1, reset: true))
        XCTAssertEqual(NetCommand(CommandMessage(name: "play", transactionID: 0, arguments: [.null, .string("cam"), .number(0), .number(5), .boolean(false)].dropFirst().map { $0 })),
                       .play(streamName: "cam", start: 0, duration: 5, reset: false))
        XCTAssertEqual(NetCommand(CommandMessage(name: "play", transactionID: 0, arguments: [.string("cam")])), .play(streamName: "cam", start: -2, duration: -1, reset: true))
        XCTAssertEqual(NetCommand(CommandMessage(name: "pause", transactionID: 0, arguments: [.boolean(true), .number(0)])), .pause(true))
        XCTAssertEqual(NetCommand(CommandMessage(name: "pauseRaw", transactionID: 0)), .pause(nil))
        XCTAssertEqual(NetCommand(CommandMessage(name: "receiveVideo", transactionID: 0, arguments: [.boolean(false)])), .receiveVideo(false))
        XCTAssertEqual(NetCommand(CommandMessage(name: "receiveAudio", transactionID: 0)), .receiveAudio(true))
        XCTAssertEqual(NetCommand(CommandMessage(name: "closeStream", transactionID: 0)), .closeStream)
        XCTAssertEqual(NetCommand(CommandMessage(name: "deleteStream", transactionID: 0, arguments: [.number(1)])), .closeStream)
        XCTAssertEqual(NetCommand(CommandMessage(name: "onBWDone", transactionID: 0)), .response(name: "onBWDone"))
        XCTAssertEqual(NetCommand(CommandMessage(name: "whatever", transactionID: 9)), .unknown(name: "whatever", transactionID: 9))
    }

    func testConnectResultCarriesTheFourCCsOnlyWhenGiven() throws {
        let with = try CommandMessage.parse(NetReply.connectResult(transactionID: 1, objectEncoding: 0, fourCcList: ["hvc1", "Opus"]))
        XCTAssertEqual(with.commandObject["fourCcList"], .strictArray([.string("hvc1"), .string("Opus")]))
        XCTAssertEqual(with.arguments.first?["code"]?.stringValue, "NetConnection.Connect.Success")
        let without = try CommandMessage.parse(NetReply.connectResult(transactionID: 1, objectEncoding: 3, fourCcList: nil))
        XCTAssertNil(without.commandObject["fourCcList"])
        XCTAssertEqual(without.arguments.first?["objectEncoding"]?.numberValue, 3)
    }

    func testStatusLevelsComeFromOneTable() throws {
        for status in NetStatus.allCases {
            let msg = try CommandMessage.parse(NetReply.status(status, "d", messageStreamID: 1))
            XCTAssertEqual(msg.name, "onStatus")
            XCTAssertEqual(msg.arguments.first?["code"]?.stringValue, status.code)
            XCTAssertEqual(msg.arguments.first?["level"]?.stringValue, [.publishBadName, .playFailed].contains(status) ? "error" : "status")
        }
    }
}
