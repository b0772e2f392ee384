/// Why an RTMP handshake could not go on.
public enum HandshakeError: Error, Equatable, Sendable {
    /// C0 or S0 asked for a protocol version other than 3: 6 and 8 are
    /// RTMPE (encrypted), which this server does not speak; anything else is
    /// not RTMP at all.
    case unsupportedVersion(UInt8)
    /// A handshake packet of the wrong size was passed to `RTMPHandshake`.
    case invalidPacketSize(expected: Int, actual: Int)
    /// The server's S1 carries a version but no valid Flash Media Server
    /// digest in either scheme.
    case invalidServerDigest
    /// The server's S2 does not end in the signature derived from our C1
    /// digest.
    case invalidServerSignature
}
