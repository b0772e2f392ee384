/// Where `--push URL` sends a stream and `--pull URL` fetches it from (issue 12's URL rules): a URL with an
/// app and no name gets the stream's name appended (`rtmp://a/live` →
/// `rtmp://a/live/cam`); a URL with no app gets the stream's app and name;
/// `{app}`, `{name}` and `{query}` build any other shape, `{query}` never
/// carrying `token=` (our own access token is not the upstream's business).
public struct UpstreamURLTemplate: Sendable, Equatable {
    public let template: String

    public struct InvalidURL: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ template: String) throws {
        let lower = template.lowercased()
        guard lower.hasPrefix("rtmp://") || lower.hasPrefix("rtmps://") else { throw InvalidURL(description: "an upstream must be an rtmp:// or rtmps:// URL, got '\(SecretMask.maskedURL(template))'") }
        guard let host = Self.authority(of: template), !host.isEmpty else { throw InvalidURL(description: "an upstream needs a host: '\(SecretMask.maskedURL(template))'") }
        // ffmpeg reads user:password@ for Adobe's authentication, which we do not speak.
        guard !host.contains("@") else { throw InvalidURL(description: "user:password@ in an upstream URL is not supported (ingest services take the key in the path or the query): '\(SecretMask.maskedURL(template))'") }
        self.template = template
    }

    /// The URL for stream `key` (its query as the client sent it).
    public func url(for key: StreamKey) -> String {
        let query = Self.withoutToken(key.query ?? "")
        if template.contains("{app}") || template.contains("{name}") || template.contains("{query}") {
            return template.replacingOccurrences(of: "{app}", with: key.app)
                .replacingOccurrences(of: "{name}", with: key.name)
                .replacingOccurrences(of: "{query}", with: query)
        }
        let (base, urlQuery) = Self.split(template)
        let path = Self.path(of: base)
        var out = base
        while out.hasSuffix("/") { out.removeLast() }
        switch path.split(separator: "/").count {
        case 0: out += "/\(key.app)/\(key.name)"
        case 1: out += "/\(key.name)"
        default: break  // app and name given: as it is
        }
        return urlQuery.map { "\(out)?\($0)" } ?? out
    }

    /// The URL for a pull of `key`: as `url(for:)`, and the play request's
    /// query (less our `token=`) passed on unless the template places it.
    public func pullURL(for key: StreamKey) -> String {
        let url = url(for: key)
        guard !template.contains("{query}") else { return url }
        let query = Self.withoutToken(key.query ?? "")
        guard !query.isEmpty else { return url }
        return url + (url.contains("?") ? "&" : "?") + query
    }

    /// Host and port of the URL, for the loop guard.
    public var hostAndPort: (host: String, port: Int)? {
        let defaultPort = template.lowercased().hasPrefix("rtmps://") ? 443 : 1935
        return Self.authority(of: template).flatMap { Self.hostAndPort($0, defaultPort: defaultPort) }
    }

    // MARK: pieces of a URL

    static func split(_ url: String) -> (String, String?) {
        guard let q = url.firstIndex(of: "?") else { return (url, nil) }
        return (String(url[..<q]), String(url[url.index(after: q)...]))
    }

    static func authority(of url: String) -> String? {
        guard let r = url.range(of: "://") else { return nil }
        let rest = split(String(url[r.upperBound...])).0
        return String(rest.prefix { $0 != "/" })
    }

    static func path(of url: String) -> String {
        guard let r = url.range(of: "://") else { return "" }
        let rest = url[r.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        return String(rest[slash...])
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port`; `defaultPort` (1935, RTMPS 443) when no port is given.
    static func hostAndPort(_ authority: String, defaultPort: Int = 1935) -> (host: String, port: Int)? {
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else { return nil }
            return (host, rest.isEmpty ? defaultPort : Int(rest.dropFirst()) ?? defaultPort)
        }
        let parts = authority.split(separator: ":", maxSplits: 1)
        guard let first = parts.first, !first.isEmpty else { return nil }
        return (String(first), parts.count > 1 ? Int(parts[1]) ?? defaultPort : defaultPort)
    }

    static func withoutToken(_ query: String) -> String {
        query.split(separator: "&").filter { !$0.lowercased().hasPrefix("token=") }.joined(separator: "&")
    }
}
