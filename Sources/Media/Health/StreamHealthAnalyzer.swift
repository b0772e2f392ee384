/// The live health checks of one publish, fed frame by frame on the
/// publisher's own timestamps and their arrival times (the generic
/// profile: what is wrong for any player). O(1) work and no allocation per
/// frame: findings change rarely, and only then are strings built.
///
/// A finding clears once its condition has been false for
/// max(10 s, twice the period its check needs), so it does not flap once
/// per GOP. `tick(now:)` (once a second) runs the checks that are about
/// time passing without frames: stalls and keyframes that never come.
public struct StreamHealthAnalyzer: Sendable {
    public struct Frame: Sendable {
        public enum Track: Sendable { case audio, video }
        public var track: Track
        /// The publisher's RTMP timestamp (DTS).
        public var dts: UInt32
        /// PTS − DTS for AVC/HEVC, ms.
        public var compositionOffset: Int32
        public var isKeyframe: Bool
        /// A sequence header or end of sequence: no media, left out of the
        /// timestamp checks (an end of sequence repeats the last frame's).
        public var isSequenceHeader: Bool
        /// Monotonic nanoseconds.
        public var arrivalNanos: UInt64

        public init(track: Track, dts: UInt32, compositionOffset: Int32 = 0, isKeyframe: Bool = false, isSequenceHeader: Bool = false, arrivalNanos: UInt64) {
            self.track = track
            self.dts = dts
            self.compositionOffset = compositionOffset
            self.isKeyframe = isKeyframe
            self.isSequenceHeader = isSequenceHeader
            self.arrivalNanos = arrivalNanos
        }
    }

    /// The generic profile's limits.
    public struct Limits: Sendable {
        public var maxKeyframeIntervalMs: UInt32 = 10_000
        public var maxInterleaveMs: Int32 = 1_000
        public var jumpMs: UInt32 = 1_000
        public var jumpFrameDurations: UInt32 = 10
        public var stallNanos: UInt64 = 1_000_000_000
        public var paceWindowNanos: UInt64 = 10_000_000_000
        /// Media over wall time outside this range is the wrong pace.
        public var paceRange: ClosedRange<Double> = 0.85...1.15
        public var minClearNanos: UInt64 = 10_000_000_000
        /// Declared vs measured frame rate: a lie beyond this fraction.
        public var frameRateTolerance: Double = 0.1
        public init() {}
    }

    /// A finding that appeared or cleared, for one log line.
    public enum Change: Sendable, Equatable {
        case appeared(HealthFinding)
        case cleared(HealthFinding.Code)
    }

    private struct TrackState: Sendable {
        var lastDTS: UInt32?
        var frames = 0
    }

    public let limits: Limits
    public let profile: HealthProfile
    public private(set) var figures = HealthFigures()
    /// One slot per code, in `Code.allCases` order.
    private var slots: [HealthFinding?]
    private var changes: [Change] = []
    private var audio = TrackState()
    private var video = TrackState()
    private var lastArrivalNanos: UInt64?
    // Keyframes.
    private var lastKeyframeDTS: UInt32?
    private var firstVideoDTS: UInt32?
    private var framesSinceKeyframe = 0
    private var keyframeIntervals = 0
    private var keyframeIntervalSumMs: UInt64 = 0
    // Frame rate: a window of about 2 s of video DTS.
    private var rateWindowStartDTS: UInt32?
    private var rateWindowFrames = 0
    private var rateWindowDeviationSum: Double = 0
    private var frameDurationMs: Double?
    // Pace: media time against wall time over a window.
    private var paceWindowStart: (nanos: UInt64, dts: UInt32)?
    private var paceWindowExcused = false
    // Interleave.
    private var newestAudioDTS: UInt32?
    private var newestVideoDTS: UInt32?
    // What onMetaData said.
    private var declared: (frameRate: Double?, width: Int?, height: Int?) = (nil, nil, nil)
    private var actualSize: (width: Int, height: Int)?

    // Arrival times of the latest keyframes (the dashboard's strip), a ring.
    private var keyframeArrivals: [UInt64]
    private var keyframeArrivalNext = 0
    private static let keyframeArrivalCapacity = 128

