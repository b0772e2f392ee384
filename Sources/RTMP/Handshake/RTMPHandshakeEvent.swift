/// Fired as a user inbound event by `RTMPServerHandshakeHandler` once the
/// handshake is done, before any bytes that followed C2 are passed on.
public enum RTMPHandshakeEvent: Sendable, Equatable {
    /// - Parameters:
    ///   - bytesRead: Handshake bytes consumed from the peer (C0, C1, C2).
    ///   - bytesWritten: Handshake bytes sent (S0, S1, S2). Both are needed
    ///     by whoever counts bytes for RTMP acknowledgements and metrics.
    case completed(kind: HandshakeKind, bytesRead: Int, bytesWritten: Int)
}
