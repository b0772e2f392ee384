/// One thing wrong with a stream (or, for informational codes, worth
/// knowing), as the health analysis reports it: a stable code, a plain
/// sentence, and when it was first and last true.
public struct HealthFinding: Sendable, Equatable, Encodable {
    public enum Code: String, Sendable, Encodable, CaseIterable {
        case keyframeInterval = "keyframe_interval"
        case frameRate = "frame_rate"
        case realtimePace = "realtime_pace"
        case timestampBackwards = "timestamp_backwards"
        case timestampJump = "timestamp_jump"
        case avInterleave = "av_interleave"
        case mediaStall = "media_stall"
        case bitrate
        case configChange = "config_change"
        case audioFormat = "audio_format"
        case codec
        case metadataMismatch = "metadata_mismatch"
        case bFrames = "b_frames"

        /// Notes, not faults: not counted, not logged at warn.
        public var isInformational: Bool { self == .bFrames }
    }

    public var code: Code
    public var detail: String
    /// Monotonic nanoseconds.
    public var firstSeenNanos: UInt64
    public var lastTrueNanos: UInt64

    public var isInformational: Bool { code.isInformational }

    public init(code: Code, detail: String, firstSeenNanos: UInt64, lastTrueNanos: UInt64) {
        self.code = code
        self.detail = detail
        self.firstSeenNanos = firstSeenNanos
        self.lastTrueNanos = lastTrueNanos
    }
}
