/// What an audio configuration (or a legacy header) says about the stream.
public struct AudioConfig: Sendable, Equatable {
    public var codec: AudioCodec
    /// e.g. "LC", "HE-AAC", "HE-AACv2" for AAC; "MPEG-1 Layer III" for MP3.
    public var profile: String?
    /// Output sample rate in Hz (for HE-AAC the SBR rate, not the core rate).
    public var sampleRate: Int?
    public var channels: Int?

    public init(codec: AudioCodec, profile: String? = nil, sampleRate: Int? = nil, channels: Int? = nil) {
        self.codec = codec
        self.profile = profile
        self.sampleRate = sampleRate
        self.channels = channels
    }
}
