import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Who may publish and play: the rules (allow lists and tokens, reloadable
/// from `--auth-file` on SIGHUP) and then the HTTP callback, for every
/// publish and play. A slow callback delays only the connection that asked.
final class AccessController: Sendable {
    private let rules: NIOLockedValueBox<AccessRules>
    private let authFilePath: String?
    private let callbacks: NotifyCallbacks?
    private let logger: Logger

    init(_ config: AccessOptions, group: EventLoopGroup, logger: Logger) {
        rules = NIOLockedValueBox(config.rules)
        authFilePath = config.authFilePath
        callbacks = config.notify.isEmpty ? nil : NotifyCallbacks(urls: config.notify, group: group, timeout: config.callbackTimeout, logger: logger)
        self.logger = logger
    }

    var currentRules: AccessRules { rules.withLockedValue { $0 } }

    /// SIGHUP: the auth file again. A file that does not load keeps the old
    /// rules, and says why; live streams are not touched either way.
    @discardableResult
    func reloadAuthFile() -> Bool {
        guard let path = authFilePath else { return true }
        let old = currentRules
        do {
            let file = try AuthFile.load(path: path, globalPublishToken: old.publishToken, globalPlayToken: old.playToken)
            rules.withLockedValue { $0.authFile = file }
            logger.info("auth file reloaded", metadata: ["path": "\(path)", "rules": "\(file.rules.count)"])
            return true
        } catch {
            logger.error("auth file not reloaded, the old rules stay", metadata: ["path": "\(path)", "error": "\(error)"])
            return false
        }
    }

    /// The decision for one publish or play, completed on `loop`.
    func decide(_ r: AccessRequest, on loop: EventLoop) -> EventLoopFuture<AccessDecision> {
        if let refused = currentRules.check(r) { return loop.makeSucceededFuture(refused) }
        return callbacks?.decide(r, on: loop) ?? loop.makeSucceededFuture(.allow)
    }

    /// A publish or play that was allowed has ended.
    func ended(_ r: AccessRequest, on loop: EventLoop) {
        callbacks?.notifyDone(r, on: loop)
    }

    var hasPublishCallback: Bool { callbacks?.urls.onPublish != nil }

    func shutdown() { callbacks?.shutdown() }
}
