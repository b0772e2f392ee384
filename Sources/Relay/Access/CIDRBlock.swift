#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address block (`10.0.0.0/8`, `2001:db8::/32`, or one
/// address), for `--allow-publish` / `--allow-play`. An IPv4 client seen on
/// a dual-stack listener (`::ffff:10.1.2.3`) matches IPv4 blocks.
public struct CIDRBlock: Sendable, Equatable, CustomStringConvertible {
    /// 4 or 16 bytes, masked to the prefix.
    let network: [UInt8]
    let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.parseAddress(String(parts[0])) else { return nil }
        let bits = bytes.count * 8
        var prefix = bits
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p), !parts[1].hasPrefix("+") else { return nil }
            prefix = p
        }
        prefixLength = prefix
        network = Self.mask(bytes, prefix)
    }

    public var description: String {
        let text = network.count == 4 ? network.map(String.init).joined(separator: ".") : Self.formatIPv6(network)
        return "\(text)/\(prefixLength)"
    }

    /// Whether the address (as NIO prints a peer's, no port) is in the block.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.parseAddress(address) else { return false }
        if network.count == 4, bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == network.count else { return false }
        return Self.mask(bytes, prefixLength) == network
    }

    static func mask(_ bytes: [UInt8], _ prefix: Int) -> [UInt8] {
        bytes.enumerated().map { i, b in
            let keep = max(0, min(8, prefix - i * 8))
            return keep == 8 ? b : b & ~(UInt8.max >> keep)
        }
    }

    /// 4 bytes for IPv4, 16 for IPv6 (scope ids dropped), nil otherwise.
    static func parseAddress(_ text: String) -> [UInt8]? {
        var t = text
        if t.hasPrefix("["), t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        if let pct = t.firstIndex(of: "%") { t = String(t[..<pct]) }
        var v4 = in_addr()
        if inet_pton(AF_INET, t, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, t, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func formatIPv6(_ bytes: [UInt8]) -> String {
        var a = in6_addr()
        withUnsafeMutableBytes(of: &a) { $0.copyBytes(from: bytes) }
        var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &a, &out, socklen_t(out.count)) != nil else { return "?" }
        return String(cString: out)
    }
}
