import Foundation
import Relay

/// The JSON documents of `/api/v1`, built from a `ServerSnapshot`. The
/// snapshot's own types are the schema (they are `Encodable`); these add
/// what is computed from them (state, totals, uptime).
enum APIDocuments {
    struct Server: Encodable {
        struct Listen: Encodable {
            let rtmp: String
            /// The RTMPS listener (`--rtmps-listen`), when there is one.
            let rtmps: String?
            let http: String?
        }
        struct Totals: Encodable {
            let connections: Int
            let streams: Int
            let liveStreams: Int
            let players: Int
            let bytesIn: UInt64
            let bytesOut: UInt64
            let inBps: Double
            let outBps: Double
            let droppedVideo: UInt64
            let droppedAudio: UInt64
        }
        let version: String
        let listen: Listen
        let startedAt: Date
        let uptimeSeconds: Double
        let recordDirectory: String
        let totals: Totals
        /// Over the process's life: connections accepted, bytes, errors by reason.
        let lifetime: LifetimeCounters

        init(_ s: ServerSnapshot) {
            lifetime = s.lifetime
            version = s.version
            listen = Listen(rtmp: s.listenAddress, rtmps: s.rtmpsAddress, http: s.httpAddress)
            startedAt = s.startedAt
            uptimeSeconds = (s.uptime * 1000).rounded() / 1000
            recordDirectory = s.recordDirectory
            totals = Totals(connections: s.connections.count, streams: s.streams.count, liveStreams: s.streams.filter(\.isLive).count,
                            players: s.streams.reduce(0) { $0 + $1.players.count },
                            bytesIn: s.totalBytesIn, bytesOut: s.totalBytesOut, inBps: s.totalInBps, outBps: s.totalOutBps,
                            droppedVideo: s.streams.reduce(0) { $0 &+ $1.droppedVideo },
                            droppedAudio: s.streams.reduce(0) { $0 &+ $1.droppedAudio })
        }
    }

    /// A stream: every field of `StreamSnapshot`, and its state.
    struct Stream: Encodable {
        let snapshot: StreamSnapshot

        private enum Extra: String, CodingKey { case state, recording_state }

        func encode(to encoder: Encoder) throws {
            try snapshot.encode(to: encoder)
            var c = encoder.container(keyedBy: Extra.self)
            try c.encode(snapshot.isLive ? "live" : "waiting", forKey: .state)
            let recording = snapshot.recording.map { $0.isRecording ? "recording" : ($0.lastError != nil ? "failed" : "finished") } ?? "off"
            try c.encode(recording, forKey: .recording_state)
        }
    }

    struct Streams: Encodable {
        let streams: [Stream]
    }

    struct Connections: Encodable {
        let connections: [ConnectionSnapshot]
    }

    struct Events: Encodable {
        let events: [ServerEvent]
        /// The id to pass as `since` next time.
        let lastId: UInt64
    }

    struct Kicked: Encodable {
        let kicked: UInt64
    }

    /// The answer to `POST /api/v1/connections/{id}/reconnect`: the request
    /// went out; the publisher moves (or not) in its own time.
    struct ReconnectRequested: Encodable {
        let reconnectRequested: UInt64
    }

    /// A push (`--push`): every field of `PushSnapshot`, and the stream it
    /// relays, so one list can hold every stream's pushes.
    struct Push: Encodable {
        let streamKey: String
        let snapshot: PushSnapshot

        private enum Extra: String, CodingKey { case stream_key }

        func encode(to encoder: Encoder) throws {
            try snapshot.encode(to: encoder)
            var c = encoder.container(keyedBy: Extra.self)
            try c.encode(streamKey, forKey: .stream_key)
        }

        /// Every push of every stream in the snapshot, by id (ids are server-wide).
        static func all(in s: ServerSnapshot) -> [Push] {
            s.streams.flatMap { st in st.pushes.map { Push(streamKey: st.key, snapshot: $0) } }.sorted { $0.snapshot.id < $1.snapshot.id }
        }
    }

    struct Pushes: Encodable {
        let pushes: [Push]
    }

    /// The answers to `POST /api/v1/pushes/{id}/stop|restart`: the change is
    /// asked of the push's event loop, so its new state shows in the next read.
    struct PushStopped: Encodable {
        let stopped: UInt64
    }

    struct PushRestarted: Encodable {
        let restarted: UInt64
    }

    struct Recording: Encodable {
        let streamKey: String
        let recording: RecordingSnapshot?
    }
}
