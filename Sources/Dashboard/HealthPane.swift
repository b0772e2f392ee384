import Relay

/// The detail view's health pane, under the stream's summary: the verdict
/// (`✓ no findings` or how many faults and notes, with the profile judged
/// by), the current findings with their age, the figures behind them, a
/// keyframe strip of the last minute and separate video and audio bitrate
/// lines. Where the height leaves no room for all of that, one line: the
/// verdict, or the first finding and how many more there are.
enum HealthPane {
    /// Rows of the whole pane: the verdict, `findingRows` findings, the
    /// figures, the keyframe strip, the video and the audio bitrate. Fixed,
    /// so the layout never depends on the snapshot; with fewer findings the
    /// pane is drawn at its bottom, so the rows left blank separate it from
    /// the summary rather than from the table.
    static let lines = 7
    /// Findings listed in the whole pane; the last row says how many more.
    static let findingRows = 2

    static func draw(_ stream: StreamSnapshot, _ context: RenderContext, rows: Range<Int>, into screen: inout Screen) {
        guard !rows.isEmpty else { return }
        let lines = rows.count >= Self.lines ? fullLines(stream, context, width: screen.width) : [compactLine(stream, context)]
        for (y, runs) in zip(rows.suffix(lines.count), lines) {
            TextRun.draw(runs, x: 0, y: y, into: &screen)
        }
    }

    // MARK: lines

    static func fullLines(_ stream: StreamSnapshot, _ context: RenderContext, width: Int) -> [[TextRun]] {
        let theme = context.theme
        guard let health = HealthMark.health(of: stream) else { return [verdict(nil, context)] }
        let findings = ordered(health.findings)
        var lines = [verdict(health, context)]
        for (index, finding) in findings.prefix(findingRows).enumerated() {
            var runs = [TextRun(String(repeating: " ", count: DetailView.labelWidth), theme.plain)] + self.finding(finding, context)
            let more = findings.count - findingRows
            if index == findingRows - 1 && more > 0 { runs.append(TextRun("  +\(more) more", theme.muted)) }
            lines.append(runs)
        }

        let cells = DetailView.sparklineWidth(screenWidth: width)
        let figures = figuresText(health)
        lines.append([DetailView.label("Figures", theme), figures.map { TextRun($0, theme.plain) } ?? TextRun("none yet", theme.muted)])
        let strip = KeyframeStrip.text(keyframeSecondsAgo: health.keyframeSecondsAgo, width: cells,
                                       liveSeconds: stream.publishedAt.map { context.age(of: $0) }, glyphs: context.glyphs)
        lines.append([DetailView.label("Keyframe", theme), TextRun(strip, theme.sparkline),
                      TextRun("  \(KeyframeStrip.count(health.keyframeSecondsAgo, width: cells)) in the last \(cells)s", theme.muted)])
        lines.append(bitrateLine("Video in", stream.videoBitrateHistory, cells: cells, context))
        lines.append(bitrateLine("Audio in", stream.audioBitrateHistory, cells: cells, context))
        return lines
    }

    /// The pane in one row: the first finding (faults first) and how many
    /// more, or the verdict when there is none.
    static func compactLine(_ stream: StreamSnapshot, _ context: RenderContext) -> [TextRun] {
        guard let health = HealthMark.health(of: stream), let first = ordered(health.findings).first else {
            return verdict(HealthMark.health(of: stream), context)
        }
        var runs = [DetailView.label("Health", context.theme)] + finding(first, context)
        if health.findings.count > 1 { runs.append(TextRun("  +\(health.findings.count - 1) more", context.theme.muted)) }
        return runs
    }

    /// `✓ no findings (profile generic)`, `⚠ 1 fault, 1 note (profile generic)`, or `-` without a publisher.
    static func verdict(_ health: HealthSnapshot?, _ context: RenderContext) -> [TextRun] {
        let theme = context.theme
        let glyphs = context.glyphs
        let label = DetailView.label("Health", theme)
        guard let health else { return [label, TextRun("-", theme.muted)] }
        let profile = TextRun(" (profile \(health.profile))", theme.muted)
        let notes = health.findings.filter(\.informational).count
        if health.findings.isEmpty && health.faults == 0 {
            return [label, TextRun("\(glyphs.healthy) no findings", theme.live), profile]
        }
        var runs = [label]
        if health.faults > 0 {
            runs.append(TextRun("\(glyphs.fault) \(health.faults) fault\(health.faults == 1 ? "" : "s")", theme.warning))
        } else {
            runs.append(TextRun("\(glyphs.healthy) no faults", theme.live))
        }
        if notes > 0 { runs.append(TextRun(", \(notes) note\(notes == 1 ? "" : "s")", theme.muted)) }
        runs.append(profile)
        return runs
    }

