import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RTMP

/// One RTMP connection after the handshake: the NetConnection/NetStream
/// state machine. Publishes into a `LiveStream` or plays one as a sink.
/// Everything here runs on the connection's event loop.
final class RTMPSession: ChannelInboundHandler {
    typealias InboundIn = RTMPMessage
    typealias OutboundOut = ByteBuffer

    /// Fired through the pipeline when the server shuts down.
    struct ShutdownEvent {}

    private let server: ServerState
    let info: ConnectionInfo
    private var logger: Logger
    private var context: ChannelHandlerContext?
    private var encoder = RTMPChunkEncoder(chunkSize: 128)
    private let amf = AMF0Decoder()

    private var handshakeDone = false
    private var connected = false
    private var app = ""
    private var peerWindowAckSize: UInt64 = 0
    private var lastAckSent: UInt64 = 0
    private var nextMessageStreamID: UInt32 = 1
    private var lastWriteNanos = DispatchTime.now().uptimeNanoseconds
    private var pingOutstanding = false
    private var readPaused = false
    private var timer: RepeatedTask?
    private var closeReason: String?

    private struct Publishing {
        let stream: LiveStream
        let messageStreamID: UInt32
    }
    private var publishing: Publishing?

    /// A class, not a struct: the queue is mutated on every frame, and a
    /// copied struct would make its deque copy itself on each push.
    private final class Playing {
        let stream: LiveStream
        let messageStreamID: UInt32
        let sink: PlayerSink
        var queue: PlayerQueue
        var receiveAudio = true
        var receiveVideo = true
        var paused = false
        var drops = PlayerQueue.Drops()
        var unwritableSinceNanos: UInt64?

