import Relay

/// One stream up close: a summary (codecs, traffic, recording, bitrate
/// history) and its health (`HealthPane`) above a table of its publisher
/// and every player.
enum DetailView {
    /// Rows of summary above the table when there is room for them.
    static let summaryLines = 6
    /// Rows the table needs below the summary before a blank row is spent
    /// between them: the blank row, the table's header and three rows.
    static let roomForSpacing = 5
    /// The summary's and the health pane's labels ("Traffic  ") take this many columns.
    static let labelWidth = 9

    static func label(_ text: String, _ theme: Theme) -> TextRun {
        TextRun(text.padding(to: labelWidth), theme.label)
    }

    /// Cells of the one-second-per-cell lines (bitrate sparklines, keyframe
    /// strip): the last minute, less on a narrow screen, with room for a
    /// label before and a short figure after.
    static func sparklineWidth(screenWidth: Int) -> Int {
        max(0, min(60, screenWidth - labelWidth - 20))
    }

    static func draw(_ context: RenderContext, streamKey: String, into screen: inout Screen) {
        let layout = context.layout
        guard let stream = context.snapshot.streams.first(where: { $0.key == streamKey }) else {
            let y = layout.content.first ?? layout.tableBody.lowerBound
            TextRun.draw([TextRun("Stream \(streamKey) has gone. ", context.theme.warning), TextRun("Esc goes back.", context.theme.muted)],
                         x: 0, y: y, into: &screen)
            return
        }
        drawSummary(stream, context, into: &screen)
        HealthPane.draw(stream, context, rows: layout.health, into: &screen)

        let connections = DashboardState.connections(of: stream)
        let columns = columns(context, connections: connections)
        let table = TableRenderer(columns: columns, layout: columnLayout(columns, width: screen.width), theme: context.theme)
        if let headerRow = layout.tableHeaderRow { table.drawHeader(y: headerRow, into: &screen) }
        guard !connections.isEmpty else {
            if let y = layout.tableBody.first { screen.put("No publisher and no players.", x: 0, y: y, style: context.theme.muted) }
            return
        }
        let selected = context.state.selectedConnectionPosition(in: connections)
        let offset = ScrollWindow.offset(context.state.connectionScrollOffset, selected: selected,
                                         count: connections.count, visible: layout.tableBody.count)
        for (y, index) in zip(layout.tableBody, offset..<connections.count) {
            table.drawRow(connections[index], y: y, selected: index == selected, into: &screen)
        }
    }

    // MARK: summary

    static func drawSummary(_ stream: StreamSnapshot, _ context: RenderContext, into screen: inout Screen) {
        let theme = context.theme
        let state = StreamState(stream)
        func label(_ text: String) -> TextRun { Self.label(text, theme) }

        var title = [label("Stream"), TextRun(stream.key, theme.value), TextRun("  ", theme.plain),
                     TextRun(state.rawValue, state == .live ? theme.live : (state == .waiting ? theme.waiting : theme.idle))]
        if let publisher = stream.publisher {
            if let since = stream.publishedAt { title.append(TextRun(" for \(Format.duration(context.age(of: since)))", theme.plain)) }
            let client = publisher.clientName.map { " (\($0))" } ?? ""
            title.append(TextRun("  from \(publisher.remote)\(client)", theme.plain))
        }

        // Codecs and bitrates belong to the publisher: without one they are stale.
        let video: [TextRun]
        if !stream.isLive {
            video = [label("Video"), TextRun("-", theme.muted)]
        } else if let v = stream.video {
            let profile = [v.profile, v.level.map { "L\($0)" }].compactMap { $0 }.joined(separator: "@")
            let text = [v.codec, profile.isEmpty ? nil : profile, Format.resolution(width: v.width, height: v.height),
                        Format.frameRate(stream.frameRate)].compactMap { $0 }.joined(separator: " ")
            video = [label("Video"), TextRun(text, theme.value), TextRun("  \(Format.bitrate(stream.videoBitrateBps))", theme.plain),
                     TextRun("  \(stream.keyframes) keyframes, \(stream.videoFrames) frames", theme.muted)]
        } else {
            video = [label("Video"), TextRun("none", theme.muted)]
        }

        let audio: [TextRun]
        if !stream.isLive {
            audio = [label("Audio"), TextRun("-", theme.muted)]
        } else if let a = stream.audio {
            let channels = a.channels.flatMap { $0 > 0 ? "\($0)ch" : nil }
            let text = [a.codec, a.profile, Format.sampleRate(a.sampleRate), channels].compactMap { $0 }.joined(separator: " ")
            audio = [label("Audio"), TextRun(text, theme.value), TextRun("  \(Format.bitrate(stream.audioBitrateBps))", theme.plain),
                     TextRun("  \(stream.audioFrames) frames", theme.muted)]
        } else {
            audio = [label("Audio"), TextRun("none", theme.muted)]
        }

        let out = stream.players.reduce(0.0) { $0 + ($1.outBps.isFinite ? $1.outBps : 0) }
        let drops = DashboardState.drops(stream)
        let traffic = [
            label("Traffic"), TextRun("in ", theme.plain), TextRun(Format.bitrate(DashboardState.inputBitrate(stream)), theme.value),
            TextRun("  out ", theme.plain), TextRun(Format.bitrate(out), theme.value),
            TextRun("  received ", theme.plain), TextRun(Format.bytes(stream.bytesIn), theme.value),
            TextRun("  players ", theme.plain), TextRun("\(stream.players.count)", theme.value),
            TextRun("  drops ", theme.plain), TextRun(Format.count(drops), drops > 0 ? theme.warning : theme.value),
            TextRun("  GOP cache \(stream.gopCachedFrames) frames, \(Format.bytes(max(0, stream.gopCachedBytes)))", theme.muted),
        ]

        var record = [label("Record")]
        if let recording = stream.recording {
            let path = recording.path ?? ""
            if recording.isRecording {
                let duration = Format.duration(Double(recording.durationMilliseconds) / 1000)
                record += [TextRun("\(context.glyphs.recordingDot)REC \(Format.bytes(recording.bytesWritten)) \(duration)", theme.recording),
                           TextRun("  \(path)", theme.plain)]
                if recording.segment > 1 { record.append(TextRun("  segment \(recording.segment)", theme.muted)) }
            } else if let error = recording.lastError {
                record += [TextRun("failed: \(error)", theme.error)]
            } else {
                record += [TextRun("stopped", theme.plain), TextRun("  \(Format.bytes(recording.bytesWritten)) in \(path)", theme.muted)]
            }
            if recording.droppedFrames > 0 {
                record.append(TextRun("  \(recording.droppedFrames) frames dropped", theme.warning))
            }
        } else {
            record += [TextRun("not recording", theme.plain), TextRun("  (r starts)", theme.muted)]
        }

        let sparkWidth = sparklineWidth(screenWidth: screen.width)
        let peak = stream.bitrateHistory.suffix(60).filter(\.isFinite).max() ?? 0
        let history = [label("Bitrate"), TextRun(Sparkline.text(stream.bitrateHistory, width: sparkWidth, levels: context.glyphs.levels), theme.sparkline),
                       TextRun("  peak \(Format.bitrate(peak))", theme.muted)]

        for (y, runs) in zip(context.layout.summary, [title, video, audio, traffic, record, history]) {
            TextRun.draw(runs, x: 0, y: y, into: &screen)
        }
    }

