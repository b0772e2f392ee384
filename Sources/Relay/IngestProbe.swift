import Media
import NIOCore
import RTMP

/// What the codec probes say about one audio or video message: worked out
/// on the publisher's loop before the stream's lock is taken, so no loop
/// that joins, leaves or snapshots the stream waits on a parser.
struct IngestProbe {
    /// What the stream's statistics still lack, so the probe only parses
    /// what can change them (read without the lock: a stale answer costs
    /// one extra parse or delays a figure by one frame, never a wrong one).
    struct Wants: OptionSet {
        let rawValue: UInt8
        /// Audio configuration from any audio frame (legacy codecs carry it
        /// in every frame's flags; AAC only in its sequence header, always probed).
        static let audioConfig = Wants(rawValue: 1)
        /// VP8/VP9 picture size from a keyframe (their records have none).
        static let frameSize = Wants(rawValue: 2)
        static let all: Wants = [.audioConfig, .frameSize]
    }

    var isKeyframe = false
    var isSequenceHeader = false
    /// PTS − DTS of an AVC/HEVC frame, for the health analysis.
    var compositionOffset: Int32 = 0
    /// An end of sequence (no picture, at the last frame's timestamp).
    var isSequenceEnd = false
    var videoCodec: VideoCodec?
    var videoConfig: VideoConfig?
    var audioConfig: AudioConfig?
    var frameSize: (width: Int, height: Int)?

    init(typeID: UInt8, payload: ByteBuffer, wants: Wants) {
        if typeID == RTMPMessageType.video {
            guard let tag = VideoTagInfo.parse(payload) else { return }
            isKeyframe = tag.isKeyframe
            isSequenceHeader = tag.isSequenceHeader
            videoCodec = tag.codec
            compositionOffset = tag.compositionOffset(in: payload)
            isSequenceEnd = tag.isSequenceEnd
            if tag.isSequenceHeader {
                videoConfig = CodecProbe.videoConfig(payload)
            } else if tag.isKeyframe, wants.contains(.frameSize) {
                if tag.codec == .vp9 { frameSize = CodecProbe.vp9FrameSize(payload) }
                if tag.codec == .vp8 { frameSize = CodecProbe.vp8FrameSize(payload) }
            }
        } else if typeID == RTMPMessageType.audio {
            isSequenceHeader = AudioTagInfo.parse(payload)?.isSequenceHeader ?? false
            if isSequenceHeader || wants.contains(.audioConfig) {
                audioConfig = CodecProbe.audioConfig(payload)
            }
        }
    }
}
