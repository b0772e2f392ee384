import NIOCore

/// Parsed first bytes of an RTMP/FLV audio message payload: legacy FLV
/// AUDIODATA or an Enhanced RTMP v2 ExAudioTagHeader.
public struct AudioTagInfo: Sendable, Equatable {
    public var codec: AudioCodec
    /// SoundFormat 9 (ExHeader) was used.
    public var isEnhanced: Bool
    /// AAC packet type 0, or Enhanced SequenceStart.
    public var isSequenceHeader: Bool
    /// Sample rate implied by the legacy header, only where the flags are
    /// meaningful for the codec (never for AAC or Enhanced audio).
    public var soundRate: Int?
    public var channels: Int?
    /// Enhanced AudioPacketType (after ModEx/Multitrack) or AACPacketType for legacy AAC.
    public var packetType: UInt8?
    /// The message carries Enhanced RTMP Multitrack; the fields describe its first track.
    public var isMultitrack: Bool
    /// That first track's id; 0 for a message that is not Multitrack (the default track).
    public var trackID: UInt8
    /// A ManyTracks or ManyTracksManyCodecs message: tracks may follow the
    /// first (`CodecProbe.laterVideoTracks`/`laterAudioTracks`).
    public var isManyTracks: Bool

    public init(
        codec: AudioCodec,
        isEnhanced: Bool,
        isSequenceHeader: Bool,
        soundRate: Int? = nil,
        channels: Int? = nil,
        packetType: UInt8? = nil,
        isMultitrack: Bool = false,
        trackID: UInt8 = 0,
        isManyTracks: Bool = false
    ) {
        self.trackID = trackID
        self.isManyTracks = isManyTracks
        self.codec = codec
        self.isEnhanced = isEnhanced
        self.isSequenceHeader = isSequenceHeader
        self.soundRate = soundRate
        self.channels = channels
        self.packetType = packetType
        self.isMultitrack = isMultitrack
    }

    /// Returns nil when the payload is empty or too short for the header it announces.
    public static func parse(_ payload: ByteBuffer) -> AudioTagInfo? {
        guard let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else { return nil }
        let soundFormat = first >> 4
        if soundFormat == ExAudioTagHeader.exHeaderSoundFormat {
            guard let header = ExAudioTagHeader.parse(payload) else { return nil }
            return AudioTagInfo(
                codec: AudioCodec(fourCC: header.fourCC),
                isEnhanced: true,
                isSequenceHeader: header.packetType == ExAudioTagHeader.PacketType.sequenceStart,
                packetType: header.packetType,
                isMultitrack: header.multitrackType != nil,
                trackID: header.trackID ?? 0,
                isManyTracks: header.laterTracks != nil
            )
        }

        let codec = AudioCodec(soundFormat: soundFormat)
        if codec == .aac {
            // The AAC flags are fixed at 44 kHz stereo by the FLV spec whatever
            // the stream really is; the truth is in the AudioSpecificConfig.
            guard let packetType = payload.getInteger(at: payload.readerIndex &+ 1, as: UInt8.self) else {
                return nil
            }
            return AudioTagInfo(codec: codec, isEnhanced: false, isSequenceHeader: packetType == 0, packetType: packetType)
        }
        let flags = LegacySoundFlags(byte: first)
        return AudioTagInfo(
            codec: codec,
            isEnhanced: false,
            isSequenceHeader: false,
            soundRate: flags.sampleRate(for: codec),
            channels: flags.channels(for: codec)
        )
    }
}
