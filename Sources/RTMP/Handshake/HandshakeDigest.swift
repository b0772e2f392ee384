import Crypto

/// The keys and digest arithmetic of the Flash Player 9 ("complex")
/// handshake, which Adobe never published; the values below are the ones
/// every interoperable implementation (Flash, FMS, librtmp, ffmpeg,
/// nginx-rtmp) agrees on.
///
/// A 1536-byte C1 or S1 hides a 32-byte HMAC-SHA256 digest at an offset
/// derived from four of its own bytes; the digest covers the other 1504
/// bytes. S2 and C2 end in a signature keyed by the peer's digest, which
/// proves the signer saw the peer's packet.
enum HandshakeDigest {
    static let length = 32

    /// The 32 bytes that complete both parties' partial keys.
    private static let keyTail: [UInt8] = [
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1,
        0x02, 0x9E, 0x7E, 0x57, 0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB,
        0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ]

    /// "Genuine Adobe Flash Player 001" (30 bytes): keys the C1 digest.
    static let playerPartialKey: [UInt8] = Array("Genuine Adobe Flash Player 001".utf8)
    /// The player key plus the tail (62 bytes): keys the C2 signature.
    static let playerFullKey: [UInt8] = playerPartialKey + keyTail
    /// "Genuine Adobe Flash Media Server 001" (36 bytes): keys the S1 digest.
    static let serverPartialKey: [UInt8] = Array("Genuine Adobe Flash Media Server 001".utf8)
    /// The server key plus the tail (68 bytes): keys the S2 signature.
    static let serverFullKey: [UInt8] = serverPartialKey + keyTail

    /// Schemes in the order tried when looking for a peer's digest.
    static let schemes = [0, 1]

    /// Where the four bytes that place the digest start, per scheme.
    private static func base(ofScheme scheme: Int) -> Int {
        scheme == 0 ? 8 : 772
    }

    /// Where the digest sits in `packet` under `scheme`: the sum of the four
    /// bytes at the scheme's base, modulo 728, past those four bytes.
    ///
    /// - Precondition (checked by callers): `packet` has 1536 bytes. Then
    ///   the offset is at most 772 + 4 + 727 = 1503, so the digest fits.
    static func offset(in packet: [UInt8], scheme: Int) -> Int {
        let base = Self.base(ofScheme: scheme)
        // Four bytes sum to at most 1020: no overflow is possible.
        let sum = packet[base..<(base + 4)].reduce(0) { $0 + Int($1) }
        return sum % 728 + base + 4
    }

    /// HMAC-SHA256 over `packet` without the 32 bytes at `offset`.
    static func compute(over packet: [UInt8], excludingDigestAt offset: Int, key: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        hmac.update(data: packet[..<offset])
        hmac.update(data: packet[(offset + Self.length)...])
        return Array(hmac.finalize())
    }

    /// A digest found in a peer's packet: its scheme and its 32 bytes.
    struct Match {
        var scheme: Int
        var digest: [UInt8]
    }

    /// The digest `packet` carries under either scheme, if any.
    static func find(in packet: [UInt8], key: [UInt8]) -> Match? {
        for scheme in Self.schemes {
            let offset = Self.offset(in: packet, scheme: scheme)
            let expected = Self.compute(over: packet, excludingDigestAt: offset, key: key)
            if packet[offset..<(offset + Self.length)].elementsEqual(expected) {
                return Match(scheme: scheme, digest: expected)
            }
        }
        return nil
    }

    /// Writes the digest for `scheme` into `packet` and returns it.
    @discardableResult
    static func imprint(into packet: inout [UInt8], scheme: Int, key: [UInt8]) -> [UInt8] {
        let offset = Self.offset(in: packet, scheme: scheme)
        let digest = Self.compute(over: packet, excludingDigestAt: offset, key: key)
        packet.replaceSubrange(offset..<(offset + Self.length), with: digest)
        return digest
    }

    /// Replaces the last 32 bytes of `packet` (an S2 or C2) with the
    /// signature proving we saw `peerDigest`: HMAC-SHA256 of the first 1504
    /// bytes, keyed by HMAC-SHA256(fullKey, peerDigest).
    static func sign(_ packet: inout [UInt8], peerDigest: [UInt8], fullKey: [UInt8]) {
        let signed = packet.count - Self.length
        packet.replaceSubrange(signed..., with: Self.signature(of: packet, peerDigest: peerDigest, fullKey: fullKey))
    }

    /// The signature `sign` writes, for checking a peer's.
    static func signature(of packet: [UInt8], peerDigest: [UInt8], fullKey: [UInt8]) -> [UInt8] {
        let signingKey = HMAC<SHA256>.authenticationCode(for: peerDigest, using: SymmetricKey(data: fullKey))
        let signed = packet.count - Self.length
        let signature = HMAC<SHA256>.authenticationCode(
            for: packet[..<signed],
            using: SymmetricKey(data: Array(signingKey))
        )
        return Array(signature)
    }
}
