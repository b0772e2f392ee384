import NIOCore

/// Reads codec configuration out of whole RTMP/FLV message payloads, legacy
/// or Enhanced, so that the relay can show what a publisher is sending.
/// Every entry point returns nil for payloads that carry no configuration or
/// are malformed; none of them can trap on hostile input.
public enum CodecProbe: Sendable {
    /// From a video sequence header / SequenceStart payload (whole RTMP message payload):
    /// legacy AVC (7) and codec-12 HEVC, or Enhanced avc1/hvc1/av01/vp09/vp08.
    public static func videoConfig(_ payload: ByteBuffer) -> VideoConfig? {
        guard let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else { return nil }
        if first & 0x80 != 0 {
            guard let header = ExVideoTagHeader.parse(payload),
                  header.packetType == ExVideoTagHeader.PacketType.sequenceStart,
                  let fourCC = header.fourCC
            else { return nil }
            return videoConfig(codec: VideoCodec(fourCC: fourCC), record: header.body)
        }

        // Legacy: frame type/codec id, AVCPacketType 0, SI24 composition time, record.
        var buffer = payload
        let codec = VideoCodec(legacyCodecID: first & 0x0F)
        guard codec == .avc || codec == .hevc, first >> 4 != ExVideoTagHeader.commandFrameType,
              buffer.skipBytes(1),
              let packetType: UInt8 = buffer.readInteger(), packetType == 0,
              buffer.skipBytes(3)
        else { return nil }
        return videoConfig(codec: codec, record: buffer)
    }

    /// What a track after the first of a ManyTracks or ManyTracksManyCodecs
    /// message carries, for the relay's per-track figures.
    public struct LaterTrack: Sendable, Equatable {
        public var trackID: UInt8
        /// Its share of the message's bytes.
        public var bytes: Int
        public var videoCodec: VideoCodec?
        /// From its sequence start, or for AC-3, E-AC-3 and MP3 from a coded frame.
        public var videoConfig: VideoConfig?
        public var audioConfig: AudioConfig?

        public init(trackID: UInt8, bytes: Int, videoCodec: VideoCodec? = nil, videoConfig: VideoConfig? = nil, audioConfig: AudioConfig? = nil) {
            self.trackID = trackID
            self.bytes = bytes
            self.videoCodec = videoCodec
            self.videoConfig = videoConfig
            self.audioConfig = audioConfig
        }
    }

    /// At most this many later tracks are read from one message: a
    /// publisher may pack thousands of empty tracks into 16 MiB, and no
    /// stream lists more than 16 tracks per kind anyway (the bytes of the
    /// rest stay with the message's first track).
    public static let maxLaterTracks = 16

    /// The second and later tracks of an Enhanced RTMP v2 video message
    /// that carries several (whole RTMP message payload); empty for every
    /// other message, without allocating.
    public static func laterVideoTracks(_ payload: ByteBuffer) -> [LaterTrack] {
        guard let header = ExVideoTagHeader.parse(payload), let tracks = header.laterTracks else { return [] }
        let isSequenceStart = header.packetType == ExVideoTagHeader.PacketType.sequenceStart
        return tracks.prefix(maxLaterTracks).map { t in
            let codec = VideoCodec(fourCC: t.fourCC)
            return LaterTrack(trackID: t.trackID, bytes: t.bytesInMessage, videoCodec: codec,
                              videoConfig: isSequenceStart ? videoConfig(codec: codec, record: t.body) : nil)
        }
    }

    /// The same for an audio message. Coded frames are read only as far
    /// as the headers that say their configuration (AC-3, E-AC-3, MP3).
    public static func laterAudioTracks(_ payload: ByteBuffer) -> [LaterTrack] {
        guard let header = ExAudioTagHeader.parse(payload), let tracks = header.laterTracks else { return [] }
        let isSequenceStart = header.packetType == ExAudioTagHeader.PacketType.sequenceStart
        return tracks.prefix(maxLaterTracks).map { t in
            let body = isSequenceStart ? t.body : t.body.getSlice(at: t.body.readerIndex, length: min(t.body.readableBytes, 64)) ?? t.body
            return LaterTrack(trackID: t.trackID, bytes: t.bytesInMessage,
                              audioConfig: enhancedAudioConfig(codec: AudioCodec(fourCC: t.fourCC), packetType: header.packetType, body: body))
        }
    }

    private static func videoConfig(codec: VideoCodec, record: ByteBuffer) -> VideoConfig? {
        switch codec {
        case .avc: return AVCDecoderConfigurationRecord.parse(record)?.videoConfig
        case .hevc: return HEVCDecoderConfigurationRecord.parse(record)?.videoConfig
        case .av1: return AV1CodecConfigurationRecord.parse(record)?.videoConfig
        case .vp9, .vp8: return VPCodecConfigurationRecord.parse(record)?.videoConfig(codec: codec)
        default: return nil
        }
    }

