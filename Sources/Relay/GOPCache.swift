import DequeModule

/// What a late joiner gets at once, so its first picture appears at once:
/// the most recent GOPs, starting on a video keyframe.
///
/// One GOP is not enough for a real player. ffmpeg (and so ffplay, VLC's
/// avformat input, OBS's media source) probes about 40 video frames before
/// it shows anything (`fps_analyze_framecount` 20, doubled for FLV's 1 ms
/// time base); a joiner that gets only the frames since the last keyframe
/// waits for the rest in real time. So earlier GOPs stay while the ones after
/// them hold fewer than `joinBurstMilliseconds` of media or fewer than
/// `joinBurstVideoFrames` video frames. `joinBurstMilliseconds` 0 keeps only
/// the current GOP.
///
/// Bounded in bytes, frames and milliseconds: over a cap the oldest GOP
/// goes; a current GOP over the cap alone is dropped whole (half a GOP
/// without its keyframe is useless) and the cache waits for the next
/// keyframe. Sequence headers and onMetaData are kept by the stream and sent
/// before the burst, so they are not cached here. Every operation is O(1)
/// amortised per frame.
public struct GOPCache {
    public struct Limits: Sendable, Equatable {
        public var maxBytes: Int = 24 << 20
        public var maxFrames: Int = 4096
        public var maxDurationMilliseconds: UInt32 = 15_000
        /// Earlier GOPs stay until the burst holds this much media (0: the current GOP only).
        public var joinBurstMilliseconds: UInt32 = GOPCache.defaultJoinBurstMilliseconds
        /// … and this many video frames: ffmpeg's probe wants about 40.
        public var joinBurstVideoFrames: Int = 48
        public init() {}
    }

    public static let defaultJoinBurstMilliseconds: UInt32 = 1000

    /// Where one cached GOP starts, in running counts since the cache opened.
    private struct GOPStart {
        var frameSeq: Int
        var videoSeq: Int
        var byteSeq: Int
        var timestamp: UInt32
    }

    let limits: Limits
    private(set) var frames = Deque<MediaFrame>()
    private var starts = Deque<GOPStart>()
    /// Running counts of what was added since the cache last opened.
    private var frameSeq = 0
    private var videoSeq = 0
    private var byteSeq = 0
    private var newestTimestamp: UInt32 = 0
    /// False while waiting for a keyframe (at the start, or after an overflow).
    private(set) var open = false

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    mutating func add(_ frame: MediaFrame) {
        if frame.isConfiguration || frame.isMetadata { return }
        if frame.kind == .video && frame.isKeyframe {
            open = true
            starts.append(GOPStart(frameSeq: frameSeq, videoSeq: videoSeq, byteSeq: byteSeq, timestamp: frame.timestamp))
        }
        guard open else { return }
        frames.append(frame)
        frameSeq &+= 1
        byteSeq &+= frame.size
        if frame.kind == .video { videoSeq &+= 1 }
        if frame.kind != .data { newestTimestamp = frame.timestamp }
        while starts.count > 1 && (overCaps || burstIsEnough(from: 1)) {
            dropOldestGOP()
        }
        if overCaps { clear() }
    }

    mutating func clear() {
        frames.removeAll(keepingCapacity: false)
        starts.removeAll(keepingCapacity: false)
        frameSeq = 0
        videoSeq = 0
        byteSeq = 0
        open = false
    }

    /// Every cached frame: a late joiner's burst.
    var burst: [MediaFrame] { Array(frames) }

    /// The frames since the newest keyframe: what a recording started
    /// mid-stream begins with (a file has no player probing it).
    var newestGOP: [MediaFrame] {
        guard let first = starts.first, let last = starts.last else { return [] }
        return Array(frames.dropFirst(last.frameSeq &- first.frameSeq))
    }

    var bytes: Int { starts.first.map { byteSeq &- $0.byteSeq } ?? 0 }

    /// GOPs cached (the current one included).
    var gopCount: Int { starts.count }

    var durationMilliseconds: UInt32 { starts.first.map { duration(since: $0) } ?? 0 }

    private func duration(since start: GOPStart) -> UInt32 {
        let d = Int32(bitPattern: newestTimestamp &- start.timestamp)
        return d > 0 ? UInt32(d) : 0
    }

    /// Whether the GOPs from `index` on make a long enough burst by themselves.
    private func burstIsEnough(from index: Int) -> Bool {
        if limits.joinBurstMilliseconds == 0 { return true }
        let start = starts[index]
        return duration(since: start) >= limits.joinBurstMilliseconds && videoSeq &- start.videoSeq >= limits.joinBurstVideoFrames
    }

    private var overCaps: Bool {
        bytes > limits.maxBytes || frames.count > limits.maxFrames || durationMilliseconds > limits.maxDurationMilliseconds
    }

    private mutating func dropOldestGOP() {
        let first = starts.removeFirst()
        guard let next = starts.first else { return }
        frames.removeFirst(next.frameSeq &- first.frameSeq)
    }
}
