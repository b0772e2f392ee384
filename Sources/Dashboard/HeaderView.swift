import Relay

/// The server summary at the top: where it listens, how long it has run,
/// how many connections and streams, total traffic, where recordings go.
enum HeaderView {
    static func draw(_ context: RenderContext, into screen: inout Screen) {
        let rows = Array(context.layout.header)
        guard !rows.isEmpty else { return }
        let snapshot = context.snapshot
        let theme = context.theme
        let live = snapshot.streams.filter(\.isLive).count
        let waiting = snapshot.streams.filter { StreamState($0) == .waiting }.count
        let recording = snapshot.streams.filter(\.isRecording).count
        let version = "rtmp-top \(snapshot.version)"
        let uptime = Format.duration(snapshot.uptime)
        let inRate = Format.bitrate(snapshot.totalInBps)
        let outRate = Format.bitrate(snapshot.totalOutBps)

        if rows.count < 3 {
            TextRun.draw([
                TextRun(version, theme.title), TextRun("  \(snapshot.listenAddress)", theme.value),
                TextRun("  up ", theme.label), TextRun(uptime, theme.value),
                TextRun("  conns ", theme.label), TextRun("\(snapshot.connections.count)", theme.value),
                TextRun("  streams ", theme.label), TextRun("\(snapshot.streams.count)", theme.value),
                TextRun("  in ", theme.label), TextRun(inRate, theme.value),
                TextRun("  out ", theme.label), TextRun(outRate, theme.value),
            ], x: 0, y: rows[0], into: &screen)
            return
        }

        var streamSummary = "\(snapshot.streams.count)"
        var parts: [String] = []
        if live > 0 { parts.append("\(live) live") }
        if waiting > 0 { parts.append("\(waiting) waiting") }
        if !parts.isEmpty { streamSummary += " (" + parts.joined(separator: ", ") + ")" }

        var first = [TextRun(version, theme.title), TextRun("  Listen: ", theme.label), TextRun(snapshot.listenAddress, theme.value)]
        if let rtmps = snapshot.rtmpsAddress {
            first += [TextRun("  RTMPS: ", theme.label), TextRun(rtmps, theme.value)]
        }
        if let http = snapshot.httpAddress {
            first += [TextRun("  HTTP: ", theme.label), TextRun(http, theme.value)]
        }
        first += [TextRun("  Uptime: ", theme.label), TextRun(uptime, theme.value)]
        TextRun.draw(first, x: 0, y: rows[0], into: &screen)
        TextRun.draw([
            TextRun("Connections: ", theme.label), TextRun("\(snapshot.connections.count)", theme.value),
            TextRun("  Streams: ", theme.label), TextRun(streamSummary, theme.value),
            TextRun("  In: ", theme.label), TextRun(inRate, theme.value),
            TextRun("  Out: ", theme.label), TextRun(outRate, theme.value),
        ], x: 0, y: rows[1], into: &screen)
        var third = [TextRun("Recording to: ", theme.label), TextRun(snapshot.recordDirectory, theme.value)]
        if recording > 0 {
            third.append(TextRun(" (\(recording) active)", theme.recording))
        }
        third += [TextRun("  Received: ", theme.label), TextRun(Format.bytes(snapshot.totalBytesIn), theme.value),
                  TextRun("  Sent: ", theme.label), TextRun(Format.bytes(snapshot.totalBytesOut), theme.value)]
        TextRun.draw(third, x: 0, y: rows[2], into: &screen)
    }
}