    /// From an audio payload (whole RTMP message payload): an AAC sequence
    /// header (legacy or Enhanced `mp4a`), an Enhanced Opus or FLAC
    /// SequenceStart, an AC-3/E-AC-3 or MP3 coded frame, or any other legacy
    /// audio frame (rate and channels from the header flags). Nil for AAC,
    /// Opus and FLAC coded frames, which carry no configuration.
    public static func audioConfig(_ payload: ByteBuffer) -> AudioConfig? {
        guard let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else { return nil }
        let soundFormat = first >> 4
        if soundFormat == ExAudioTagHeader.exHeaderSoundFormat {
            return enhancedAudioConfig(payload)
        }

        var buffer = payload
        _ = buffer.skipBytes(1)
        let codec = AudioCodec(soundFormat: soundFormat)
        switch codec {
        case .aac:
            guard let packetType: UInt8 = buffer.readInteger(), packetType == 0 else { return nil }
            return AudioSpecificConfig.parse(buffer.remainingBytes)?.audioConfig
        case .mp3, .mp3_8k:
            if let header = MPEGAudioFrameHeader.parse(buffer.remainingBytes) {
                return AudioConfig(
                    codec: codec, profile: header.profileName,
                    sampleRate: header.sampleRate, channels: header.channels
                )
            }
        default:
            break
        }
        let flags = LegacySoundFlags(byte: first)
        return AudioConfig(codec: codec, sampleRate: flags.sampleRate(for: codec), channels: flags.channels(for: codec))
    }

    private static func enhancedAudioConfig(_ payload: ByteBuffer) -> AudioConfig? {
        guard let header = ExAudioTagHeader.parse(payload) else { return nil }
        return enhancedAudioConfig(codec: AudioCodec(fourCC: header.fourCC), packetType: header.packetType, body: header.body)
    }

    /// One track's configuration from its packet: a sequence start, or the
    /// frames of codecs whose every frame says it (AC-3, E-AC-3, MP3).
    private static func enhancedAudioConfig(codec: AudioCodec, packetType: UInt8, body: ByteBuffer) -> AudioConfig? {
        typealias PacketType = ExAudioTagHeader.PacketType
        switch (codec, packetType) {
        case (.aac, PacketType.sequenceStart):
            return AudioSpecificConfig.parse(body.remainingBytes)?.audioConfig
        case (.opus, PacketType.sequenceStart):
            return OpusHeader.parse(body)?.audioConfig
        case (.flac, PacketType.sequenceStart):
            return FLACStreamInfo.parse(body)?.audioConfig
        case (.ac3, PacketType.codedFrames), (.eac3, PacketType.codedFrames):
            return DolbyAudioSyncFrame.parse(body.remainingBytes)?.audioConfig
        case (.mp3, PacketType.codedFrames):
            guard let frame = MPEGAudioFrameHeader.parse(body.remainingBytes) else { return nil }
            return AudioConfig(
                codec: .mp3, profile: frame.profileName, sampleRate: frame.sampleRate, channels: frame.channels
            )
        default:
            return nil
        }
    }

    /// Frame size of a VP9 key frame, from the uncompressed header of an
    /// Enhanced `vp09` CodedFrames/CodedFramesX payload (whole RTMP message
    /// payload). vpcC does not carry the size, so this is the only way to learn it.
    public static func vp9FrameSize(_ codedFramePayload: ByteBuffer) -> (width: Int, height: Int)? {
        guard let frame = codedFrameBody(codedFramePayload, fourCC: FourCC.vp09) else { return nil }
        return VPFrameHeader.vp9KeyFrameSize(frame)
    }

    /// Frame size of a VP8 key frame in an Enhanced `vp08` coded-frames payload.
    public static func vp8FrameSize(_ codedFramePayload: ByteBuffer) -> (width: Int, height: Int)? {
        guard let frame = codedFrameBody(codedFramePayload, fourCC: FourCC.vp08) else { return nil }
        return VPFrameHeader.vp8KeyFrameSize(frame)
    }

    /// VP8/VP9 coded frames have no composition time field, so the frame
    /// starts right after the header for both CodedFrames and CodedFramesX.
    private static func codedFrameBody(_ payload: ByteBuffer, fourCC: UInt32) -> [UInt8]? {
        typealias PacketType = ExVideoTagHeader.PacketType
        guard let header = ExVideoTagHeader.parse(payload), header.fourCC == fourCC,
              header.packetType == PacketType.codedFrames || header.packetType == PacketType.codedFramesX
        else { return nil }
        // Headers fit in the first few dozen bytes; copying the whole frame would waste work per key frame.
        return header.body.getBytes(at: header.body.readerIndex, length: min(header.body.readableBytes, 64))
    }
}
