import NIOCore

/// Protocol control messages (types 1, 2, 3, 5, 6): built for sending, parsed on receipt.
public enum ControlMessage: Sendable, Equatable {
    case setChunkSize(UInt32)
    case abort(chunkStreamID: UInt32)
    case acknowledgement(sequenceNumber: UInt32)
    case windowAcknowledgementSize(UInt32)
    case setPeerBandwidth(UInt32, limitType: UInt8)
    case userControl(UserControlEvent)

    /// Parses a control message; nil for other message types. Throws on a
    /// control message too short for its type.
    public static func parse(_ message: RTMPMessage) throws -> ControlMessage? {
        var p = message.payload
        func u32() throws -> UInt32 {
            guard let v = p.readInteger(as: UInt32.self) else { throw RTMPError.malformedMessage("control message type \(message.typeID) too short") }
            return v
        }
        switch message.typeID {
        case RTMPMessageType.setChunkSize: return .setChunkSize(try u32() & 0x7FFF_FFFF)
        case RTMPMessageType.abort: return .abort(chunkStreamID: try u32())
        case RTMPMessageType.acknowledgement: return .acknowledgement(sequenceNumber: try u32())
        case RTMPMessageType.windowAcknowledgementSize: return .windowAcknowledgementSize(try u32())
        case RTMPMessageType.setPeerBandwidth:
            let size = try u32()
            guard let limitType = p.readInteger(as: UInt8.self) else {
                throw RTMPError.malformedMessage("SetPeerBandwidth without its limit type")
            }
            return .setPeerBandwidth(size, limitType: limitType)
        case RTMPMessageType.userControl: return .userControl(try UserControlEvent.parse(message.payload))
        default: return nil
        }
    }

    /// The message to send; control goes on chunk stream 2, message stream 0.
    public var message: RTMPMessage {
        var b = ByteBuffer()
        let type: UInt8
        switch self {
        case .setChunkSize(let n): type = RTMPMessageType.setChunkSize; b.writeInteger(n & 0x7FFF_FFFF)
        case .abort(let csid): type = RTMPMessageType.abort; b.writeInteger(csid)
        case .acknowledgement(let seq): type = RTMPMessageType.acknowledgement; b.writeInteger(seq)
        case .windowAcknowledgementSize(let n): type = RTMPMessageType.windowAcknowledgementSize; b.writeInteger(n)
        case .setPeerBandwidth(let n, let limit): type = RTMPMessageType.setPeerBandwidth; b.writeInteger(n); b.writeInteger(limit)
        case .userControl(let event): type = RTMPMessageType.userControl; event.write(into: &b)
        }
        return RTMPMessage(chunkStreamID: RTMPChunkStreamID.control, typeID: type, messageStreamID: 0, timestamp: 0, payload: b)
    }
}

/// User control events (message type 4, RTMP 1.0 spec section 7.1.7).
public enum UserControlEvent: Sendable, Equatable {
    case streamBegin(streamID: UInt32)
    case streamEOF(streamID: UInt32)
    case streamDry(streamID: UInt32)
    case setBufferLength(streamID: UInt32, milliseconds: UInt32)
    case streamIsRecorded(streamID: UInt32)
    case pingRequest(timestamp: UInt32)
    case pingResponse(timestamp: UInt32)
    case unknown(eventType: UInt16)

    public static func parse(_ payload: ByteBuffer) throws -> UserControlEvent {
        var p = payload
        guard let type = p.readInteger(as: UInt16.self) else { throw RTMPError.malformedMessage("user control without event type") }
        func u32() throws -> UInt32 {
            guard let v = p.readInteger(as: UInt32.self) else { throw RTMPError.malformedMessage("user control event \(type) too short") }
            return v
        }
        switch type {
        case 0: return .streamBegin(streamID: try u32())
        case 1: return .streamEOF(streamID: try u32())
        case 2: return .streamDry(streamID: try u32())
        case 3: return .setBufferLength(streamID: try u32(), milliseconds: try u32())
        case 4: return .streamIsRecorded(streamID: try u32())
        case 6: return .pingRequest(timestamp: try u32())
        case 7: return .pingResponse(timestamp: try u32())
        default: return .unknown(eventType: type)
        }
    }

    func write(into b: inout ByteBuffer) {
        switch self {
        case .streamBegin(let s): b.writeInteger(UInt16(0)); b.writeInteger(s)
        case .streamEOF(let s): b.writeInteger(UInt16(1)); b.writeInteger(s)
        case .streamDry(let s): b.writeInteger(UInt16(2)); b.writeInteger(s)
        case .setBufferLength(let s, let ms): b.writeInteger(UInt16(3)); b.writeInteger(s); b.writeInteger(ms)
        case .streamIsRecorded(let s): b.writeInteger(UInt16(4)); b.writeInteger(s)
        case .pingRequest(let t): b.writeInteger(UInt16(6)); b.writeInteger(t)
        case .pingResponse(let t): b.writeInteger(UInt16(7)); b.writeInteger(t)
        case .unknown(let type): b.writeInteger(type)
        }
    }
}
