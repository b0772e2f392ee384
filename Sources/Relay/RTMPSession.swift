import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import RTMP

/// One RTMP connection after the handshake: the NetConnection/NetStream
/// command state machine. Publishing feeds a `LiveStream`; playing hands
/// the connection's output to a `PlayerSink`, which owns the queue and the
/// media writes from then on. Everything here runs on the connection's
/// event loop.
final class RTMPSession: ChannelInboundHandler {
    typealias InboundIn = RTMPMessage
    typealias OutboundOut = ByteBuffer

    /// Fired through the pipeline when the server shuts down.
    struct ShutdownEvent {}

    /// Fired through the pipeline to ask a publisher that can to reconnect
    /// (Enhanced RTMP v2 Reconnect Request: --drain-seconds, the API).
    struct ReconnectRequestEvent {
        var tcUrl: String?
        var description: String
    }

    private let server: ServerState
    let info: ConnectionInfo
    private var logger: Logger
    private var context: ChannelHandlerContext?
    /// Set in handlerAdded, dropped when the channel goes inactive.
    private var output: RTMPOutput?
    private let amf = AMF0Decoder()

    private var handshakeDone = false
    /// When the handshake completed (monotonic ns): `connect` must follow within `connectTimeout`.
    private var handshakeDoneNanos: UInt64 = 0
    private var connected = false
    private var app = ""
    /// What `connect` said, for the access checks and callbacks.
    private var connectInfo: (tcUrl: String, flashVer: String, swfUrl: String, pageUrl: String) = ("", "", "", "")
    /// Bumped by every publish, play and stop: an access decision that
    /// arrives after the client moved on is dropped.
    private var accessGeneration: UInt64 = 0
    /// The allowed play's request, for `on_play_done`.
    private var playingRequest: AccessRequest?
    /// The client's `connect` showed Enhanced RTMP: as a player it gets Multitrack messages.
    private var announcedEnhancedRTMP = false
    private var peerWindowAckSize: UInt64 = 0
    private var lastAckSent: UInt64 = 0
    private var nextMessageStreamID: UInt32 = 1
    private var pingOutstanding = false
    private let readPause = PublisherReadPause()
    private var timer: RepeatedTask?
    private var closeReason: String?

    private struct Publishing {
        let stream: LiveStream
        let messageStreamID: UInt32
        /// For `on_publish_done`.
        let request: AccessRequest
    }
    private var publishing: Publishing?

    private var playing: PlayerSink?

