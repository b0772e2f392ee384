/// Errors raised while decoding what a peer sent. Each one closes that
/// connection only; the message says what was wrong for the log line.
public enum RTMPError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidChunkSize(UInt32)
    case messageTooLarge(length: Int, limit: Int)
    case tooManyChunkStreams(limit: Int)
    case tooManyChunkStreamIDs(limit: Int)
    case bufferedBytesExceeded(limit: Int)
    /// The server-wide budget for partial messages is spent (`ReassemblyBudget`).
    case serverBufferBudgetExceeded(limit: Int)
    case missingPreviousHeader(chunkStreamID: UInt32)
    case malformedMessage(String)
    case malformedCommand(String)

    public var description: String {
        switch self {
        case .invalidChunkSize(let n): return "invalid SetChunkSize \(n) (allowed 1...16777215)"
        case .messageTooLarge(let len, let limit): return "message length \(len) exceeds limit \(limit)"
        case .tooManyChunkStreams(let limit): return "more than \(limit) chunk streams with partial messages"
        case .tooManyChunkStreamIDs(let limit): return "more than \(limit) chunk stream ids on one connection"
        case .bufferedBytesExceeded(let limit): return "more than \(limit) bytes of partial messages buffered"
        case .serverBufferBudgetExceeded(let limit): return "the server's \(limit) bytes for partial messages of all connections are in use"
        case .missingPreviousHeader(let csid): return "chunk stream \(csid) continues a header it never sent"
        case .malformedMessage(let s): return "malformed message: \(s)"
        case .malformedCommand(let s): return "malformed command: \(s)"
        }
    }
}
