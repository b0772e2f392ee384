import Foundation
import Histogram
import Media
import NIOCore
import RTMP

/// When the publisher handed each audio/video message to its connection
/// (monotonic nanoseconds, 0 = not sent yet), indexed by sequence number.
/// Written by the publisher thread, read by the players' event loops.
final class SendLog: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [UInt64]

    init(count: Int) {
        times = [UInt64](repeating: 0, count: count)
    }

    func record(_ seq: Int, at nanos: UInt64) {
        lock.lock()
        times[seq] = nanos
        lock.unlock()
    }

    func sentAt(_ seq: Int) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return seq >= 0 && seq < times.count ? times[seq] : 0
    }
}

@inline(__always) func monotonicNanos() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

/// What one player saw. Lives on the player's event loop; both probe
/// handlers of that channel write it.
final class PlayerState {
    let expectedCapacity: Int
    var wireBytes = 0
    var mediaMessages = 0
    var mediaPayloadBytes = 0
    var dataMessages = 0
    var unmatched = 0
    var duplicates = 0
    var unique = 0
    var firstReceiveNanos: UInt64 = 0
    var lastReceiveNanos: UInt64 = 0
    /// Latency of each first receipt, in microseconds.
    var latency = LatencyHistogram.make()
    /// When `play` returned (NetStream.Play.Start arrived), and the first
    /// video message after it: the late-joiner figures.
    var playStartedNanos: UInt64 = 0
    var firstVideoNanos: UInt64 = 0
    var firstVideoIsKeyframe = false
    var closed = false
    var error: String?
    /// Window acknowledgement size the server asked for (0: none yet).
    var windowAckSize = 0
    var lastAck = 0
    private var seen: [UInt64]

    init(expected: Int) {
        expectedCapacity = expected
        seen = [UInt64](repeating: 0, count: (expected + 63) / 64)
    }

    /// Marks `seq` received; false if it was already.
    func markSeen(_ seq: Int) -> Bool {
        guard seq >= 0 && seq < expectedCapacity else { return false }
        let word = seq >> 6, bit = UInt64(1) << UInt64(seq & 63)
        if seen[word] & bit != 0 { return false }
        seen[word] |= bit
        return true
    }

    func isSeen(_ seq: Int) -> Bool {
        guard seq >= 0 && seq < expectedCapacity else { return true }
        return seen[seq >> 6] & (UInt64(1) << UInt64(seq & 63)) != 0
    }

    var report: PlayerReport {
        PlayerReport(wireBytes: wireBytes, mediaMessages: mediaMessages, mediaPayloadBytes: mediaPayloadBytes,
                     dataMessages: dataMessages, unique: unique, unmatched: unmatched, duplicates: duplicates,
                     firstReceiveNanos: firstReceiveNanos, lastReceiveNanos: lastReceiveNanos,
                     playStartedNanos: playStartedNanos, firstVideoNanos: firstVideoNanos, firstVideoIsKeyframe: firstVideoIsKeyframe,
                     latency: latency, closed: closed, error: error)
    }

    var progress: PlayerProgress {
        PlayerProgress(unique: unique, mediaMessages: mediaMessages, closed: closed)
    }
}

struct PlayerProgress: Sendable {
    var unique: Int
    var mediaMessages: Int
    var closed: Bool
}

struct PlayerReport: Sendable {
    var wireBytes: Int
    var mediaMessages: Int
    var mediaPayloadBytes: Int
    var dataMessages: Int
    var unique: Int
    var unmatched: Int
    var duplicates: Int
    var firstReceiveNanos: UInt64
    var lastReceiveNanos: UInt64
    var playStartedNanos: UInt64
    var firstVideoNanos: UInt64
    var firstVideoIsKeyframe: Bool
    var latency: Histogram<UInt32>
    var closed: Bool
    var error: String?
}

