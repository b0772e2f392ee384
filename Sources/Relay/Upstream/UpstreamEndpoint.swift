/// An upstream RTMP URL taken apart the way ffmpeg's `rtmpproto.c` does it,
/// so a URL means the same here as on an ffmpeg command line: the app is
/// the path up to its last slash (`rtmp://h/live/cam` → app `live`,
/// `rtmp://h/a/b/cam` → app `a/b`), the stream name is the last segment
/// with the URL's query (`cam?key=…`, where ingest services read the key),
/// and tcUrl is the URL up to the app.
public struct UpstreamEndpoint: Sendable, Equatable {
    public let url: String
    public let host: String
    public let port: Int
    public let app: String
    public let streamName: String
    public let tcUrl: String
    /// rtmps://: TLS first (port 443 unless given).
    public let usesTLS: Bool

    public init(url: String) throws {
        let lower = url.lowercased()
        usesTLS = lower.hasPrefix("rtmps://")
        guard lower.hasPrefix("rtmp://") || usesTLS, let authority = UpstreamURLTemplate.authority(of: url), !authority.isEmpty,
              let hostPort = UpstreamURLTemplate.hostAndPort(authority, defaultPort: usesTLS ? 443 : 1935) else {
            throw UpstreamURLTemplate.InvalidURL(description: "not an rtmp:// or rtmps:// URL with a host: '\(SecretMask.maskedURL(url))'")
        }
        let (base, query) = UpstreamURLTemplate.split(url)
        let path = UpstreamURLTemplate.path(of: base).drop { $0 == "/" }
        guard let lastSlash = path.lastIndex(of: "/"), !path[..<lastSlash].isEmpty, path.index(after: lastSlash) < path.endIndex else {
            throw UpstreamURLTemplate.InvalidURL(description: "an upstream URL needs an app and a stream name: '\(SecretMask.maskedURL(url))'")
        }
        self.url = url
        (host, port) = hostPort
        app = String(path[..<lastSlash])
        let name = String(path[path.index(after: lastSlash)...])
        streamName = query.map { $0.isEmpty ? name : "\(name)?\($0)" } ?? name
        let scheme = url.prefix(while: { $0 != ":" })
        tcUrl = "\(scheme)://\(authority)/\(app)"
    }

    /// For logs, snapshots and the dashboard: query values and the stream key hidden.
    public var masked: String { SecretMask.maskedURL(url) }
}
