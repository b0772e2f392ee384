import Foundation
import Media

/// An immutable picture of the whole server at one moment. Anyone may take
/// one at any time (`RTMPServer.snapshot()`); the dashboard renders only this.
public struct ServerSnapshot: Sendable {
    public var takenAt: Date
    public var startedAt: Date
    public var listenAddress: String
    /// The RTMPS listener's address, when there is one.
    public var rtmpsAddress: String?
    /// Where the HTTP API answers, when `--http` is on.
    public var httpAddress: String?
    public var streams: [StreamSnapshot]
    /// Every connection, including those not (yet) publishing or playing.
    public var connections: [ConnectionSnapshot]
    public var recentEvents: [ServerEvent]
    public var totalBytesIn: UInt64
    public var totalBytesOut: UInt64
    /// Sum of every connection's bits per second over the last second.
    public var totalInBps: Double
    public var totalOutBps: Double
    public var recordDirectory: String
    public var version: String
    /// Counters over the process's life (closed connections included).
    public var lifetime: LifetimeCounters

    public var uptime: TimeInterval { takenAt.timeIntervalSince(startedAt) }

    public init(takenAt: Date, startedAt: Date, listenAddress: String, streams: [StreamSnapshot], connections: [ConnectionSnapshot],
                recentEvents: [ServerEvent], totalBytesIn: UInt64, totalBytesOut: UInt64, totalInBps: Double, totalOutBps: Double,
                recordDirectory: String, version: String, httpAddress: String? = nil, lifetime: LifetimeCounters = LifetimeCounters()) {
        self.takenAt = takenAt
        self.lifetime = lifetime
        self.httpAddress = httpAddress
        self.startedAt = startedAt
        self.listenAddress = listenAddress
        self.streams = streams
        self.connections = connections
        self.recentEvents = recentEvents
        self.totalBytesIn = totalBytesIn
        self.totalBytesOut = totalBytesOut
        self.totalInBps = totalInBps
        self.totalOutBps = totalOutBps
        self.recordDirectory = recordDirectory
        self.version = version
    }
}

public struct StreamSnapshot: Sendable, Encodable {
    public var key: String
    public var app: String
    public var name: String
    public var publisher: ConnectionSnapshot?
    public var publishedAt: Date?
    public var players: [ConnectionSnapshot]
    public var video: VideoSnapshot?
    public var audio: AudioSnapshot?
    public var frameRate: Double?
    public var bytesIn: UInt64
    /// Of `bytesIn`, the audio and video payloads.
    public var videoBytesIn: UInt64
    public var audioBytesIn: UInt64
    /// Bytes sent to the stream's players, those gone included.
    public var bytesOutTotal: UInt64
    /// The live health checks of this publish (nil without a publisher).
    public var health: HealthSnapshot?
    public var videoFrames: UInt64
    public var audioFrames: UInt64
    public var keyframes: UInt64
    public var droppedVideo: UInt64
    public var droppedAudio: UInt64
    public var bitrateBps: Double
    public var videoBitrateBps: Double
    public var audioBitrateBps: Double
    /// Total bits per second, one sample a second, oldest first (up to 60).
    public var bitrateHistory: [Double]
    /// Of that, video and audio, the same way.
    public var videoBitrateHistory: [Double] = []
    public var audioBitrateHistory: [Double] = []
    public var gopCachedFrames: Int
    public var gopCachedBytes: Int
    public var metadata: [MetadataEntry]
    /// The running recording, or how the last one ended; nil if never recorded.
    public var recording: RecordingSnapshot?
    /// This stream's `--push` upstreams.
    public var pushes: [PushSnapshot] = []
    /// Where this stream is pulled from (edge mode), while a pull runs.
    public var pull: PullSnapshot?
    /// Every track of a multitrack publish (empty for one video and one audio track).
    public var tracks: [TrackSnapshot] = []

    public var isLive: Bool { publisher != nil }
    public var isRecording: Bool { recording?.isRecording == true }