/// First in the pipeline: counts bytes off the socket and sends the
/// acknowledgements the server's window asks for (as real players do).
final class WireProbe: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let state: PlayerState
    private var encoder = RTMPChunkEncoder(chunkSize: 128)

    init(state: PlayerState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let n = unwrapInboundIn(data).readableBytes
        state.wireBytes &+= n
        if state.windowAckSize > 0, state.wireBytes - state.lastAck >= state.windowAckSize {
            state.lastAck = state.wireBytes
            var out = context.channel.allocator.buffer(capacity: 16)
            // Always a full header: other handlers also write control chunk stream 2.
            encoder.reset()
            encoder.encode(ControlMessage.acknowledgement(sequenceNumber: UInt32(truncatingIfNeeded: state.wireBytes)).message, into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.closed = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if state.error == nil { state.error = String(describing: error) }
        context.fireErrorCaught(error)
    }
}

/// Right after the chunk decoder: takes audio, video and data messages out
/// of the stream (RTMPClient would keep them all in memory), matches each
/// to the publisher's sequence number and records its latency. Commands and
/// control messages go on to RTMPClient.
final class MediaProbe: ChannelInboundHandler {
    typealias InboundIn = RTMPMessage
    typealias InboundOut = RTMPMessage
    private let state: PlayerState
    private let matcher: PayloadMatcher
    private let sendLog: SendLog

    init(state: PlayerState, matcher: PayloadMatcher, sendLog: SendLog) {
        self.state = state
        self.matcher = matcher
        self.sendLog = sendLog
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let m = unwrapInboundIn(data)
        switch m.typeID {
        case RTMPMessageType.audio, RTMPMessageType.video:
            let now = monotonicNanos()
            if state.firstReceiveNanos == 0 { state.firstReceiveNanos = now }
            state.lastReceiveNanos = now
            state.mediaMessages += 1
            state.mediaPayloadBytes += m.payload.readableBytes
            if m.typeID == RTMPMessageType.video, state.firstVideoNanos == 0, let tag = VideoTagInfo.parse(m.payload), !tag.isSequenceHeader {
                state.firstVideoNanos = now
                state.firstVideoIsKeyframe = tag.isKeyframe
            }
            let candidates = matcher.candidates(typeID: m.typeID, payload: m.payload)
            guard !candidates.isEmpty else { state.unmatched += 1; return }
            // Equal fingerprints: the first one this player has not had yet.
            guard let seq = candidates.first(where: { !state.isSeen(Int($0)) }).map(Int.init) else {
                state.duplicates += 1
                return
            }
            _ = state.markSeen(seq)
            state.unique += 1
            let sent = sendLog.sentAt(seq)
            if sent > 0 && now >= sent {
                _ = state.latency.record(min((now - sent) / 1000, LatencyHistogram.highestMicros))
            }
        case RTMPMessageType.dataAMF0, RTMPMessageType.dataAMF3, RTMPMessageType.aggregate:
            state.dataMessages += 1
            state.lastReceiveNanos = monotonicNanos()
        case RTMPMessageType.commandAMF0 where state.playStartedNanos == 0:
            if let c = try? CommandMessage.parse(m), c.name == "onStatus", c.arguments.first?["code"]?.stringValue == "NetStream.Play.Start" {
                state.playStartedNanos = monotonicNanos()
            }
            context.fireChannelRead(data)
        case RTMPMessageType.windowAcknowledgementSize:
            if case .windowAcknowledgementSize(let size)? = try? ControlMessage.parse(m) {
                state.windowAckSize = Int(size)
            }
            context.fireChannelRead(data)
        default:
            context.fireChannelRead(data)
        }
    }
}

/// Latencies in microseconds, in HdrHistogram: 2 significant digits (1 %)
/// up to 10 s (later is clamped), about 10 KB a player however long the run
/// (3 digits would be 60 KB, 60 MB of client memory at 1000 players).
enum LatencyHistogram {
    static let highestMicros: UInt64 = 10_000_000

    static func make() -> Histogram<UInt32> {
        Histogram<UInt32>(highestTrackableValue: highestMicros, numberOfSignificantValueDigits: .two)
    }
}

extension Histogram {
    /// Percentile in milliseconds (nil when empty); `q` in 0...1.
    func percentileMs(_ q: Double) -> Double? {
        totalCount > 0 ? Double(valueAtPercentile(q * 100)) / 1000 : nil
    }

    var meanMs: Double? { totalCount > 0 ? mean / 1000 : nil }
    var maxMs: Double? { totalCount > 0 ? Double(max) / 1000 : nil }
}
