import Relay

/// The main view: one row per stream, htop style.
///
/// At 80 columns: key, state, health (`✓`, `⚠N` faults, `-`), video, audio,
/// bitrate in, players, drops and the recording mark. Wider terminals add,
/// in this order, the full state title, bitrate out, a compact sparkline of
/// the last minute's bitrate, the recording size, live time, wider codec
/// columns (the frame rate), a longer sparkline, the full "PLAYERS" and
/// "HEALTH" titles, the publisher (address and client), then the rest goes
/// to the sparkline, publisher and key; 120 columns show all but the
/// publisher, 160 show everything.
///
/// A stream without a publisher shows `-` for its codecs and 0 b/s in: the
/// snapshot may still carry the last publisher's values for a moment.
enum StreamsView {
    static func draw(_ context: RenderContext, into screen: inout Screen) {
        let snapshot = context.snapshot
        let layout = context.layout
        if snapshot.streams.isEmpty {
            GettingStartedView.draw(context, rows: layout.content, into: &screen)
            return
        }
        let visible = context.state.visibleStreams(in: snapshot)
        let columns = columns(context, streams: visible)
        let table = TableRenderer(columns: columns, layout: columnLayout(columns, width: screen.width), theme: context.theme)
        if let headerRow = layout.tableHeaderRow {
            let mark = context.state.sort == .key ? context.glyphs.ascending : context.glyphs.descending
            table.drawHeader(y: headerRow, sortedColumn: sortedColumnID(context.state.sort), sortMark: mark, into: &screen)
        }
        guard !visible.isEmpty else {
            if let y = layout.tableBody.first {
                screen.put("No stream matches \"\(context.state.filter)\". Esc clears the filter.", x: 0, y: y, style: context.theme.muted)
            }
            return
        }
        let selected = context.state.selectedStreamPosition(in: visible)
        let offset = ScrollWindow.offset(context.state.streamScrollOffset, selected: selected,
                                         count: visible.count, visible: layout.tableBody.count)
        for (y, index) in zip(layout.tableBody, offset..<visible.count) {
            table.drawRow(visible[index], y: y, selected: index == selected, into: &screen)
        }
    }

    static func sortedColumnID(_ sort: StreamSortOrder) -> String {
        switch sort {
        case .key: return "key"
        case .bitrate: return "in"
        case .players: return "players"
        case .drops: return "drops"
        case .liveTime: return "live"
        }
    }

    static func columnLayout(_ columns: [TableColumn<StreamSnapshot>], width: Int) -> ColumnLayout {
        ColumnLayout(
            columns: columns, totalWidth: width,
            dropOrder: ["audio", "video", "rec", "drops", "health", "players", "state", "in"],
            growth: [
                .widen("key", upTo: 16), .widen("state"), .add("out"), .add("spark"), .widen("rec"), .add("live"),
                .widen("video"), .widen("audio"), .widen("spark", upTo: 12), .widen("players"), .widen("health"), .add("publisher"),
                .widen("publisher", upTo: 28), .widen("spark", upTo: 30), .widen("key", upTo: 32), .widen("publisher"),
                .widen("spark"), .widen("key"),
            ])
    }

