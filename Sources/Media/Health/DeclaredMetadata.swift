/// What a publisher's onMetaData claims, as the health checks compare it
/// with what the stream carries. From the network: values out of any sane
/// range are dropped (nil), so no check can trap on them.
public struct DeclaredMetadata: Sendable, Equatable {
    public var frameRate: Double?
    public var width: Int?
    public var height: Int?
    /// `videodatarate` / `audiodatarate`, kbit/s (muxers write 0 when they did not know: nil).
    public var videoKilobitsPerSecond: Double?
    public var audioKilobitsPerSecond: Double?
    public var audioSampleRate: Int?
    public var videoCodec: VideoCodec?
    public var audioCodec: AudioCodec?

    public init(frameRate: Double? = nil, width: Int? = nil, height: Int? = nil, videoKilobitsPerSecond: Double? = nil,
                audioKilobitsPerSecond: Double? = nil, audioSampleRate: Double? = nil, videoCodecID: Double? = nil, audioCodecID: Double? = nil) {
        func positive(_ v: Double?, below limit: Double) -> Double? { v.flatMap { $0.isFinite && $0 > 0 && $0 < limit ? $0 : nil } }
        func size(_ v: Int?) -> Int? { v.flatMap { $0 > 0 && $0 <= 65536 ? $0 : nil } }
        self.frameRate = positive(frameRate, below: 1000)
        self.width = size(width)
        self.height = size(height)
        self.videoKilobitsPerSecond = positive(videoKilobitsPerSecond, below: 10_000_000)
        self.audioKilobitsPerSecond = positive(audioKilobitsPerSecond, below: 100_000)
        // Below 1 Hz it would truncate to 0 (fuzzing found 6.3e-322), which no stream has.
        self.audioSampleRate = positive(audioSampleRate, below: 1_000_000).flatMap { $0 >= 1 ? Int($0) : nil }
        // Small numbers are FLV codec ids, large ones Enhanced RTMP FourCCs.
        self.videoCodec = positive(videoCodecID, below: 4_294_967_296).map { $0 < 16 ? VideoCodec(legacyCodecID: UInt8($0)) : VideoCodec(fourCC: UInt32($0)) }
        self.audioCodec = positive(audioCodecID, below: 4_294_967_296).map { $0 < 16 ? AudioCodec(soundFormat: UInt8($0)) : AudioCodec(fourCC: UInt32($0)) }
        if case .unknown? = self.videoCodec { self.videoCodec = nil }
        if case .unknown? = self.audioCodec { self.audioCodec = nil }
    }
}
