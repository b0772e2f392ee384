/// A platform's published RTMP ingest requirements, as the `twitch` and
/// `youtube` health profiles check them. This is the one table of them:
/// each value names the page it was read from (checked 2026-12), and says
/// so where only a second-hand copy could be had. Where a platform only
/// recommends something (YouTube's CBR), it is not checked: a finding says
/// what the platform refuses or degrades, not a matter of taste.
public struct PlatformRequirements: Sendable {
    /// A video bitrate ceiling for pictures up to `maxHeight` lines.
    public struct BitrateCeiling: Sendable {
        public var maxHeight: Int
        /// Over 30 fps ("@60fps" rows); false rows hold for 30 fps and under.
        public var highFrameRate: Bool
        public var maxBitsPerSecond: Int
    }

    public var name: String
    public var source: String
    public var maxKeyframeIntervalSeconds: Double
    public var requiresCBR: Bool
    public var videoCodecs: [VideoCodec]
    public var maxFrameRate: Double
    /// Checked in order, the first row whose height and rate class fit; past the last row, the last.
    public var videoBitrateCeilings: [BitrateCeiling]
    public var audioCodecs: [AudioCodec]
    public var audioSampleRates: [Int]
    public var maxAudioChannels: Int?
    public var maxAudioBitsPerSecond: Int?

    /// https://help.twitch.tv/s/article/broadcasting-guidelines — the stored
    /// copies are of its predecessor, "Broadcast Requirements"
    /// (help.twitch.tv/customer/portal/articles/1253460, 2017) and Twitch
    /// Creator Camp's "Broadcast Recommendations".
    public static let twitch = PlatformRequirements(
        name: "twitch",
        source: "https://help.twitch.tv/s/article/broadcasting-guidelines",
        // "Keyframe Interval: 2 seconds" (Broadcast Requirements).
        maxKeyframeIntervalSeconds: 2,
        // "Rate Control: Strict CBR" (Broadcast Requirements, Creator Camp).
        requiresCBR: true,
        // "Video Codec: H.264 (x264)" (Creator Camp). HEVC and AV1 only in the
        // Enhanced Broadcasting beta, which this profile does not model.
        videoCodecs: [.avc],
        // "Framerates: 25/30 or 50/60 frames per second" (Broadcast Requirements).
        maxFrameRate: 60,
        // "Recommended bitrate range - 3-6 megabits per second" (Broadcast
        // Requirements): 6 Mbit/s is the ceiling at every size.
        videoBitrateCeilings: [BitrateCeiling(maxHeight: .max, highFrameRate: true, maxBitsPerSecond: 6_000_000)],
        // "Audio Codec: AAC-LC. Stereo or Mono" (Broadcast Requirements).
        audioCodecs: [.aac],
        // "44.1 kHz or 48 kHz" (Creator Camp).
        audioSampleRates: [44_100, 48_000],
        maxAudioChannels: 2,
        // "Maximum Audio Bitrate: 320 kbps (AAC)" (Creator Camp; the 2017 page said 160).
        maxAudioBitsPerSecond: 320_000)

    /// https://support.google.com/youtube/answer/2853702 "Choose live encoder
    /// settings, bitrates, and resolutions".
    public static let youtube = PlatformRequirements(
        name: "youtube",
        source: "https://support.google.com/youtube/answer/2853702",
        // "Keyframe frequency: Recommended 2 seconds. Do not exceed 4 seconds"
        // (second-hand copy; YouTube's stream health message says "Please use a
        // keyframe frequency of four seconds or less").
        maxKeyframeIntervalSeconds: 4,
        // "Bitrate encoding: CBR" is a recommendation: not checked.
        requiresCBR: false,
        // H.264; "These recommendations are the same for AV1 and HEVC" (Enhanced RTMP).
        videoCodecs: [.avc, .hevc, .av1],
        // The bitrate table's fastest rows are "@60fps".
        maxFrameRate: 60,
        // The table's maxima (Mbps): 240p–720p@30 8, 720p@60 8, 1080p@30 8,
        // 1080p@60 10, 1440p@30 25, 1440p@60 30, 2160p@30 35, 2160p@60 40.
        videoBitrateCeilings: [
            BitrateCeiling(maxHeight: 720, highFrameRate: false, maxBitsPerSecond: 8_000_000),
            BitrateCeiling(maxHeight: 720, highFrameRate: true, maxBitsPerSecond: 8_000_000),
            BitrateCeiling(maxHeight: 1080, highFrameRate: false, maxBitsPerSecond: 8_000_000),
            BitrateCeiling(maxHeight: 1080, highFrameRate: true, maxBitsPerSecond: 10_000_000),
            BitrateCeiling(maxHeight: 1440, highFrameRate: false, maxBitsPerSecond: 25_000_000),
            BitrateCeiling(maxHeight: 1440, highFrameRate: true, maxBitsPerSecond: 30_000_000),
            BitrateCeiling(maxHeight: 2160, highFrameRate: false, maxBitsPerSecond: 35_000_000),
            BitrateCeiling(maxHeight: 2160, highFrameRate: true, maxBitsPerSecond: 40_000_000),
        ],
        // "set the audio codec … to a supported codec (AAC, MP3)" (YouTube Live
        // API, health status messages).
        audioCodecs: [.aac, .mp3],
        // The audioSampleRate health message recommends 44.1 kHz or 48 kHz.
        audioSampleRates: [44_100, 48_000],
        maxAudioChannels: nil,
        maxAudioBitsPerSecond: nil)

    /// The ceiling for a picture `height` lines high at `frameRate`.
    public func videoBitrateCeiling(height: Int, frameRate: Double) -> BitrateCeiling? {
        let high = frameRate > 31
        return videoBitrateCeilings.first { height <= $0.maxHeight && (high ? $0.highFrameRate : !$0.highFrameRate || $0.maxHeight == .max) }
            ?? videoBitrateCeilings.last
    }
}
