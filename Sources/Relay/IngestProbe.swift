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

    /// A keyframe of the stream's default video track: where a new player,
    /// a recording cut or a GOP starts. Track 0 is assumed until
    /// `StreamStats.settleTrack` says which track is the default.
    var isKeyframe: Bool { isTrackKeyframe && isDefaultTrack }
    /// A keyframe of its own track, whichever that is.
    var isTrackKeyframe = false
    /// The message is on its kind's default track (see `StreamStats.settleTrack`).
    var isDefaultTrack = true
    let isVideo: Bool
    var isSequenceHeader = false
    /// PTS − DTS of an AVC/HEVC frame, for the health analysis.
    var compositionOffset: Int32 = 0
    /// A picture (or an audio frame): not a sequence header or end, an
    /// Enhanced metadata packet or a command frame, which share timestamps
    /// with pictures and are no frames for the health checks.
    var carriesPicture = true
    var videoCodec: VideoCodec?
    var videoConfig: VideoConfig?
    var audioConfig: AudioConfig?
    var frameSize: (width: Int, height: Int)?
    /// Enhanced RTMP v2: the (first) track the message carries; 0, the
    /// default track, for every message that is not Multitrack.
    var trackID: UInt8 = 0
    /// The other tracks of a message that carries several (ManyTracks):
    /// their ids, shares of the bytes and configurations. Empty otherwise.
    var laterTracks: [CodecProbe.LaterTrack] = []
    /// What a player that announced no Enhanced RTMP in its `connect`
    /// cannot take: Multitrack messages and audio MultichannelConfig.
    var needsEnhancedPlayer = false
    /// Audio MultichannelConfig: kept for late joiners like a sequence header.
    var isMultichannelConfig = false
    /// An Enhanced video metadata packet (colorInfo, which ffmpeg 8+ sends
    /// after the sequence start): kept for late joiners, never dropped.
    var isVideoMetadata = false

    /// The lowest track id the message carries.
    var lowestTrackID: UInt8 { laterTracks.reduce(trackID) { min($0, $1.trackID) } }

    /// The stream's default track for this kind is `track`. A ManyTracks
    /// message that carries it after its first track is described by it
    /// from here on (the first track moves to `laterTracks`), so its codec,
    /// configuration and bytes are the default track's; the frame type is
    /// the whole message's, so its keyframe is the default track's too.
    /// Its composition offset and VP8/VP9 frame size are not re-read from
    /// that track (0 and nil): a layout no encoder we know sends.
    mutating func settle(defaultTrack track: UInt8, messageBytes: Int) {
        if trackID != track, let i = laterTracks.firstIndex(where: { $0.trackID == track }) {
            let other = laterTracks[i]
            let firstShare = messageBytes - laterTracks.reduce(0) { $0 + $1.bytes }
            laterTracks[i] = CodecProbe.LaterTrack(trackID: trackID, bytes: firstShare, videoCodec: videoCodec,
                                                   videoConfig: videoConfig, audioConfig: audioConfig)
            trackID = other.trackID
            videoCodec = other.videoCodec ?? videoCodec
            videoConfig = other.videoConfig
            audioConfig = other.audioConfig
            // Read from the first track's bytes: not the default's.
            frameSize = nil
            compositionOffset = 0
        }
        isDefaultTrack = trackID == track
    }

    init(typeID: UInt8, payload: ByteBuffer, wants: Wants) {
        isVideo = typeID == RTMPMessageType.video
        if typeID == RTMPMessageType.video {
            guard let tag = VideoTagInfo.parse(payload) else { return }
            trackID = tag.trackID
            needsEnhancedPlayer = tag.isMultitrack
            if tag.isManyTracks { laterTracks = CodecProbe.laterVideoTracks(payload) }
            isVideoMetadata = tag.isMetadataPacket
            // A new player, a cut or a GOP starts on the default track's keyframes.
            isTrackKeyframe = tag.isKeyframe
            isDefaultTrack = tag.trackID == 0
            isSequenceHeader = tag.isSequenceHeader
            videoCodec = tag.codec
            compositionOffset = tag.compositionOffset(in: payload)
            carriesPicture = tag.carriesPicture
            if tag.isSequenceHeader {
                videoConfig = CodecProbe.videoConfig(payload)
            } else if tag.isKeyframe, wants.contains(.frameSize) {
                if tag.codec == .vp9 { frameSize = CodecProbe.vp9FrameSize(payload) }
                if tag.codec == .vp8 { frameSize = CodecProbe.vp8FrameSize(payload) }
            }
        } else if typeID == RTMPMessageType.audio {
            let tag = AudioTagInfo.parse(payload)
            isSequenceHeader = tag?.isSequenceHeader ?? false
            trackID = tag?.trackID ?? 0
            isDefaultTrack = trackID == 0
            isMultichannelConfig = tag.map { $0.isEnhanced && $0.packetType == 4 } ?? false
            needsEnhancedPlayer = (tag?.isMultitrack ?? false) || isMultichannelConfig
            if tag?.isManyTracks == true { laterTracks = CodecProbe.laterAudioTracks(payload) }
            carriesPicture = !isSequenceHeader && !isMultichannelConfig
            if isSequenceHeader || wants.contains(.audioConfig) {
                audioConfig = CodecProbe.audioConfig(payload)
            }
        }
    }
}
