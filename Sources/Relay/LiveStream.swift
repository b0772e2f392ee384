import Atomics
import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import RTMP

/// One live stream in the registry: its publisher, what a late joiner
/// needs (metadata, sequence headers, GOP cache) and its sinks.
///
/// State is guarded by one lock. Frames are ingested on the publisher's
/// event loop and posted, still under the lock so order is kept across a
/// publisher change, to one mailbox per event loop holding sinks.
public final class LiveStream: @unchecked Sendable {
    public struct Options: Sendable {
        public var gopCache = true
        public var gopLimits = GOPCache.Limits()
        /// A publisher silent this long is evicted by a new one on the same key.
        public var stalePublisherNanoseconds: UInt64 = 5_000_000_000
        /// The server's outbound chunk size: frames are chunked for it once.
        public var chunkSize = 4096
        /// What the health checks judge the stream by (`--health-profile`); nil: no checks.
        public var healthProfile: HealthProfile? = .generic
        public init() {}
    }

    public enum ClaimResult {
        case granted
        /// The key already has a live publisher.
        case busy
        /// The old publisher was gone or silent; the caller closes it.
        case evicted(ConnectionInfo)
    }

    public let key: StreamKey
    let options: Options
    let createdAt = Date()
    private let lock = NIOLock()
    private let mailboxes: MailboxDirectory
    private let logger: Logger

    // Guarded by `lock`.
    private var publisher: ConnectionInfo?
    private var publishedAt: Date?
    private var metadata: MediaFrame?
    private var metadataValues: [AMF0Property] = []
    private var sequenceHeaders = SequenceHeaderSet()
    private var gop: GOPCache
    private var sinkGroups: [ObjectIdentifier: (mailbox: LoopMailbox, sinks: [any StreamSink])] = [:]
    private var sinkCount = 0
    /// Sinks that are network players (the rest: recorders, forwarders).
    private var playerSinks = 0
    /// Bytes sent to players that have left: with the current players'
    /// bytes, a sent-bytes total that never goes down while the stream lives.
    private var departedPlayersBytesOut: UInt64 = 0
    /// Publisher timestamp + offset = stream timeline timestamp.
    private var timestampOffset: UInt32 = 0
    private var needsRebase = true
    private var lastTimestamp: UInt32?
    private var wireEncoder: SharedWireEncoder
    private(set) var stats: StreamStats
    /// `stats.probeWants`, readable by the publisher's loop before the lock.
    private let probeWants = ManagedAtomic<UInt8>(IngestProbe.Wants.all.rawValue)

    init(key: StreamKey, options: Options, mailboxes: MailboxDirectory, logger: Logger) {
        self.key = key
        self.options = options
        self.mailboxes = mailboxes
        var logger = logger
        logger[metadataKey: "stream_key"] = "\(key)"
        logger[metadataKey: "app"] = "\(key.app)"
        self.logger = logger
        self.gop = GOPCache(limits: options.gopLimits)
        self.stats = StreamStats(healthProfile: options.healthProfile)
        self.wireEncoder = SharedWireEncoder(chunkSize: options.chunkSize)
    }

    // MARK: publisher side

    func claimPublisher(_ connection: ConnectionInfo) -> ClaimResult {
        var summary: Logger.Metadata?
        defer { if let summary { logger.info("publish summary", metadata: summary) } }
        return lock.withLock {
            var evicted: ConnectionInfo?
            if let current = publisher, current.id != connection.id {
                // A local publisher takes a key over from our own pull (edge
                // mode: the origin's copy is only a stand-in); otherwise a
                // live publisher keeps it until it goes silent.
                let pullGivesWay = current.role == .pull && connection.role != .pull
                if current.isAlive && current.silentNanoseconds < options.stalePublisherNanoseconds && !pullGivesWay {
                    return .busy
                }
                evicted = current
                summary = endPublishingLocked()
            }
            publisher = connection
            publishedAt = Date()
            needsRebase = true
            stats.resetForPublisher()
            probeWants.store(stats.probeWants.rawValue, ordering: .relaxed)
            post(.publisherStarted)
            if let evicted { return .evicted(evicted) }
            return .granted
        }
    }

    /// The publisher left (unpublish, deleteStream, disconnect or eviction).
    func releasePublisher(_ connection: ConnectionInfo) {
        let summary = lock.withLock { () -> Logger.Metadata? in
            guard publisher?.id == connection.id else { return nil }
            return endPublishingLocked()
        }
        if let summary { logger.info("publish summary", metadata: summary) }
    }

