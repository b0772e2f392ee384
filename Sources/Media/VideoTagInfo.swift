import NIOCore

/// Parsed first bytes of an RTMP/FLV video message payload: legacy FLV
/// VIDEODATA or an Enhanced RTMP (v1/v2) ExVideoTagHeader.
///
/// This is what a relay needs per message: which codec, whether to cache it as
/// a sequence header, and whether a new player may start from it.
public struct VideoTagInfo: Sendable, Equatable {
    /// `.unknown(0)` for Enhanced command frames, which the spec sends without a FourCC.
    public var codec: VideoCodec
    /// 1 key, 2 inter, 3 disposable, 4 generated key, 5 command/info.
    public var frameType: UInt8
    /// IsExHeader (byte 0, bit 7) was set.
    public var isEnhanced: Bool
    /// AVC/HEVC(codec id 12) packet type 0, or Enhanced SequenceStart /
    /// MPEG2TSSequenceStart: the decoder configuration players need first.
    public var isSequenceHeader: Bool
    /// A key frame that carries coded pictures, i.e. a point where a new
    /// player can start decoding once it has the sequence header.
    public var isKeyframe: Bool
    /// Enhanced VideoPacketType (after ModEx/Multitrack), or AVCPacketType for
    /// legacy AVC and codec-12 HEVC; nil for other legacy codecs and command frames.
    public var packetType: UInt8?
    /// Enhanced SequenceEnd or AVC/HEVC end of sequence (packet type 2).
    public var isSequenceEnd: Bool
    /// The message carries Enhanced RTMP Multitrack; the fields describe its first track.
    public var isMultitrack: Bool
    /// That first track's id; 0 for a message that is not Multitrack (the default track).
    public var trackID: UInt8
    /// A ManyTracks or ManyTracksManyCodecs message: tracks may follow the
    /// first (`CodecProbe.laterVideoTracks`/`laterAudioTracks`).
    public var isManyTracks: Bool

    public init(
        codec: VideoCodec,
        frameType: UInt8,
        isEnhanced: Bool,
        isSequenceHeader: Bool,
        isKeyframe: Bool,
        packetType: UInt8? = nil,
        isSequenceEnd: Bool = false,
        isMultitrack: Bool = false,
        trackID: UInt8 = 0,
        isManyTracks: Bool = false
    ) {
        self.trackID = trackID
        self.isManyTracks = isManyTracks
        self.codec = codec
        self.frameType = frameType
        self.isEnhanced = isEnhanced
        self.isSequenceHeader = isSequenceHeader
        self.isKeyframe = isKeyframe
        self.packetType = packetType
        self.isSequenceEnd = isSequenceEnd
        self.isMultitrack = isMultitrack
    }

    static let keyFrameType: UInt8 = 1

    /// An Enhanced metadata packet (packet type 4: colorInfo and the like).
    public var isMetadataPacket: Bool { isEnhanced && packetType == ExVideoTagHeader.PacketType.metadata }

    /// A coded picture: not a sequence start or end, not an Enhanced
    /// metadata packet (type 4), not a command frame (frame type 5).
    public var carriesPicture: Bool {
        !isSequenceHeader && !isSequenceEnd && frameType != ExVideoTagHeader.commandFrameType && !(isEnhanced && packetType == ExVideoTagHeader.PacketType.metadata)
    }

    /// PTS − DTS in ms of an AVC/HEVC coded frame (the SI24 composition
    /// time of a legacy NALU packet or an Enhanced CodedFrames one); 0 for
    /// everything else (CodedFramesX has none). Not for multitrack payloads.
    public func compositionOffset(in payload: ByteBuffer) -> Int32 {
        guard !isMultitrack, codec == .avc || codec == .hevc, packetType == 1 else { return 0 }
        // Legacy: flags, AVCPacketType, SI24. Enhanced: flags, FourCC, SI24.
        let at = payload.readerIndex + (isEnhanced ? 5 : 2)
        guard let b = payload.getBytes(at: at, length: 3) else { return 0 }
        let raw = Int32(b[0]) << 16 | Int32(b[1]) << 8 | Int32(b[2])
        return raw & 0x80_0000 != 0 ? raw - 0x100_0000 : raw
    }

    /// Returns nil when the payload is empty or too short for the header it announces.
    public static func parse(_ payload: ByteBuffer) -> VideoTagInfo? {
        guard let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else { return nil }
        if first & 0x80 != 0 {
            return parseEnhanced(payload)
        }
        return parseLegacy(payload, first: first)
    }

    private static func parseEnhanced(_ payload: ByteBuffer) -> VideoTagInfo? {
        guard let header = ExVideoTagHeader.parse(payload) else { return nil }
        typealias PacketType = ExVideoTagHeader.PacketType
        let codec = header.fourCC.map(VideoCodec.init(fourCC:)) ?? .unknown(0)
        let isCommand = header.fourCC == nil
        let carriesPictures =
            !isCommand
            && (header.packetType == PacketType.codedFrames || header.packetType == PacketType.codedFramesX)
        return VideoTagInfo(
            codec: codec,
            frameType: header.frameType,
            isEnhanced: true,
            isSequenceHeader: !isCommand
                && (header.packetType == PacketType.sequenceStart
                    || header.packetType == PacketType.mpeg2TSSequenceStart),
            isKeyframe: carriesPictures && header.frameType == keyFrameType,
            packetType: isCommand ? nil : header.packetType,
            isSequenceEnd: !isCommand && header.packetType == PacketType.sequenceEnd,
            isMultitrack: header.multitrackType != nil,
            trackID: header.trackID ?? 0,
            isManyTracks: header.laterTracks != nil
        )
    }

    private static func parseLegacy(_ payload: ByteBuffer, first: UInt8) -> VideoTagInfo? {
        let frameType = first >> 4
        let codecID = first & 0x0F
        let codec = VideoCodec(legacyCodecID: codecID)
        let secondByte = payload.getInteger(at: payload.readerIndex &+ 1, as: UInt8.self)

        if frameType == ExVideoTagHeader.commandFrameType {
            // The command byte replaces the video data entirely.
            guard secondByte != nil else { return nil }
            return VideoTagInfo(codec: codec, frameType: frameType, isEnhanced: false, isSequenceHeader: false, isKeyframe: false)
        }

        guard codec == .avc || codec == .hevc else {
            return VideoTagInfo(
                codec: codec, frameType: frameType, isEnhanced: false,
                isSequenceHeader: false, isKeyframe: frameType == keyFrameType
            )
        }

        // AVC and the codec-12 HEVC convention share AVCPacketType:
        // 0 sequence header, 1 NALUs, 2 end of sequence.
        guard let packetType = secondByte else { return nil }
        return VideoTagInfo(
            codec: codec,
            frameType: frameType,
            isEnhanced: false,
            isSequenceHeader: packetType == 0,
            isKeyframe: frameType == keyFrameType && packetType == 1,
            packetType: packetType,
            isSequenceEnd: packetType == 2
        )
    }
}
