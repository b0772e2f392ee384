import Media
import NIOCore
import RTMP

/// One media or data message of a live stream, parsed once at ingest and
/// then shared, never copied, by every sink.
public final class MediaFrame: Sendable {
    public enum Kind: Sendable, Equatable { case audio, video, data }

    public let kind: Kind
    /// RTMP message type as published (8, 9, 18, 15): relayed unchanged.
    public let typeID: UInt8
    /// Stream timeline timestamp (the publisher's, rebased after a publisher change).
    public let timestamp: UInt32
    public let payload: ByteBuffer
    public let isKeyframe: Bool
    public let isSequenceHeader: Bool
    /// Enhanced RTMP v2 track of the message (0: the default track, and every message that is not Multitrack).
    public let track: UInt8
    /// Only for players that announced Enhanced RTMP: Multitrack messages, audio MultichannelConfig.
    public let needsEnhancedPlayer: Bool
    /// Where a late joiner's burst keeps this configuration (a sequence
    /// start per kind and track, audio MultichannelConfig, video metadata
    /// such as colorInfo), or nil.
    public let configSlot: UInt16?

    /// A configuration, not a coded frame: never dropped by a queue, never
    /// skipped while waiting for a keyframe, kept in `SequenceHeaderSet`.
    public var isConfiguration: Bool { configSlot != nil }
    /// For an `onMetaData` message, its properties, decoded once at ingest
    /// for the stream, the snapshot and the recorder alike. Its `timestamp`
    /// is where it arrived on the stream timeline (queues and caches measure
    /// media time with it); on the wire it always goes at 0, see `wireTimestamp`.
    public let metadata: [AMF0Property]?

    /// The frame as every player in step with the stream sends it (see
    /// `SharedWire`); nil for data messages and frames built elsewhere.
    public let wire: SharedWire?

    public init(kind: Kind, typeID: UInt8, timestamp: UInt32, payload: ByteBuffer, isKeyframe: Bool = false, isSequenceHeader: Bool = false,
                metadata: [AMF0Property]? = nil, wire: SharedWire? = nil, track: UInt8 = 0, needsEnhancedPlayer: Bool = false,
                configSlot: UInt16? = nil) {
        self.track = track
        self.needsEnhancedPlayer = needsEnhancedPlayer
        self.configSlot = configSlot ?? (isSequenceHeader ? Self.slot(kind: kind, track: track, auxiliary: false) : nil)
        self.kind = kind
        self.typeID = typeID
        self.timestamp = timestamp
        self.payload = payload
        self.isKeyframe = isKeyframe
        self.isSequenceHeader = isSequenceHeader
        self.metadata = metadata
        self.wire = wire
    }

    /// The timestamp a player receives: the frame's own, except 0 for
    /// `onMetaData`. ffmpeg's FLV demuxer reads an onMetaData tag at any
    /// other timestamp as a subtitle packet (a text track no player wants);
    /// nginx-rtmp sends every metadata message at 0 for the same reason.
    public var wireTimestamp: UInt32 { isMetadata ? 0 : timestamp }

    public var isMetadata: Bool { metadata != nil }

    /// An audio or video frame, classified by `probe`.
    static func media(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer, probe: IngestProbe, wire: SharedWire?) -> MediaFrame {
        let kind: Kind = typeID == RTMPMessageType.video ? .video : .audio
        return MediaFrame(kind: kind, typeID: typeID, timestamp: timestamp,
                          payload: wire?.payload ?? payload, isKeyframe: probe.isKeyframe, isSequenceHeader: probe.isSequenceHeader, wire: wire,
                          track: probe.trackID, needsEnhancedPlayer: probe.needsEnhancedPlayer,
                          configSlot: probe.isSequenceHeader || probe.isMultichannelConfig || probe.isVideoMetadata
                              ? slot(kind: kind, track: probe.trackID, auxiliary: probe.isMultichannelConfig || probe.isVideoMetadata) : nil)
    }

    /// One slot per kind and track for the sequence start, one for its
    /// auxiliary configuration (audio MultichannelConfig, video metadata).
    static func slot(kind: Kind, track: UInt8, auxiliary: Bool) -> UInt16 {
        (kind == .video ? 0x200 : 0) | (auxiliary ? 0x100 : 0) | UInt16(track)
    }

    /// Classifies an audio or video payload with the Media probes.
    public static func media(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer) -> MediaFrame {
        media(typeID: typeID, timestamp: timestamp, payload: payload, probe: IngestProbe(typeID: typeID, payload: payload, wants: []), wire: nil)
    }

    public var chunkStreamID: UInt32 { RTMPChunkStreamID.forType(typeID) }

    public var size: Int { payload.readableBytes }

    /// The same frame at another timestamp (a publisher's frames shifted
    /// onto the stream timeline). Shares the payload.
    public func retimed(_ timestamp: UInt32) -> MediaFrame {
        timestamp == self.timestamp ? self : MediaFrame(kind: kind, typeID: typeID, timestamp: timestamp, payload: payload, isKeyframe: isKeyframe,
                                                                         isSequenceHeader: isSequenceHeader, metadata: metadata, track: track,
                                                                         needsEnhancedPlayer: needsEnhancedPlayer, configSlot: configSlot)
    }

    /// The payload with its continuation headers for `chunkSize`: shared
    /// when the stream built it for that size (every player of a server
    /// has the server's chunk size), built for this call otherwise.
    public func chunkedBody(chunkSize: Int) -> ByteBuffer {
        if payload.readableBytes <= chunkSize { return payload }
        if let wire, wire.chunkSize == chunkSize { return wire.body }
        return RTMPChunkEncoder.chunkedBody(payload, chunkStreamID: chunkStreamID, chunkSize: chunkSize,
                                            extendedTimestamp: RTMPChunkEncoder.extendedTimestamp(for: wireTimestamp))
    }
}