    /// Returns the publish summary, for the caller to log after the lock.
    @discardableResult
    private func endPublishingLocked() -> Logger.Metadata? {
        let summary = publishedAt.map { publishSummaryLocked(since: $0) }
        publisher = nil
        publishedAt = nil
        metadata = nil
        metadataValues = []
        sequenceHeaders.removeAll()
        gop.clear()
        // The next publisher may send other codecs; don't show stale ones.
        stats.resetForPublisher()
        probeWants.store(stats.probeWants.rawValue, ordering: .relaxed)
        post(.publisherStopped)
        return summary
    }

    /// Takes one message from the publisher `connection`. Ignored if that
    /// connection is no longer the publisher (an evicted one still draining).
    /// Returns the mailboxes whose backlog is past their high-water mark
    /// (usually none): the publisher pauses reading until they drain.
    @discardableResult
    func ingest(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer, from connection: ConnectionInfo) -> [LoopMailbox] {
        var logLines: [(String, Logger.Metadata)] = []
        var overloaded: [LoopMailbox] = []
        let isMedia = typeID == RTMPMessageType.audio || typeID == RTMPMessageType.video
        // Codec probes and the AMF decoding of data messages happen before
        // the lock, which every loop that joins, leaves or snapshots the
        // stream takes. Under it: the timeline, the shared wire form (it
        // depends on the previous frame) and the fan-out.
        var probe: IngestProbe?
        var data: MediaFrame?
        let arrival = DispatchTime.now().uptimeNanoseconds
        var healthChanges: [StreamHealthAnalyzer.Change] = []
        if isMedia {
            probe = IngestProbe(typeID: typeID, payload: payload, wants: IngestProbe.Wants(rawValue: probeWants.load(ordering: .relaxed)))
        } else {
            data = Self.dataFrame(typeID: typeID, timestamp: timestamp, payload: payload)
            if data == nil { return [] }
        }
        lock.withLock {
            guard publisher?.id == connection.id else { return }
            if needsRebase {
                // Continue the timeline after a publisher change so players'
                // timestamps keep increasing; the first publisher is untouched.
                timestampOffset = lastTimestamp.map { $0 &+ 1 &- timestamp } ?? 0
                needsRebase = false
            }
            let ts = timestamp &+ timestampOffset
            lastTimestamp = ts
            let frame: MediaFrame
            if var probe {
                stats.settleTrack(&probe, messageBytes: payload.readableBytes)
                frame = MediaFrame.media(typeID: typeID, timestamp: ts, payload: payload, probe: probe,
                                         wire: wireEncoder.wire(typeID: typeID, timestamp: ts, payload: payload))
                if let line = stats.observe(frame, probe: probe, publisherTimestamp: timestamp, arrival: arrival) { logLines.append(line) }
                probeWants.store(stats.probeWants.rawValue, ordering: .relaxed)
                sequenceHeaders.note(frame)
            } else if let data {
                frame = data.retimed(ts)
                if let props = frame.metadata {
                    metadata = frame
                    metadataValues = props
                    stats.noteMetadata(props)
                }
            } else {
                return
            }
            stats.bytesIn &+= UInt64(payload.readableBytes)
            if options.gopCache { gop.add(frame) }
            overloaded = post(.frame(frame))
            // The server is about to pause reading this publisher: not its fault.
            if !overloaded.isEmpty { stats.noteReadingPaused() }
            healthChanges = stats.takeHealthChanges()
        }
        for (msg, meta) in logLines { logger.info("\(msg)", metadata: meta) }
        logHealth(healthChanges)
        return overloaded
    }

    /// `@setDataFrame onMetaData {…}` is stored and relayed as `onMetaData
    /// {…}` (at timestamp 0 on the wire, see `MediaFrame.wireTimestamp`);
    /// other data messages are relayed as they came, at their timestamps.
    private static func dataFrame(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer) -> MediaFrame? {
        guard typeID == RTMPMessageType.dataAMF0 || typeID == RTMPMessageType.dataAMF3 else { return nil }
        let values = (try? CommandMessage.parseData(RTMPMessage(chunkStreamID: 0, typeID: typeID, messageStreamID: 0, timestamp: 0, payload: payload))) ?? []
        guard let args = OnMetaData.arguments(in: values), let meta = OnMetaData(values) else {
            return MediaFrame(kind: .data, typeID: typeID, timestamp: timestamp, payload: payload)
        }
        var out = ByteBuffer()
        AMF0Encoder.encode(Array(args), into: &out)
        return MediaFrame(kind: .data, typeID: RTMPMessageType.dataAMF0, timestamp: timestamp, payload: out, metadata: meta.properties)
    }

