/// The codecs that Enhanced RTMP names by FourCC, as the codec tables map
/// them (`VideoCodec.fourCC`, `AudioCodec.fourCC`): what a server that
/// relays every one of them answers in `connect`'s `fourCcList`.
public enum EnhancedRTMPCodecs {
    public static let video: [VideoCodec] = [.avc, .hevc, .av1, .vp9, .vp8]
    public static let audio: [AudioCodec] = [.opus, .flac, .ac3, .eac3, .aac, .mp3]

    /// The FourCCs as text ("avc1", "hvc1", …, "Opus", "mp4a", ".mp3").
    public static let fourCcList: [String] =
        (video.map(\.fourCC) + audio.map(\.fourCC)).compactMap { $0.flatMap(FourCC.printable) }

    public static let videoFourCcs: [String] = video.compactMap { $0.fourCC.flatMap(FourCC.printable) }
    public static let audioFourCcs: [String] = audio.compactMap { $0.fourCC.flatMap(FourCC.printable) }
}
