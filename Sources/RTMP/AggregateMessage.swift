import NIOCore

/// An aggregate message (type 22) carries FLV tags back to back; each
/// becomes a message of its own, timed relative to the aggregate's
/// timestamp (the first tag's own timestamp is the base). Both a
/// publisher's aggregates and a pulled stream's are split here.
public enum AggregateMessage {
    public struct Tag {
        public var typeID: UInt8
        public var timestamp: UInt32
        public var payload: ByteBuffer
    }

    /// The tags, or `malformedMessage` for a truncated one.
    public static func tags(of message: RTMPMessage) throws -> [Tag] {
        var body = message.payload
        var base: UInt32?
        var out: [Tag] = []
        while body.readableBytes > 0 {
            guard let type = body.readInteger(as: UInt8.self), let size = body.readUInt24(),
                  let ts24 = body.readUInt24(), let tsExt = body.readInteger(as: UInt8.self),
                  body.readUInt24() != nil, let data = body.readSlice(length: Int(size)),
                  body.readInteger(as: UInt32.self) != nil else {
                throw RTMPError.malformedMessage("truncated aggregate message")
            }
            let ts = UInt32(tsExt) << 24 | ts24
            let first = base ?? ts
            base = first
            out.append(Tag(typeID: type, timestamp: message.timestamp &+ (ts &- first), payload: data))
        }
        return out
    }
}