    // MARK: sinks

    /// How much cached media a new sink starts with.
    enum BurstStart {
        /// Every cached GOP: a player, whose decoder wants frames to probe.
        case oldestCachedKeyframe
        /// The frames since the newest keyframe: a recording.
        case newestKeyframe
    }

    /// Adds a sink and returns what it must get first (metadata, sequence
    /// headers, the cached GOPs) if a publisher is live. The caller delivers
    /// that burst on the sink's loop before anything the mailbox brings.
    func subscribe(_ sink: any StreamSink, from start: BurstStart = .oldestCachedKeyframe) -> (burst: [MediaFrame], live: Bool) {
        lock.withLock { subscribeLocked(sink, from: start) }
    }

    private func subscribeLocked(_ sink: any StreamSink, from start: BurstStart) -> (burst: [MediaFrame], live: Bool) {
        let id = ObjectIdentifier(sink.eventLoop)
        var group = sinkGroups[id] ?? (mailboxes.mailbox(for: sink.eventLoop), [])
        group.sinks.append(sink)
        sinkGroups[id] = group
        sinkCount &+= 1
        if sink is PlayerSink { playerSinks &+= 1 }
        return (joinBurstLocked(from: start), publisher != nil)
    }

    /// Adds a sink only while a publisher is live (a recorder, a forwarder):
    /// false if there is none. `start` gets the join burst under the
    /// stream's lock, so nothing posted to the sink later overtakes it.
    func subscribeIfLive(_ sink: any StreamSink, from start: BurstStart, _ begin: ([MediaFrame]) -> Void) -> Bool {
        lock.withLock {
            guard publisher != nil else { return false }
            begin(subscribeLocked(sink, from: start).burst)
            return true
        }
    }

    /// Metadata, sequence headers and the cached GOPs (for a late joiner or
    /// a player resuming from pause).
    func joinBurst(from start: BurstStart = .oldestCachedKeyframe) -> [MediaFrame] {
        lock.withLock { joinBurstLocked(from: start) }
    }

    private func joinBurstLocked(from start: BurstStart) -> [MediaFrame] {
        guard publisher != nil else { return [] }
        var burst: [MediaFrame] = []
        if let m = metadata { burst.append(m) }
        burst.append(contentsOf: sequenceHeaders.frames)
        if options.gopCache {
            burst.append(contentsOf: start == .oldestCachedKeyframe ? gop.burst : gop.newestGOP)
        }
        return burst
    }

    func unsubscribe(_ sink: any StreamSink) {
        lock.withLock { unsubscribeLocked(sink) }
    }

    private func unsubscribeLocked(_ sink: any StreamSink) {
        let id = ObjectIdentifier(sink.eventLoop)
        guard var group = sinkGroups[id] else { return }
        let before = group.sinks.count
        group.sinks.removeAll { $0 === sink }
        let removed = before &- group.sinks.count
        sinkCount &-= removed
        if let player = sink as? PlayerSink, removed > 0 {
            playerSinks &-= removed
            departedPlayersBytesOut &+= player.bytesSent
        }
        sinkGroups[id] = group.sinks.isEmpty ? nil : group
    }

    @discardableResult
    private func post(_ item: StreamItem) -> [LoopMailbox] {
        var overloaded: [LoopMailbox] = []
        for group in sinkGroups.values where group.mailbox.post(item, to: group.sinks) {
            overloaded.append(group.mailbox)
        }
        return overloaded
    }

    // MARK: queries

    var playerCount: Int { lock.withLock { playerSinks } }

    var hasPublisher: Bool { lock.withLock { publisher != nil } }

    func isPublished(by connection: ConnectionInfo) -> Bool { lock.withLock { publisher?.id == connection.id } }

    var isIdle: Bool { lock.withLock { publisher == nil && sinkCount == 0 } }

    func noteDrops(video: Int, audio: Int) {
        lock.withLock {
            stats.droppedVideo &+= UInt64(video)
            stats.droppedAudio &+= UInt64(audio)
        }
    }

