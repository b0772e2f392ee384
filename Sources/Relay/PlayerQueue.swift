import DequeModule

/// A player's bounded outbound queue and its drop policy.
///
/// Frames wait here only while the socket is not writable. On overflow whole
/// GOPs go, never a frame in the middle of one: first older GOPs, keeping the
/// freshest one; if the current GOP alone is too big, all queued video goes
/// and video stays off until the next keyframe. Sequence headers and data
/// are never dropped; audio only goes when the queue is full of audio.
struct PlayerQueue {
    struct Limits: Sendable, Equatable {
        var maxBytes: Int
        var maxMessages: Int
        var maxDurationMilliseconds: UInt32

        /// Never smaller than the GOP cache, so a late joiner's burst fits.
        init(covering gop: GOPCache.Limits, slackBytes: Int = 8 << 20, slackMessages: Int = 1024, slackMilliseconds: UInt32 = 5_000) {
            maxBytes = gop.maxBytes &+ slackBytes
            maxMessages = gop.maxFrames &+ slackMessages
            maxDurationMilliseconds = gop.maxDurationMilliseconds &+ slackMilliseconds
        }
    }

    struct Drops: Equatable {
        var video = 0
        var audio = 0
        var total: Int { video &+ audio }
    }

    let limits: Limits
    private(set) var frames = Deque<MediaFrame>()
    private(set) var bytes = 0
    /// Queued video that may be dropped (not sequence headers): lets an
    /// overflow of a queue full of audio skip the scans for video.
    private var droppableVideo = 0
    /// Set by an overflow; cleared by the next video keyframe.
    private(set) var skippingVideo = false

    init(limits: Limits) {
        self.limits = limits
    }

    var isEmpty: Bool { frames.isEmpty }
    var count: Int { frames.count }

    /// Whether a frame arriving now may be sent at all (false while video is
    /// being skipped up to the next keyframe). Counts what it turns away.
    mutating func admit(_ frame: MediaFrame, drops: inout Drops) -> Bool {
        guard frame.kind == .video, skippingVideo, !frame.isConfiguration else { return true }
        if frame.isKeyframe {
            skippingVideo = false
            return true
        }
        drops.video &+= 1
        return false
    }

    /// Queues a frame; on overflow sheds as described above. Returns true
    /// when something was dropped (the caller restarts its chunk headers).
    mutating func push(_ frame: MediaFrame, drops: inout Drops) -> Bool {
        frames.append(frame)
        bytes &+= frame.size
        if Self.isDroppableVideo(frame) { droppableVideo &+= 1 }
        guard overLimits else { return false }
        // 1. Older GOPs: video before the newest queued keyframe. What is
        //    left still starts on a keyframe, so nothing is skipped.
        if droppableVideo > 0, let key = frames.lastIndex(where: { $0.kind == .video && $0.isKeyframe }) {
            let removed = remove(in: 0..<key) { Self.isDroppableVideo($0) }
            drops.video &+= removed
            if !overLimits { return true }
            // 2. A queue of old audio in front of that GOP: the audio goes,
            //    oldest first, and the freshest GOP stays.
            var k = key &- removed
            var i = 0
            while overLimits && i < k {
                if frames[i].kind == .audio && !frames[i].isConfiguration {
                    bytes &-= frames[i].size
                    frames.remove(at: i)
                    drops.audio &+= 1
                    k &-= 1
                } else {
                    i &+= 1
                }
            }
            if !overLimits { return true }
        }
        // 3. The current GOP itself is too big: all queued video goes and
        //    video resumes at the next keyframe; then audio, oldest first.
        if droppableVideo > 0 {
            drops.video &+= remove(in: 0..<frames.count) { $0.kind == .video && !$0.isConfiguration }
        }
        skippingVideo = true
        while overLimits, let i = frames.firstIndex(where: { $0.kind == .audio && !$0.isConfiguration }) {
            bytes &-= frames[i].size
            frames.remove(at: i)
            drops.audio &+= 1
        }
        return true
    }

    /// Removes the frames in `range` that match; returns how many.
    private mutating func remove(in range: Range<Int>, where match: (MediaFrame) -> Bool) -> Int {
        // Most overflows of a stalled player find nothing here: no rebuild then.
        guard frames[range].contains(where: match) else { return 0 }
        var kept = Deque<MediaFrame>()
        kept.reserveCapacity(frames.count)
        var removed = 0
        for (i, f) in frames.enumerated() {
            if range.contains(i) && match(f) {
                removed &+= 1
                bytes &-= f.size
                if Self.isDroppableVideo(f) { droppableVideo &-= 1 }
            } else {
                kept.append(f)
            }
        }
        frames = kept
        return removed
    }

    mutating func popFirst() -> MediaFrame? {
        guard let f = frames.popFirst() else { return nil }
        bytes &-= f.size
        if Self.isDroppableVideo(f) { droppableVideo &-= 1 }
        return f
    }

    mutating func removeAll() {
        frames.removeAll()
        bytes = 0
        droppableVideo = 0
    }

    private static func isDroppableVideo(_ f: MediaFrame) -> Bool {
        f.kind == .video && !f.isConfiguration
    }

    /// After a pause or a publisher change: video resumes at a keyframe.
    mutating func skipVideoUntilKeyframe() {
        skippingVideo = true
    }

    var durationMilliseconds: UInt32 {
        guard let first = frames.first, let last = frames.last else { return 0 }
        let d = Int32(bitPattern: last.timestamp &- first.timestamp)
        return d > 0 ? UInt32(d) : 0
    }

    private var overLimits: Bool {
        bytes > limits.maxBytes || frames.count > limits.maxMessages || durationMilliseconds > limits.maxDurationMilliseconds
    }
}
