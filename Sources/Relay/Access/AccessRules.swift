/// The checks that need no network, in the order they run: address allow
/// lists, then tokens (a matching `--auth-file` rule replaces the global
/// token for that action). A value type, tested as a function; the HTTP
/// callback, when there is one, runs after these allow.
public struct AccessRules: Sendable, Equatable {
    public var allowPublish: [CIDRBlock] = []
    public var allowPlay: [CIDRBlock] = []
    public var publishToken: String?
    public var playToken: String?
    public var authFile: AuthFile?

    public init(allowPublish: [CIDRBlock] = [], allowPlay: [CIDRBlock] = [], publishToken: String? = nil, playToken: String? = nil,
                authFile: AuthFile? = nil) {
        self.allowPublish = allowPublish
        self.allowPlay = allowPlay
        self.publishToken = publishToken
        self.playToken = playToken
        self.authFile = authFile
    }

    /// Nothing restricts publishing: anyone who reaches the port may publish
    /// (said once at start when the listener is beyond loopback).
    public var publishingIsOpen: Bool {
        allowPublish.isEmpty && publishToken == nil && !(authFile?.restrictsPublishing ?? false)
    }

    /// nil: allowed so far (the callback, if any, decides next).
    public func check(_ r: AccessRequest) -> AccessDecision? {
        let blocks = r.action == .publish ? allowPublish : allowPlay
        if !blocks.isEmpty, !blocks.contains(where: { $0.contains(r.address) }) {
            return .refuse(reason: "address_not_allowed", description: "\(r.action.rawValue) is not allowed from \(r.address).")
        }
        let tokens = authFile?.tokens(for: r.key, action: r.action) ?? (r.action == .publish ? publishToken : playToken).map { [$0] } ?? []
        guard !tokens.isEmpty else { return nil }
        guard let given = r.token else {
            return .refuse(reason: "token_missing", description: "\(r.action.rawValue) of \(r.key) needs a token (?token=…).")
        }
        // Every candidate compared, each in constant time: which one matched, and where a wrong one differs, take the same time.
        let matched = tokens.reduce(into: false) { found, token in
            let equal = SecretCompare.equal(token, given)
            found = found || equal
        }
        return matched ? nil : .refuse(reason: "token_wrong", description: "wrong token for \(r.action.rawValue) of \(r.key).")
    }
}

/// Compares secrets without returning early at the first difference.
enum SecretCompare {
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return diff == 0
    }
}
