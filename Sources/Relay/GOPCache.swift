/// Everything a stream sent since its last video keyframe, so a late joiner
/// starts on a decodable picture instead of waiting up to a GOP.
///
/// Bounded in bytes, frames and milliseconds of media: a GOP over the cap
/// is dropped whole (half a GOP without its keyframe is useless) and the
/// cache waits for the next keyframe.
public struct GOPCache {
    public struct Limits: Sendable, Equatable {
        public var maxBytes: Int = 24 << 20
        public var maxFrames: Int = 4096
        public var maxDurationMilliseconds: UInt32 = 15_000
        public init() {}
    }

    let limits: Limits
    private(set) var frames: [MediaFrame] = []
    private(set) var bytes = 0
    /// False while waiting for a keyframe (at the start, or after an overflow).
    private(set) var open = false

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    mutating func add(_ frame: MediaFrame) {
        if frame.isSequenceHeader { return }  // kept separately, always sent first
        if frame.kind == .video && frame.isKeyframe {
            frames.removeAll(keepingCapacity: true)
            bytes = 0
            open = true
        }
        guard open else { return }
        frames.append(frame)
        bytes &+= frame.size
        if bytes > limits.maxBytes || frames.count > limits.maxFrames || durationMilliseconds > limits.maxDurationMilliseconds {
            clear()
        }
    }

    mutating func clear() {
        frames.removeAll(keepingCapacity: false)
        bytes = 0
        open = false
    }

    var durationMilliseconds: UInt32 {
        guard let first = frames.first, let last = frames.last else { return 0 }
        let d = Int32(bitPattern: last.timestamp &- first.timestamp)
        return d > 0 ? UInt32(d) : 0
    }
}
