/// The live health checks of one publish, fed frame by frame on the
/// publisher's own timestamps and their arrival times. The generic checks
/// are what is wrong for any player; a platform profile adds its ingest
/// requirements (`PlatformRequirements`). O(1) work and no allocation per
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
        /// The message's payload bytes (for the bitrates).
        public var bytes: Int

        public init(track: Track, dts: UInt32, compositionOffset: Int32 = 0, isKeyframe: Bool = false, isSequenceHeader: Bool = false,
                    arrivalNanos: UInt64, bytes: Int = 0) {
            self.bytes = bytes
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
        /// Media this far ahead of wall time within a window is the wrong pace at once.
        public var paceAheadSeconds: Double = 3
        public var minClearNanos: UInt64 = 10_000_000_000
        /// Declared vs measured frame rate: a lie beyond this fraction.
        public var frameRateTolerance: Double = 0.1
        /// Declared vs measured bitrate: a lie beyond this factor either way.
        public var bitrateFactor: Double = 2
        /// A track silent this long while the other goes on has stopped.
        public var trackStallNanos: UInt64 = 2_000_000_000
        /// A first timestamp beyond this is not "near 0".
        public var firstTimestampMs: UInt32 = 10_000
        /// Audio frames a second off what the sample rate makes by more than this fraction.
        public var audioRateTolerance: Double = 0.05
        /// Past a platform's keyframe interval by more than this (a frame's rounding).
        public var keyframeSlackMs: UInt32 = 100
        /// Second-to-second bitrate variation (stddev/mean) that is not CBR.
        public var maxCBRVariation: Double = 0.5
        public init() {}
    }

    /// A finding that appeared or cleared, for one log line.
    public enum Change: Sendable, Equatable {
        case appeared(HealthFinding)
        case cleared(HealthFinding.Code)
    }

    /// One track's bookkeeping, the same for audio and video.
    private struct TrackState: Sendable {
        var lastDTS: UInt32?
        /// `lastDTS` for the interleave and the overdue keyframe: nil from
        /// the other track's discontinuity until this track's next frame.
        var newestDTS: UInt32?
        var frames = 0
        var lastArrivalNanos: UInt64?
        var bitrate = BitrateMeter()
        /// Frames over a window of at least `rateWindowMs` of timestamps, and
        /// how far their intervals strayed from the expected one.
        let rateWindowMs: Int32
        var rateWindowStartDTS: UInt32?
        var rateWindowFrames = 0
        var rateWindowDeviationSum: Double = 0

        /// Counts a frame that passed (`continuous`) or failed the timestamp
        /// checks; true when it closed a second of the bitrate.
        mutating func count(dts: UInt32, bytes: Int, arrival: UInt64, continuous: Bool) -> Bool {
            if !continuous {
                // A discontinuity: rates measured across it mean nothing.
                bitrate.reset()
                rateWindowStartDTS = nil
            }
            lastDTS = dts
            newestDTS = dts
            frames &+= 1
            lastArrivalNanos = arrival
            return bitrate.add(bytes: bytes, dts: dts)
        }

        /// The window once it spans `rateWindowMs` (the next starts at `dts`);
        /// `previous` and `expectedIntervalMs` measure the deviation.
        mutating func countRate(_ dts: UInt32, previous: UInt32?, expectedIntervalMs: Double?) -> RateWindow? {
            guard let start = rateWindowStartDTS, Int32(bitPattern: dts &- start) >= 0 else {
                restartRateWindow(at: dts)
                return nil
            }
            if let p = previous, let d = expectedIntervalMs {
                let delta = Int32(bitPattern: dts &- p)
                if delta > 0 { rateWindowDeviationSum += abs(Double(delta) - d) }
            }
            rateWindowFrames &+= 1
            let span = Int32(bitPattern: dts &- start)
            guard span >= rateWindowMs else { return nil }
            defer { restartRateWindow(at: dts) }
            return (rateWindowFrames, span, rateWindowDeviationSum)
        }

        typealias RateWindow = (frames: Int, spanMs: Int32, deviationSumMs: Double)

        private mutating func restartRateWindow(at dts: UInt32) {
            rateWindowStartDTS = dts
            rateWindowFrames = 0
            rateWindowDeviationSum = 0
        }
    }

    public let limits: Limits
    public let profile: HealthProfile
    public private(set) var figures = HealthFigures()
    /// One slot per code, in `Code.allCases` order.
    private var slots: [HealthFinding?]
    private var changes: [Change] = []
    private var audio = TrackState(rateWindowMs: 5000)
    private var video = TrackState(rateWindowMs: 2000)
    private var lastArrivalNanos: UInt64?
    // Keyframes.
    private var lastKeyframeDTS: UInt32?
    private var firstVideoDTS: UInt32?
    private var framesSinceKeyframe = 0
    private var keyframeIntervals = 0
    private var keyframeIntervalSumMs: UInt64 = 0
    /// Video's mean frame interval over its last rate window.
    private var frameDurationMs: Double?
    // Pace: media time against wall time over a window.
    private var paceWindowStart: (nanos: UInt64, dts: UInt32)?
    private var paceWindowExcused = false
    private var paceExcusedUntil: UInt64 = 0
    // Interleave drift: the mean gap per 10 s of video, against the first.
    private var interleaveWindowStartDTS: UInt32?
    private var interleaveWindowSum = 0
    private var interleaveWindowCount = 0
    private var interleaveBaselineMs: Int?
    // What onMetaData said, and what the stream carries.
    private var declared = DeclaredMetadata()
    private var actualSize: (width: Int, height: Int)?
    /// Size mismatches are judged until the stream changes its configuration:
    /// then `config_change` says it, until new metadata describes it.
    private var metadataDescribesStream = true
    private var videoConfig: VideoConfig?
    private var audioConfig: AudioConfig?
    private var firstMediaDTS: UInt32?
    /// The keyframe interval limit: the generic one, or the platform's if tighter.
    private let maxKeyframeIntervalMs: UInt32
    /// "at most 10.0 s" or "twitch: 2.0 s", for the sentences.
    private let keyframeLimitText: String

    // Arrival times of the latest keyframes (the dashboard's strip), a ring.
    private var keyframeArrivals: [UInt64]
    private var keyframeArrivalNext = 0
    private static let keyframeArrivalCapacity = 128

    public init(profile: HealthProfile = .generic, limits: Limits = Limits()) {
        self.profile = profile
        self.limits = limits
        if let r = profile.requirements {
            let platform = UInt32(r.maxKeyframeIntervalSeconds * 1000) + limits.keyframeSlackMs
            maxKeyframeIntervalMs = min(limits.maxKeyframeIntervalMs, platform)
        } else {
            maxKeyframeIntervalMs = limits.maxKeyframeIntervalMs
        }
        if let r = profile.requirements, maxKeyframeIntervalMs < limits.maxKeyframeIntervalMs {
            keyframeLimitText = "\(r.name): \(Self.seconds(r.maxKeyframeIntervalSeconds))"
        } else {
            keyframeLimitText = "at most \(Self.seconds(Double(limits.maxKeyframeIntervalMs) / 1000))"
        }
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

    /// Frames of this publish (sequence headers left out).
    public var videoFrames: Int { video.frames }
    public var audioFrames: Int { audio.frames }
    public private(set) var keyframes = 0

    // MARK: input

    public mutating func observe(_ f: Frame) {
        let now = f.arrivalNanos
        lastArrivalNanos = now
        guard !f.isSequenceHeader else { return }
        if firstMediaDTS == nil {
            firstMediaDTS = f.dts
            figures.firstTimestampMs = Int(f.dts)
            if f.dts > limits.firstTimestampMs {
                raise(.timestampJump, now: now) { "the stream starts at \(Self.seconds(Double(f.dts) / 1000)), not near 0 (players may wait that long)" }
            }
        }
        switch f.track {
        case .video: observeTrack(f, isVideo: true, now: now)
        case .audio: observeTrack(f, isVideo: false, now: now)
        }
        observePace(f.dts, now: now)
    }

    /// The publisher's reading was paused by the server (mailbox backlog):
    /// not the publisher's fault, so the pace window in progress is not
    /// judged, nor anything for a window's length after (the backlog then
    /// arrives in a burst, ahead of wall time).
    public mutating func noteReadingPaused() {
        paceWindowExcused = true
        paceExcusedUntil = (lastArrivalNanos ?? 0) &+ limits.paceWindowNanos
    }

    /// What onMetaData declares.
    public mutating func noteMetadata(_ d: DeclaredMetadata) {
        declared = d
        metadataDescribesStream = true
        figures.declaredFrameRate = d.frameRate
        checkMetadata(now: lastArrivalNanos ?? 0)
    }

    public mutating func noteMetadata(frameRate: Double?, width: Int?, height: Int?) {
        noteMetadata(DeclaredMetadata(frameRate: frameRate, width: width, height: height))
    }

    public var knowsVideoConfig: Bool { videoConfig != nil }
    public var knowsAudioConfig: Bool { audioConfig != nil }

    /// A video sequence header's configuration (or the first frame's codec).
    public mutating func noteVideoConfig(_ c: VideoConfig, now: UInt64) {
        if let old = videoConfig, old.codec != c.codec || old.profile != c.profile || old.bitDepth != c.bitDepth {
            raise(.configChange, now: now) { "video changed from \(Self.describe(old)) to \(Self.describe(c)) mid-stream" }
            metadataDescribesStream = false
        }
        videoConfig = c
        if let w = c.width, let h = c.height { noteVideoSize(width: w, height: h, now: now) }
        checkRequirements(now: now)
    }

    /// The picture size, from a configuration or (VP8/VP9) a keyframe.
    public mutating func noteVideoSize(width: Int, height: Int, now: UInt64) {
        if let old = actualSize, old != (width, height) {
            raise(.configChange, now: now) { "video size changed from \(old.width)x\(old.height) to \(width)x\(height) mid-stream" }
            metadataDescribesStream = false
        }
        actualSize = (width, height)
        checkMetadata(now: now)
    }

    /// An audio sequence header's configuration (or a legacy frame's flags).
    public mutating func noteAudioConfig(_ c: AudioConfig, now: UInt64) {
        if let old = audioConfig, old != c {
            raise(.configChange, now: now) { "audio changed from \(Self.describe(old)) to \(Self.describe(c)) mid-stream" }
            metadataDescribesStream = false
        }
        audioConfig = c
        checkMetadata(now: now)
        checkRequirements(now: now)
    }

    /// Once a second: stalls, overdue keyframes, and clearing.
    public mutating func tick(now: UInt64) {
        if let last = lastArrivalNanos, now > last, now - last > limits.stallNanos {
            let silent = Double(now - last) / 1e9
            raise(.mediaStall, now: now) { "no media for \(Self.seconds(silent))" }
            // The stall says it; the pace window around it would say it again.
            paceWindowExcused = true
        } else {
            checkTrackStall(audio, other: video, name: "audio", otherName: "video", now: now)
            checkTrackStall(video, other: audio, name: "video", otherName: "audio", now: now)
        }
        // Overdue by the stream's own clock: a stall or a server pause is no missing keyframe.
        if let newest = video.newestDTS, let from = lastKeyframeDTS ?? firstVideoDTS {
            let waited = Int32(bitPattern: newest &- from)
            if waited > Int32(clamping: maxKeyframeIntervalMs) {
                let limit = keyframeLimitText
                raise(.keyframeInterval, now: now) { "no keyframe for \(Self.seconds(Double(waited) / 1000)) (\(limit))" }
            }
        }
        // Conditions about what the stream is, not what a frame did: still true?
        checkMetadata(now: now)
        checkRequirements(now: now)
        clearStale(now: now)
    }

    // MARK: checks

    /// Inlined once per kind, so the tests of `isVideo` fold away: one
    /// shared body cost 15 % more instructions per frame.
    @inline(__always) private mutating func observeTrack(_ f: Frame, isVideo: Bool, now: UInt64) {
        let previous = isVideo ? video.lastDTS : audio.lastDTS
        // Video's intervals are held to its measured frame duration (the jump
        // limit, the jitter); audio's jumps to `jumpMs` alone.
        let expected = isVideo ? frameDurationMs : nil
        let continuous = checkTimestamps(previous: previous, f.dts, frameDuration: expected, now: now, track: isVideo ? "video" : "audio")
        if !continuous {
            paceWindowStart = nil
            // The other track crosses the same discontinuity a frame later: until
            // it does, the gap between the tracks is the jump, not an interleave.
            if isVideo {
                audio.newestDTS = nil
                // Intervals measured across it mean nothing.
                lastKeyframeDTS = nil
                firstVideoDTS = f.dts
                interleaveWindowStartDTS = nil
            } else {
                video.newestDTS = nil
            }
        }
        let closedSecond = isVideo ? video.count(dts: f.dts, bytes: f.bytes, arrival: now, continuous: continuous)
                                   : audio.count(dts: f.dts, bytes: f.bytes, arrival: now, continuous: continuous)
        checkInterleave(now: now)
        if isVideo {
            if closedSecond { videoSecondClosed(now: now) }
            observeGOP(f, now: now)
            if let w = video.countRate(f.dts, previous: previous, expectedIntervalMs: expected) { videoRateMeasured(w, now: now) }
        } else {
            if closedSecond { audioSecondClosed(now: now) }
            if let w = audio.countRate(f.dts, previous: previous, expectedIntervalMs: expected) { audioRateMeasured(w, now: now) }
        }
    }

    /// Video alone: B-frames, keyframes and their intervals.
    private mutating func observeGOP(_ f: Frame, now: UInt64) {
        if f.compositionOffset != 0 {
            let off = Int(f.compositionOffset)
            if off > (figures.maxCompositionOffsetMs ?? 0) { figures.maxCompositionOffsetMs = off }
            // The depth grows as it is seen: it lives in the figures, not the sentence.
            raise(.bFrames, now: now) { "B-frames: frames arrive out of presentation order (composition offsets)" }
        }
        framesSinceKeyframe &+= 1
        if f.isKeyframe {
            keyframes &+= 1
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
    }

    /// Per-track silence while the other track goes on (audio stopping
    /// under a running video is the classic one). A server read pause stops
    /// both tracks alike, so it cannot look like this.
    private mutating func checkTrackStall(_ t: TrackState, other: TrackState, name: String, otherName: String, now: UInt64) {
        guard let last = t.lastArrivalNanos, let otherLast = other.lastArrivalNanos, now > last,
              now - last > limits.trackStallNanos, otherLast > last,
              // The other track arrived after `now` (a file's clock runs on its
              // timestamps, which need not be in order): it goes on.
              otherLast >= now || now - otherLast <= limits.stallNanos else { return }
        let silent = Double(now - last) / 1e9
        raise(.mediaStall, now: now) { "no \(name) for \(Self.seconds(silent)) while \(otherName) goes on" }
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
        guard let a = audio.newestDTS, let v = video.newestDTS else { return }
        let gap = Int32(bitPattern: a &- v)
        figures.avInterleaveMs = Int(gap)
        measureInterleaveDrift(Int(gap), videoDTS: v)
        // Judged only while the track behind still arrives: one that stopped
        // is a stall (checkTrackStall), not an interleave.
        let behind = gap < 0 ? audio.lastArrivalNanos : video.lastArrivalNanos
        guard let b = behind, now <= b || now - b < limits.stallNanos / 2 else { return }
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
        if ms > maxKeyframeIntervalMs {
            let limit = keyframeLimitText
            raise(.keyframeInterval, now: now) { "keyframe every \(Self.seconds(s)) (\(limit))" }
        }
    }

    private mutating func videoRateMeasured(_ w: TrackState.RateWindow, now: UInt64) {
        let fps = Double(w.frames) * 1000 / Double(w.spanMs)
        figures.measuredFrameRate = (fps * 100).rounded() / 100
        frameDurationMs = Double(w.spanMs) / Double(w.frames)
        figures.frameIntervalJitterMs = (w.deviationSumMs / Double(w.frames) * 10).rounded() / 10
        if let claimed = declared.frameRate, claimed > 0, abs(fps - claimed) / claimed > limits.frameRateTolerance {
            let declared = claimed
            raise(.metadataMismatch, now: now) { "onMetaData says \(Self.number(declared)) fps, the stream has \(Self.number(fps))" }
        }
        if let r = profile.requirements, fps > r.maxFrameRate * 1.02 {
            raise(.frameRate, now: now) { "\(Self.number(fps)) fps (\(r.name): at most \(Self.number(r.maxFrameRate)))" }
        }
    }

    /// Audio frames a second against what the sample rate makes: AAC
    /// carries 1024 samples a frame (HE-AAC 2048 at its output rate), so
    /// timestamps that disagree mean a wrong rate or a wrong clock.
    private mutating func audioRateMeasured(_ w: TrackState.RateWindow, now: UInt64) {
        let fps = Double(w.frames) * 1000 / Double(w.spanMs)
        figures.audioFrameRate = (fps * 100).rounded() / 100
        guard let c = audioConfig, c.codec == .aac, let rate = c.sampleRate, rate > 0 else { return }
        let samples = c.profile?.hasPrefix("HE-AAC") == true ? 2048.0 : 1024.0
        let expected = Double(rate) / samples
        if abs(fps - expected) / expected > limits.audioRateTolerance {
            raise(.audioFormat, now: now) {
                "AAC at \(rate) Hz makes \(Self.number(expected)) frames a second, the timestamps give \(Self.number(fps)) (wrong sample rate or clock)"
            }
        }
    }

    private mutating func measureInterleaveDrift(_ gap: Int, videoDTS: UInt32) {
        guard let start = interleaveWindowStartDTS, Int32(bitPattern: videoDTS &- start) >= 0 else {
            interleaveWindowStartDTS = videoDTS
            interleaveWindowSum = 0
            interleaveWindowCount = 0
            return
        }
        interleaveWindowSum &+= gap
        interleaveWindowCount &+= 1
        guard Int32(bitPattern: videoDTS &- start) >= 10_000 else { return }
        let mean = interleaveWindowSum / max(interleaveWindowCount, 1)
        if let base = interleaveBaselineMs { figures.avInterleaveDriftMs = mean - base } else { interleaveBaselineMs = mean }
        interleaveWindowStartDTS = videoDTS
        interleaveWindowSum = 0
        interleaveWindowCount = 0
    }

    private mutating func videoSecondClosed(now: UInt64) {
        figures.videoBitrate = video.bitrate.figures
        guard let r = profile.requirements, video.bitrate.completedSeconds == BitrateMeter.windowSeconds,
              let mean = video.bitrate.meanBitsPerSecond else { return }
        if let h = actualSize?.height, let ceiling = r.videoBitrateCeiling(height: h, frameRate: figures.measuredFrameRate ?? 30),
           mean > Double(ceiling.maxBitsPerSecond) * 1.05 {
            raise(.bitrate, now: now) {
                "video \(Self.megabits(mean)) over 10 s (\(r.name): at most \(Self.megabits(Double(ceiling.maxBitsPerSecond))) at \(h)p)"
            }
        }
        if r.requiresCBR, let v = video.bitrate.variation, v > limits.maxCBRVariation {
            raise(.bitrate, now: now) { "video bitrate varies ±\(Int(v * 100))% second to second (\(r.name) asks for CBR)" }
        }
    }

    private mutating func audioSecondClosed(now: UInt64) {
        figures.audioBitrate = audio.bitrate.figures
        guard let r = profile.requirements, let most = r.maxAudioBitsPerSecond,
              audio.bitrate.completedSeconds == BitrateMeter.windowSeconds, let mean = audio.bitrate.meanBitsPerSecond,
              mean > Double(most) * 1.05 else { return }
        raise(.audioFormat, now: now) { "audio \(Int(mean / 1000)) kbit/s (\(r.name): at most \(most / 1000))" }
    }

    private mutating func observePace(_ dts: UInt32, now: UInt64) {
        guard let start = paceWindowStart else {
            paceWindowStart = (now, dts)
            return
        }
        guard now > start.nanos else { return }
        let elapsed = now - start.nanos
        if elapsed < limits.paceWindowNanos {
            // A file pushed without -re is seconds ahead within a second: say
            // so at once, not after a window the push may never last.
            let ahead = Double(Int32(bitPattern: dts &- start.dts)) / 1000 - Double(elapsed) / 1e9
            if ahead > limits.paceAheadSeconds, !paceWindowExcused, now >= paceExcusedUntil {
                let pace = Double(Int32(bitPattern: dts &- start.dts)) / 1000 / max(Double(elapsed) / 1e9, 0.001)
                figures.pace = (min(pace, 1e6) * 100).rounded() / 100
                raise(.realtimePace, now: now) { "publishing \(Self.number(min(pace, 1e6)))× faster than real time (a file pushed without -re?)" }
            }
            return
        }
        let media = Double(Int32(bitPattern: dts &- start.dts)) / 1000
        let wall = Double(now - start.nanos) / 1e9
        let pace = media / wall
        figures.pace = (pace * 100).rounded() / 100
        if !paceWindowExcused, now >= paceExcusedUntil, !limits.paceRange.contains(pace), media > 0 {
            raise(.realtimePace, now: now) {
                pace > 1 ? "publishing \(Self.number(pace))× faster than real time (a file pushed without -re?)"
                         : "publishing at \(Self.number(pace))× real time (the encoder cannot keep up?)"
            }
        }
        paceWindowStart = (now, dts)
        paceWindowExcused = false
    }

    /// onMetaData against the stream: size, codecs, sample rate, bitrates.
    private mutating func checkMetadata(now: UInt64) {
        guard metadataDescribesStream else { return }
        if let a = actualSize, let w = declared.width, let h = declared.height, a.width != w || a.height != h {
            raise(.metadataMismatch, now: now) { "onMetaData says \(w)x\(h), the stream is \(a.width)x\(a.height)" }
        }
        if let said = declared.videoCodec, let actual = videoConfig?.codec, said != actual {
            raise(.metadataMismatch, now: now) { "onMetaData says video \(said.displayName), the stream is \(actual.displayName)" }
        }
        if let said = declared.audioCodec, let actual = audioConfig?.codec, said != actual, !(said == .mp3_8k && actual == .mp3) {
            raise(.metadataMismatch, now: now) { "onMetaData says audio \(said.displayName), the stream is \(actual.displayName)" }
        }
        if let said = declared.audioSampleRate, let actual = audioConfig?.sampleRate, said != actual {
            raise(.metadataMismatch, now: now) { "onMetaData says \(said) Hz, the audio is \(actual) Hz" }
        }
        for (said, meter, name) in [(declared.videoKilobitsPerSecond, video.bitrate, "video"), (declared.audioKilobitsPerSecond, audio.bitrate, "audio")] {
            guard let kbps = said, meter.completedSeconds == BitrateMeter.windowSeconds, let mean = meter.meanBitsPerSecond, mean > 0 else { continue }
            // Muxers write kbit/s as bits / 1024 or / 1000; a factor of 2 is a lie either way.
            let ratio = mean / (kbps * 1000)
            if ratio > limits.bitrateFactor || ratio < 1 / limits.bitrateFactor {
                raise(.metadataMismatch, now: now) { "onMetaData says \(name) \(Int(kbps)) kbit/s, the stream has \(Int(mean / 1000))" }
            }
        }
    }

    /// A platform's codec and audio format rules, against the configurations.
    private mutating func checkRequirements(now: UInt64) {
        guard let r = profile.requirements else { return }
        if let c = videoConfig?.codec, !r.videoCodecs.contains(c) {
            raise(.codec, now: now) { "video \(c.displayName) (\(r.name): \(r.videoCodecs.map(\.displayName).joined(separator: ", ")))" }
        }
        guard let a = audioConfig else { return }
        if !r.audioCodecs.contains(a.codec) {
            raise(.codec, now: now) { "audio \(a.codec.displayName) (\(r.name): \(r.audioCodecs.map(\.displayName).joined(separator: ", ")))" }
        }
        if let rate = a.sampleRate, !r.audioSampleRates.contains(rate) {
            raise(.audioFormat, now: now) { "audio at \(rate) Hz (\(r.name): \(r.audioSampleRates.map { "\($0)" }.joined(separator: " or ")) Hz)" }
        }
        if let most = r.maxAudioChannels, let ch = a.channels, ch > most {
            raise(.audioFormat, now: now) { "\(ch) audio channels (\(r.name): at most \(most))" }
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
        case .bitrate: period = UInt64(BitrateMeter.windowSeconds) * 1_000_000_000
        case .audioFormat: period = 5_000_000_000
        default: break
        }
        return max(limits.minClearNanos, 2 * period)
    }

    private static let codes = HealthFinding.Code.allCases

    private static func index(_ code: HealthFinding.Code) -> Int {
        codes.firstIndex(of: code) ?? 0
    }

    static func seconds(_ s: Double) -> String { "\(number(s)) s" }

    static func megabits(_ bps: Double) -> String { "\(number(bps / 1e6)) Mbit/s" }

    static func describe(_ c: VideoConfig) -> String {
        [c.codec.displayName, c.profile, c.width.flatMap { w in c.height.map { "\(w)x\($0)" } }].compactMap { $0 }.joined(separator: " ")
    }

    static func describe(_ c: AudioConfig) -> String {
        [c.codec.displayName, c.profile, c.sampleRate.map { "\($0) Hz" }, c.channels.map { $0 == 1 ? "mono" : $0 == 2 ? "stereo" : "\($0) channels" }]
            .compactMap { $0 }.joined(separator: " ")
    }

    static func number(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e12 else { return "\(v)" }
        let r = (v * 10).rounded() / 10
        return r == r.rounded() ? "\(Int(r)).0" : "\(r)"
    }
}
