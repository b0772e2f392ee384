import NIOCore

/// One FLV tag: the same type, timestamp and payload as the RTMP message it
/// was (or will be) carried in.
public struct FLVTag: Sendable, Equatable {
    public static let audioType: UInt8 = 8
    public static let videoType: UInt8 = 9
    public static let scriptDataType: UInt8 = 18

    /// 8 audio, 9 video, 18 script data.
    public var type: UInt8
    /// Milliseconds: 24 bits plus the extended byte as the upper 8 bits.
    public var timestamp: UInt32
    /// Always 0 in conforming files; kept so that a read/write round trip is exact.
    public var streamID: UInt32
    public var payload: ByteBuffer

    public init(type: UInt8, timestamp: UInt32, streamID: UInt32 = 0, payload: ByteBuffer) {
        self.type = type
        self.timestamp = timestamp
        self.streamID = streamID
        self.payload = payload
    }
}