    public init(key: String, app: String, name: String, publisher: ConnectionSnapshot?, publishedAt: Date?, players: [ConnectionSnapshot],
                video: VideoSnapshot?, audio: AudioSnapshot?, frameRate: Double?, bytesIn: UInt64, videoFrames: UInt64, audioFrames: UInt64,
                keyframes: UInt64, droppedVideo: UInt64, droppedAudio: UInt64, bitrateBps: Double, videoBitrateBps: Double, audioBitrateBps: Double,
                bitrateHistory: [Double], gopCachedFrames: Int, gopCachedBytes: Int, metadata: [MetadataEntry], recording: RecordingSnapshot?,
                videoBytesIn: UInt64 = 0, audioBytesIn: UInt64 = 0, health: HealthSnapshot? = nil, bytesOutTotal: UInt64 = 0) {
        self.health = health
        self.bytesOutTotal = bytesOutTotal
        self.videoBytesIn = videoBytesIn
        self.audioBytesIn = audioBytesIn
        self.key = key
        self.app = app
        self.name = name
        self.publisher = publisher
        self.publishedAt = publishedAt
        self.players = players
        self.video = video
        self.audio = audio
        self.frameRate = frameRate
        self.bytesIn = bytesIn
        self.videoFrames = videoFrames
        self.audioFrames = audioFrames
        self.keyframes = keyframes
        self.droppedVideo = droppedVideo
        self.droppedAudio = droppedAudio
        self.bitrateBps = bitrateBps
        self.videoBitrateBps = videoBitrateBps
        self.audioBitrateBps = audioBitrateBps
        self.bitrateHistory = bitrateHistory
        self.gopCachedFrames = gopCachedFrames
        self.gopCachedBytes = gopCachedBytes
        self.metadata = metadata
        self.recording = recording
    }
}

public struct MetadataEntry: Sendable, Equatable, Encodable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

public struct VideoSnapshot: Sendable, Equatable, Encodable {
    public var codec: String
    public var profile: String?
    public var level: String?
    public var width: Int?
    public var height: Int?

    public init(codec: String, profile: String?, level: String?, width: Int?, height: Int?) {
        self.codec = codec
        self.profile = profile
        self.level = level
        self.width = width
        self.height = height
    }

    init(_ c: VideoConfig) {
        self.init(codec: c.codec.displayName, profile: c.profile, level: c.level, width: c.width, height: c.height)
    }
}

public struct AudioSnapshot: Sendable, Equatable, Encodable {
    public var codec: String
    public var profile: String?
    public var sampleRate: Int?
    public var channels: Int?

    public init(codec: String, profile: String?, sampleRate: Int?, channels: Int?) {
        self.codec = codec
        self.profile = profile
        self.sampleRate = sampleRate
        self.channels = channels
    }

    init(_ c: AudioConfig) {
        codec = c.codec.displayName
        profile = c.profile
        sampleRate = c.sampleRate
        channels = c.channels
    }
}

public struct ConnectionSnapshot: Sendable, Encodable {
    public var id: UInt64
    public var remote: String
    public var role: String
    public var app: String?
    public var streamKey: String?
    public var clientName: String?
    /// The tcUrl from connect, `token=` values masked.
    public var tcUrl: String?
    public var connectedAt: Date
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    public var messagesIn: UInt64
    public var messagesOut: UInt64
    public var droppedVideo: UInt64
    public var droppedAudio: UInt64
    public var queuedBytes: Int
    public var queuedMessages: Int
    public var inBps: Double
    public var outBps: Double
    /// Its connect announced capsEx Reconnect (Enhanced RTMP v2), whatever
    /// its role: only a publisher with it is sent a Reconnect Request, so
    /// the dashboard and the API can say beforehand that one would not be.
    public var handlesReconnectRequest: Bool

    public init(id: UInt64, remote: String, role: String, app: String?, streamKey: String?, clientName: String?, connectedAt: Date,
                bytesIn: UInt64, bytesOut: UInt64, messagesIn: UInt64, messagesOut: UInt64, droppedVideo: UInt64, droppedAudio: UInt64,
                queuedBytes: Int, queuedMessages: Int, inBps: Double, outBps: Double, tcUrl: String? = nil,
                handlesReconnectRequest: Bool = false) {
        self.tcUrl = tcUrl
        self.handlesReconnectRequest = handlesReconnectRequest
        self.id = id
        self.remote = remote
        self.role = role
        self.app = app
        self.streamKey = streamKey
        self.clientName = clientName
        self.connectedAt = connectedAt
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.messagesIn = messagesIn
        self.messagesOut = messagesOut
        self.droppedVideo = droppedVideo
        self.droppedAudio = droppedAudio
        self.queuedBytes = queuedBytes
        self.queuedMessages = queuedMessages
        self.inBps = inBps
        self.outBps = outBps
    }

