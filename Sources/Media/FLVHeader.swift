/// The FLV file header's stream flags.
public struct FLVHeader: Sendable, Equatable {
    public var hasAudio: Bool
    public var hasVideo: Bool

    public init(hasAudio: Bool, hasVideo: Bool) {
        self.hasAudio = hasAudio
        self.hasVideo = hasVideo
    }
}
