import NIOCore
import RTMP

/// The client side of an RTMP session after the handshake, as a value:
/// connect → (releaseStream, FCPublish) createStream → publish or play →
/// ready, with the control messages a server expects answered (pings,
/// acknowledgements). It sends nothing itself and knows no channel: each
/// input returns the actions to take, so a relay's upstream connection and
/// the tests drive the same machine (as `RTMPChunkDecoder` decodes without
/// a channel). The command sequence is the one ffmpeg's `rtmpproto.c` and
/// nginx-rtmp's relay module send, which every server we meet accepts.
public struct RTMPClientStateMachine: Sendable {
    public enum Mode: Sendable, Equatable {
        case publish
        case play
    }

    public struct Configuration: Sendable {
        public var mode: Mode
        public var app: String
        public var tcUrl: String
        /// The stream name as sent in publish/play, with its query (`cam?key=…`).
        public var streamName: String
        public var flashVer = "FMLE/3.0 (compatible; rtmp-top)"
        /// Our outbound chunk size, announced first.
        public var chunkSize = 4096
        /// Enhanced RTMP: the FourCCs we can send or take, listed in `connect`.
        public var fourCcList: [String]?
        /// Window acknowledgement size we announce (play mode: what the server acks).
        public var windowAckSize: UInt32 = 2_500_000

        public init(mode: Mode, app: String, tcUrl: String, streamName: String) {
            self.mode = mode
            self.app = app
            self.tcUrl = tcUrl
            self.streamName = streamName
        }
    }

    public enum Action: Sendable {
        /// Encode and write this message.
        case send(RTMPMessage)
        /// The SetChunkSize just sent is in force: encode with it from now on.
        case useChunkSize(Int)
        /// Publishing or playing started on this message stream.
        case ready(messageStreamID: UInt32)
        /// A media or data message of the played stream.
        case media(RTMPMessage)
        /// The server refused or ended the session; close the connection.
        case fail(String)
    }

    enum State: Equatable {
        case handshaking
        case connecting
        case creatingStream
        case starting(messageStreamID: UInt32)
        case ready(messageStreamID: UInt32)
        case failed
    }

    public let configuration: Configuration
    private(set) var state: State = .handshaking
    private var peerWindowAckSize: UInt64 = 0
    private var acknowledged: UInt64 = 0
    private let decoder = AMF0Decoder()

    private static let connectTransaction = 1.0
    private static let createStreamTransaction = 4.0

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public var isReady: Bool {
        if case .ready = state { return true }
        return false
    }

    /// The server's message stream for our publish or play, once created.
    public var messageStreamID: UInt32? {
        switch state {
        case .starting(let id), .ready(let id): return id
        default: return nil
        }
    }

    /// A short word for logs and snapshots.
    public var stateName: String {
        switch state {
        case .handshaking: return "handshake"
        case .connecting: return "connect"
        case .creatingStream: return "createStream"
        case .starting: return configuration.mode == .publish ? "publish" : "play"
        case .ready: return configuration.mode == .publish ? "publishing" : "playing"
        case .failed: return "failed"
        }
    }

    // MARK: inputs

    /// The handshake is done: announce our chunk size and connect.
    public mutating func handshakeCompleted() -> [Action] {
        guard state == .handshaking else { return [] }
        state = .connecting
        let c = configuration
        var props: [AMF0Property] = [
            AMF0Property(key: "app", value: .string(c.app)),
            AMF0Property(key: "type", value: .string("nonprivate")),
            AMF0Property(key: "flashVer", value: .string(c.flashVer)),
            AMF0Property(key: "tcUrl", value: .string(c.tcUrl)),
        ]
        if c.mode == .play {
            props += [
                AMF0Property(key: "fpad", value: .boolean(false)),
                AMF0Property(key: "capabilities", value: .number(15)),
                AMF0Property(key: "audioCodecs", value: .number(4071)),
                AMF0Property(key: "videoCodecs", value: .number(252)),
                AMF0Property(key: "videoFunction", value: .number(1)),
            ]
        }
        if let list = c.fourCcList {
            props.append(AMF0Property(key: "fourCcList", value: .strictArray(list.map { .string($0) })))
        }
        return [
            .send(ControlMessage.setChunkSize(UInt32(c.chunkSize)).message),
            .useChunkSize(c.chunkSize),
            .send(ControlMessage.windowAcknowledgementSize(c.windowAckSize).message),
            .send(CommandMessage(name: "connect", transactionID: Self.connectTransaction, commandObject: .object(props)).message()),
        ]
    }

