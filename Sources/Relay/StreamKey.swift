import Foundation

/// Names a live stream: `app/name`. The query string a client appends to
/// the name (`test?token=…`) is not part of the key; it is kept for auth.
public struct StreamKey: Hashable, Sendable, CustomStringConvertible {
    public let app: String
    public let name: String
    public let query: String?

    public init(app: String, name: String, query: String? = nil) {
        self.app = app
        self.name = name
        self.query = query
    }

    /// Splits a publish/play name such as `test?key=1` (and strips the
    /// `mp4:`/`flv:` prefixes some players add).
    public init(app: String, rawName: String) {
        var name = Substring(rawName)
        var query: String? = nil
        if let q = name.firstIndex(of: "?") {
            query = String(name[name.index(after: q)...])
            name = name[..<q]
        }
        for prefix in ["flv:", "mp4:"] where name.hasPrefix(prefix) {
            name = name.dropFirst(prefix.count)
        }
        self.init(app: app, name: String(name), query: query)
    }

    public var description: String { "\(app)/\(name)" }

    /// Whether `app/name` matches a shell glob (`live/*`): the auth file's
    /// rules and the push/pull rules select streams this way.
    public func matches(glob pattern: String) -> Bool {
        fnmatch(pattern, description, 0) == 0
    }

    public static func == (a: StreamKey, b: StreamKey) -> Bool { a.app == b.app && a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(app); h.combine(name) }
}
