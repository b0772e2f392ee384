/// Which streams go to (push) or come from (pull) one upstream: every
/// stream, or those whose `app/name` matches a glob (`live/*`,
/// `games/cam-?`), as the config file's per-app and per-pattern entries say.
public struct UpstreamRule: Sendable, Equatable {
    /// A glob on `app/name`; nil: every stream.
    public var match: String?
    public var target: UpstreamURLTemplate

    public init(match: String? = nil, target: UpstreamURLTemplate) {
        self.match = match
        self.target = target
    }

    public func applies(to key: StreamKey) -> Bool {
        guard let match else { return true }
        return key.matches(glob: match)
    }
}
