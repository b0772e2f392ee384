/// A client's NetConnection/NetStream command, decoded from its AMF0 form
/// into what the server acts on (nginx-rtmp keeps the same split:
/// `ngx_rtmp_cmd_module.c` decodes, the session modules act).
///
/// Decoding never fails on a missing or mistyped field: clients differ in
/// what they send, and each field has the default a server would assume.
/// Whether a value is acceptable (an empty stream name, say) is the
/// session's call.
public enum NetCommand: Sendable, Equatable {
    case connect(Connect)
    case createStream(transactionID: Double)
    case publish(streamName: String, type: String)
    /// `start` (-2 live or recorded, -1 live only, ≥ 0 from a time), `duration`, `reset`.
    case play(streamName: String, start: Double, duration: Double, reset: Bool)
    /// play2 (stream switching) is not supported; it is ignored.
    case play2
    /// deleteStream or closeStream: ends publishing or playing.
    case closeStream
    case receiveAudio(Bool)
    case receiveVideo(Bool)
    /// `pause(true|false, ms)`; nil toggles (pauseRaw without a flag).
    case pause(Bool?)
    case releaseStream(transactionID: Double)
    case fcPublish(streamName: String)
    case fcUnpublish(streamName: String)
    case getStreamLength(transactionID: Double)
    /// _checkbw and friends: answered with an empty _result.
    case checkBandwidth(transactionID: Double)
    /// Replies and events a client sends back (_result, _error, onStatus,
    /// onBWDone, onBWCheck): nothing to do.
    case response(name: String)
    case unknown(name: String, transactionID: Double)

    public struct Connect: Sendable, Equatable {
        public var transactionID: Double
        /// The application, without the query or trailing slashes some clients append.
        public var app: String
        public var tcUrl: String?
        public var flashVer: String?
        public var swfUrl: String?
        public var pageUrl: String?
        public var objectEncoding: Double
        /// Enhanced RTMP: the client listed the FourCCs it supports and
        /// expects ours in the answer.
        public var asksForFourCcList: Bool
        /// Any sign of Enhanced RTMP in the connect (`fourCcList`, `capsEx`,
        /// `videoFourCcInfoMap`, `audioFourCcInfoMap`): without one a player
        /// is legacy and gets no Multitrack messages.
        public var announcesEnhancedRTMP: Bool
        /// Enhanced RTMP v2 capsEx bits the client announced (0x01: it
        /// handles NetConnection.Connect.ReconnectRequest).
        public var capsEx: Int

        public init(transactionID: Double, app: String, tcUrl: String?, flashVer: String?, objectEncoding: Double, asksForFourCcList: Bool,
                    swfUrl: String? = nil, pageUrl: String? = nil, announcesEnhancedRTMP: Bool? = nil) {
            self.announcesEnhancedRTMP = announcesEnhancedRTMP ?? asksForFourCcList
            self.capsEx = 0
            self.swfUrl = swfUrl
            self.pageUrl = pageUrl
            self.transactionID = transactionID
            self.app = app
            self.tcUrl = tcUrl
            self.flashVer = flashVer
            self.objectEncoding = objectEncoding
            self.asksForFourCcList = asksForFourCcList
        }
    }

    public init(_ cmd: CommandMessage) {
        let firstString = cmd.arguments.first?.stringValue ?? ""
        switch cmd.name {
        case "connect":
            let obj = cmd.commandObject
            var app = obj["app"]?.stringValue ?? ""
            if let q = app.firstIndex(of: "?") { app = String(app[..<q]) }
            while app.hasSuffix("/") { app.removeLast() }
            var connect = Connect(transactionID: cmd.transactionID, app: app, tcUrl: obj["tcUrl"]?.stringValue,
                                  flashVer: obj["flashVer"]?.stringValue ?? obj["flashver"]?.stringValue,
                                  objectEncoding: obj["objectEncoding"]?.numberValue ?? 0,
                                  asksForFourCcList: obj["fourCcList"] != nil,
                                  swfUrl: obj["swfUrl"]?.stringValue ?? obj["swfurl"]?.stringValue,
                                  pageUrl: obj["pageUrl"]?.stringValue ?? obj["pageurl"]?.stringValue,
                                  announcesEnhancedRTMP: ["fourCcList", "capsEx", "videoFourCcInfoMap", "audioFourCcInfoMap"].contains { obj[$0] != nil })
            // A hostile number is no capability: only a small non-negative integer counts.
            if let caps = obj["capsEx"]?.numberValue, caps >= 0, caps < 65536 { connect.capsEx = Int(caps) }
            self = .connect(connect)
        case "createStream": self = .createStream(transactionID: cmd.transactionID)
        case "publish": self = .publish(streamName: firstString, type: cmd.arguments.dropFirst().first?.stringValue ?? "live")
        case "play":
            let args = cmd.arguments
            // play(name, start = -2, duration = -1, reset = true), by the spec; reset may come as a number.
            let reset = args.count > 3 ? (args[3].boolValue ?? (args[3].numberValue.map { $0 != 0 } ?? true)) : true
            self = .play(streamName: firstString, start: args.count > 1 ? args[1].numberValue ?? -2 : -2,
                         duration: args.count > 2 ? args[2].numberValue ?? -1 : -1, reset: reset)
        case "play2": self = .play2
        case "deleteStream", "closeStream": self = .closeStream
        case "receiveAudio": self = .receiveAudio(cmd.arguments.first?.boolValue ?? true)
        case "receiveVideo": self = .receiveVideo(cmd.arguments.first?.boolValue ?? true)
        case "pause", "pauseRaw": self = .pause(cmd.arguments.first?.boolValue)
        case "releaseStream": self = .releaseStream(transactionID: cmd.transactionID)
        case "FCPublish": self = .fcPublish(streamName: firstString)
        case "FCUnpublish": self = .fcUnpublish(streamName: firstString)
        case "getStreamLength": self = .getStreamLength(transactionID: cmd.transactionID)
        case "_checkbw": self = .checkBandwidth(transactionID: cmd.transactionID)
        case "_result", "_error", "onStatus", "onBWDone", "onBWCheck": self = .response(name: cmd.name)
        default: self = .unknown(name: cmd.name, transactionID: cmd.transactionID)
        }
    }
}
