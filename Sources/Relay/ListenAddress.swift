/// `HOST:PORT`, `:PORT`, `PORT` or `[v6]:PORT`, as the seed's `-listen` took it.
public struct ListenAddress: Equatable, Sendable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        var hostPart = ""
        var portPart = text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            hostPart = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = String(rest.dropFirst())
        } else if let colon = text.lastIndex(of: ":") {
            hostPart = String(text[..<colon])
            portPart = String(text[text.index(after: colon)...])
        }
        guard let port = Int(portPart), (0...65535).contains(port) else { return nil }
        self.host = hostPart.isEmpty ? "0.0.0.0" : hostPart
        self.port = port
    }
}

extension ListenAddress {
    /// A host only this machine can reach (127.x, ::1, localhost).
    public static func isLoopback(_ host: String) -> Bool {
        host.hasPrefix("127.") || host == "::1" || host == "[::1]" || host.lowercased() == "localhost"
    }
}