    // MARK: connections table

    static func columnLayout(_ columns: [TableColumn<ConnectionSnapshot>], width: Int) -> ColumnLayout {
        ColumnLayout(
            columns: columns, totalWidth: width,
            dropOrder: ["client", "queue", "bytes", "role", "bitrate", "drops", "id"],
            growth: [
                .widen("id"), .widen("address", upTo: 21), .widen("client", upTo: 14), .add("connected"), .widen("role"),
                .widen("connected"), .add("messages"), .widen("client", upTo: 32), .widen("address"), .widen("client"),
            ])
    }

    static func columns(_ context: RenderContext, connections: [ConnectionSnapshot]) -> [TableColumn<ConnectionSnapshot>] {
        let theme = context.theme
        func widest(_ texts: [String], _ low: Int, _ high: Int) -> Int {
            min(high, max(low, texts.map { DisplayWidth.of($0) }.max() ?? 0))
        }
        func isPublisher(_ c: ConnectionSnapshot) -> Bool { c.role == "publisher" }
        return [
            TableColumn(id: "role", title: "ROLE", minWidth: 4, maxWidth: 9) { c, width in
                let short = isPublisher(c) ? "pub" : String(c.role.prefix(4))
                return (DisplayWidth.of(c.role) <= width ? c.role : short, isPublisher(c) ? theme.live : theme.plain)
            },
            TableColumn(id: "id", title: "ID", alignment: .right, minWidth: 2, maxWidth: widest(connections.map { "\($0.id)" }, 2, 20)) { c, _ in
                ("\(c.id)", theme.plain)
            },
            TableColumn(id: "address", title: "ADDRESS", minWidth: 15, maxWidth: widest(connections.map(\.remote), 15, 48)) { c, _ in
                (c.remote, theme.plain)
            },
            TableColumn(id: "client", title: "CLIENT", minWidth: 6, maxWidth: widest(connections.map { $0.clientName ?? "-" }, 6, 64)) { c, _ in
                (c.clientName ?? "-", c.clientName == nil ? theme.muted : theme.plain)
            },
            TableColumn(id: "connected", title: "CONNECTED", shortTitle: "TIME", alignment: .right, minWidth: 6, maxWidth: 9,
                        required: false) { c, _ in
                (Format.duration(context.age(of: c.connectedAt)), theme.plain)
            },
            TableColumn(id: "bytes", title: "BYTES", alignment: .right, minWidth: 9) { c, _ in
                (Format.bytes(isPublisher(c) ? c.bytesIn : c.bytesOut), theme.plain)
            },
            TableColumn(id: "bitrate", title: "BITRATE", alignment: .right, minWidth: 9) { c, _ in
                (Format.bitrate(isPublisher(c) ? c.inBps : c.outBps), theme.plain)
            },
            TableColumn(id: "queue", title: "QUEUE", alignment: .right, minWidth: 9) { c, _ in
                isPublisher(c) ? ("-", theme.muted) : (Format.bytes(max(0, c.queuedBytes)), theme.plain)
            },
            TableColumn(id: "messages", title: "MSGS", alignment: .right, minWidth: 5, required: false) { c, _ in
                isPublisher(c) ? ("-", theme.muted) : (Format.count(UInt64(max(0, c.queuedMessages))), theme.plain)
            },
            TableColumn(id: "drops", title: "DROPS", alignment: .right, minWidth: 5) { c, _ in
                let drops = c.droppedVideo &+ c.droppedAudio
                return (Format.count(drops), drops > 0 ? theme.warning : theme.plain)
            },
        ]
    }
}
