import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import RTMP

/// A small RTMP client (publish or play) on SwiftNIO, for the interop
/// tests (Debian's ffmpeg cannot send Enhanced RTMP) and the load generator.
/// Calls block the caller; the connection runs on an event loop.
public final class RTMPClient: Sendable {
    public enum ClientError: Error, CustomStringConvertible {
        case timeout(String)
        case status(String)
        case closed
        public var description: String {
            switch self {
            case .timeout(let what): return "timed out waiting for \(what)"
            case .status(let code): return "server answered \(code)"
            case .closed: return "connection closed"
            }
        }
    }

    public struct Options: Sendable {
        public var digestHandshake = true
        /// Set before connecting, to make a player that cannot keep up.
        public var receiveBufferSize: Int?
        public var chunkSize = 4096
        public var flashVer = "rtmp-top-client/1.0"
        public var extraConnectProperties: [AMF0Property] = []
        public init() {}
    }

    public let channel: Channel
    private let inbox: Inbox
    private let writer: NIOLoopBound<Writer>
    private let app: String

    private init(channel: Channel, inbox: Inbox, writer: NIOLoopBound<Writer>, app: String) {
        self.channel = channel
        self.inbox = inbox
        self.writer = writer
        self.app = app
    }

    /// Connects, does the handshake and `connect(app)`, and waits for `_result`.
    public static func connect(host: String, port: Int, app: String, group: EventLoopGroup, options: Options = Options(), timeout: TimeInterval = 5) throws -> RTMPClient {
        let inbox = Inbox()
        var bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
        if let size = options.receiveBufferSize {
            bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(size))
        }
        let channel = try bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let ops = channel.pipeline.syncOperations
                try ops.addHandler(RTMPClientHandshakeHandler(digest: options.digestHandshake))
                try ops.addHandler(ByteToMessageHandler(RTMPChunkDecoder()))
                try ops.addHandler(ClientMessageHandler(inbox: inbox))
            }
        }.connect(host: host, port: port).wait()
        let writer = try channel.eventLoop.submit { NIOLoopBound(Writer(), eventLoop: channel.eventLoop) }.wait()
        let client = RTMPClient(channel: channel, inbox: inbox, writer: writer, app: app)
        try inbox.waitHandshake(timeout: timeout)
        client.send(ControlMessage.setChunkSize(UInt32(options.chunkSize)).message)
        try client.onLoop { $0.encoder.setChunkSize(options.chunkSize) }
        let tcUrl = "rtmp://\(host):\(port)/\(app)"
        let props: [AMF0Property] = [
            AMF0Property(key: "app", value: .string(app)),
            AMF0Property(key: "flashVer", value: .string(options.flashVer)),
            AMF0Property(key: "tcUrl", value: .string(tcUrl)),
            AMF0Property(key: "fpad", value: .boolean(false)),
            AMF0Property(key: "capabilities", value: .number(15)),
            AMF0Property(key: "audioCodecs", value: .number(4071)),
            AMF0Property(key: "videoCodecs", value: .number(252)),
            AMF0Property(key: "videoFunction", value: .number(1)),
        ] + options.extraConnectProperties
        client.send(CommandMessage(name: "connect", transactionID: 1, commandObject: .object(props)).message())
        _ = try client.waitCommand(timeout: timeout) { $0.name == "_result" && $0.transactionID == 1 }
        return client
    }

    /// createStream + publish; waits for NetStream.Publish.Start (throws on an error status).
    public func publish(_ name: String, timeout: TimeInterval = 5) throws {
        send(CommandMessage(name: "releaseStream", transactionID: 2, arguments: [.string(name)]).message())
        send(CommandMessage(name: "FCPublish", transactionID: 3, arguments: [.string(name)]).message())
        send(CommandMessage(name: "createStream", transactionID: 4).message())
        _ = try waitCommand(timeout: timeout) { $0.name == "_result" && $0.transactionID == 4 }
        send(CommandMessage(name: "publish", transactionID: 5, arguments: [.string(name), .string("live")]).message(messageStreamID: 1, chunkStreamID: 8))
        let status = try waitStatus(timeout: timeout) { $0.hasPrefix("NetStream.Publish.") }
        guard status == "NetStream.Publish.Start" else { throw ClientError.status(status) }
    }

    /// createStream + play; waits for NetStream.Play.Start.
    public func play(_ name: String, timeout: TimeInterval = 5) throws {
        send(CommandMessage(name: "createStream", transactionID: 2).message())
        _ = try waitCommand(timeout: timeout) { $0.name == "_result" && $0.transactionID == 2 }
        send(ControlMessage.userControl(.setBufferLength(streamID: 1, milliseconds: 3000)).message)
        send(CommandMessage(name: "play", transactionID: 0, arguments: [.string(name), .number(-2000)]).message(messageStreamID: 1, chunkStreamID: 8))
        let status = try waitStatus(timeout: timeout) { $0 == "NetStream.Play.Start" || $0.hasSuffix("Failed") || $0.hasSuffix("StreamNotFound") }
        guard status == "NetStream.Play.Start" else { throw ClientError.status(status) }
    }

    /// Sends one media or data message on message stream 1.
    public func sendMedia(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer) {
        send(RTMPMessage(chunkStreamID: RTMPChunkStreamID.forType(typeID), typeID: typeID, messageStreamID: 1, timestamp: timestamp, payload: payload))
    }

    public func send(_ message: RTMPMessage) {
        let channel = self.channel
        let writer = self.writer
        channel.eventLoop.execute {
            var out = channel.allocator.buffer(capacity: message.payload.readableBytes + 32)
            writer.value.encoder.encode(message, into: &out)
            channel.writeAndFlush(out, promise: nil)
        }
    }

    private func onLoop(_ body: @escaping @Sendable (Writer) -> Void) throws {
        let writer = self.writer
        try channel.eventLoop.submit { body(writer.value) }.wait()
    }

    /// Stops reading from the socket (a player that cannot keep up).
    public func stopReading() throws {
        try channel.setOption(.autoRead, value: false).wait()
    }

    public func close() {
        channel.close(promise: nil)
    }

    public var isActive: Bool { channel.isActive }

    /// Every message received so far (media, data, commands, control).
    public var messages: [RTMPMessage] { inbox.all }

    /// Media messages (audio 8, video 9, data 18/15) received so far.
    public var mediaMessages: [RTMPMessage] {
        inbox.all.filter { [8, 9, 15, 18].contains($0.typeID) && $0.messageStreamID != 0 }
    }

    /// Waits until `predicate` holds for the received messages.
    public func wait(timeout: TimeInterval, for what: String, until predicate: @escaping ([RTMPMessage]) -> Bool) throws {
        try inbox.wait(timeout: timeout, what: what) { predicate($0) }
    }

    public func waitCommand(timeout: TimeInterval, _ match: @escaping (CommandMessage) -> Bool) throws -> CommandMessage {
        var found: CommandMessage?
        try inbox.wait(timeout: timeout, what: "command") { messages in
            for m in messages where m.typeID == RTMPMessageType.commandAMF0 {
                if let c = try? CommandMessage.parse(m), match(c) { found = c; return true }
            }
            return false
        }
        guard let found else { throw ClientError.closed }
        return found
    }

    /// Waits for an onStatus whose code matches; returns the code.
    public func waitStatus(timeout: TimeInterval, _ match: @escaping (String) -> Bool) throws -> String {
        let c = try waitCommand(timeout: timeout) { c in
            c.name == "onStatus" && (c.arguments.first?["code"]?.stringValue).map(match) == true
        }
        return c.arguments.first?["code"]?.stringValue ?? ""
    }
}

