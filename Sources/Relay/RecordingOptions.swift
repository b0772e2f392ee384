/// How recordings are made: where, and when a long one is split.
public struct RecordingOptions: Sendable {
    /// Created if missing.
    public var directory: String = "recordings"
    /// Start a new segment (on a keyframe) after this many seconds; 0 = never.
    public var maxDurationSeconds: Int = 0
    /// Start a new segment (on a keyframe) after this many bytes; 0 = never.
    public var maxSizeBytes: Int64 = 0
    /// Media waiting for the disk beyond this is dropped (and counted), so a
    /// slow disk never holds up an event loop.
    public var queueLimitBytes: Int = 64 << 20
    /// Reserved space for the onMetaData tag and its keyframe index.
    public var reservedMetadataBytes: Int = 64 << 10

    public init() {}

    var segmented: Bool { maxDurationSeconds > 0 || maxSizeBytes > 0 }
}

/// What the snapshot says about a stream's recording.
public struct RecordingSnapshot: Sendable, Equatable, Encodable {
    public var isRecording: Bool
    /// The file being written (or the last one written).
    public var path: String?
    public var segment: Int
    public var bytesWritten: Int64
    public var durationMilliseconds: UInt32
    public var droppedFrames: UInt64
    public var lastError: String?

    public init(isRecording: Bool, path: String?, segment: Int, bytesWritten: Int64, durationMilliseconds: UInt32, droppedFrames: UInt64, lastError: String?) {
        self.isRecording = isRecording
        self.path = path
        self.segment = segment
        self.bytesWritten = bytesWritten
        self.durationMilliseconds = durationMilliseconds
        self.droppedFrames = droppedFrames
        self.lastError = lastError
    }
}
