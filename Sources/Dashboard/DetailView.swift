import Relay

/// One stream up close: a summary (codecs, traffic, recording, bitrate
/// history) and its health (`HealthPane`) above a table of its publisher,
/// its pushes and every player (`DetailRow`).
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

        let rows = DetailRow.rows(of: stream)
        let columns = columns(context, stream: stream, rows: rows)
        let table = TableRenderer(columns: columns, layout: columnLayout(columns, width: screen.width, hasPushes: !stream.pushes.isEmpty),
                                  theme: context.theme)
        if let headerRow = layout.tableHeaderRow { table.drawHeader(y: headerRow, into: &screen) }
        guard !rows.isEmpty else {
            if let y = layout.tableBody.first { screen.put("No publisher and no players.", x: 0, y: y, style: context.theme.muted) }
            return
        }
        let selected = context.state.selectedRowPosition(in: rows)
        let offset = ScrollWindow.offset(context.state.rowScrollOffset, selected: selected,
                                         count: rows.count, visible: layout.tableBody.count)
        for (y, index) in zip(layout.tableBody, offset..<rows.count) {
            table.drawRow(rows[index], y: y, selected: index == selected, into: &screen)
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
            if let pull = stream.pull, pull.state == "playing", pull.connectionID == publisher.id {
                title.append(TextRun("  pulled from \(pull.url)", theme.plain))
            } else {
                let client = publisher.clientName.map { " (\($0))" } ?? ""
                title.append(TextRun("  from \(publisher.remote)\(client)", theme.plain))
            }
        }
        // An edge stream whose origin does not answer (yet) looks merely
        // "waiting" otherwise: say that it is trying, and why it failed.
        if let pull = stream.pull, pull.state != "playing" {
            title.append(TextRun("  \(pullStatus(pull))", pull.state == "waiting" ? theme.warning : theme.plain))
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

        // A multitrack publish lists its tracks where the audio line was:
        // the layout depends on the height alone, so the summary keeps its
        // rows, and the default audio track (a0) is among the tracks.
        let audioOrTracks = stream.isLive && !stream.tracks.isEmpty
            ? tracksLine(stream.tracks, width: screen.width - labelWidth, theme) : audio

        let drops = DashboardState.drops(stream)
        var traffic = [
            label("Traffic"), TextRun("in ", theme.plain), TextRun(Format.bitrate(DashboardState.inputBitrate(stream)), theme.value),
            TextRun("  out ", theme.plain), TextRun(Format.bitrate(DashboardState.outputBitrate(stream)), theme.value),
            TextRun("  received ", theme.plain), TextRun(Format.bytes(stream.bytesIn), theme.value),
            TextRun("  players ", theme.plain), TextRun("\(stream.players.count)", theme.value),
        ]
        if !stream.pushes.isEmpty {
            traffic += [TextRun("  pushes ", theme.plain), TextRun("\(stream.pushes.count)", theme.value)]
        }
        traffic += [
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

        for (y, runs) in zip(context.layout.summary, [title, video, audioOrTracks, traffic, record, history]) {
            TextRun.draw(runs, x: 0, y: y, into: &screen)
        }
    }

    /// `Tracks   v0 H.264 640x360 1.9 Mb/s · v1 H.264 320x180 600 kb/s · a0 AAC 48kHz 128 kb/s`:
    /// as many whole tracks as fit in `width`, then how many did not.
    static func tracksLine(_ tracks: [TrackSnapshot], width: Int, _ theme: Theme) -> [TextRun] {
        let separator = " · "
        let texts = tracks.map(trackText)
        var runs = [label("Tracks", theme)]
        var used = 0
        for (index, text) in texts.enumerated() {
            let left = texts.count - index - 1
            // Room for this track, and for "+N more" unless it is the last.
            let more = left > 0 ? DisplayWidth.of("\(separator)+\(left) more") : 0
            let needed = (index > 0 ? DisplayWidth.of(separator) : 0) + DisplayWidth.of(text)
            guard used + needed + more <= width || (left == 0 && used + needed <= width) else {
                let rest = texts.count - index
                runs.append(TextRun("\(index > 0 ? separator : "")+\(rest) more", theme.muted))
                break
            }
            if index > 0 { runs.append(TextRun(separator, theme.muted)) }
            runs.append(TextRun(text, theme.value))
            used += needed
        }
        return runs
    }

    /// `v1 H.264 320x180 600 kb/s`, `a0 AAC 48kHz 2ch 128 kb/s`: the kind's
    /// letter and the id, what the track's own sequence start said, its bitrate.
    static func trackText(_ track: TrackSnapshot) -> String {
        let kind = track.kind == "audio" ? "a" : (track.kind == "video" ? "v" : String(track.kind.prefix(1)))
        let format: String?
        if let video = track.video {
            format = Format.video(video, frameRate: nil)
        } else if let audio = track.audio {
            format = Format.audio(audio)
        } else {
            format = nil
        }
        return ["\(kind)\(track.id)", format, Format.bitrate(track.bitrateBps)].compactMap { $0 }.joined(separator: " ")
    }

    /// "pulling from URL: waiting, 2 reconnects, last error: …".
    static func pullStatus(_ pull: PullSnapshot) -> String {
        var text = "pulling from \(pull.url): \(pull.state)"
        if pull.reconnects > 0 { text += ", \(pull.reconnects) reconnect\(pull.reconnects == 1 ? "" : "s")" }
        if let error = pull.lastError { text += ", last error: \(error)" }
        return text
    }

    // MARK: the table

    /// Without pushes, the layout every golden frame was made with. With
    /// pushes the table has a STATE and a RECONNECTS column, and at 80
    /// columns the upstream URLs get the room the client names would have.
    static func columnLayout(_ columns: [TableColumn<DetailRow>], width: Int, hasPushes: Bool) -> ColumnLayout {
        let growth: [ColumnLayout.Growth]
        if hasPushes {
            growth = [
                .widen("id"), .widen("address", upTo: 32), .add("client"), .widen("state"), .widen("client", upTo: 14), .add("connected"),
                .widen("role"), .widen("reconnects"), .widen("connected"), .add("messages"), .widen("client", upTo: 32), .widen("address"),
                .widen("client"),
            ]
        } else {
            growth = [
                .widen("id"), .widen("address", upTo: 21), .widen("client", upTo: 14), .add("connected"), .widen("role"),
                .widen("connected"), .add("messages"), .widen("client", upTo: 32), .widen("address"), .widen("client"),
            ]
        }
        let dropOrder = ["client", "reconnects", "queue", "bytes", "role", "bitrate", "drops", "state", "id"]
        return ColumnLayout(columns: columns, totalWidth: width, dropOrder: dropOrder, growth: growth)
    }

    static func columns(_ context: RenderContext, stream: StreamSnapshot, rows: [DetailRow]) -> [TableColumn<DetailRow>] {
        let theme = context.theme
        func widest(_ texts: [String], _ low: Int, _ high: Int) -> Int {
            min(high, max(low, texts.map { DisplayWidth.of($0) }.max() ?? 0))
        }
        // The publisher (a pull connection in edge mode) receives; every other row sends.
        let publisherID = stream.publisher?.id
        func isPublisher(_ c: ConnectionSnapshot) -> Bool { c.id == publisherID }
        // The pull's own figures belong on the publisher row it is.
        func pull(of c: ConnectionSnapshot) -> PullSnapshot? {
            guard let pull = stream.pull, pull.connectionID == c.id else { return nil }
            return pull
        }
        let none = (text: "-", style: theme.muted)

        var columns: [TableColumn<DetailRow>] = [
            TableColumn(id: "role", title: "ROLE", minWidth: 4, maxWidth: 9) { row, width in
                switch row {
                case .connection(let c):
                    let short = c.role == "publisher" ? "pub" : String(c.role.prefix(4))
                    return (DisplayWidth.of(c.role) <= width ? c.role : short, isPublisher(c) ? theme.live : theme.plain)
                case .push:
                    return ("push", theme.plain)
                }
            },
            TableColumn(id: "id", title: "ID", alignment: .right, minWidth: 2,
                        maxWidth: widest(rows.map { idText($0) ?? "-" }, 2, 20)) { row, _ in
                idText(row).map { ($0, theme.plain) } ?? none
            },
            TableColumn(id: "address", title: "ADDRESS", minWidth: 15, maxWidth: widest(rows.map(addressText), 15, 48)) { row, _ in
                (addressText(row), theme.plain)
            },
            TableColumn(id: "client", title: "CLIENT", minWidth: 6, maxWidth: widest(rows.map { clientText($0) ?? "-" }, 6, 64),
                        required: stream.pushes.isEmpty) { row, _ in
                clientText(row).map { ($0, theme.plain) } ?? none
            },
            // For a push, the time in its current state (publishing, or waiting to retry).
            TableColumn(id: "connected", title: "CONNECTED", shortTitle: "TIME", alignment: .right, minWidth: 6, maxWidth: 9,
                        required: false) { row, _ in
                switch row {
                case .connection(let c): return (Format.duration(context.age(of: c.connectedAt)), theme.plain)
                case .push(let p): return (Format.duration(context.age(of: p.since)), theme.plain)
                }
            },
            TableColumn(id: "bytes", title: "BYTES", alignment: .right, minWidth: 9) { row, _ in
                switch row {
                case .connection(let c): return (Format.bytes(isPublisher(c) ? c.bytesIn : c.bytesOut), theme.plain)
                case .push(let p): return (Format.bytes(p.bytesOut), theme.plain)
                }
            },
            TableColumn(id: "bitrate", title: "BITRATE", alignment: .right, minWidth: 9) { row, _ in
                switch row {
                case .connection(let c): return (Format.bitrate(isPublisher(c) ? c.inBps : c.outBps), theme.plain)
                case .push(let p): return (Format.bitrate(p.outBps), theme.plain)
                }
            },
            TableColumn(id: "queue", title: "QUEUE", alignment: .right, minWidth: 9) { row, _ in
                switch row {
                case .connection(let c): return isPublisher(c) ? none : (Format.bytes(max(0, c.queuedBytes)), theme.plain)
                case .push(let p): return (Format.bytes(max(0, p.queuedBytes)), theme.plain)
                }
            },
            TableColumn(id: "messages", title: "MSGS", alignment: .right, minWidth: 5, required: false) { row, _ in
                guard case .connection(let c) = row, !isPublisher(c) else { return none }
                return (Format.count(UInt64(max(0, c.queuedMessages))), theme.plain)
            },
            TableColumn(id: "drops", title: "DROPS", alignment: .right, minWidth: 5) { row, _ in
                let drops: UInt64
                switch row {
                case .connection(let c): drops = c.droppedVideo &+ c.droppedAudio
                case .push(let p): drops = p.droppedVideo &+ p.droppedAudio
                }
                return (Format.count(drops), drops > 0 ? theme.warning : theme.plain)
            },
        ]
        guard !stream.pushes.isEmpty else { return columns }

        // Only with pushes, so every table without one keeps its layout.
        columns.insert(TableColumn(id: "state", title: "STATE", minWidth: 7, maxWidth: 10) { row, width in
            let state: String
            switch row {
            case .connection(let c):
                guard let pull = pull(of: c) else { return none }
                state = pull.state
            case .push(let p):
                state = p.state
            }
            let style = state == "publishing" || state == "playing" ? theme.live
                : (state == "waiting" ? theme.warning : (state == "stopped" ? theme.muted : theme.plain))
            return (DisplayWidth.of(state) <= width ? state : shortState(state), style)
        }, at: 3)
        columns.append(TableColumn(id: "reconnects", title: "RECONNECTS", shortTitle: "RECON", alignment: .right, minWidth: 5,
                                   maxWidth: 10) { row, _ in
            let reconnects: Int
            switch row {
            case .connection(let c):
                guard let pull = pull(of: c) else { return none }
                reconnects = pull.reconnects
            case .push(let p):
                reconnects = p.reconnects
            }
            return ("\(reconnects)", reconnects > 0 ? theme.warning : theme.plain)
        })
        return columns
    }

    /// The connection's id; a push's current connection, none while it waits or is stopped.
    static func idText(_ row: DetailRow) -> String? {
        switch row {
        case .connection(let c): return "\(c.id)"
        case .push(let p): return p.connectionID.map { "\($0)" }
        }
    }

    /// Where the row's data comes from or goes: a peer's address, or a
    /// push's upstream URL (masked by the relay). Without "rtmp://", which
    /// would take a third of the column at 80 columns and says nothing on a
    /// push row; any other scheme stays.
    static func addressText(_ row: DetailRow) -> String {
        switch row {
        case .connection(let c): return c.remote
        case .push(let p): return p.url.hasPrefix("rtmp://") ? String(p.url.dropFirst("rtmp://".count)) : p.url
        }
    }

    static func clientText(_ row: DetailRow) -> String? {
        guard case .connection(let c) = row else { return nil }
        return c.clientName
    }

    /// Seven letters, for the STATE column at 80 columns.
    static func shortState(_ state: String) -> String {
        switch state {
        case "connecting": return "connect"
        case "publishing": return "publish"
        default: return String(state.prefix(7))
        }
    }
}
