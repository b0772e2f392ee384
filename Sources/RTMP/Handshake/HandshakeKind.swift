/// Which handshake a client and server went through.
public enum HandshakeKind: Sendable, Equatable {
    /// The handshake of the RTMP 1.0 specification: S2 echoes C1 and nothing
    /// is signed.
    case plain
    /// The Flash Player 9 handshake: C1 carried an HMAC-SHA256 digest, so the
    /// server signed S1 and S2 in turn, which ffmpeg, librtmp and OBS check.
    ///
    /// `scheme` says where the digest sits in the 1536-byte packet:
    /// 0 when its offset comes from the four bytes at 8 (the digest block
    /// follows the time and version), 1 when it comes from the four bytes at
    /// 772 (the key block comes first). The server answers in the same one.
    case digest(scheme: Int)
}
