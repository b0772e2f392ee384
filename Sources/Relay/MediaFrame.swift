import Media
import NIOConcurrencyHelpers
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
    /// For an `onMetaData` message, its properties, decoded once at ingest
    /// for the stream, the snapshot and the recorder alike. Its `timestamp`
    /// is where it arrived on the stream timeline (queues and caches measure
    /// media time with it); on the wire it always goes at 0, see `wireTimestamp`.
    public let metadata: [AMF0Property]?

    /// Payload split into chunks for one chunk size, built on first use and
    /// shared by every player with that size.
    private let chunked: NIOLockedValueBox<(size: Int, body: ByteBuffer)?> = NIOLockedValueBox(nil)

    public init(kind: Kind, typeID: UInt8, timestamp: UInt32, payload: ByteBuffer, isKeyframe: Bool = false, isSequenceHeader: Bool = false,
                metadata: [AMF0Property]? = nil) {
        self.kind = kind
        self.typeID = typeID
        self.timestamp = timestamp
        self.payload = payload
        self.isKeyframe = isKeyframe
        self.isSequenceHeader = isSequenceHeader
        self.metadata = metadata
    }

    /// The timestamp a player receives: the frame's own, except 0 for
    /// `onMetaData`. ffmpeg's FLV demuxer reads an onMetaData tag at any
    /// other timestamp as a subtitle packet (a text track no player wants);
    /// nginx-rtmp sends every metadata message at 0 for the same reason.
    public var wireTimestamp: UInt32 { isMetadata ? 0 : timestamp }

    public var isMetadata: Bool { metadata != nil }

    /// Classifies an audio or video payload with the Media probes.
    public static func media(typeID: UInt8, timestamp: UInt32, payload: ByteBuffer) -> MediaFrame {
        if typeID == RTMPMessageType.video {
            let info = VideoTagInfo.parse(payload)
            return MediaFrame(kind: .video, typeID: typeID, timestamp: timestamp, payload: payload,
                              isKeyframe: info?.isKeyframe ?? false, isSequenceHeader: info?.isSequenceHeader ?? false)
        }
        let info = AudioTagInfo.parse(payload)
        return MediaFrame(kind: .audio, typeID: typeID, timestamp: timestamp, payload: payload,
                          isKeyframe: false, isSequenceHeader: info?.isSequenceHeader ?? false)
    }

    public var chunkStreamID: UInt32 { RTMPChunkStreamID.forType(typeID) }

    public var size: Int { payload.readableBytes }

    /// The same frame at another timestamp (a publisher's frames shifted
    /// onto the stream timeline). Shares the payload.
    public func retimed(_ timestamp: UInt32) -> MediaFrame {
        timestamp == self.timestamp ? self : MediaFrame(kind: kind, typeID: typeID, timestamp: timestamp, payload: payload, isKeyframe: isKeyframe,
                                                                         isSequenceHeader: isSequenceHeader, metadata: metadata)
    }

    public func chunkedBody(chunkSize: Int) -> ByteBuffer {
        if payload.readableBytes <= chunkSize { return payload }
        return chunked.withLockedValue { cached in
            if let c = cached, c.size == chunkSize { return c.body }
            let body = RTMPChunkEncoder.chunkedBody(payload, chunkStreamID: chunkStreamID, chunkSize: chunkSize,
                                                    extendedTimestamp: RTMPChunkEncoder.extendedTimestamp(for: wireTimestamp))
            cached = (chunkSize, body)
            return body
        }
    }
}
