import Foundation
// HealthFigures is Media's (Relay's dependency); HealthSnapshot.Finding has no public initialiser.
import Media
import Relay

/// Made-up snapshots for the dashboard tests: fixed times, so every
/// duration and clock time in a rendered frame is known in advance.
enum SampleSnapshots {
    /// 2023-11-14 22:13:20 UTC: "now" for every sample.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func connection(_ id: UInt64, _ remote: String, role: String, key: String?, client: String?, connectedFor: TimeInterval,
                           bytesIn: UInt64 = 0, bytesOut: UInt64 = 0, drops: UInt64 = 0, queued: Int = 0, queuedMessages: Int = 0,
                           inBps: Double = 0, outBps: Double = 0) -> ConnectionSnapshot {
        ConnectionSnapshot(id: id, remote: remote, role: role, app: key.map { String($0.split(separator: "/").first ?? "") }, streamKey: key,
                           clientName: client, connectedAt: now.addingTimeInterval(-connectedFor), bytesIn: bytesIn, bytesOut: bytesOut,
                           messagesIn: 0, messagesOut: 0, droppedVideo: drops, droppedAudio: 0, queuedBytes: queued,
                           queuedMessages: queuedMessages, inBps: inBps, outBps: outBps)
    }

    static func stream(_ key: String, publisher: ConnectionSnapshot?, liveFor: TimeInterval? = nil, players: [ConnectionSnapshot] = [],
                       video: VideoSnapshot? = nil, audio: AudioSnapshot? = nil, frameRate: Double? = nil, bitrate: Double = 0,
                       drops: UInt64 = 0, history: [Double] = [], recording: RecordingSnapshot? = nil,
                       health: HealthSnapshot? = nil) -> StreamSnapshot {
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        let seconds: Double = liveFor ?? 0
        let bytesIn = counter(bitrate / 8 * seconds)
        let hasCache = publisher != nil
        let app: String = parts.first ?? ""
        let name: String = parts.count > 1 ? parts[1] : ""
        let publishedAt: Date? = liveFor.map { now.addingTimeInterval(-$0) }
        let videoFrames = counter(30 * seconds)
        let audioFrames = counter(47 * seconds)
        let keyframes = counter(seconds / 2)
        let videoBitrate: Double = bitrate * 0.95
        let audioBitrate: Double = bitrate * 0.05
        let cachedFrames: Int = hasCache ? 60 : 0
        let cachedBytes: Int = hasCache ? 1_250_000 : 0
        var stream = StreamSnapshot(
            key: key, app: app, name: name, publisher: publisher, publishedAt: publishedAt, players: players,
            video: video, audio: audio, frameRate: frameRate, bytesIn: bytesIn, videoFrames: videoFrames, audioFrames: audioFrames,
            keyframes: keyframes, droppedVideo: drops, droppedAudio: 0, bitrateBps: bitrate,
            videoBitrateBps: videoBitrate, audioBitrateBps: audioBitrate, bitrateHistory: history,
            gopCachedFrames: cachedFrames, gopCachedBytes: cachedBytes, metadata: [], recording: recording, health: health)
        stream.videoBitrateHistory = history.map { $0 * 0.95 }
        // Audio is near constant: every other second a little more.
        stream.audioBitrateHistory = history.indices.map { audioBitrate * ($0 % 2 == 0 ? 1 : 1.04) }
        return stream
    }

    static func finding(_ code: String, _ detail: String, note: Bool = false, age: Double, lastTrue: Double = 0.4) -> HealthSnapshot.Finding {
        HealthSnapshot.Finding(code: code, detail: detail, informational: note, ageSeconds: age, lastTrueSecondsAgo: lastTrue)
    }

    /// Health of a publish: `findings`, faults counted from them, figures
    /// as ffmpeg's x264 at `fps` with a GOP of `gop` seconds gives them.
    static func health(_ findings: [HealthSnapshot.Finding] = [], gop: Double = 2, fps: Double = 30, liveFor: Double = 60,
                       profile: String = "generic") -> HealthSnapshot {
        var figures = HealthFigures()
        figures.keyframeIntervalLast = gop
        figures.keyframeIntervalMin = min(2, gop)
        figures.keyframeIntervalMax = gop
        figures.keyframeIntervalMean = gop
        figures.keyframeIntervalFrames = (gop * fps).isFinite ? Int(gop * fps) : nil
        figures.measuredFrameRate = fps
        figures.declaredFrameRate = fps
        figures.frameIntervalJitterMs = 0.4
        figures.avInterleaveMs = 23
        figures.pace = 1.0
        // Keyframes every `gop` seconds, the newest 0.3 s ago, within the last minute and the publish.
        let keyframes = stride(from: 0.3, to: min(60, liveFor), by: gop).reversed().map { $0 }
        return HealthSnapshot(findings: findings, faults: findings.filter { !$0.informational }.count, figures: figures, profile: profile,
                              keyframeSecondsAgo: keyframes)
    }

    /// A made-up counter; nonsense inputs (the hostile samples) give 0.
    static func counter(_ value: Double) -> UInt64 {
        value.isFinite && value > 0 ? UInt64(min(value, 1e18)) : 0
    }

    /// A bitrate history that wobbles around `mean` for `count` seconds.
    static func history(mean: Double, count: Int) -> [Double] {
        (0..<count).map { (i: Int) -> Double in
            let wobble = Double((i * 7) % 11) / 10
            return mean * (0.7 + 0.3 * wobble)
        }
    }

    static func snapshot(streams: [StreamSnapshot], extraConnections: [ConnectionSnapshot] = [], events: [ServerEvent] = [],
                         listen: String = "0.0.0.0:1935") -> ServerSnapshot {
        let publishers: [ConnectionSnapshot] = streams.compactMap(\.publisher)
        let players: [ConnectionSnapshot] = streams.flatMap(\.players)
        let connections = (publishers + players + extraConnections).sorted { $0.id < $1.id }
        let bytesIn: UInt64 = connections.reduce(0) { $0 &+ $1.bytesIn }
        let bytesOut: UInt64 = connections.reduce(0) { $0 &+ $1.bytesOut }
        let inBps: Double = connections.reduce(0) { $0 + $1.inBps }
        let outBps: Double = connections.reduce(0) { $0 + $1.outBps }
        return ServerSnapshot(
            takenAt: now, startedAt: now.addingTimeInterval(-3725), listenAddress: listen, streams: streams, connections: connections,
            recentEvents: events, totalBytesIn: bytesIn, totalBytesOut: bytesOut, totalInBps: inBps, totalOutBps: outBps,
            recordDirectory: "recordings", version: "0.2.0")
    }

    static func event(_ secondsAgo: TimeInterval, _ message: String) -> ServerEvent {
        ServerEvent(time: now.addingTimeInterval(-secondsAgo), message: message)
    }

    /// No streams yet: the getting-started screen.
    static let empty = snapshot(streams: [], events: [event(3725, "listening on 0.0.0.0:1935")])

    /// Three streams: live and recording, live with a slow player, waiting.
    static let busy: ServerSnapshot = {
        let concert = stream(
            "live/concert",
            publisher: connection(3, "192.168.1.20:50432", role: "publisher", key: "live/concert", client: "FMLE/3.0 (compatible; FMSc/1.0)",
                                  connectedFor: 3130, bytesIn: 2_390_000_000, inBps: 6_100_000),
            liveFor: 3125,
            players: [
                connection(7, "192.168.1.31:61001", role: "player", key: "live/concert", client: "LNX 9,0,124,2", connectedFor: 2400,
                           bytesOut: 1_830_000_000, queued: 48_000, queuedMessages: 12, outBps: 6_100_000),
                connection(9, "[2001:db8::42]:53211", role: "player", key: "live/concert", client: "Lavf61.7.100", connectedFor: 65,
                           bytesOut: 49_600_000, outBps: 6_050_000),
            ],
            video: VideoSnapshot(codec: "H.264", profile: "High", level: "4.1", width: 1920, height: 1080),
            audio: AudioSnapshot(codec: "AAC", profile: "LC", sampleRate: 48000, channels: 2),
            frameRate: 30, bitrate: 6_100_000, history: history(mean: 6_100_000, count: 60),
            recording: RecordingSnapshot(isRecording: true, path: "recordings/live_concert-20231114-211112.flv", segment: 1,
                                         bytesWritten: 12_582_912, durationMilliseconds: 16_500, droppedFrames: 0, lastError: nil),
            health: health(liveFor: 3125))
        let test = stream(
            "live/test",
            publisher: connection(5, "127.0.0.1:51000", role: "publisher", key: "live/test", client: "Lavf61.7.100", connectedFor: 186,
                                  bytesIn: 57_800_000, inBps: 2_500_000),
            liveFor: 185,
            players: [
                connection(8, "127.0.0.1:5555", role: "player", key: "live/test", client: "Lavf61.7.100", connectedFor: 120,
                           bytesOut: 36_100_000, drops: 12, queued: 262_144, queuedMessages: 80, outBps: 2_400_000),
            ],
            video: VideoSnapshot(codec: "H.264", profile: "Main", level: "3.1", width: 1280, height: 720),
            audio: AudioSnapshot(codec: "AAC", profile: "LC", sampleRate: 44100, channels: 2),
            frameRate: 29.97, bitrate: 2_500_000, drops: 12, history: history(mean: 2_500_000, count: 20),
            health: health([
                finding("keyframe_interval", "keyframe every 12.0 s (at most 10.0 s)", age: 125),
                finding("b_frames", "B-frames: frames arrive out of presentation order (composition offsets)", note: true, age: 184),
                finding("av_interleave", "audio is 1.2 s ahead of video as they arrive", age: 40, lastTrue: 12),
            ], gop: 12, fps: 29.97, liveFor: 185))
        let later = stream(
            "show/later",
            publisher: nil,
            players: [connection(11, "10.0.0.7:40112", role: "player", key: "show/later", client: "LNX 9,0,124,2", connectedFor: 42)])
        return snapshot(
            streams: [test, concert, later],
            extraConnections: [connection(12, "10.0.0.9:40999", role: "handshaking", key: nil, client: nil, connectedFor: 1)],
            events: [
                event(3725, "listening on 0.0.0.0:1935"),
                event(3130, "connect 192.168.1.20:50432 app=live"),
                event(3125, "publish live/concert from 192.168.1.20:50432"),
                event(2400, "play live/concert by 192.168.1.31:61001"),
                event(186, "connect 127.0.0.1:51000 app=live"),
                event(185, "publish live/test from 127.0.0.1:51000"),
                event(120, "play live/test by 127.0.0.1:5555"),
                event(65, "play live/concert by [2001:db8::42]:53211"),
                event(42, "play show/later by 10.0.0.7:40112"),
                event(17, "recording live/concert"),
                event(3, "player 8 dropped 12 frames"),
            ])
    }()
}