        init(stream: LiveStream, messageStreamID: UInt32, sink: PlayerSink, queue: PlayerQueue) {
            self.stream = stream
            self.messageStreamID = messageStreamID
            self.sink = sink
            self.queue = queue
        }
    }
    private var playing: Playing?

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
        server.events.add("connection \(info.id) closed: \(reason)", connectionID: info.id)
        server.removeConnection(info.id)
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let io = error as? IOError, [ECONNRESET, EPIPE, ETIMEDOUT].contains(io.errnoCode) {
            close(reason: "connection reset by peer")
            return
        }
        let text = String(describing: error)
        logger.warning("closing connection: bad input", metadata: ["error": "\(text)"])
        close(reason: "protocol error: \(text)")
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .completed(let kind, _, _)? = event as? RTMPHandshakeEvent {
            handshakeDone = true
            info.details.withLockedValue { $0.role = .connected }
            logger.info("handshake done", metadata: ["kind": "\(kind == .plain ? "plain" : "digest")"])
        } else if event is ShutdownEvent {
            announceShutdown()
        } else if let e = event as? ChannelEvent, e == .inputClosed {
            close(reason: "peer closed its side")
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func close(reason: String) {
        if closeReason == nil { closeReason = reason }
        info.details.withLockedValue { $0.closeReason = reason }
        context?.close(promise: nil)
    }

    /// Tells players the stream is over (so ffmpeg ends cleanly) and closes.
    private func announceShutdown() {
        if let p = playing {
            send(CommandMessage.onStatus(level: "status", code: "NetStream.Play.UnpublishNotify", description: "Server shutting down.").message(messageStreamID: p.messageStreamID))
            send(ControlMessage.userControl(.streamEOF(streamID: p.messageStreamID)).message)
        }
        flush()
        close(reason: "server shutting down")
    }

    private func tick(config: ServerConfiguration) {
        let now = DispatchTime.now().uptimeNanoseconds
        let silentIn = info.silentNanoseconds
        let silentOut = now > lastWriteNanos ? now - lastWriteNanos : 0
        if !handshakeDone {
            if UInt64(Date().timeIntervalSince(info.connectedAt) * 1e9) > UInt64(config.handshakeTimeout.nanoseconds) {
                logger.info("handshake timeout")
                close(reason: "handshake timeout")
            }
            return
        }
        if publishing == nil && playing == nil && silentIn > UInt64(config.idleTimeout.nanoseconds) {
            close(reason: "idle timeout")
            return
        }
        if publishing != nil && silentIn > UInt64(config.publisherTimeout.nanoseconds) {
            logger.warning("publisher silent, closing")
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

    /// An aggregate message carries FLV tags back to back; each becomes a
    /// message of its own, timed relative to the aggregate's timestamp.
    private func ingestAggregate(_ message: RTMPMessage, into stream: LiveStream) throws {
        var body = message.payload
        var base: UInt32?
        while body.readableBytes > 0 {
            guard let type = body.readInteger(as: UInt8.self), let size = body.readUInt24(),
                  let ts24 = body.readUInt24(), let tsExt = body.readInteger(as: UInt8.self),
                  body.readUInt24() != nil, let data = body.readSlice(length: Int(size)),
                  body.readInteger(as: UInt32.self) != nil else {
                throw RTMPError.malformedMessage("truncated aggregate message")
            }
            let ts = UInt32(tsExt) << 24 | ts24
            let first = base ?? ts
            base = first
            pauseIfOverloaded(stream.ingest(typeID: type, timestamp: message.timestamp &+ (ts &- first), payload: data, from: info))
        }
    }

    /// Stops reading from this publisher until every overloaded mailbox
    /// has drained: the server is CPU-bound, and growing its backlog without
    /// bound would only trade memory for latency.
    private func pauseIfOverloaded(_ mailboxes: [LoopMailbox]) {
        guard !mailboxes.isEmpty, !readPaused, let context else { return }
        readPaused = true
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        logger.debug("publisher paused: relay backlog", metadata: ["mailboxes": "\(mailboxes.count)"])
        let session = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        let remaining = NIOLockedValueBox(mailboxes.count)
        for m in mailboxes {
            m.whenBelowLowWater {
                guard remaining.withLockedValue({ $0 -= 1; return $0 }) == 0 else { return }
                loop.execute { session.value.resumeReading() }
            }
        }
    }

    private func resumeReading() {
        guard readPaused, let context else { return }
        readPaused = false
        try? context.channel.syncOptions?.setOption(.autoRead, value: true)
        context.read()
    }

    // MARK: commands

    private func handleCommand(_ cmd: CommandMessage, messageStreamID: UInt32) throws {
        logger.debug("command", metadata: ["name": "\(cmd.name)", "txn": "\(cmd.transactionID)"])
        switch cmd.name {
        case "connect": onConnect(cmd)
        case "releaseStream", "FCPublish", "FCUnpublish", "getStreamLength", "_checkbw":
            onHousekeeping(cmd)
        case "createStream":
            let id = nextMessageStreamID
            nextMessageStreamID &+= 1
            send(CommandMessage(name: "_result", transactionID: cmd.transactionID, commandObject: .null, arguments: [.number(Double(id))]).message())
        case "publish": try onPublish(cmd, messageStreamID: messageStreamID)
        case "play": try onPlay(cmd, messageStreamID: messageStreamID)
        case "play2":
            logger.debug("play2 ignored")
        case "deleteStream", "closeStream":
            stopPublishing(reason: "unpublished")
            stopPlaying()
        case "receiveAudio", "receiveVideo":
            let on = cmd.arguments.first?.boolValue ?? true
            if cmd.name == "receiveAudio" { playing?.receiveAudio = on } else { playing?.receiveVideo = on }
        case "pause", "pauseRaw":
            onPause(cmd)
        case "_result", "_error", "onStatus", "onBWDone", "onBWCheck":
            break
        default:
            logger.info("unknown command", metadata: ["name": "\(cmd.name)"])
            if cmd.transactionID != 0 {
                send(CommandMessage(name: "_error", transactionID: cmd.transactionID, commandObject: .null, arguments: [
                    .object([
                        AMF0Property(key: "level", value: .string("error")),
                        AMF0Property(key: "code", value: .string("NetConnection.Call.Failed")),
                        AMF0Property(key: "description", value: .string("Unknown command \(cmd.name).")),
                    ]),
                ]).message())
            }
        }
    }

    private func onConnect(_ cmd: CommandMessage) {
        let obj = cmd.commandObject
        var appName = obj["app"]?.stringValue ?? ""
        // Some clients append the query or a trailing slash to the app.
        if let q = appName.firstIndex(of: "?") { appName = String(appName[..<q]) }
        while appName.hasSuffix("/") { appName.removeLast() }
        app = appName
        connected = true
        let flashVer = obj["flashVer"]?.stringValue ?? obj["flashver"]?.stringValue
        info.details.withLockedValue {
            $0.app = appName
            $0.flashVer = flashVer
            $0.tcUrl = obj["tcUrl"]?.stringValue
        }
        logger[metadataKey: "app"] = "\(appName)"
        logger.info("connect", metadata: ["flash_ver": "\(flashVer ?? "")", "tc_url": "\(obj["tcUrl"]?.stringValue ?? "")"])

        let config = server.configuration
        send(ControlMessage.windowAcknowledgementSize(config.windowAckSize).message)
        send(ControlMessage.setPeerBandwidth(config.windowAckSize, limitType: 2).message)
        send(ControlMessage.setChunkSize(UInt32(config.chunkSize)).message)
        encoder.setChunkSize(config.chunkSize)

        var properties: [AMF0Property] = [
            AMF0Property(key: "fmsVer", value: .string("FMS/3,0,1,123")),
            AMF0Property(key: "capabilities", value: .number(31)),
            AMF0Property(key: "mode", value: .number(1)),
        ]
        // Enhanced RTMP: answer with the FourCCs we relay when the client asks.
        if obj["fourCcList"] != nil {
            properties.append(AMF0Property(key: "fourCcList", value: .strictArray(
                ["avc1", "hvc1", "av01", "vp09", "vp08", "Opus", "fLaC", "ac-3", "ec-3", "mp4a", ".mp3"].map { .string($0) })))
        }
        let encoding = obj["objectEncoding"]?.numberValue ?? 0
        send(CommandMessage(name: "_result", transactionID: cmd.transactionID, commandObject: .object(properties), arguments: [
            .object([
                AMF0Property(key: "level", value: .string("status")),
                AMF0Property(key: "code", value: .string("NetConnection.Connect.Success")),
                AMF0Property(key: "description", value: .string("Connection succeeded.")),
                AMF0Property(key: "objectEncoding", value: .number(encoding)),
            ]),
        ]).message())
        server.events.add("connect \(info.remote) app=\(appName)", connectionID: info.id)
    }

    private func onHousekeeping(_ cmd: CommandMessage) {
        switch cmd.name {
        case "FCPublish":
            let name = cmd.arguments.first?.stringValue ?? ""
            send(CommandMessage(name: "onFCPublish", transactionID: 0, commandObject: .null, arguments: [
                .object([AMF0Property(key: "code", value: .string("NetStream.Publish.Start")), AMF0Property(key: "description", value: .string(name))]),
            ]).message())
        case "FCUnpublish":
            let name = cmd.arguments.first?.stringValue ?? ""
            send(CommandMessage(name: "onFCUnpublish", transactionID: 0, commandObject: .null, arguments: [
                .object([AMF0Property(key: "code", value: .string("NetStream.Unpublish.Success")), AMF0Property(key: "description", value: .string(name))]),
            ]).message())
        case "getStreamLength":
            send(CommandMessage(name: "_result", transactionID: cmd.transactionID, commandObject: .null, arguments: [.number(0)]).message())
        default:
            if cmd.transactionID != 0 {
                send(CommandMessage(name: "_result", transactionID: cmd.transactionID, commandObject: .null, arguments: [.undefined]).message())
            }
        }
    }

    private func streamKey(from cmd: CommandMessage) throws -> StreamKey {
        guard let raw = cmd.arguments.first?.stringValue, !raw.isEmpty else {
            throw RTMPError.malformedCommand("\(cmd.name) without a stream name")
        }
        let key = StreamKey(app: app, rawName: raw)
        guard !key.name.isEmpty else { throw RTMPError.malformedCommand("\(cmd.name) with an empty stream name") }
        return key
    }

    private func onPublish(_ cmd: CommandMessage, messageStreamID: UInt32) throws {
        guard connected else { throw RTMPError.malformedCommand("publish before connect") }
        let key = try streamKey(from: cmd)
        stopPublishing(reason: nil)
        stopPlaying()
        let stream = server.registry.stream(for: key)
        switch stream.claimPublisher(info) {
        case .busy:
            server.registry.release(stream)
            logger.warning("publish refused: stream already has a publisher", metadata: ["stream_key": "\(key)"])
            send(CommandMessage.onStatus(level: "error", code: "NetStream.Publish.BadName", description: "\(key) is already being published.").message(messageStreamID: messageStreamID))
            flush()
            close(reason: "stream already published")
            return
        case .evicted(let old):
            logger.warning("evicting stale publisher", metadata: ["stream_key": "\(key)", "old_conn_id": "\(old.id)"])
            server.events.add("evicted stale publisher \(old.id) of \(key)", connectionID: old.id, streamKey: key.description)
            old.details.withLockedValue { $0.closeReason = "evicted by a new publisher" }
            old.channel.close(promise: nil)
        case .granted:
            break
        }
        publishing = Publishing(stream: stream, messageStreamID: messageStreamID)
        info.details.withLockedValue {
            $0.role = .publisher
            $0.streamKey = key
        }
        logger[metadataKey: "stream_key"] = "\(key)"
        logger.info("publish", metadata: ["type": "\(cmd.arguments.dropFirst().first?.stringValue ?? "live")"])
        server.events.add("publish \(key) from \(info.remote)", connectionID: info.id, streamKey: key.description)
        send(ControlMessage.userControl(.streamBegin(streamID: messageStreamID)).message)
        send(CommandMessage.onStatus(level: "status", code: "NetStream.Publish.Start", description: "\(key) is now published.").message(messageStreamID: messageStreamID))
        if server.configuration.recordAll {
            // Failures are logged and shown in the snapshot; publishing goes on.
            _ = try? server.recordings.start(stream)
        }
    }

    private func stopPublishing(reason: String?) {
        guard let p = publishing else { return }
        publishing = nil
        p.stream.releasePublisher(info)
        server.registry.release(p.stream)
        info.details.withLockedValue { $0.role = .connected }
        logger.info("publisher gone", metadata: ["stream_key": "\(p.stream.key)"])
        server.events.add("publisher left \(p.stream.key)", connectionID: info.id, streamKey: p.stream.key.description)
        if let reason, context?.channel.isActive == true {
            send(CommandMessage.onStatus(level: "status", code: "NetStream.Unpublish.Success", description: reason).message(messageStreamID: p.messageStreamID))
        }
    }

    private func onPlay(_ cmd: CommandMessage, messageStreamID: UInt32) throws {
        guard connected else { throw RTMPError.malformedCommand("play before connect") }
        let key = try streamKey(from: cmd)
        stopPublishing(reason: nil)
        stopPlaying()
        guard let loop = context?.eventLoop else { return }
        let stream = server.registry.stream(for: key)
        let sink = PlayerSink(session: self, eventLoop: loop)
        let limits = PlayerQueue.Limits(covering: server.configuration.gopLimits)
        playing = Playing(stream: stream, messageStreamID: messageStreamID, sink: sink, queue: PlayerQueue(limits: limits))
        info.details.withLockedValue {
            $0.role = .player
            $0.streamKey = key
        }
        logger[metadataKey: "stream_key"] = "\(key)"
        let sid = messageStreamID
        send(ControlMessage.userControl(.streamIsRecorded(streamID: sid)).message)
        send(ControlMessage.userControl(.streamBegin(streamID: sid)).message)
        send(CommandMessage.onStatus(level: "status", code: "NetStream.Play.Reset", description: "Playing and resetting \(key).").message(messageStreamID: sid))
        send(CommandMessage.onStatus(level: "status", code: "NetStream.Play.Start", description: "Started playing \(key).").message(messageStreamID: sid))
        var access = ByteBuffer()
        AMF0Encoder.encode([.string("|RtmpSampleAccess"), .boolean(true), .boolean(true)], into: &access)
        send(RTMPMessage(chunkStreamID: RTMPChunkStreamID.data, typeID: RTMPMessageType.dataAMF0, messageStreamID: sid, timestamp: 0, payload: access))

        let (burst, live) = stream.subscribe(sink)
        logger.info("play", metadata: ["live": "\(live)", "burst_frames": "\(burst.count)"])
        server.events.add("play \(key) by \(info.remote)", connectionID: info.id, streamKey: key.description)
        logger.info("subscriber added", metadata: ["players": "\(stream.playerCount)"])
        // Without a keyframe in the burst (no GOP cache, no publisher yet, or
        // a GOP over the cache's cap) video starts at the next keyframe.
        if !burst.contains(where: { $0.kind == .video && $0.isKeyframe }) { playing?.queue.skipVideoUntilKeyframe() }
        for frame in burst { enqueue(frame) }
        publishQueueGauges()
        flush()
    }

    private func stopPlaying() {
        guard let p = playing else { return }
        playing = nil
        p.stream.unsubscribe(p.sink)
        server.registry.release(p.stream)
        info.details.withLockedValue { $0.role = .connected }
        info.queuedBytes.store(0, ordering: .relaxed)
        info.queuedMessages.store(0, ordering: .relaxed)
        logger.info("subscriber removed", metadata: ["stream_key": "\(p.stream.key)", "players": "\(p.stream.playerCount)", "dropped": "\(p.drops.total)"])
        server.events.add("player left \(p.stream.key)", connectionID: info.id, streamKey: p.stream.key.description)
    }

    private func onPause(_ cmd: CommandMessage) {
        guard let p = playing else { return }
        let pause = cmd.arguments.first?.boolValue ?? !p.paused
        p.paused = pause
        if pause {
            p.queue.removeAll()
            send(CommandMessage.onStatus(level: "status", code: "NetStream.Pause.Notify", description: "Paused.").message(messageStreamID: p.messageStreamID))
            send(ControlMessage.userControl(.streamEOF(streamID: p.messageStreamID)).message)
        } else {
            send(ControlMessage.userControl(.streamBegin(streamID: p.messageStreamID)).message)
            send(CommandMessage.onStatus(level: "status", code: "NetStream.Unpause.Notify", description: "Unpaused.").message(messageStreamID: p.messageStreamID))
            // Resume on a decodable picture, like a late joiner.
            p.queue.skipVideoUntilKeyframe()
            encoder.reset()
            for frame in p.stream.joinBurst() { enqueue(frame) }
        }
        publishQueueGauges()
        flush()
    }

    // MARK: player output

    /// Stream items from the mailbox, on this loop.
    func deliver(_ items: ArraySlice<StreamItem>, from sink: PlayerSink) {
        guard let p = playing, p.sink === sink else { return }  // a stale batch for an old subscription
        for item in items {
            switch item {
            case .frame(let frame):
                enqueue(frame)
            case .publisherStarted:
                send(ControlMessage.userControl(.streamBegin(streamID: p.messageStreamID)).message)
                if server.configuration.publishNotify {
                    send(CommandMessage.onStatus(level: "status", code: "NetStream.Play.PublishNotify", description: "\(p.stream.key) is now published.").message(messageStreamID: p.messageStreamID))
                }
                playing?.queue.skipVideoUntilKeyframe()
            case .publisherStopped:
                send(ControlMessage.userControl(.streamEOF(streamID: p.messageStreamID)).message)
                if server.configuration.publishNotify {
                    send(CommandMessage.onStatus(level: "status", code: "NetStream.Play.UnpublishNotify", description: "\(p.stream.key) is now unpublished.").message(messageStreamID: p.messageStreamID))
                }
            }
        }
        publishQueueGauges()
        flush()
    }

    /// The snapshot's view of the queue, updated once per batch rather than per frame.
    private func publishQueueGauges() {
        guard let p = playing else { return }
        info.queuedBytes.store(p.queue.bytes, ordering: .relaxed)
        info.queuedMessages.store(p.queue.count, ordering: .relaxed)
    }

    private func enqueue(_ frame: MediaFrame) {
        guard let p = playing, !p.paused else { return }
        if frame.kind == .audio && !p.receiveAudio { return }
        if frame.kind == .video && !p.receiveVideo { return }
        let before = p.drops
        defer {
            let dv = p.drops.video &- before.video, da = p.drops.audio &- before.audio
            if dv > 0 || da > 0 {
                info.droppedVideo.wrappingIncrement(by: UInt64(dv), ordering: .relaxed)
                info.droppedAudio.wrappingIncrement(by: UInt64(da), ordering: .relaxed)
                p.stream.noteDrops(video: dv, audio: da)
            }
        }
        guard p.queue.admit(frame, drops: &p.drops) else { return }
        if p.queue.isEmpty, context?.channel.isWritable == true {
            write(frame, messageStreamID: p.messageStreamID)
        } else if p.queue.push(frame, drops: &p.drops) {
            // What this connection last sent no longer precedes what comes
            // next: start the media chunk streams over with fmt 0.
            encoder.reset(chunkStreamID: RTMPChunkStreamID.video)
            encoder.reset(chunkStreamID: RTMPChunkStreamID.audio)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            playing?.unwritableSinceNanos = nil
            drainQueue()
        } else if playing != nil, playing?.unwritableSinceNanos == nil {
            playing?.unwritableSinceNanos = DispatchTime.now().uptimeNanoseconds
        }
        context.fireChannelWritabilityChanged()
    }

    private func drainQueue() {
        guard let p = playing, let channel = context?.channel else { return }
        var wrote = false
        while channel.isWritable, let frame = p.queue.popFirst() {
            write(frame, messageStreamID: p.messageStreamID)
            wrote = true
        }
        publishQueueGauges()
        if wrote { flush() }
    }

    private func write(_ frame: MediaFrame, messageStreamID: UInt32) {
        guard let context else { return }
        var header = context.channel.allocator.buffer(capacity: 18)
        encoder.writeFirstHeader(chunkStreamID: frame.chunkStreamID, messageStreamID: messageStreamID, typeID: frame.typeID,
                                 length: frame.size, timestamp: frame.wireTimestamp, into: &header)
        let body = frame.chunkedBody(chunkSize: encoder.chunkSize)
        info.noteWritten(header.readableBytes &+ body.readableBytes)
        info.messagesOut.wrappingIncrement(ordering: .relaxed)
        context.write(wrapOutboundOut(header), promise: nil)
        context.write(wrapOutboundOut(body), promise: nil)
    }

    // MARK: output helpers

    private func send(_ message: RTMPMessage) {
        guard let context else { return }
        var out = context.channel.allocator.buffer(capacity: message.payload.readableBytes + 32)
        encoder.encode(message, into: &out)
        info.noteWritten(out.readableBytes)
        info.messagesOut.wrappingIncrement(ordering: .relaxed)
        context.write(wrapOutboundOut(out), promise: nil)
    }

    private func flush() {
        guard let context else { return }
        lastWriteNanos = DispatchTime.now().uptimeNanoseconds
        context.flush()
    }
}
