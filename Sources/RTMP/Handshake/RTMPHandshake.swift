import NIOCore

/// The RTMP handshake as pure functions over byte arrays, for the server
/// (`serverResponse`) and for test and load-generating clients
/// (`clientHello`, `clientVerify`). `RTMPServerHandshakeHandler` puts the
/// server side on a channel.
///
/// The exchange (RTMP 1.0 spec, section 5.2): the client sends C0 (the
/// version, 3) and C1 (1536 bytes), the server answers S0, S1 and S2, and
/// the client closes with C2. A client that signs C1 Flash Player 9 style
/// gets a signed answer, as nginx-rtmp gives it; see `HandshakeKind`.
public enum RTMPHandshake: Sendable {
    /// The size of C1, C2, S1 and S2.
    public static let packetSize = 1536

    /// The only version this server speaks (plain RTMP, not RTMPE).
    static let version: UInt8 = 3

    /// The version S1 announces when answering a digest; clients check only
    /// that it is not zero (ffmpeg: first byte at least 3).
    private static let serverVersion: [UInt8] = [0x0D, 0x0E, 0x0A, 0x0D]

    /// The Flash Player version C1 announces when signed (9.0.124.2, as
    /// ffmpeg sends); a non-zero version is what tells a server to look for
    /// a digest.
    private static let clientVersion: [UInt8] = [0x09, 0x00, 0x7C, 0x02]

    /// The answer to a client's C0 and C1: S0, S1 and S2 in one array of
    /// 3073 bytes, and which handshake it is.
    ///
    /// If C1 announces a version and carries a valid Flash Player digest in
    /// either scheme, S1 carries a server digest in the same scheme and S2
    /// is signed with a key derived from the client's digest. Otherwise S1
    /// has a zero version and S2 echoes C1.
    ///
    /// - Throws: `HandshakeError.unsupportedVersion` unless `c0` is 3;
    ///   `HandshakeError.invalidPacketSize` unless `c1` has 1536 bytes.
    public static func serverResponse(c0: UInt8, c1: [UInt8]) throws -> (response: [UInt8], kind: HandshakeKind) {
        guard c0 == Self.version else { throw HandshakeError.unsupportedVersion(c0) }
        try Self.checkSize(of: c1, expected: Self.packetSize)

        var s1 = Self.randomPacket()
        Self.writeTimestamp(into: &s1)
        let s2: [UInt8]
        let kind: HandshakeKind

        if let clientDigest = Self.clientDigest(in: c1) {
            s1.replaceSubrange(4..<8, with: Self.serverVersion)
            HandshakeDigest.imprint(into: &s1, scheme: clientDigest.scheme, key: HandshakeDigest.serverPartialKey)
            var signed = Self.randomPacket()
            HandshakeDigest.sign(&signed, peerDigest: clientDigest.digest, fullKey: HandshakeDigest.serverFullKey)
            s2 = signed
            kind = .digest(scheme: clientDigest.scheme)
        } else {
            s1.replaceSubrange(4..<8, with: repeatElement(0, count: 4))
            s2 = c1
            kind = .plain
        }

        var response: [UInt8] = []
        response.reserveCapacity(1 + 2 * Self.packetSize)
        response.append(Self.version)
        response.append(contentsOf: s1)
        response.append(contentsOf: s2)
        return (response, kind)
    }

    /// A client's opening: C0 and C1 together (1537 bytes) as sent, and C1
    /// alone, which `clientVerify` needs.
    ///
    /// - Parameter digest: Sign C1 Flash Player 9 style (scheme 0, as ffmpeg
    ///   and OBS do), or send the plain handshake's zero version.
    public static func clientHello(digest: Bool) -> (c0c1: [UInt8], c1: [UInt8]) {
        var c1 = Self.randomPacket()
        Self.writeTimestamp(into: &c1)
        if digest {
            c1.replaceSubrange(4..<8, with: Self.clientVersion)
            HandshakeDigest.imprint(into: &c1, scheme: 0, key: HandshakeDigest.playerPartialKey)
        } else {
            c1.replaceSubrange(4..<8, with: repeatElement(0, count: 4))
        }
        return ([Self.version] + c1, c1)
    }

