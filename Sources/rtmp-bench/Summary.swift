import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The run's one JSON line. Keys keep the order they are added in.
struct JSONLine {
    private var parts: [String] = []

    mutating func add(_ key: String, _ value: String) { parts.append("\(Self.quote(key)):\(Self.quote(value))") }
    mutating func add(_ key: String, _ value: String?) {
        if let value { add(key, value) } else { parts.append("\(Self.quote(key)):null") }
    }
    mutating func add(_ key: String, _ value: Int) { parts.append("\(Self.quote(key)):\(value)") }
    mutating func add(_ key: String, _ value: Bool) { parts.append("\(Self.quote(key)):\(value)") }
    mutating func add(_ key: String, _ value: Double?, digits: Int = 3) {
        guard let value, value.isFinite else { parts.append("\(Self.quote(key)):null"); return }
        parts.append("\(Self.quote(key)):\(String(format: "%.\(digits)f", value))")
    }
    mutating func add(_ key: String, _ object: JSONLine) { parts.append("\(Self.quote(key)):\(object.text)") }

    var text: String { "{" + parts.joined(separator: ",") + "}" }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

struct Summary {
    let bench: RTMPBench
    let target: RTMPBench.Target
    let plan: any MediaPlan
    let pace: Double?
    /// Audio/video messages sent: what each player should receive.
    let expected: Int
    let slots: PlayerSlots
    let reports: [PlayerReport]
    let lateSlots: PlayerSlots
    let lateReports: [PlayerReport]
    let stalledSlots: PlayerSlots
    let stalledReports: [PlayerReport]
    let connectSeconds: Double
    let sentMessages: Int
    let sentMediaMessages: Int
    let sentBytes: Int
    let firstSend: UInt64
    let publishSeconds: Double
    let maxLagMs: Double
    let publishError: String?
    let runSeconds: Double

    func json() -> String {
        var j = JSONLine()
        j.add("label", bench.label)
        j.add("url", bench.url)
        j.add("source", bench.file == nil ? "synthetic" : "file")
        if let file = bench.file { j.add("file", file) } else { j.add("bitrate_kbps", bench.bitrateKbps) }
        j.add("media_seconds", bench.seconds)
        j.add("speed", pace.map { "\($0)x" } ?? "max")
        j.add("handshake", bench.noDigest ? "plain" : "digest")
        j.add("players", bench.players)
        j.add("players_connected", reports.count)
        let failures = slots.failures
        j.add("connect_failures", failures.count)
        j.add("connect_error", failures.first)
        j.add("connect_s", connectSeconds)

        j.add("sent_messages", sentMessages)
        j.add("sent_media_messages", sentMediaMessages)
        j.add("sent_bytes", sentBytes)
        j.add("publish_s", publishSeconds)
        j.add("publisher_max_lag_ms", pace == nil ? nil : maxLagMs)
        j.add("publish_error", publishError)

        let media = reports.reduce(0) { $0 + $1.mediaMessages }
        let unique = reports.reduce(0) { $0 + $1.unique }
        let payload = reports.reduce(0) { $0 + $1.mediaPayloadBytes }
        let wire = reports.reduce(0) { $0 + $1.wireBytes }
        j.add("expected_messages", expected * reports.count)
        j.add("delivered_messages", media)
        j.add("delivered_unique_messages", unique)
        j.add("delivered_payload_bytes", payload)
        j.add("delivered_wire_bytes", wire)
        j.add("data_messages", reports.reduce(0) { $0 + $1.dataMessages })
        j.add("unmatched_messages", reports.reduce(0) { $0 + $1.unmatched })
        j.add("duplicate_messages", reports.reduce(0) { $0 + $1.duplicates })

        var c = JSONLine()
        let ratios = reports.map { expected > 0 ? Double($0.unique) / Double(expected) : 0 }
        c.add("mean", ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count), digits: 5)
        c.add("min", ratios.min(), digits: 5)
        c.add("max", ratios.max(), digits: 5)
        c.add("complete_players", reports.filter { $0.unique >= expected }.count)
        c.add("players_with_nothing", reports.filter { $0.unique == 0 }.count)
        j.add("completeness", c)
        j.add("players_closed_by_server", reports.filter(\.closed).count)
        j.add("player_error", reports.compactMap(\.error).first)

        let lastReceive = reports.map(\.lastReceiveNanos).max() ?? 0
        let window = firstSend > 0 && lastReceive > firstSend ? Double(lastReceive - firstSend) / 1e9 : nil
        j.add("delivery_window_s", window)
        j.add("throughput_mbps", window.map { Double(wire) * 8 / $0 / 1e6 })
        j.add("messages_per_s", window.map { Double(media) / $0 }, digits: 1)

        var all = LatencyHistogram.make()
        for r in reports { all.add(r.latency) }
        var l = JSONLine()
        l.add("samples", Int(all.totalCount))
        l.add("mean", all.meanMs)
        l.add("p50", all.percentileMs(0.50))
        l.add("p90", all.percentileMs(0.90))
        l.add("p99", all.percentileMs(0.99))
        l.add("max", all.maxMs)
        j.add("latency_ms", l)

        // Late joiners: first video (not a sequence header) after Play.Start.
        var late = JSONLine()
        late.add("players", bench.lateJoiners)
        late.add("connected", lateReports.count)
        late.add("connect_failures", lateSlots.failures.count)
        let firstVideo = lateReports.filter { $0.firstVideoNanos > 0 && $0.playStartedNanos > 0 }
            .map { Double(Int64(bitPattern: $0.firstVideoNanos &- $0.playStartedNanos)) / 1e6 }.sorted()
        var fv = JSONLine()
        fv.add("p50", firstVideo.isEmpty ? nil : firstVideo[firstVideo.count / 2])
        fv.add("max", firstVideo.last)
        late.add("first_video_ms", fv)
        late.add("keyframe_first", lateReports.filter { $0.firstVideoNanos > 0 && $0.firstVideoIsKeyframe }.count)
        late.add("without_video", lateReports.filter { $0.firstVideoNanos == 0 }.count)
        j.add("late_join", late)

        var stuck = JSONLine()
        stuck.add("players", bench.stalled)
        stuck.add("connected", stalledReports.count)
        stuck.add("closed_by_server", stalledReports.filter(\.closed).count)
        j.add("stalled", stuck)

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        j.add("client_cpu_s", cpu)
        j.add("client_max_rss_mb", Double(usage.ru_maxrss) / 1024, digits: 1)
        j.add("client_threads", bench.threads)
        j.add("run_s", runSeconds)
        return j.text
    }
}
