import NIOCore

/// A NetConnection/NetStream command (message type 20, or 17 whose body is
/// AMF0 after a format byte, as Flash's AMF3 encoding sends it).
public struct CommandMessage: Sendable, Equatable {
    public var name: String
    public var transactionID: Double
    public var commandObject: AMF0Value
    public var arguments: [AMF0Value]

    public init(name: String, transactionID: Double, commandObject: AMF0Value = .null, arguments: [AMF0Value] = []) {
        self.name = name
        self.transactionID = transactionID
        self.commandObject = commandObject
        self.arguments = arguments
    }

    /// Parses a command message. Only the name is mandatory: a client that
    /// omits the transaction id or object still gets an answer.
    public static func parse(_ message: RTMPMessage, decoder: AMF0Decoder = AMF0Decoder()) throws -> CommandMessage {
        var payload = message.payload
        if message.typeID == RTMPMessageType.commandAMF3 { skipAMF3FormatByte(&payload) }
        let values = try decoder.decodeAll(&payload)
        guard let name = values.first?.stringValue else {
            throw RTMPError.malformedCommand("command without a name")
        }
        let txn = values.count > 1 ? (values[1].numberValue ?? 0) : 0
        let object = values.count > 2 ? values[2] : .null
        return CommandMessage(name: name, transactionID: txn, commandObject: object, arguments: Array(values.dropFirst(3)))
    }

    /// Data messages (type 18, or 15 with a format byte): a handler name
    /// such as "@setDataFrame" or "onMetaData" followed by values.
    public static func parseData(_ message: RTMPMessage, decoder: AMF0Decoder = AMF0Decoder()) throws -> [AMF0Value] {
        var payload = message.payload
        if message.typeID == RTMPMessageType.dataAMF3 { skipAMF3FormatByte(&payload) }
        return try decoder.decodeAll(&payload)
    }

    static func skipAMF3FormatByte(_ payload: inout ByteBuffer) {
        if payload.getInteger(at: payload.readerIndex, as: UInt8.self) == 0 {
            payload.moveReaderIndex(forwardBy: 1)
        }
    }

    public func message(messageStreamID: UInt32 = 0, chunkStreamID: UInt32 = RTMPChunkStreamID.command) -> RTMPMessage {
        var b = ByteBuffer()
        AMF0Encoder.encode([.string(name), .number(transactionID), commandObject] + arguments, into: &b)
        return RTMPMessage(chunkStreamID: chunkStreamID, typeID: RTMPMessageType.commandAMF0, messageStreamID: messageStreamID, timestamp: 0, payload: b)
    }

    /// An onStatus event ("NetStream.Play.Start" and friends).
    public static func onStatus(level: String, code: String, description: String, extra: [AMF0Property] = []) -> CommandMessage {
        CommandMessage(name: "onStatus", transactionID: 0, commandObject: .null, arguments: [
            .object([
                AMF0Property(key: "level", value: .string(level)),
                AMF0Property(key: "code", value: .string(code)),
                AMF0Property(key: "description", value: .string(description)),
            ] + extra),
        ])
    }
}