    /// Checks a server's S0, S1 and S2 against the C1 we sent and returns
    /// the C2 to send.
    ///
    /// When C1 was signed and the server announces a version in S1 (first
    /// version byte at least 3), this verifies the S1 digest in either
    /// scheme and the S2 signature, as ffmpeg does, and C2 is signed with a
    /// key derived from the server's digest. Otherwise C2 echoes S1.
    ///
    /// - Throws: `HandshakeError.invalidPacketSize` unless `c1` has 1536
    ///   bytes and `s0s1s2` 3073; `.unsupportedVersion` unless S0 is 3;
    ///   `.invalidServerDigest` or `.invalidServerSignature` if a signed
    ///   answer does not check out.
    public static func clientVerify(c1: [UInt8], s0s1s2: [UInt8]) throws -> [UInt8] {
        try Self.checkSize(of: c1, expected: Self.packetSize)
        try Self.checkSize(of: s0s1s2, expected: 1 + 2 * Self.packetSize)
        let s0 = s0s1s2[0]
        guard s0 == Self.version else { throw HandshakeError.unsupportedVersion(s0) }
        let s1 = Array(s0s1s2[1..<(1 + Self.packetSize)])
        let s2 = Array(s0s1s2[(1 + Self.packetSize)...])

        guard let clientDigest = Self.clientDigest(in: c1), s1[4] >= 3 else {
            return s1
        }
        guard let serverDigest = HandshakeDigest.find(in: s1, key: HandshakeDigest.serverPartialKey) else {
            throw HandshakeError.invalidServerDigest
        }
        let expected = HandshakeDigest.signature(
            of: s2,
            peerDigest: clientDigest.digest,
            fullKey: HandshakeDigest.serverFullKey
        )
        guard s2[(Self.packetSize - HandshakeDigest.length)...].elementsEqual(expected) else {
            throw HandshakeError.invalidServerSignature
        }
        var c2 = Self.randomPacket()
        HandshakeDigest.sign(&c2, peerDigest: serverDigest.digest, fullKey: HandshakeDigest.playerFullKey)
        return c2
    }

    /// The Flash Player digest in `c1`, if it announces a version (a zero
    /// version means the client wants the plain handshake, as nginx-rtmp
    /// reads it) and a digest in either scheme is valid.
    private static func clientDigest(in c1: [UInt8]) -> HandshakeDigest.Match? {
        guard c1[4..<8].contains(where: { $0 != 0 }) else { return nil }
        return HandshakeDigest.find(in: c1, key: HandshakeDigest.playerPartialKey)
    }

    private static func checkSize(of packet: [UInt8], expected: Int) throws {
        guard packet.count == expected else {
            throw HandshakeError.invalidPacketSize(expected: expected, actual: packet.count)
        }
    }

    /// 1536 bytes from the kernel's secure generator: the random part of a
    /// packet must not be predictable, or a peer could precompute digests.
    /// One read(2) of /dev/urandom fills the packet; `SystemRandomNumberGenerator`
    /// made one getrandom(2) per 8 bytes (384 syscalls per connection, seen
    /// with strace -c), and swift-crypto's generator even more.
    private static func randomPacket() -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: Self.packetSize)
        if SecureRandom.fill(&packet) { return packet }
        var generator = SystemRandomNumberGenerator()
        for i in stride(from: 0, to: packet.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes in
                for j in 0..<min(8, packet.count &- i) { packet[i &+ j] = bytes[j] }
            }
        }
        return packet
    }

    /// Writes the sender's clock in milliseconds to bytes 0..<4. The spec
    /// lets it be arbitrary; peers use it only as an epoch for their
    /// timestamps, so uptime (wrapping every 49 days, as RTMP time does) is
    /// enough.
    private static func writeTimestamp(into packet: inout [UInt8]) {
        let milliseconds = UInt32(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds / 1_000_000)
        let bigEndian = milliseconds.bigEndian
        withUnsafeBytes(of: bigEndian) { packet.replaceSubrange(0..<4, with: $0) }
    }
}