    public init(profile: HealthProfile = .generic, limits: Limits = Limits()) {
        self.profile = profile
        self.limits = limits
        slots = Array(repeating: nil, count: HealthFinding.Code.allCases.count)
        keyframeArrivals = Array(repeating: 0, count: Self.keyframeArrivalCapacity)
        changes.reserveCapacity(8)
    }

    /// Arrival times (monotonic ns) of the keyframes since `since`, oldest
    /// first; at most the latest 128.
    public func recentKeyframeArrivals(since: UInt64) -> [UInt64] {
        let n = keyframeArrivals.count
        return (0..<n).map { keyframeArrivals[(keyframeArrivalNext + $0) % n] }.filter { $0 != 0 && $0 >= since }
    }

    /// The first appearance of every code seen in this publish, in order,
    /// cleared or not (the publish summary, `rtmp-top analyze`).
    public private(set) var seen: [HealthFinding] = []

    /// Current findings, informational ones included.
    public var findings: [HealthFinding] { slots.compactMap { $0 } }

    /// The faults (informational codes left out): what ⚠ counts.
    public var faultCount: Int { slots.reduce(0) { $0 + ($1.map { $0.isInformational ? 0 : 1 } ?? 0) } }

    /// Findings that appeared or cleared since the last call.
    public mutating func takeChanges() -> [Change] {
        guard !changes.isEmpty else { return [] }
        defer { changes.removeAll(keepingCapacity: true) }
        return changes
    }

    public var hasChanges: Bool { !changes.isEmpty }

    // MARK: input

    public mutating func observe(_ f: Frame) {
        let now = f.arrivalNanos
        lastArrivalNanos = now
        guard !f.isSequenceHeader else { return }
        switch f.track {
        case .video: observeVideo(f, now: now)
        case .audio: observeAudio(f, now: now)
        }
        observePace(f.dts, now: now)
    }

    /// The publisher's reading was paused by the server (mailbox backlog):
    /// not the publisher's fault, so the pace window in progress is not judged.
    public mutating func noteReadingPaused() { paceWindowExcused = true }

    /// What onMetaData declares (from the network: out-of-range values are ignored).
    public mutating func noteMetadata(frameRate: Double?, width: Int?, height: Int?) {
        let fps = frameRate.flatMap { $0.isFinite && $0 > 0 && $0 < 1000 ? $0 : nil }
        func size(_ v: Int?) -> Int? { v.flatMap { $0 > 0 && $0 <= 65536 ? $0 : nil } }
        declared = (fps, size(width), size(height))
        let frameRate = fps
        figures.declaredFrameRate = frameRate
        checkDeclaredSize(now: lastArrivalNanos ?? 0)
    }

    public mutating func noteVideoSize(width: Int, height: Int, now: UInt64) {
        actualSize = (width, height)
        checkDeclaredSize(now: now)
    }

    /// Once a second: stalls, overdue keyframes, and clearing.
    public mutating func tick(now: UInt64) {
        if let last = lastArrivalNanos, now > last, now - last > limits.stallNanos {
            let silent = Double(now - last) / 1e9
            raise(.mediaStall, now: now) { "no media for \(Self.seconds(silent))" }
            // The stall says it; the pace window around it would say it again.
            paceWindowExcused = true
        }
        // Overdue by the stream's own clock: a stall or a server pause is no missing keyframe.
        if let newest = newestVideoDTS, let from = lastKeyframeDTS ?? firstVideoDTS {
            let waited = Int32(bitPattern: newest &- from)
            if waited > Int32(clamping: limits.maxKeyframeIntervalMs) {
                let most = Double(limits.maxKeyframeIntervalMs) / 1000
                raise(.keyframeInterval, now: now) { "no keyframe for \(Self.seconds(Double(waited) / 1000)) (at most \(Self.seconds(most)))" }
            }
        }
        checkDeclaredSize(now: now)
        clearStale(now: now)
    }

    // MARK: checks

