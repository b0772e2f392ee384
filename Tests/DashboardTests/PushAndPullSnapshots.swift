import Foundation
import Relay

/// A relay with pushes and pulls, for the push and pull tests: fixed times
/// like `SampleSnapshots`. Sorted by key the streams are edge/cam (pulled,
/// playing), edge/lobby (pulled, the origin refuses) and live/show
/// (published locally, pushed to three upstreams).
enum PushAndPullSnapshots {
    typealias S = SampleSnapshots

    /// live/show's pushes, in a shuffled order (the table sorts them by id).
    /// Push 7 shares its id with player 7 on purpose: the two counters are
    /// separate, and the selection and the actions must not mix them up.
    static let pushes = [
        PushSnapshot(id: 7, url: "rtmp://cdn.example.org/live/***", state: "stopped", bytesOut: 5_000_000, reconnects: 1,
                     lastError: "stopped", since: S.now.addingTimeInterval(-30)),
        PushSnapshot(id: 1, url: "rtmp://a.rtmp.youtube.com/live2/***", state: "publishing", connectionID: 14, bytesOut: 125_829_120,
                     outBps: 4_500_000, queuedBytes: 32_768, droppedVideo: 3, reconnects: 0, since: S.now.addingTimeInterval(-600)),
        PushSnapshot(id: 2, url: "rtmp://backup.example.net:1936/ingest/***?token=***", state: "waiting", bytesOut: 1_048_576,
                     reconnects: 3, lastError: "connection refused", since: S.now.addingTimeInterval(-8),
                     retryAt: S.now.addingTimeInterval(8)),
    ]

    static let show: StreamSnapshot = {
        var stream = S.stream(
            "live/show",
            publisher: S.connection(3, "192.168.1.20:50432", role: "publisher", key: "live/show", client: "OBS 30.1", connectedFor: 900,
                                    bytesIn: 540_000_000, inBps: 4_500_000),
            liveFor: 895,
            players: [
                S.connection(9, "10.0.0.9:41000", role: "player", key: "live/show", client: "Lavf61.7.100", connectedFor: 60,
                             bytesOut: 33_000_000, outBps: 4_400_000),
                S.connection(7, "10.0.0.7:40112", role: "player", key: "live/show", client: "LNX 9,0,124,2", connectedFor: 300,
                             bytesOut: 165_000_000, outBps: 4_500_000),
            ],
            video: VideoSnapshot(codec: "H.264", profile: "High", level: "4.0", width: 1280, height: 720),
            audio: AudioSnapshot(codec: "AAC", profile: "LC", sampleRate: 48000, channels: 2),
            frameRate: 30, bitrate: 4_500_000, history: S.history(mean: 4_500_000, count: 60), health: S.health(liveFor: 895))
        stream.pushes = pushes
        return stream
    }()

    /// Pulled from its origin: the publisher is our own pull connection.
    static let cam: StreamSnapshot = {
        var stream = S.stream(
            "edge/cam",
            publisher: S.connection(20, "origin.example.com:1935", role: "pull", key: "edge/cam", client: nil, connectedFor: 120,
                                    bytesIn: 30_000_000, inBps: 2_000_000),
            liveFor: 119,
            players: [S.connection(21, "10.0.0.21:50000", role: "player", key: "edge/cam", client: "Lavf61.7.100", connectedFor: 119,
                                   bytesOut: 29_000_000, outBps: 2_000_000)],
            video: VideoSnapshot(codec: "H.264", profile: "Main", level: "3.1", width: 1280, height: 720),
            audio: AudioSnapshot(codec: "AAC", profile: "LC", sampleRate: 44100, channels: 2),
            frameRate: 25, bitrate: 2_000_000, history: S.history(mean: 2_000_000, count: 60), health: S.health(liveFor: 119))
        stream.pull = PullSnapshot(url: "rtmp://origin.example.com/edge/cam", state: "playing", connectionID: 20, reconnects: 1)
        return stream
    }()

    /// A player waits while the origin refuses the pull.
    static let lobby: StreamSnapshot = {
        var stream = S.stream(
            "edge/lobby", publisher: nil,
            players: [S.connection(22, "10.0.0.22:50001", role: "player", key: "edge/lobby", client: "Lavf61.7.100", connectedFor: 20)])
        stream.pull = PullSnapshot(url: "rtmp://origin.example.com/edge/lobby", state: "waiting", reconnects: 2,
                                   lastError: "connection refused")
        return stream
    }()

    static let relay = S.snapshot(
        streams: [show, cam, lobby],
        extraConnections: [S.connection(14, "a.rtmp.youtube.com:1935", role: "push", key: "live/show", client: nil, connectedFor: 600,
                                        bytesOut: 125_829_120, outBps: 4_500_000)],
        events: [S.event(8, "push rtmp://backup.example.net:1936/ingest/***?token=*** of live/show failed: connection refused; "
                            + "retry in 8 s")])
}
