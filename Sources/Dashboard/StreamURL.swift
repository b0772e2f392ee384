import Relay

/// The rtmp:// URLs a client dials for this server: what the getting-started
/// hint, `p` (ffplay) and `u` (the URL line and the clipboard) hand out.
public enum StreamURL {
    /// `rtmp://HOST:PORT/APP/NAME` for one stream. RTMP publishes and plays
    /// at the same URL; the verb is the client's (ffmpeg's `-f flv` or ffplay).
    public static func of(_ stream: StreamSnapshot, listenAddress: String) -> String {
        of(app: stream.app, name: stream.name, listenAddress: listenAddress)
    }

    /// The same from an app and a stream name.
    public static func of(app: String, name: String, listenAddress: String) -> String {
        "rtmp://\(connectableAddress(listenAddress))/\(app)/\(name)"
    }

    /// The listen address as a client would dial it: a wildcard address
    /// (0.0.0.0, ::, empty) means "this machine", so 127.0.0.1.
    public static func connectableAddress(_ listenAddress: String) -> String {
        var host: Substring
        var port: Substring
        if listenAddress.hasPrefix("["), let close = listenAddress.firstIndex(of: "]") {
            host = listenAddress[listenAddress.index(after: listenAddress.startIndex)..<close]
            port = listenAddress[listenAddress.index(after: close)...]
            guard port.hasPrefix(":") else { return listenAddress }
            port = port.dropFirst()
        } else if let colon = listenAddress.lastIndex(of: ":") {
            host = listenAddress[..<colon]
            port = listenAddress[listenAddress.index(after: colon)...]
        } else {
            return listenAddress
        }
        if ["", "0.0.0.0", "::", "*", "0:0:0:0:0:0:0:0"].contains(host) { host = "127.0.0.1" }
        let shownHost = host.contains(":") ? "[\(host)]" : String(host)
        return "\(shownHost):\(port)"
    }
}
