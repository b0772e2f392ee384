/// What a publish or play asks for, with what the client said about itself:
/// everything the access checks and the HTTP callbacks look at.
public struct AccessRequest: Sendable, Equatable {
    public enum Action: String, Sendable {
        case publish, play
    }

    public var action: Action
    public var key: StreamKey
    /// The peer's IP address (no port).
    public var address: String
    public var clientID: UInt64
    public var tcUrl: String
    public var flashVer: String
    public var swfUrl: String
    public var pageUrl: String
    /// The publish type (`live`, `record`, `append`).
    public var publishType: String = "live"
    /// The play command's start, duration and reset arguments.
    public var playStart: Double = -2000
    public var playDuration: Double = -1
    public var playReset: Bool = false

    public init(action: Action, key: StreamKey, address: String, clientID: UInt64, tcUrl: String = "", flashVer: String = "",
                swfUrl: String = "", pageUrl: String = "") {
        self.action = action
        self.key = key
        self.address = address
        self.clientID = clientID
        self.tcUrl = tcUrl
        self.flashVer = flashVer
        self.swfUrl = swfUrl
        self.pageUrl = pageUrl
    }

    /// The token the client passed: `?token=` on the stream name
    /// (`rtmp://h/live/key?token=…`, as ffmpeg users write it) or in the
    /// tcUrl's query (`rtmp://h/live?token=…`, as OBS users do).
    public var token: String? {
        Self.parameter("token", in: key.query) ?? Self.parameter("token", in: tcUrl.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init))
    }

    /// The first value of `name` in a query string, percent-decoded.
    static func parameter(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if kv[0] == name { return kv.count > 1 ? String(kv[1]).removingPercentEncodingLeniently : "" }
        }
        return nil
    }
}

extension String {
    /// `%41` → `A`, `+` → space; malformed escapes are left as they are.
    var removingPercentEncodingLeniently: String {
        var out: [UInt8] = []
        let bytes = Array(utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%"), i + 2 < bytes.count, let v = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