    init(_ c: ConnectionInfo) {
        let d = c.details.withLockedValue { $0 }
        let r = c.rates.withLockedValue { $0 }
        id = c.id
        remote = c.remote
        role = d.role.rawValue
        app = d.app
        streamKey = d.streamKey?.description
        clientName = d.flashVer
        tcUrl = d.tcUrl
        handlesReconnectRequest = d.handlesReconnectRequest
        connectedAt = c.connectedAt
        bytesIn = c.bytesIn.load(ordering: .relaxed)
        bytesOut = c.bytesOut.load(ordering: .relaxed)
        messagesIn = c.messagesIn.load(ordering: .relaxed)
        messagesOut = c.messagesOut.load(ordering: .relaxed)
        droppedVideo = c.droppedVideo.load(ordering: .relaxed)
        droppedAudio = c.droppedAudio.load(ordering: .relaxed)
        queuedBytes = c.queuedBytes.load(ordering: .relaxed)
        queuedMessages = c.queuedMessages.load(ordering: .relaxed)
        inBps = r.inBps
        outBps = r.outBps
    }
}

/// One line of the recent-events ring ("publish live/test", "player 7 left", …).
public struct ServerEvent: Sendable, Equatable, Encodable {
    /// What happened, for scripts that wait for one kind (the HTTP API's events).
    public enum Kind: String, Sendable, Encodable {
        case listening, connect, close, kick, publish, unpublish, evict, play, stop
        case recordingStart = "recording_start"
        case recordingStop = "recording_stop"
        case info
    }

    /// Increases by one per event over the server's life (the ring forgets, ids do not repeat).
    public var id: UInt64
    public var kind: Kind
    public var time: Date
    public var message: String
    public var connectionID: UInt64?
    public var streamKey: String?

    public init(id: UInt64 = 0, kind: Kind = .info, time: Date, message: String, connectionID: UInt64? = nil, streamKey: String? = nil) {
        self.id = id
        self.kind = kind
        self.time = time
        self.message = message
        self.connectionID = connectionID
        self.streamKey = streamKey
    }
}

/// A stream's health at one moment: current findings with their ages, and
/// the figures behind them.
public struct HealthSnapshot: Sendable, Equatable, Encodable {
    public struct Finding: Sendable, Equatable, Encodable {
        public var code: String
        public var detail: String
        public var informational: Bool
        /// Since it was first seen, and since it was last true.
        public var ageSeconds: Double
        public var lastTrueSecondsAgo: Double

        public init(code: String, detail: String, informational: Bool, ageSeconds: Double, lastTrueSecondsAgo: Double) {
            self.code = code
            self.detail = detail
            self.informational = informational
            self.ageSeconds = ageSeconds
            self.lastTrueSecondsAgo = lastTrueSecondsAgo
        }
    }

    public var findings: [Finding]
    /// Findings that are faults (what the dashboard's ⚠ counts).
    public var faults: Int
    public var figures: HealthFigures
    /// The profile the stream is judged by (`generic`, `twitch`, `youtube`).
    public var profile: String
    /// When the keyframes of the last minute arrived, seconds ago, oldest first.
    public var keyframeSecondsAgo: [Double]

    public init(findings: [Finding], faults: Int, figures: HealthFigures, profile: String = "generic", keyframeSecondsAgo: [Double] = []) {
        self.findings = findings
        self.faults = faults
        self.figures = figures
        self.profile = profile
        self.keyframeSecondsAgo = keyframeSecondsAgo
    }

    init(_ a: StreamHealthAnalyzer, now: UInt64) {
        func ago(_ t: UInt64) -> Double { now > t ? (Double(now - t) / 1e8).rounded() / 10 : 0 }
        findings = a.findings.map {
            Finding(code: $0.code.rawValue, detail: $0.detail, informational: $0.isInformational,
                    ageSeconds: ago($0.firstSeenNanos), lastTrueSecondsAgo: ago($0.lastTrueNanos))
        }
        faults = a.faultCount
        figures = a.figures
        profile = a.profile.rawValue
        keyframeSecondsAgo = a.recentKeyframeArrivals(since: now > 60_000_000_000 ? now - 60_000_000_000 : 0).map { ago($0) }
    }
}