    init(server: ServerState, info: ConnectionInfo) {
        self.server = server
        self.info = info
        var logger = server.logger
        logger[metadataKey: "conn_id"] = "\(info.id)"
        logger[metadataKey: "remote"] = "\(info.remote)"
        self.logger = logger
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        output = RTMPOutput(context: context, info: info)
        let config = server.configuration
        let session = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            session.value.tick(config: config)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        stopPublishing(reason: nil)
        stopPlaying()
        let reason = closeReason ?? "peer closed"
        logger.info("connection closed", metadata: [
            "reason": "\(reason)",
            "bytes_in": "\(info.bytesIn.load(ordering: .relaxed))",
            "bytes_out": "\(info.bytesOut.load(ordering: .relaxed))",
            "duration_s": "\(Int(Date().timeIntervalSince(info.connectedAt)))",
        ])
        server.events.add(.close, "connection \(info.id) closed: \(reason)", connectionID: info.id)
        server.removeConnection(info.id)
        self.context = nil
        output = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let io = error as? IOError, [ECONNRESET, EPIPE, ETIMEDOUT].contains(io.errnoCode) {
            close(reason: "connection reset by peer")
            return
        }
        let text = String(describing: error)
        logger.warning("closing connection: bad input", metadata: ["error": "\(text)"])
        server.counters.noteError(Self.errorReason(error))
        close(reason: "protocol error: \(text)")
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .completed(let kind, _, _)? = event as? RTMPHandshakeEvent {
            handshakeDone = true
            handshakeDoneNanos = DispatchTime.now().uptimeNanoseconds
            info.details.withLockedValue { $0.role = .connected }
            logger.info("handshake done", metadata: ["kind": "\(kind == .plain ? "plain" : "digest")"])
        } else if event is ShutdownEvent {
            announceShutdown()
        } else if let r = event as? ReconnectRequestEvent {
            send(NetReply.reconnectRequest(tcUrl: r.tcUrl, description: r.description))
            flush()
            logger.info("reconnect request sent", metadata: ["tc_url": "\(r.tcUrl.map(SecretMask.masked) ?? "-")"])
        } else if let e = event as? ChannelEvent, e == .inputClosed {
            close(reason: "peer closed its side")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The error counters' label for what ended a connection: a fixed word per kind.
    static func errorReason(_ error: Error) -> String {
        switch error {
        case is HandshakeError: return "handshake"
        case is AMF0Error: return "amf"
        case let e as RTMPError:
            switch e {
            case .malformedCommand: return "command"
            case .messageTooLarge, .tooManyChunkStreams, .tooManyChunkStreamIDs, .bufferedBytesExceeded, .serverBufferBudgetExceeded: return "limit"
            default: return "chunk"
            }
        default: return "other"
        }
    }

    func close(reason: String) {
        if closeReason == nil { closeReason = reason }
        info.details.withLockedValue { $0.closeReason = reason }
        context?.close(promise: nil)
    }

    /// Tells players the stream is over (so ffmpeg ends cleanly) and closes.
    private func announceShutdown() {
        playing?.announceShutdown()
        flush()
        close(reason: "server shutting down")
    }

    private func tick(config: ServerConfiguration) {
        let now = DispatchTime.now().uptimeNanoseconds
        let silentIn = info.silentNanoseconds
        let lastWrite = output?.lastWriteNanos ?? now
        let silentOut = now > lastWrite ? now - lastWrite : 0
        if !handshakeDone {
            if UInt64(Date().timeIntervalSince(info.connectedAt) * 1e9) > UInt64(config.handshakeTimeout.nanoseconds) {
                logger.info("handshake timeout")
                server.counters.noteError("handshake_timeout")
                close(reason: "handshake timeout")
            }
            return
        }
        if !connected && now > handshakeDoneNanos && now - handshakeDoneNanos > UInt64(config.connectTimeout.nanoseconds) {
            logger.info("no connect after the handshake, closing")
            server.counters.noteError("connect_timeout")
            close(reason: "connect timeout")
            return
        }
        if publishing == nil && playing == nil && silentIn > UInt64(config.idleTimeout.nanoseconds) {
            server.counters.noteError("idle_timeout")
            close(reason: "idle timeout")
            return
        }
        if publishing != nil && silentIn > UInt64(config.publisherTimeout.nanoseconds) {
            logger.warning("publisher silent, closing")
            server.counters.noteError("publisher_timeout")
            close(reason: "publisher timeout")
            return
        }
        // Ping only after silence both ways: ffmpeg's -rw_timeout and
        // rtmpdump's -m end on silence, and a ping would keep them alive.
        let pingAfter = UInt64(config.pingAfterSilence.nanoseconds)
        if silentIn > pingAfter && silentOut > pingAfter && !pingOutstanding {
            pingOutstanding = true
            send(ControlMessage.userControl(.pingRequest(timestamp: UInt32(truncatingIfNeeded: now / 1_000_000))).message)
            flush()
        }
        if let p = playing, let since = p.unwritableSinceNanos, now - since > UInt64(config.stuckPlayerTimeout.nanoseconds) {
            logger.warning("player too slow, disconnecting", metadata: ["stuck_s": "\((now - since) / 1_000_000_000)", "dropped": "\(p.drops.total)"])
            server.counters.noteError("player_stalled")
            close(reason: "player too slow")
        }
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        info.messagesIn.wrappingIncrement(ordering: .relaxed)
        pingOutstanding = false
        do {
            try handle(message)
        } catch {
            errorCaught(context: context, error: error)
        }
        acknowledgeIfDue()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
    }

    private func acknowledgeIfDue() {
        guard peerWindowAckSize > 0 else { return }
        let received = info.bytesIn.load(ordering: .relaxed)
        if received &- lastAckSent >= peerWindowAckSize {
            lastAckSent = received
            send(ControlMessage.acknowledgement(sequenceNumber: UInt32(truncatingIfNeeded: received)).message)
        }
    }

    private func handle(_ message: RTMPMessage) throws {
        switch message.typeID {
        case RTMPMessageType.audio, RTMPMessageType.video, RTMPMessageType.dataAMF0, RTMPMessageType.dataAMF3:
            if let p = publishing {
                pauseIfOverloaded(p.stream.ingest(typeID: message.typeID, timestamp: message.timestamp, payload: message.payload, from: info))
            }
        case RTMPMessageType.aggregate:
            if let p = publishing { try ingestAggregate(message, into: p.stream) }
        case RTMPMessageType.commandAMF0, RTMPMessageType.commandAMF3:
            try handleCommand(CommandMessage.parse(message, decoder: amf), messageStreamID: message.messageStreamID)
        case RTMPMessageType.setChunkSize, RTMPMessageType.abort, RTMPMessageType.acknowledgement,
             RTMPMessageType.windowAcknowledgementSize, RTMPMessageType.setPeerBandwidth, RTMPMessageType.userControl:
            try handleControl(message)
        default:
            logger.debug("ignoring message", metadata: ["type": "\(message.typeID)"])
        }
    }

    private func handleControl(_ message: RTMPMessage) throws {
        guard let control = try ControlMessage.parse(message) else { return }
        switch control {
        case .windowAcknowledgementSize(let size):
            peerWindowAckSize = UInt64(size)
        case .userControl(.pingRequest(let t)):
            send(ControlMessage.userControl(.pingResponse(timestamp: t)).message)
        case .setChunkSize(let size):
            logger.debug("peer chunk size", metadata: ["chunk_size": "\(size)"])
        default:
            break
        }
    }

    /// An aggregate message's tags, each ingested as a message of its own.
    private func ingestAggregate(_ message: RTMPMessage, into stream: LiveStream) throws {
        for tag in try AggregateMessage.tags(of: message) {
            pauseIfOverloaded(stream.ingest(typeID: tag.typeID, timestamp: tag.timestamp, payload: tag.payload, from: info))
        }
    }

    private func pauseIfOverloaded(_ mailboxes: [LoopMailbox]) {
        guard let context else { return }
        readPause.pause(context.channel, until: mailboxes, logger: logger)
    }

    // MARK: commands

    private func handleCommand(_ cmd: CommandMessage, messageStreamID: UInt32) throws {
        logger.debug("command", metadata: ["name": "\(cmd.name)", "txn": "\(cmd.transactionID)"])
        switch NetCommand(cmd) {
        case .connect(let c): onConnect(c)
        case .createStream(let txn):
            let id = nextMessageStreamID
            nextMessageStreamID &+= 1
            send(NetReply.createStreamResult(transactionID: txn, streamID: id))
        case .publish(let name, let type): try onPublish(streamName: name, type: type, messageStreamID: messageStreamID)
        case .play(let name, let start, let duration, let reset):
            try onPlay(streamName: name, start: start, duration: duration, reset: reset, messageStreamID: messageStreamID)
        case .play2:
            logger.debug("play2 ignored")
        case .closeStream:
            stopPublishing(reason: "unpublished")
            stopPlaying()
        case .receiveAudio(let on): playing?.setReceiveAudio(on)
        case .receiveVideo(let on): playing?.setReceiveVideo(on)
        case .pause(let pause):
            if let p = playing { p.pause(pause ?? !p.paused) }
        case .fcPublish(let name): send(NetReply.fcPublish(name))
        case .fcUnpublish(let name): send(NetReply.fcUnpublish(name))
        case .getStreamLength(let txn): send(NetReply.result(transactionID: txn, .number(0)))
        case .releaseStream(let txn), .checkBandwidth(let txn):
            if txn != 0 { send(NetReply.result(transactionID: txn, .undefined)) }
        case .response:
            break
        case .unknown(let name, let txn):
            logger.info("unknown command", metadata: ["name": "\(name)"])
            if txn != 0 { send(NetReply.unknownCommand(name, transactionID: txn)) }
        }
    }

    private func onConnect(_ c: NetCommand.Connect) {
        app = c.app
        connected = true
        connectInfo = (c.tcUrl ?? "", c.flashVer ?? "", c.swfUrl ?? "", c.pageUrl ?? "")
        info.details.withLockedValue {
            $0.app = c.app
            $0.handlesReconnectRequest = c.capsEx & 0x01 != 0
            $0.flashVer = c.flashVer
            $0.tcUrl = c.tcUrl.map(SecretMask.masked)
        }
        logger[metadataKey: "app"] = "\(c.app)"
        logger.info("connect", metadata: ["flash_ver": "\(c.flashVer ?? "")", "tc_url": "\(SecretMask.masked(c.tcUrl ?? ""))"])

        let config = server.configuration
        send(ControlMessage.windowAcknowledgementSize(config.windowAckSize).message)
        send(ControlMessage.setPeerBandwidth(config.windowAckSize, limitType: 2).message)
        send(ControlMessage.setChunkSize(UInt32(config.chunkSize)).message)
        output?.setChunkSize(config.chunkSize)
        // Enhanced RTMP: answer with the FourCCs we relay when the client
        // asks (v1), and with what we do with them when it announced v2.
        announcedEnhancedRTMP = c.announcesEnhancedRTMP
        send(NetReply.connectResult(transactionID: c.transactionID, objectEncoding: c.objectEncoding,
                                    fourCcList: c.asksForFourCcList ? EnhancedRTMPCodecs.fourCcList : nil,
                                    enhanced: c.announcesEnhancedRTMP ? Self.enhancedCapabilities : nil))
        server.events.add(.connect, "connect \(info.remote) app=\(c.app)", connectionID: info.id)
    }

    /// Reconnect requests sent, Multitrack and ModEx relayed; every FourCC we know forwarded (CanForward).
    static let enhancedCapabilities = NetReply.EnhancedCapabilities(
        capsEx: 0x01 | 0x02 | 0x04,
        videoFourCcInfoMap: EnhancedRTMPCodecs.videoFourCcs.map { ($0, 0x04) },
        audioFourCcInfoMap: EnhancedRTMPCodecs.audioFourCcs.map { ($0, 0x04) })

    private func streamKey(_ command: String, streamName raw: String) throws -> StreamKey {
        guard !raw.isEmpty else { throw RTMPError.malformedCommand("\(command) without a stream name") }
        let key = StreamKey(app: app, rawName: raw)
        guard !key.name.isEmpty else { throw RTMPError.malformedCommand("\(command) with an empty stream name") }
        return key
    }

    private func onPublish(streamName: String, type: String, messageStreamID: UInt32) throws {
        guard connected else { throw RTMPError.malformedCommand("publish before connect") }
        let key = try streamKey("publish", streamName: streamName)
        stopPublishing(reason: nil)
        stopPlaying()
        let cap = server.configuration.maxStreamsPerApp
        // Counted, then claimed: two publishes racing on the last slot may both get in.
        if cap > 0, server.registry.publishedStreams(inApp: key.app, excluding: key) >= cap {
            refuse(.publish, key, messageStreamID: messageStreamID, reason: "max_streams_per_app",
                          "app \(key.app) already has \(cap) published streams (--max-streams-per-app).")
            return
        }
        var request = accessRequest(.publish, key)
        request.publishType = type
        admit(request, messageStreamID: messageStreamID) { session, granted in
            session.beginPublish(key: granted.key, type: type, messageStreamID: messageStreamID, request: granted)
        }
    }

    private func accessRequest(_ action: AccessRequest.Action, _ key: StreamKey) -> AccessRequest {
        AccessRequest(action: action, key: key, address: info.address, clientID: info.id, tcUrl: connectInfo.tcUrl,
                      flashVer: connectInfo.flashVer, swfUrl: connectInfo.swfUrl, pageUrl: connectInfo.pageUrl)
    }

    /// Runs the access checks; `begin` gets the request as allowed (renamed
    /// by a callback, perhaps) on this loop, unless the client has since
    /// asked for something else or gone. A refusal answers and closes.
    private func admit(_ request: AccessRequest, messageStreamID: UInt32, begin: @escaping (RTMPSession, AccessRequest) -> Void) {
        guard let loop = context?.eventLoop else { return }
        accessGeneration &+= 1
        let generation = accessGeneration
        let session = NIOLoopBound(self, eventLoop: loop)
        server.access.decide(request, on: loop).whenSuccess { decision in
            let s = session.value
            guard s.accessGeneration == generation, s.context?.channel.isActive == true else { return }
            switch decision {
            case .allow(let renamed):
                var granted = request
                if let renamed {
                    granted.key = StreamKey(app: request.key.app, name: renamed, query: request.key.query)
                    s.logger.info("\(request.action.rawValue) renamed by the callback", metadata: ["from": "\(request.key)", "to": "\(granted.key)"])
                }
                begin(s, granted)
            case .refuse(let reason, let description):
                s.refuse(request.action, request.key, messageStreamID: messageStreamID, reason: reason, description)
            }
            s.flush()
        }
    }

    private func beginPublish(key: StreamKey, type: String, messageStreamID: UInt32, request: AccessRequest) {
        if connectInfo.flashVer.contains(server.instanceToken) {
            // One of our own pushes came back to us (through a name or an
            // address the startup check could not see through).
            refuse(.publish, key, messageStreamID: messageStreamID, reason: "push_loop", "a push from this server to itself is refused")
            return
        }
        let stream = server.registry.stream(for: key)
        switch stream.claimPublisher(info) {
        case .busy:
            server.registry.release(stream)
            logger.warning("publish refused: stream already has a publisher", metadata: ["stream_key": "\(key)"])
            send(NetReply.status(.publishBadName, "\(key) is already being published.", messageStreamID: messageStreamID))
            flush()
            close(reason: "stream already published")
            return
        case .evicted(let old):
            logger.warning("evicting stale publisher", metadata: ["stream_key": "\(key)", "old_conn_id": "\(old.id)"])
            server.events.add(.evict, "evicted stale publisher \(old.id) of \(key)", connectionID: old.id, streamKey: key.description)
            old.details.withLockedValue { $0.closeReason = "evicted by a new publisher" }
            old.channel.close(promise: nil)
        case .granted:
            break
        }
        publishing = Publishing(stream: stream, messageStreamID: messageStreamID, request: request)
        info.details.withLockedValue {
            $0.role = .publisher
            $0.streamKey = key
        }
        logger[metadataKey: "stream_key"] = "\(key)"
        logger.info("publish", metadata: ["type": "\(type)"])
        server.events.add(.publish, "publish \(key) from \(info.remote)", connectionID: info.id, streamKey: key.description)
        send(ControlMessage.userControl(.streamBegin(streamID: messageStreamID)).message)
        send(NetReply.status(.publishStart, "\(key) is now published.", messageStreamID: messageStreamID))
        if server.configuration.recordAll {
            // Failures are logged and shown in the snapshot; publishing goes on.
            _ = try? server.recordings.start(stream)
        }
        server.pushes.published(stream, by: info, server: server)
    }

    /// Says why to the client (an error status, before any Start), logs it, closes.
    private func refuse(_ action: AccessRequest.Action, _ key: StreamKey, messageStreamID: UInt32, reason: String, _ description: String) {
        logger.warning("\(action.rawValue) refused", metadata: ["stream_key": "\(key)", "reason": "\(reason)", "detail": "\(description)"])
        server.counters.noteError(reason)
        send(NetReply.status(action == .publish ? .publishBadName : .playFailed, description, messageStreamID: messageStreamID))
        flush()
        close(reason: "\(action.rawValue) refused: \(reason)")
    }

    private func stopPublishing(reason: String?) {
        guard let p = publishing else { return }
        publishing = nil
        accessGeneration &+= 1
        server.access.ended(p.request, on: info.channel.eventLoop)
        p.stream.releasePublisher(info)
        server.registry.release(p.stream)
        info.details.withLockedValue { $0.role = .connected }
        logger.info("publisher gone", metadata: ["stream_key": "\(p.stream.key)"])
        server.events.add(.unpublish, "publisher left \(p.stream.key)", connectionID: info.id, streamKey: p.stream.key.description)
        if let reason, context?.channel.isActive == true {
            send(NetReply.status(.unpublishSuccess, reason, messageStreamID: p.messageStreamID))
        }
    }

    private func onPlay(streamName: String, start: Double, duration: Double, reset: Bool, messageStreamID: UInt32) throws {
        guard connected else { throw RTMPError.malformedCommand("play before connect") }
        let key = try streamKey("play", streamName: streamName)
        stopPublishing(reason: nil)
        stopPlaying()
        var request = accessRequest(.play, key)
        (request.playStart, request.playDuration, request.playReset) = (start, duration, reset)
        admit(request, messageStreamID: messageStreamID) { session, granted in
            session.beginPlay(key: granted.key, messageStreamID: messageStreamID, request: granted)
        }
    }

    private func beginPlay(key: StreamKey, messageStreamID: UInt32, request: AccessRequest) {
        guard let loop = context?.eventLoop, let output else { return }
        let stream = server.registry.stream(for: key)
        let cap = server.configuration.maxPlayersPerStream
        if cap > 0, stream.playerCount >= cap {
            server.registry.release(stream)
            refuse(.play, key, messageStreamID: messageStreamID, reason: "max_players_per_stream",
                       "\(key) already has \(cap) players (--max-players-per-stream).")
            return
        }
        let sink = PlayerSink(stream: stream, messageStreamID: messageStreamID, output: output, info: info, eventLoop: loop,
                              queueLimits: PlayerQueue.Limits(covering: server.configuration.gopLimits),
                              publishNotify: server.configuration.publishNotify, enhanced: announcedEnhancedRTMP)
        playing = sink
        playingRequest = request
        info.details.withLockedValue {
            $0.role = .player
            $0.streamKey = key
        }
        logger[metadataKey: "stream_key"] = "\(key)"
        let sid = messageStreamID
        send(ControlMessage.userControl(.streamIsRecorded(streamID: sid)).message)
        send(ControlMessage.userControl(.streamBegin(streamID: sid)).message)
        send(NetReply.status(.playReset, "Playing and resetting \(key).", messageStreamID: sid))
        send(NetReply.status(.playStart, "Started playing \(key).", messageStreamID: sid))
        send(NetReply.sampleAccess(messageStreamID: sid))

        let (burst, live) = stream.subscribe(sink)
        logger.info("play", metadata: ["live": "\(live)", "burst_frames": "\(burst.count)"])
        server.events.add(.play, "play \(key) by \(info.remote)", connectionID: info.id, streamKey: key.description)
        logger.info("subscriber added", metadata: ["players": "\(stream.playerCount)"])
        sink.start(burst: burst)
        if !live && server.pulls.isEnabled { server.pulls.playerWaiting(for: key, server: server) }
    }

    private func stopPlaying() {
        guard let p = playing else { return }
        playing = nil
        accessGeneration &+= 1
        if let r = playingRequest { server.access.ended(r, on: info.channel.eventLoop) }
        playingRequest = nil
        p.stop()
        server.registry.release(p.stream)
        info.details.withLockedValue { $0.role = .connected }
        logger.info("subscriber removed", metadata: ["stream_key": "\(p.stream.key)", "players": "\(p.stream.playerCount)", "dropped": "\(p.drops.total)"])
        server.events.add(.stop, "player left \(p.stream.key)", connectionID: info.id, streamKey: p.stream.key.description)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        playing?.writabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    // MARK: output helpers

    private func send(_ message: RTMPMessage) {
        output?.send(message)
    }

    private func flush() {
        output?.flush()
    }
}
