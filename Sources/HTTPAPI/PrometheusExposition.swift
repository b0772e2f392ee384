import Foundation
import Prometheus
import Relay

/// `/metrics`: the snapshot as Prometheus text, through swift-prometheus.
/// A fresh collector registry per scrape, filled from one snapshot: tests
/// run many servers in one process (swift-metrics' global bootstrap could
/// serve only one), a gone stream's series go with it, and every series of
/// a scrape describes the same instant. Bytes, not bits; counters end in
/// `_total`. A push's series carry its id, not its URL: the masked URL
/// is in the JSON, and a label is no place to risk a stream key.
enum PrometheusExposition {
    static func text(_ s: ServerSnapshot) -> [UInt8] {
        let registry = PrometheusCollectorRegistry()

        func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ value: Double) {
            registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels).set(value)
        }
        func counter(_ name: String, _ help: String, _ labels: [(String, String)] = [], _ value: UInt64) {
            registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "total", helpText: help), labels: labels)
                .increment(by: Int64(clamping: value))
        }

        gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, in seconds.", [], s.startedAt.timeIntervalSince1970)
        for role in ["handshaking", "connected", "publisher", "player", "push", "pull"] {
            gauge("rtmp_connections", "Open RTMP connections, by role.", [("role", role)], Double(s.connections.filter { $0.role == role }.count))
        }
        gauge("rtmp_streams", "Streams with a publisher or waiting players.", [], Double(s.streams.count))
        counter("rtmp_connections_accepted", "RTMP connections accepted since start.", [], s.lifetime.connectionsAccepted)
        counter("rtmp_received_bytes", "Bytes read from every RTMP connection since start.", [], s.lifetime.bytesIn)
        counter("rtmp_sent_bytes", "Bytes written to every RTMP connection since start.", [], s.lifetime.bytesOut)
        for (reason, n) in s.lifetime.errorsByReason.sorted(by: { $0.key < $1.key }) {
            counter("rtmp_connection_errors", "Connections closed or refused for bad input, a timeout or a limit, by reason.", [("reason", reason)], n)
        }
        gauge("rtmp_buffered_partial_message_bytes", "Bytes of partial messages all RTMP connections hold now.", [], Double(s.lifetime.bufferedPartialBytes))
        counter("rtmp_reassembled_bytes", "Bytes of multi-chunk RTMP messages reassembled since start.", [], s.lifetime.reassembledBytes)
        counter("rtmp_reassembly_copied_bytes", "Payload bytes copied while reassembling them (linear: under twice the reassembled bytes).", [], s.lifetime.reassemblyCopiedBytes)
        for st in s.streams {
            let l = [("app", st.app), ("name", st.name)]
            gauge("rtmp_stream_live", "1 while the stream has a publisher.", l, st.isLive ? 1 : 0)
            gauge("rtmp_stream_players", "Players of the stream.", l, Double(st.players.count))
            counter("rtmp_stream_received_bytes", "Media bytes received from the stream's publishers, by track.", l + [("track", "video")], st.videoBytesIn)
            counter("rtmp_stream_received_bytes", "Media bytes received from the stream's publishers, by track.", l + [("track", "audio")], st.audioBytesIn)
            counter("rtmp_stream_sent_bytes", "Bytes sent to the stream's players, those gone included.", l, st.bytesOutTotal)
            counter("rtmp_stream_dropped_frames", "Frames dropped for slow players, by track.", l + [("track", "video")], st.droppedVideo)
            counter("rtmp_stream_dropped_frames", "Frames dropped for slow players, by track.", l + [("track", "audio")], st.droppedAudio)
            counter("rtmp_stream_frames", "Frames received, by track.", l + [("track", "video")], st.videoFrames)
            counter("rtmp_stream_frames", "Frames received, by track.", l + [("track", "audio")], st.audioFrames)
            if let h = st.health {
                gauge("rtmp_stream_health_findings", "Health findings of the stream now (notes left out).", l, Double(h.faults))
            }
            if let r = st.recording {
                gauge("rtmp_stream_recording", "1 while the stream is being recorded.", l, r.isRecording ? 1 : 0)
                gauge("rtmp_stream_recording_bytes", "Bytes written by the stream's current or last recording.", l, Double(r.bytesWritten))
            }
            for p in st.pushes {
                // Over the push's life (its reconnects included); a push lives as long as the publish.
                let pl = l + [("push_id", String(p.id))]
                gauge("rtmp_push_up", "1 while the push publishes to its upstream.", pl, p.state == "publishing" ? 1 : 0)
                counter("rtmp_push_sent_bytes", "Bytes sent to the push's upstream, over its reconnects.", pl, p.bytesOut)
                counter("rtmp_push_reconnects", "Connection attempts of the push after the first.", pl, UInt64(max(0, p.reconnects)))
                counter("rtmp_push_dropped_frames", "Frames the push dropped for a slow upstream, by track.", pl + [("track", "video")], p.droppedVideo)
                counter("rtmp_push_dropped_frames", "Frames the push dropped for a slow upstream, by track.", pl + [("track", "audio")], p.droppedAudio)
                gauge("rtmp_push_queued_bytes", "Bytes waiting to be sent to the push's upstream.", pl, Double(p.queuedBytes))
            }
            if let p = st.pull {
                gauge("rtmp_pull_up", "1 while the stream's pull plays from its origin.", l, p.state == "playing" ? 1 : 0)
                counter("rtmp_pull_reconnects", "Connection attempts of the stream's pull after the first.", l, UInt64(max(0, p.reconnects)))
            }
        }
        return registry.emitToBuffer()
    }
}
