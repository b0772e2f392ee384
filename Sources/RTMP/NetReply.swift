import NIOCore

/// The NetStream status events a server sends, with their levels: one table.
/// Level `error` matters: ffmpeg gives up on an error-level status and
/// retries on a status-level one.
public enum NetStatus: String, Sendable, CaseIterable {
    case publishStart = "NetStream.Publish.Start"
    case publishBadName = "NetStream.Publish.BadName"
    case unpublishSuccess = "NetStream.Unpublish.Success"
    case playReset = "NetStream.Play.Reset"
    case playStart = "NetStream.Play.Start"
    case playFailed = "NetStream.Play.Failed"
    case playPublishNotify = "NetStream.Play.PublishNotify"
    case playUnpublishNotify = "NetStream.Play.UnpublishNotify"
    case pauseNotify = "NetStream.Pause.Notify"
    case unpauseNotify = "NetStream.Unpause.Notify"

    public var level: String {
        switch self {
        case .publishBadName, .playFailed: return "error"
        default: return "status"
        }
    }

    public var code: String { rawValue }
}

/// The messages a server answers commands with, built in one place (as
/// nginx-rtmp keeps them in `ngx_rtmp_send.c`), so the session only
/// decides which to send.
public enum NetReply {
    /// What an Enhanced RTMP v2 server answers a client that announced
    /// Enhanced RTMP: its `capsEx` and, per FourCC, what it does with it.
    public struct EnhancedCapabilities: Sendable {
        /// capsEx bits (v2): Reconnect 0x01, Multitrack 0x02, ModEx 0x04, TimestampNanoOffset 0x08.
        public var capsEx: Int
        /// FourCC → FourCcInfoMask (CanDecode 0x01, CanEncode 0x02, CanForward 0x04).
        public var videoFourCcInfoMap: [(String, Int)]
        public var audioFourCcInfoMap: [(String, Int)]

        public init(capsEx: Int, videoFourCcInfoMap: [(String, Int)], audioFourCcInfoMap: [(String, Int)]) {
            self.capsEx = capsEx
            self.videoFourCcInfoMap = videoFourCcInfoMap
            self.audioFourCcInfoMap = audioFourCcInfoMap
        }
    }

    /// The `_result` of `connect`. `fourCcList` (Enhanced RTMP v1) is
    /// included when the client asked with its own list; `enhanced` (v2)
    /// when it announced Enhanced RTMP at all.
    public static func connectResult(transactionID: Double, objectEncoding: Double, fourCcList: [String]?,
                                     enhanced: EnhancedCapabilities? = nil) -> RTMPMessage {
        var properties: [AMF0Property] = [
            AMF0Property(key: "fmsVer", value: .string("FMS/3,0,1,123")),
            AMF0Property(key: "capabilities", value: .number(31)),
            AMF0Property(key: "mode", value: .number(1)),
        ]
        if let fourCcList {
            properties.append(AMF0Property(key: "fourCcList", value: .strictArray(fourCcList.map { .string($0) })))
        }
        if let enhanced {
            properties.append(AMF0Property(key: "capsEx", value: .number(Double(enhanced.capsEx))))
            properties.append(AMF0Property(key: "videoFourCcInfoMap", value: .object(enhanced.videoFourCcInfoMap.map { AMF0Property(key: $0.0, value: .number(Double($0.1))) })))
            properties.append(AMF0Property(key: "audioFourCcInfoMap", value: .object(enhanced.audioFourCcInfoMap.map { AMF0Property(key: $0.0, value: .number(Double($0.1))) })))
        }
        return CommandMessage(name: "_result", transactionID: transactionID, commandObject: .object(properties), arguments: [
            .object([
                AMF0Property(key: "level", value: .string("status")),
                AMF0Property(key: "code", value: .string("NetConnection.Connect.Success")),
                AMF0Property(key: "description", value: .string("Connection succeeded.")),
                AMF0Property(key: "objectEncoding", value: .number(objectEncoding)),
            ]),
        ]).message()
    }

    /// Enhanced RTMP v2's Reconnect Request: the client should reconnect,
    /// to `tcUrl` when given (else the same server), and resume.
    public static func reconnectRequest(tcUrl: String?, description: String) -> RTMPMessage {
        var extra: [AMF0Property] = []
        if let tcUrl { extra.append(AMF0Property(key: "tcUrl", value: .string(tcUrl))) }
        return CommandMessage.onStatus(level: "status", code: "NetConnection.Connect.ReconnectRequest", description: description, extra: extra).message()
    }

    /// A `_result` with a null command object and one value.
    public static func result(transactionID: Double, _ value: AMF0Value) -> RTMPMessage {
        CommandMessage(name: "_result", transactionID: transactionID, commandObject: .null, arguments: [value]).message()
    }

    /// The `_result` of `createStream`: the new message stream's id.
    public static func createStreamResult(transactionID: Double, streamID: UInt32) -> RTMPMessage {
        result(transactionID: transactionID, .number(Double(streamID)))
    }

    /// `_error` for a command the server does not know.
    public static func unknownCommand(_ name: String, transactionID: Double) -> RTMPMessage {
        CommandMessage(name: "_error", transactionID: transactionID, commandObject: .null, arguments: [
            .object([
                AMF0Property(key: "level", value: .string("error")),
                AMF0Property(key: "code", value: .string("NetConnection.Call.Failed")),
                AMF0Property(key: "description", value: .string("Unknown command \(name).")),
            ]),
        ]).message()
    }

    /// onFCPublish / onFCUnpublish, which some encoders wait for.
    public static func fcPublish(_ streamName: String) -> RTMPMessage {
        fcEvent("onFCPublish", code: "NetStream.Publish.Start", streamName)
    }

    public static func fcUnpublish(_ streamName: String) -> RTMPMessage {
        fcEvent("onFCUnpublish", code: "NetStream.Unpublish.Success", streamName)
    }

    private static func fcEvent(_ name: String, code: String, _ streamName: String) -> RTMPMessage {
        CommandMessage(name: name, transactionID: 0, commandObject: .null, arguments: [
            .object([AMF0Property(key: "code", value: .string(code)), AMF0Property(key: "description", value: .string(streamName))]),
        ]).message()
    }

    /// An onStatus event on a message stream.
    public static func status(_ status: NetStatus, _ description: String, messageStreamID: UInt32) -> RTMPMessage {
        CommandMessage.onStatus(level: status.level, code: status.code, description: description).message(messageStreamID: messageStreamID)
    }

    /// `|RtmpSampleAccess`: lets a Flash player read the stream's pixels and samples.
    public static func sampleAccess(messageStreamID: UInt32) -> RTMPMessage {
        var access = ByteBuffer()
        AMF0Encoder.encode([.string("|RtmpSampleAccess"), .boolean(true), .boolean(true)], into: &access)
        return RTMPMessage(chunkStreamID: RTMPChunkStreamID.data, typeID: RTMPMessageType.dataAMF0, messageStreamID: messageStreamID, timestamp: 0, payload: access)
    }
}
