import NIOCore

/// RTMP message type ids (RTMP 1.0 spec, section 5.4 and 7.1).
public enum RTMPMessageType {
    public static let setChunkSize: UInt8 = 1
    public static let abort: UInt8 = 2
    public static let acknowledgement: UInt8 = 3
    public static let userControl: UInt8 = 4
    public static let windowAcknowledgementSize: UInt8 = 5
    public static let setPeerBandwidth: UInt8 = 6
    public static let audio: UInt8 = 8
    public static let video: UInt8 = 9
    public static let dataAMF3: UInt8 = 15
    public static let sharedObjectAMF3: UInt8 = 16
    public static let commandAMF3: UInt8 = 17
    public static let dataAMF0: UInt8 = 18
    public static let sharedObjectAMF0: UInt8 = 19
    public static let commandAMF0: UInt8 = 20
    public static let aggregate: UInt8 = 22
}

/// One reassembled RTMP message. The payload is a slice of the bytes read
/// from the socket (or one buffer holding the joined chunks): never copied
/// again after this point.
public struct RTMPMessage: Sendable, Equatable {
    public var chunkStreamID: UInt32
    public var typeID: UInt8
    public var messageStreamID: UInt32
    /// Full 32-bit timestamp in milliseconds, reconstructed from deltas and
    /// extended timestamps; wraps modulo 2^32 like the wire value does.
    public var timestamp: UInt32
    public var payload: ByteBuffer

    public init(chunkStreamID: UInt32, typeID: UInt8, messageStreamID: UInt32, timestamp: UInt32, payload: ByteBuffer) {
        self.chunkStreamID = chunkStreamID
        self.typeID = typeID
        self.messageStreamID = messageStreamID
        self.timestamp = timestamp
        self.payload = payload
    }
}

/// Chunk stream ids this server uses when it sends (any id is accepted when it receives).
public enum RTMPChunkStreamID {
    public static let control: UInt32 = 2
    public static let command: UInt32 = 3
    public static let audio: UInt32 = 4
    public static let data: UInt32 = 5
    public static let video: UInt32 = 6

    /// The chunk stream a message of this type goes out on.
    public static func forType(_ typeID: UInt8) -> UInt32 {
        switch typeID {
        case RTMPMessageType.audio: return audio
        case RTMPMessageType.video: return video
        case RTMPMessageType.dataAMF0, RTMPMessageType.dataAMF3, RTMPMessageType.aggregate: return data
        case RTMPMessageType.commandAMF0, RTMPMessageType.commandAMF3: return command
        default: return control
        }
    }
}