    /// `⚠ keyframe_interval  keyframe every 12.0 s (at most 10.0 s)  2m05s ago`;
    /// a note gets its own mark and muted colours.
    static func finding(_ finding: HealthSnapshot.Finding, _ context: RenderContext) -> [TextRun] {
        let theme = context.theme
        let mark = finding.informational ? context.glyphs.note : context.glyphs.fault
        return [TextRun("\(mark) \(finding.code)", finding.informational ? theme.muted : theme.warning),
                TextRun("  \(finding.detail)", finding.informational ? theme.muted : theme.plain),
                TextRun("  \(age(finding))", theme.muted)]
    }

    /// Since it was first seen, and, once it has not been true for a while,
    /// since it last was (a finding clears only some time later).
    static func age(_ finding: HealthSnapshot.Finding) -> String {
        let first = finding.ageSeconds >= 1 ? "\(Format.duration(finding.ageSeconds)) ago" : "just now"
        guard finding.lastTrueSecondsAgo.isFinite, finding.lastTrueSecondsAgo >= 2 else { return first }
        return "\(first), last \(Format.duration(finding.lastTrueSecondsAgo)) ago"
    }

    /// Faults before notes, otherwise as the analysis lists them.
    static func ordered(_ findings: [HealthSnapshot.Finding]) -> [HealthSnapshot.Finding] {
        findings.filter { !$0.informational } + findings.filter(\.informational)
    }

    /// The bitrate of one kind of media, right-aligned on the keyframe
    /// strip's cells so a second is the same column on all three lines.
    static func bitrateLine(_ title: String, _ history: [Double], cells: Int, _ context: RenderContext) -> [TextRun] {
        let theme = context.theme
        let bars = Sparkline.text(history, width: cells, levels: context.glyphs.levels)
        let pad = String(repeating: " ", count: max(0, cells - min(cells, history.count)))
        let peak = history.suffix(cells).filter(\.isFinite).max() ?? 0
        return [DetailView.label(title, theme), TextRun(pad + bars, theme.sparkline), TextRun("  peak \(Format.bitrate(peak))", theme.muted)]
    }

    // MARK: figures

    /// What the analysis measured, most telling first:
    /// `GOP 12.0 s (2.0-12.0 s, mean 7.0 s, 360 frames)  30fps (declared 30fps)  pace 1.00x  A/V +23 ms  jitter 0.4 ms  reorder 67 ms`;
    /// nil before anything was measured. (Takes the snapshot rather than
    /// its `HealthFigures`, a `Media` type this target does not import.)
    static func figuresText(_ health: HealthSnapshot) -> String? {
        let f = health.figures
        var parts: [String] = []
        if let last = f.keyframeIntervalLast {
            var details: [String] = []
            if let low = f.keyframeIntervalMin, let high = f.keyframeIntervalMax { details.append("\(number(low))-\(number(high)) s") }
            if let mean = f.keyframeIntervalMean { details.append("mean \(number(mean)) s") }
            if let frames = f.keyframeIntervalFrames { details.append("\(frames) frames") }
            parts.append("GOP \(number(last)) s" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
        }
        let declared = Format.frameRate(f.declaredFrameRate)
        if let measured = Format.frameRate(f.measuredFrameRate) {
            parts.append(measured + (declared.map { " (declared \($0))" } ?? ""))
        } else if let declared {
            parts.append("declared \(declared)")
        }
        if let pace = f.pace, pace.isFinite { parts.append("pace \(number(pace, decimals: 2))x") }
        if let interleave = f.avInterleaveMs { parts.append("A/V \(interleave > 0 ? "+" : "")\(interleave) ms") }
        if let jitter = f.frameIntervalJitterMs, jitter.isFinite { parts.append("jitter \(number(jitter)) ms") }
        if let reorder = f.maxCompositionOffsetMs, reorder > 0 { parts.append("reorder \(reorder) ms") }
        return parts.isEmpty ? nil : parts.joined(separator: "  ")
    }

    /// `12.0`, `0.4`, `-1.5`, `1.00`: fixed decimals without Foundation's
    /// formatter, any input without trapping (as `Format` does).
    static func number(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return "-" }
        let scale = decimals >= 2 ? 100 : 10
        let scaled = Format.roundedInt(abs(value) * Double(scale))
        let fraction = String(scaled % scale)
        let padded = String(repeating: "0", count: max(0, (scale == 100 ? 2 : 1) - fraction.count)) + fraction
        return (value < 0 && scaled > 0 ? "-" : "") + "\(scaled / scale).\(padded)"
    }
}
