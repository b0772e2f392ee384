import Media
import NIOCore
import RTMP

/// What a recording's onMetaData says about the stream besides what the
/// file itself measures (duration, size, data rates, keyframes).
///
/// Every field is optional: a recorder sets what it knows, and
/// `FLVRecordingFile` fills the gaps from the sequence headers and frames it
/// writes, so a recorder that knows nothing may pass only the publisher's
/// metadata.
struct RecordedStreamInfo: Sendable, Equatable {
    var videoCodec: RecordedCodecID?
    var width: Int?
    var height: Int?
    /// Frames per second.
    var frameRate: Double?
    var audioCodec: RecordedCodecID?
    /// Hz.
    var audioSampleRate: Int?
    /// Bits per sample (legacy FLV audio: 8 or 16).
    var audioSampleSize: Int?
    var audioChannels: Int?
    /// The publisher's own onMetaData properties, carried over where they do
    /// not clash with what the recording measures or states itself.
    var publisherMetadata: [AMF0Property]

    init(
        videoCodec: RecordedCodecID? = nil,
        width: Int? = nil,
        height: Int? = nil,
        frameRate: Double? = nil,
        audioCodec: RecordedCodecID? = nil,
        audioSampleRate: Int? = nil,
        audioSampleSize: Int? = nil,
        audioChannels: Int? = nil,
        publisherMetadata: [AMF0Property] = []
    ) {
        self.videoCodec = videoCodec
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.audioCodec = audioCodec
        self.audioSampleRate = audioSampleRate
        self.audioSampleSize = audioSampleSize
        self.audioChannels = audioChannels
        self.publisherMetadata = publisherMetadata
    }

    /// These fields where set, `other`'s where not.
    func filled(from other: RecordedStreamInfo) -> RecordedStreamInfo {
        RecordedStreamInfo(
            videoCodec: videoCodec ?? other.videoCodec,
            width: width ?? other.width,
            height: height ?? other.height,
            frameRate: frameRate ?? other.frameRate,
            audioCodec: audioCodec ?? other.audioCodec,
            audioSampleRate: audioSampleRate ?? other.audioSampleRate,
            audioSampleSize: audioSampleSize ?? other.audioSampleSize,
            audioChannels: audioChannels ?? other.audioChannels,
            publisherMetadata: publisherMetadata.isEmpty ? other.publisherMetadata : publisherMetadata
        )
    }

    /// Learns codec and picture size from a video payload: the codec from
    /// any frame, the size from a sequence header (or, for VP8/VP9, whose
    /// configuration has no size, from a keyframe). Fields already known stay.
    mutating func learn(fromVideo payload: ByteBuffer) {
        if videoCodec == nil {
            videoCodec = RecordedCodecID.video(in: payload)
        }
        guard width == nil || height == nil, let tag = VideoTagInfo.parse(payload) else { return }
        if tag.isSequenceHeader, let config = CodecProbe.videoConfig(payload),
           let configWidth = config.width, let configHeight = config.height {
            width = configWidth
            height = configHeight
        } else if tag.isKeyframe,
                  let size = CodecProbe.vp9FrameSize(payload) ?? CodecProbe.vp8FrameSize(payload) {
            width = size.width
            height = size.height
        }
    }

    /// Learns codec, sample rate, sample size and channels from an audio
    /// payload: AAC, Opus and FLAC from their sequence headers, legacy
    /// codecs from the header flags. Fields already known stay.
    mutating func learn(fromAudio payload: ByteBuffer) {
        if audioCodec == nil {
            audioCodec = RecordedCodecID.audio(in: payload)
        }
        guard let tag = AudioTagInfo.parse(payload),
              let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
        else { return }
        if audioSampleSize == nil, !tag.isEnhanced {
            // Legacy SoundSize bit; AAC streams set it to 16-bit as the spec asks.
            audioSampleSize = first & 0x02 != 0 ? 16 : 8
        }
        // A legacy AAC frame's flags always say 44.1 kHz stereo: only the
        // sequence header (AudioSpecificConfig) tells the truth.
        let flagsAreMeaningless = tag.codec == .aac && !tag.isSequenceHeader
        guard audioSampleRate == nil || audioChannels == nil, !flagsAreMeaningless,
              let config = CodecProbe.audioConfig(payload)
        else { return }
        if audioSampleRate == nil { audioSampleRate = config.sampleRate }
        if audioChannels == nil { audioChannels = config.channels }
    }
}