    private mutating func observeVideo(_ f: Frame, now: UInt64) {
        let previousDTS = video.lastDTS
        if !checkTimestamps(previous: previousDTS, f.dts, frameDuration: frameDurationMs, now: now, track: "video") {
            // A discontinuity: intervals and rates measured across it mean nothing.
            lastKeyframeDTS = nil
            firstVideoDTS = f.dts
            rateWindowStartDTS = nil
        }
        video.lastDTS = f.dts
        video.frames &+= 1
        newestVideoDTS = f.dts
        checkInterleave(now: now)
        if f.compositionOffset != 0 {
            let off = Int(f.compositionOffset)
            if off > (figures.maxCompositionOffsetMs ?? 0) { figures.maxCompositionOffsetMs = off }
            // The depth grows as it is seen: it lives in the figures, not the sentence.
            raise(.bFrames, now: now) { "B-frames: frames arrive out of presentation order (composition offsets)" }
        }
        framesSinceKeyframe &+= 1
        if f.isKeyframe {
            keyframeArrivals[keyframeArrivalNext] = max(now, 1)
            keyframeArrivalNext = (keyframeArrivalNext + 1) % keyframeArrivals.count
            if let previous = lastKeyframeDTS {
                let interval = f.dts &- previous
                if Int32(bitPattern: interval) > 0 {
                    noteKeyframeInterval(ms: interval, frames: framesSinceKeyframe - 1, now: now)
                }
            }
            lastKeyframeDTS = f.dts
            framesSinceKeyframe = 1
        }
        if firstVideoDTS == nil { firstVideoDTS = f.dts }  // overdue counts from the first frame
        measureFrameRate(f.dts, previous: previousDTS, now: now)
    }

    private mutating func observeAudio(_ f: Frame, now: UInt64) {
        _ = checkTimestamps(previous: audio.lastDTS, f.dts, frameDuration: nil, now: now, track: "audio")
        audio.lastDTS = f.dts
        audio.frames &+= 1
        newestAudioDTS = f.dts
        checkInterleave(now: now)
    }

    /// False at a discontinuity (backwards, repeated or jumping).
    private mutating func checkTimestamps(previous last: UInt32?, _ dts: UInt32, frameDuration: Double?, now: UInt64, track: String) -> Bool {
        guard let last else { return true }
        let delta = Int32(bitPattern: dts &- last)
        if delta < 0 || (delta == 0 && track == "video") {
            raise(.timestampBackwards, now: now) {
                delta < 0 ? "\(track) timestamps went back \(-Int(delta)) ms (\(last) → \(dts))" : "\(track) timestamp \(dts) repeated"
            }
            return false
        }
        var limit = limits.jumpMs
        if let d = frameDuration, d.isFinite, d > 0 {
            // 10 frame durations when that is under a second, but never less
            // than two (sparse video, a slideshow, is not jumping); clamped
            // before converting: hostile timestamps make frames last for days.
            let frames = max(min(d * Double(limits.jumpFrameDurations), Double(limit)), min(2 * d, Double(UInt32.max)))
            limit = max(UInt32(frames), 1)
        }
        if UInt32(delta) > limit {
            raise(.timestampJump, now: now) { "\(track) timestamps jumped \(Self.seconds(Double(delta) / 1000)) (\(last) → \(dts))" }
            return false
        }
        return true
    }

    private mutating func checkInterleave(now: UInt64) {
        guard let a = newestAudioDTS, let v = newestVideoDTS else { return }
        let gap = Int32(bitPattern: a &- v)
        figures.avInterleaveMs = Int(gap)
        if abs(Int(gap)) > Int(limits.maxInterleaveMs) {
            raise(.avInterleave, now: now) { "audio is \(Self.seconds(Double(abs(Int(gap))) / 1000)) \(gap > 0 ? "ahead of" : "behind") video as they arrive" }
        }
    }

    private mutating func noteKeyframeInterval(ms: UInt32, frames: Int, now: UInt64) {
        let s = Double(ms) / 1000
        figures.keyframeIntervalLast = s
        figures.keyframeIntervalFrames = frames
        figures.keyframeIntervalMin = min(figures.keyframeIntervalMin ?? s, s)
        figures.keyframeIntervalMax = max(figures.keyframeIntervalMax ?? s, s)
        keyframeIntervals &+= 1
        keyframeIntervalSumMs &+= UInt64(ms)
        figures.keyframeIntervalMean = Double(keyframeIntervalSumMs) / Double(keyframeIntervals) / 1000
        if ms > limits.maxKeyframeIntervalMs {
            let most = Double(limits.maxKeyframeIntervalMs) / 1000
            raise(.keyframeInterval, now: now) { "keyframe every \(Self.seconds(s)) (at most \(Self.seconds(most)))" }
        }
    }

