/// Hides secrets that clients put in URLs and stream names: the value of
/// every `token=` query parameter becomes `***`, wherever a URL is shown
/// (logs, snapshots, the HTTP API).
public enum SecretMask {
    public static func masked(_ text: String) -> String {
        guard text.range(of: "token=", options: .caseInsensitive) != nil else { return text }
        var out = ""
        var rest = Substring(text)
        while let r = rest.range(of: "token=", options: .caseInsensitive) {
            // Only a parameter name: at the start of a query or after ? & ;
            let before = r.lowerBound == rest.startIndex ? nil : rest[rest.index(before: r.lowerBound)]
            let isParameter = before == nil || before == "?" || before == "&" || before == ";"
            out += rest[..<r.upperBound]
            rest = rest[r.upperBound...]
            guard isParameter else { continue }
            let end = rest.firstIndex { $0 == "&" || $0 == ";" || $0 == "#" || $0 == " " } ?? rest.endIndex
            if end > rest.startIndex { out += "***" }
            rest = rest[end...]
        }
        return out + rest
    }

    /// An upstream URL as shown (a push target, later a pull origin): every
    /// query value and, when there is an app and a name, the last path
    /// segment, where Twitch and YouTube put the stream key, become `***`.
    public static func maskedURL(_ url: String) -> String {
        var (base, query) = UpstreamURLTemplate.split(url)
        // user:password@ is a secret too.
        if let scheme = base.range(of: "://"), let at = base[scheme.upperBound...].prefix(while: { $0 != "/" }).lastIndex(of: "@") {
            base = String(base[..<scheme.upperBound]) + "***" + String(base[at...])
        }
        var shown = base
        let path = UpstreamURLTemplate.path(of: base)
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        if segments.count >= 2, let slash = shown.lastIndex(of: "/"), shown.index(after: slash) < shown.endIndex {
            shown = String(shown[...slash]) + "***"
        }
        guard let query else { return shown }
        // A bare item (`?secret`) may be a key as well as `key=secret`'s value.
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let eq = pair.firstIndex(of: "=") else { return pair.isEmpty ? "" : "***" }
            return pair[...eq] + "***"
        }
        return shown + "?" + pairs.joined(separator: "&")
    }
}
