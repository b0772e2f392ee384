import NIOCore

/// Access control as configured at start (`--publish-token`, `--auth-file`,
/// `--allow-publish`, `--on-publish`, …).
public struct AccessOptions: Sendable {
    public var rules = AccessRules()
    /// Reloaded on SIGHUP; its first load is the caller's (a bad file at start is an error).
    public var authFilePath: String?
    public var notify = NotifyURLs()
    /// A callback that has not answered in this time refuses.
    public var callbackTimeout: TimeAmount = .seconds(5)

    public init() {}
}
