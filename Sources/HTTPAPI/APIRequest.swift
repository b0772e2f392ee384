import NIOHTTP1

/// One whole HTTP request as the router sees it: no channel, so routes are
/// tested as plain function calls.
public struct APIRequest: Sendable {
    public var method: HTTPMethod
    /// The path without the query, percent-decoded per segment by the router.
    public var path: String
    public var query: [String: String]
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: HTTPMethod, uri: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.headers = headers
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map(String.init) ?? "/"
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.percentDecoded(String(kv[0]))
                query[key] = kv.count > 1 ? Self.percentDecoded(String(kv[1])) : ""
            }
        }
        self.query = query
    }

    /// `%XX` decoded, and `+` as a space in a query (`plusIsSpace`), not in
    /// a path; malformed escapes are kept as they are.
    static func percentDecoded(_ s: String, plusIsSpace: Bool = true) -> String {
        guard s.contains("%") || (plusIsSpace && s.contains("+")) else { return s }
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let c = utf8.popFirst() {
            if plusIsSpace, c == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%"), utf8.count >= 2,
                      let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
