/// What the health analysis measured, whether or not anything is wrong.
public struct HealthFigures: Sendable, Equatable, Encodable {
    /// Keyframe intervals in seconds (by DTS), over this publish.
    public var keyframeIntervalLast: Double?
    public var keyframeIntervalMin: Double?
    public var keyframeIntervalMax: Double?
    public var keyframeIntervalMean: Double?
    /// Frames in the last complete GOP.
    public var keyframeIntervalFrames: Int?
    /// Frames per second from DTS deltas over the last two seconds.
    public var measuredFrameRate: Double?
    /// What onMetaData declared.
    public var declaredFrameRate: Double?
    /// Mean absolute deviation of frame intervals from their mean, ms.
    public var frameIntervalJitterMs: Double?
    /// Largest composition offset seen (B-frame reorder), ms.
    public var maxCompositionOffsetMs: Int?
    /// Newest audio DTS minus newest video DTS as they arrive, ms.
    public var avInterleaveMs: Int?
    /// Media time over wall-clock time in the last 10 s window (1 = real time).
    public var pace: Double?
    /// Audio frames per second by timestamps, over the last 5 s.
    public var audioFrameRate: Double?
    /// How far the mean interleave moved since the first 10 s, ms (drift).
    public var avInterleaveDriftMs: Int?
    /// The first media timestamp of the publish, ms.
    public var firstTimestampMs: Int?
    /// Bitrates by media time over the last 10 s.
    public var videoBitrate: BitrateFigures?
    public var audioBitrate: BitrateFigures?

    public init() {}
}
