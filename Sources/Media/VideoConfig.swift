/// What a video decoder configuration says about the stream, for display and
/// for deciding whether a player can take it.
public struct VideoConfig: Sendable, Equatable {
    public var codec: VideoCodec
    /// e.g. "High", "Main 10", "Main" (AV1), "Profile 0" (VP9).
    public var profile: String?
    /// In each codec's own notation: "3.1" / "4" for H.264 and HEVC, "4.0" for AV1, "2.1" for VP9.
    public var level: String?
    /// Displayed size after cropping, where the configuration carries it.
    public var width: Int?
    public var height: Int?
    /// Luma bit depth, where the configuration carries it.
    public var bitDepth: Int?

    public init(
        codec: VideoCodec,
        profile: String? = nil,
        level: String? = nil,
        width: Int? = nil,
        height: Int? = nil,
        bitDepth: Int? = nil
    ) {
        self.codec = codec
        self.profile = profile
        self.level = level
        self.width = width
        self.height = height
        self.bitDepth = bitDepth
    }
}
