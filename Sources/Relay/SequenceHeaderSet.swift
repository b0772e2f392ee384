/// The configurations a decoder needs before a stream's frames: a sequence
/// start per kind and Enhanced RTMP v2 track (a multitrack stream has one
/// per track: ffmpeg 9 sends its second rendition's on track 1), and audio
/// MultichannelConfig. A newer one replaces the one in its slot
/// (`MediaFrame.configSlot`); the rest keep the order they came in. Late
/// joiners (`LiveStream`) and each new recording file (`Recorder`) start
/// with these. Bounded: a publisher announcing more tracks than
/// `maxSlots` loses the oldest slot, not memory.
struct SequenceHeaderSet {
    static let maxSlots = 32

    private(set) var frames: [MediaFrame] = []

    /// Keeps `frame` if it is a configuration; returns whether it was.
    @discardableResult
    mutating func note(_ frame: MediaFrame) -> Bool {
        guard let slot = frame.configSlot else { return false }
        if let i = frames.firstIndex(where: { $0.configSlot == slot }) {
            frames[i] = frame
        } else {
            if frames.count >= Self.maxSlots { frames.removeFirst() }
            frames.append(frame)
        }
        return true
    }

    var hasVideo: Bool { frames.contains { $0.kind == .video } }
    var hasAudio: Bool { frames.contains { $0.kind == .audio } }

    mutating func removeAll() { frames.removeAll() }
}