    /// Once a second: bitrates, and the health checks about time passing.
    func sampleRates(interval: Double) {
        let changes = lock.withLock { () -> [StreamHealthAnalyzer.Change] in
            stats.sample(interval: interval)
            guard publisher != nil else { return [] }
            return stats.tickHealth(now: DispatchTime.now().uptimeNanoseconds)
        }
        logHealth(changes)
    }

    // MARK: health

    /// One warn line when a finding appears, one info line when it clears
    /// (informational ones at info both ways).
    private func logHealth(_ changes: [StreamHealthAnalyzer.Change]) {
        for change in changes {
            switch change {
            case .appeared(let f):
                let meta: Logger.Metadata = ["finding": "\(f.code.rawValue)", "detail": "\(f.detail)"]
                if f.isInformational { logger.info("stream note", metadata: meta) } else { logger.warning("stream health", metadata: meta) }
            case .cleared(let code):
                logger.info("stream health ok", metadata: ["finding": "\(code.rawValue)"])
            }
        }
    }

    /// When the publisher leaves: what the publish was, in one line.
    private func publishSummaryLocked(since: Date) -> Logger.Metadata {
        let health = stats.health
        let f = health.figures
        var meta: Logger.Metadata = [
            "duration_s": "\(Int(Date().timeIntervalSince(since)))",
            "video_frames": "\(health.videoFrames)", "audio_frames": "\(health.audioFrames)", "keyframes": "\(health.keyframes)",
            "findings": "\(health.seen.map(\.code.rawValue).sorted().joined(separator: ","))",
            "health_profile": "\(health.profile.rawValue)",
        ]
        if let v = f.keyframeIntervalMean { meta["keyframe_interval_mean_s"] = "\((v * 100).rounded() / 100)" }
        if let v = f.keyframeIntervalMin { meta["keyframe_interval_min_s"] = "\(v)" }
        if let v = f.keyframeIntervalMax { meta["keyframe_interval_max_s"] = "\(v)" }
        if let v = f.measuredFrameRate { meta["fps"] = "\(v)" }
        // Means over the last 10 s of media (the last second could be a partial one).
        if let v = f.videoBitrate { meta["video_bitrate_bps"] = "\(v.meanBps)" }
        if let a = f.audioBitrate { meta["audio_bitrate_bps"] = "\(a.meanBps)" }
        return meta
    }



    func snapshot(players: [ConnectionSnapshot], recording: RecordingSnapshot?, pushes: [PushSnapshot] = [], pull: PullSnapshot? = nil) -> StreamSnapshot {
        lock.withLock {
            var snapshot = StreamSnapshot(
                key: key.description, app: key.app, name: key.name,
                publisher: publisher.map { ConnectionSnapshot($0) },
                publishedAt: publishedAt,
                players: players,
                video: stats.video, audio: stats.audio,
                frameRate: stats.frameRate,
                bytesIn: stats.bytesIn, videoFrames: stats.videoFrames, audioFrames: stats.audioFrames, keyframes: stats.keyframes,
                droppedVideo: stats.droppedVideo, droppedAudio: stats.droppedAudio,
                bitrateBps: stats.bitrateBps, videoBitrateBps: stats.videoBitrateBps, audioBitrateBps: stats.audioBitrateBps,
                bitrateHistory: Array(stats.history),
                gopCachedFrames: gop.frames.count, gopCachedBytes: gop.bytes,
                metadata: metadataValues.map { ($0.key, Self.describe($0.value)) }.map { MetadataEntry(key: $0.0, value: $0.1) },
                recording: recording,
                videoBytesIn: stats.videoBytes, audioBytesIn: stats.audioBytes,
                health: publisher == nil || stats.healthProfile == nil ? nil : HealthSnapshot(stats.health, now: DispatchTime.now().uptimeNanoseconds),
                bytesOutTotal: sinkGroups.values.reduce(departedPlayersBytesOut) { sum, group in
                    group.sinks.reduce(sum) { $0 &+ (($1 as? PlayerSink)?.bytesSent ?? 0) }
                }
            )
            snapshot.pushes = pushes
            snapshot.tracks = stats.tracks()
            snapshot.pull = pull
            snapshot.videoBitrateHistory = Array(stats.videoHistory)
            snapshot.audioBitrateHistory = Array(stats.audioHistory)
            return snapshot
        }
    }

    static func describe(_ v: AMF0Value) -> String {
        switch v {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .boolean(let b): return String(b)
        case .string(let s): return s
        case .null: return "null"
        default: return "…"
        }
    }
}