    static func columns(_ context: RenderContext, streams: [StreamSnapshot]) -> [TableColumn<StreamSnapshot>] {
        let theme = context.theme
        let glyphs = context.glyphs
        func widest(_ texts: [String], _ low: Int, _ high: Int) -> Int {
            min(high, max(low, texts.map { DisplayWidth.of($0) }.max() ?? 0))
        }
        // Codecs belong to the publisher: without one they are stale.
        func videoText(_ stream: StreamSnapshot, frameRate: Bool = true) -> String {
            stream.isLive ? Format.video(stream.video, frameRate: frameRate ? stream.frameRate : nil) : "-"
        }
        func audioText(_ stream: StreamSnapshot) -> String {
            stream.isLive ? Format.audio(stream.audio) : "-"
        }
        func publisherText(_ stream: StreamSnapshot) -> String {
            guard let publisher = stream.publisher else { return "-" }
            return [publisher.remote, publisher.clientName].compactMap { $0 }.joined(separator: " ")
        }
        func recordingText(_ stream: StreamSnapshot, width: Int) -> (text: String, style: Style) {
            guard let recording = stream.recording else { return ("", theme.plain) }
            if recording.isRecording {
                let mark = "\(glyphs.recordingDot)REC"
                let full = "\(mark) \(Format.bytes(recording.bytesWritten))"
                return (DisplayWidth.of(full) <= width ? full : mark, theme.recording)
            }
            return recording.lastError != nil ? ("ERR", theme.error) : ("", theme.plain)
        }
        return [
            TableColumn(id: "key", title: "KEY", minWidth: 10, maxWidth: widest(streams.map(\.key), 10, 64)) { stream, _ in
                (stream.key, theme.plain)
            },
            TableColumn(id: "state", title: "STATE", shortTitle: "STAT", minWidth: 4, maxWidth: 7) { stream, width in
                let state = StreamState(stream)
                let style = state == .live ? theme.live : (state == .waiting ? theme.waiting : theme.idle)
                return (width >= 7 ? state.rawValue : state.shortName, style)
            },
            // Narrow on purpose (✓, ⚠N or -): at 80 columns every other column still fits.
            TableColumn(id: "health", title: "HEALTH", shortTitle: "HLTH", minWidth: 4, maxWidth: 6) { stream, _ in
                HealthMark.of(stream, glyphs: glyphs, theme: theme)
            },
            TableColumn(id: "publisher", title: "PUBLISHER", minWidth: 15, maxWidth: widest(streams.map(publisherText), 15, 48),
                        required: false) { stream, _ in
                (publisherText(stream), theme.plain)
            },
            // 15 holds "H.264 1920x1080"; the frame rate comes with width.
            TableColumn(id: "video", title: "VIDEO", minWidth: 15,
                        maxWidth: widest(streams.map { videoText($0) }, 15, 30)) { stream, width in
                // Losing the frame rate reads better than "1920x1080 30f…".
                let full = videoText(stream)
                return (DisplayWidth.of(full) <= width ? full : videoText(stream, frameRate: false), theme.plain)
            },
            TableColumn(id: "audio", title: "AUDIO", minWidth: 15, maxWidth: widest(streams.map(audioText), 15, 24)) { stream, width in
                let full = audioText(stream)
                guard DisplayWidth.of(full) > width, stream.isLive, var audio = stream.audio else { return (full, theme.plain) }
                audio.channels = nil
                return (Format.audio(audio), theme.plain)
            },
            TableColumn(id: "in", title: "IN", alignment: .right, minWidth: 9) { stream, _ in
                (Format.bitrate(DashboardState.inputBitrate(stream)), theme.plain)
            },
            TableColumn(id: "out", title: "OUT", alignment: .right, minWidth: 9, required: false) { stream, _ in
                (Format.bitrate(DashboardState.outputBitrate(stream)), theme.plain)
            },
            TableColumn(id: "players", title: "PLAYERS", shortTitle: "PLAY", alignment: .right, minWidth: 4, maxWidth: 7) { stream, _ in
                ("\(stream.players.count)", theme.plain)
            },
            TableColumn(id: "drops", title: "DROPS", alignment: .right, minWidth: 5) { stream, _ in
                let drops = DashboardState.drops(stream)
                return (Format.count(drops), drops > 0 ? theme.warning : theme.plain)
            },
            TableColumn(id: "rec", title: "REC", minWidth: 4, maxWidth: 13) { stream, width in
                recordingText(stream, width: width)
            },
            TableColumn(id: "live", title: "LIVE", alignment: .right, minWidth: 6, required: false) { stream, _ in
                guard stream.isLive, let since = stream.publishedAt else { return ("-", theme.muted) }
                return (Format.duration(context.age(of: since)), theme.plain)
            },
            // Keeps its colour on the selected row: bars in the bar's colour read as one box.
            TableColumn(id: "spark", title: "BITRATE HISTORY", shortTitle: "HISTORY", minWidth: 8, maxWidth: 60, required: false,
                        keepsStyleWhenSelected: true) { stream, width in
                (Sparkline.text(stream.bitrateHistory, width: width, levels: glyphs.levels), theme.sparkline)
            },
        ]
    }
}