    private mutating func measureFrameRate(_ dts: UInt32, previous: UInt32?, now: UInt64) {
        if let p = previous, let d = frameDurationMs {
            let delta = Int32(bitPattern: dts &- p)
            if delta > 0 { rateWindowDeviationSum += abs(Double(delta) - d) }
        }
        guard let start = rateWindowStartDTS, Int32(bitPattern: dts &- start) >= 0 else {
            rateWindowStartDTS = dts
            rateWindowFrames = 0
            rateWindowDeviationSum = 0
            return
        }
        rateWindowFrames &+= 1
        let span = Int32(bitPattern: dts &- start)
        guard span >= 2000 else { return }
        let fps = Double(rateWindowFrames) * 1000 / Double(span)
        figures.measuredFrameRate = (fps * 100).rounded() / 100
        frameDurationMs = Double(span) / Double(rateWindowFrames)
        figures.frameIntervalJitterMs = (rateWindowDeviationSum / Double(rateWindowFrames) * 10).rounded() / 10
        rateWindowStartDTS = dts
        rateWindowFrames = 0
        rateWindowDeviationSum = 0
        if let claimed = declared.frameRate, claimed > 0, abs(fps - claimed) / claimed > limits.frameRateTolerance {
            let declared = claimed
            raise(.metadataMismatch, now: now) { "onMetaData says \(Self.number(declared)) fps, the stream has \(Self.number(fps))" }
        }
    }

    private mutating func observePace(_ dts: UInt32, now: UInt64) {
        guard let start = paceWindowStart else {
            paceWindowStart = (now, dts)
            return
        }
        guard now > start.nanos, now - start.nanos >= limits.paceWindowNanos else { return }
        let media = Double(Int32(bitPattern: dts &- start.dts)) / 1000
        let wall = Double(now - start.nanos) / 1e9
        let pace = media / wall
        figures.pace = (pace * 100).rounded() / 100
        if !paceWindowExcused, !limits.paceRange.contains(pace), media > 0 {
            raise(.realtimePace, now: now) {
                pace > 1 ? "publishing \(Self.number(pace))× faster than real time (a file pushed without -re?)"
                         : "publishing at \(Self.number(pace))× real time (the encoder cannot keep up?)"
            }
        }
        paceWindowStart = (now, dts)
        paceWindowExcused = false
    }

    private mutating func checkDeclaredSize(now: UInt64) {
        guard let a = actualSize, let w = declared.width, let h = declared.height, w > 0, h > 0 else { return }
        if a.width != w || a.height != h {
            raise(.metadataMismatch, now: now) { "onMetaData says \(w)x\(h), the stream is \(a.width)x\(a.height)" }
        }
    }

    // MARK: findings

    /// Marks `code` true now; builds its sentence only when it appears.
    private mutating func raise(_ code: HealthFinding.Code, now: UInt64, _ detail: () -> String) {
        let i = Self.index(code)
        if var existing = slots[i] {
            existing.lastTrueNanos = now
            slots[i] = existing
            return
        }
        let finding = HealthFinding(code: code, detail: detail(), firstSeenNanos: now, lastTrueNanos: now)
        slots[i] = finding
        changes.append(.appeared(finding))
        if !seen.contains(where: { $0.code == code }) { seen.append(finding) }
    }

    private mutating func clearStale(now: UInt64) {
        for i in slots.indices {
            guard let f = slots[i], now > f.lastTrueNanos, now - f.lastTrueNanos > clearAfter(f.code) else { continue }
            slots[i] = nil
            changes.append(.cleared(f.code))
        }
    }

    /// max(10 s, twice the period the check needs).
    private func clearAfter(_ code: HealthFinding.Code) -> UInt64 {
        var period: UInt64 = 0
        switch code {
        case .keyframeInterval: period = UInt64((figures.keyframeIntervalLast ?? 0) * 1e9)
        case .realtimePace: period = limits.paceWindowNanos
        case .metadataMismatch, .frameRate: period = 2_000_000_000
        default: break
        }
        return max(limits.minClearNanos, 2 * period)
    }

    private static let codes = HealthFinding.Code.allCases

    private static func index(_ code: HealthFinding.Code) -> Int {
        codes.firstIndex(of: code) ?? 0
    }

    static func seconds(_ s: Double) -> String { "\(number(s)) s" }

    static func number(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e12 else { return "\(v)" }
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? "\(Int(r)).0" : "\(r)"
    }
}