/// Per-connection outbound state, touched only on the channel's loop.
final class Writer {
    var encoder = RTMPChunkEncoder(chunkSize: 128)
}

/// Messages received, shared with the calling thread.
final class Inbox: Sendable {
    private let state = NIOLockedValueBox<(messages: [RTMPMessage], handshakeDone: Bool, closed: Bool)>(([], false, false))
    private let condition = NSCondition()

    func add(_ m: RTMPMessage) { update { $0.messages.append(m) } }
    func handshakeCompleted() { update { $0.handshakeDone = true } }
    func closed() { update { $0.closed = true } }

    private func update(_ body: (inout (messages: [RTMPMessage], handshakeDone: Bool, closed: Bool)) -> Void) {
        condition.lock()
        state.withLockedValue(body)
        condition.broadcast()
        condition.unlock()
    }

    var all: [RTMPMessage] { state.withLockedValue { $0.messages } }

    func waitHandshake(timeout: TimeInterval) throws {
        try waitState(timeout: timeout, what: "handshake") { $0.handshakeDone }
    }

    func wait(timeout: TimeInterval, what: String, _ predicate: ([RTMPMessage]) -> Bool) throws {
        try waitState(timeout: timeout, what: what) { predicate($0.messages) }
    }

    private func waitState(timeout: TimeInterval, what: String, _ predicate: ((messages: [RTMPMessage], handshakeDone: Bool, closed: Bool)) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            let s = state.withLockedValue { $0 }
            if predicate(s) { return }
            if s.closed { throw RTMPClient.ClientError.closed }
            if !condition.wait(until: deadline) { throw RTMPClient.ClientError.timeout(what) }
        }
    }
}

/// Answers pings and acknowledgement windows, and fills the inbox.
final class ClientMessageHandler: ChannelInboundHandler {
    typealias InboundIn = RTMPMessage
    typealias OutboundOut = ByteBuffer
    private let inbox: Inbox
    private var encoder = RTMPChunkEncoder(chunkSize: 128)

    init(inbox: Inbox) {
        self.inbox = inbox
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RTMPClientHandshakeHandler.Done { inbox.handshakeCompleted() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let m = unwrapInboundIn(data)
        if m.typeID == RTMPMessageType.userControl, case .pingRequest(let t)? = try? UserControlEvent.parse(m.payload) {
            var out = context.channel.allocator.buffer(capacity: 32)
            encoder.encode(ControlMessage.userControl(.pingResponse(timestamp: t)).message, into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        }
        inbox.add(m)
    }

    func channelInactive(context: ChannelHandlerContext) {
        inbox.closed()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

