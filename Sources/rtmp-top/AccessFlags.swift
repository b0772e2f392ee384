import ArgumentParser
import Relay

/// Who may publish and play (README "Access control"): checked in this
/// order — address allow lists, tokens (an `--auth-file` rule replaces the
/// global token for its keys), then the HTTP callback.
struct AccessFlags: ParsableArguments {
    @Option(name: .long, help: "Token publishers must pass as ?token=… on the stream name or the tcUrl.")
    var publishToken: String?

    @Option(name: .long, help: "Token players must pass as ?token=… on the stream name or the tcUrl.")
    var playToken: String?

    @Option(name: .long, help: "JSON file of tokens per stream-key pattern (reloaded on SIGHUP; a bad file keeps the old rules).")
    var authFile: String?

    @Option(name: .long, help: "Publish only from this address block (IPv4 or IPv6 CIDR, repeatable).")
    var allowPublish: [String] = []

    @Option(name: .long, help: "Play only from this address block (IPv4 or IPv6 CIDR, repeatable).")
    var allowPlay: [String] = []

    @Option(name: .long, help: "nginx-rtmp style callback asked before every publish (2xx allows, 3xx to a plain name renames).")
    var onPublish: String?

    @Option(name: .long, help: "Callback asked before every play.")
    var onPlay: String?

    @Option(name: .long, help: "Callback told when a publish ends.")
    var onPublishDone: String?

    @Option(name: .long, help: "Callback told when a play ends.")
    var onPlayDone: String?

    @Option(name: .long, help: "Callback told when a publish or play ends.")
    var onDone: String?

    func validate() throws {
        for t in [publishToken, playToken].compactMap({ $0 }) where t.isEmpty { throw ValidationError("a token must not be empty") }
        for c in allowPublish + allowPlay where CIDRBlock(c) == nil {
            throw ValidationError("'\(c)' is not an address block (10.0.0.0/8, 2001:db8::/32, 192.0.2.7)")
        }
        for u in [onPublish, onPlay, onPublishDone, onPlayDone, onDone].compactMap({ $0 }) where !(u.hasPrefix("http://") || u.hasPrefix("https://")) {
            throw ValidationError("a callback must be an http:// or https:// URL, got '\(u)'")
        }
    }

    /// Throws when the auth file does not load: at start that is an error, not an open door.
    func options() throws -> AccessOptions {
        var o = AccessOptions()
        o.rules = AccessRules(allowPublish: allowPublish.compactMap(CIDRBlock.init), allowPlay: allowPlay.compactMap(CIDRBlock.init),
                              publishToken: publishToken, playToken: playToken)
        if let authFile {
            o.rules.authFile = try AuthFile.load(path: authFile, globalPublishToken: publishToken, globalPlayToken: playToken)
            o.authFilePath = authFile
        }
        o.notify = NotifyURLs(onPublish: onPublish, onPlay: onPlay, onPublishDone: onPublishDone, onPlayDone: onPlayDone, onDone: onDone)
        return o
    }
}