    /// One message from the server. Throws on a malformed command (the
    /// connection closes, as a server closes a bad client).
    public mutating func received(_ message: RTMPMessage) throws -> [Action] {
        switch message.typeID {
        case RTMPMessageType.audio, RTMPMessageType.video, RTMPMessageType.dataAMF0, RTMPMessageType.dataAMF3, RTMPMessageType.aggregate:
            if configuration.mode == .play, case .ready(let id) = state, message.messageStreamID == id {
                return [.media(message)]
            }
            return []
        case RTMPMessageType.commandAMF0, RTMPMessageType.commandAMF3:
            return command(try CommandMessage.parse(message, decoder: decoder))
        case RTMPMessageType.windowAcknowledgementSize, RTMPMessageType.userControl:
            guard let control = try ControlMessage.parse(message) else { return [] }
            switch control {
            case .windowAcknowledgementSize(let size):
                peerWindowAckSize = UInt64(size)
            case .userControl(.pingRequest(let t)):
                return [.send(ControlMessage.userControl(.pingResponse(timestamp: t)).message)]
            default:
                break
            }
            return []
        default:
            // SetChunkSize is applied by the chunk decoder; bandwidth and
            // acknowledgements from the server need no answer.
            return []
        }
    }

    /// After reading: an acknowledgement when the server's window is due.
    public mutating func acknowledge(totalBytesReceived: UInt64) -> RTMPMessage? {
        guard peerWindowAckSize > 0, totalBytesReceived &- acknowledged >= peerWindowAckSize else { return nil }
        acknowledged = totalBytesReceived
        return ControlMessage.acknowledgement(sequenceNumber: UInt32(truncatingIfNeeded: totalBytesReceived)).message
    }

    /// The messages that end our publish or play politely before closing.
    public func goodbye() -> [RTMPMessage] {
        guard let id = messageStreamID else { return [] }
        var out: [RTMPMessage] = []
        if configuration.mode == .publish {
            out.append(CommandMessage(name: "FCUnpublish", transactionID: 0, arguments: [.string(configuration.streamName)]).message())
        }
        out.append(CommandMessage(name: "deleteStream", transactionID: 0, arguments: [.number(Double(id))]).message())
        return out
    }

    // MARK: commands

    private mutating func command(_ cmd: CommandMessage) -> [Action] {
        switch (cmd.name, state) {
        case ("_result", .connecting) where cmd.transactionID == Self.connectTransaction:
            state = .creatingStream
            var out: [Action] = []
            if configuration.mode == .publish {
                out.append(.send(CommandMessage(name: "releaseStream", transactionID: 2, arguments: [.string(configuration.streamName)]).message()))
                out.append(.send(CommandMessage(name: "FCPublish", transactionID: 3, arguments: [.string(configuration.streamName)]).message()))
            }
            out.append(.send(CommandMessage(name: "createStream", transactionID: Self.createStreamTransaction).message()))
            return out
        case ("_error", .connecting) where cmd.transactionID == Self.connectTransaction:
            state = .failed
            return [.fail("connect refused: \(Self.describe(cmd))")]
        case ("_result", .creatingStream) where cmd.transactionID == Self.createStreamTransaction:
            let id = UInt32(exactly: cmd.arguments.first?.numberValue ?? 1) ?? 1
            state = .starting(messageStreamID: id)
            let name = configuration.streamName
            switch configuration.mode {
            case .publish:
                return [.send(CommandMessage(name: "publish", transactionID: 5, arguments: [.string(name), .string("live")])
                        .message(messageStreamID: id, chunkStreamID: 8))]
            case .play:
                return [
                    .send(CommandMessage(name: "play", transactionID: 5, arguments: [.string(name), .number(-1000)])
                        .message(messageStreamID: id, chunkStreamID: 8)),
                    .send(ControlMessage.userControl(.setBufferLength(streamID: id, milliseconds: 3000)).message),
                ]
            }
        case ("_error", .creatingStream) where cmd.transactionID == Self.createStreamTransaction:
            state = .failed
            return [.fail("createStream refused: \(Self.describe(cmd))")]
        case ("onStatus", .starting(let id)), ("onStatus", .ready(let id)):
            let info = cmd.arguments.first
            let code = info?["code"]?.stringValue ?? ""
            let level = info?["level"]?.stringValue ?? ""
            if level == "error" || code.hasSuffix(".Failed") || code.hasSuffix(".BadName") || code.hasSuffix(".StreamNotFound") {
                state = .failed
                return [.fail("\(code): \(info?["description"]?.stringValue ?? "")")]
            }
            if case .starting = state, code == (configuration.mode == .publish ? "NetStream.Publish.Start" : "NetStream.Play.Start") {
                state = .ready(messageStreamID: id)
                return [.ready(messageStreamID: id)]
            }
            return []
        case ("onStatus", _) where (cmd.arguments.first?["level"]?.stringValue) == "error":
            state = .failed
            return [.fail(Self.describe(cmd))]
        default:
            return []
        }
    }

    private static func describe(_ cmd: CommandMessage) -> String {
        let info = cmd.arguments.first
        let code = info?["code"]?.stringValue ?? "?"
        let description = info?["description"]?.stringValue ?? ""
        return description.isEmpty ? code : "\(code): \(description)"
    }
}
