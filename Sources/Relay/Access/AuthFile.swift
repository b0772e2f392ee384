import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--auth-file`: tokens per stream key, JSON, reloaded on SIGHUP.
///
/// ```json
/// {"rules": [
///   {"match": "live/studio-*", "publish_tokens": ["s3cret"], "play_tokens": []},
///   {"match": "*/private/*",   "play_tokens": ["viewers-only"]}
/// ]}
/// ```
///
/// `match` is a shell glob over `app/name`; the first rule that matches a
/// key replaces `--publish-token` / `--play-token` for it. A list of tokens
/// accepts any of them; an empty list needs none; a missing list leaves the
/// global token in force for that action.
public struct AuthFile: Sendable, Equatable {
    public struct Rule: Sendable, Equatable, Codable {
        public var match: String
        public var publishTokens: [String]?
        public var playTokens: [String]?

        enum CodingKeys: String, CodingKey {
            case match
            case publishTokens = "publish_tokens"
            case playTokens = "play_tokens"
        }
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public var rules: [Rule]
    /// The global tokens, for rules that leave an action to them.
    var globalPublishToken: String?
    var globalPlayToken: String?

    public init(rules: [Rule], globalPublishToken: String? = nil, globalPlayToken: String? = nil) {
        self.rules = rules
        self.globalPublishToken = globalPublishToken
        self.globalPlayToken = globalPlayToken
    }

    /// Reads and checks the file; a file that does not parse is an error, never "no rules".
    public static func load(path: String, globalPublishToken: String?, globalPlayToken: String?) throws -> AuthFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw LoadError(description: "cannot read \(path): \(error.localizedDescription)")
        }
        struct Document: Codable { var rules: [Rule] }
        let doc: Document
        do { doc = try JSONDecoder().decode(Document.self, from: data) } catch {
            throw LoadError(description: "\(path) is not a valid auth file: \(error)")
        }
        for (i, r) in doc.rules.enumerated() {
            guard !r.match.isEmpty else { throw LoadError(description: "\(path): rule \(i + 1) has an empty match") }
            for t in (r.publishTokens ?? []) + (r.playTokens ?? []) where t.isEmpty {
                throw LoadError(description: "\(path): rule \(i + 1) (\(r.match)) has an empty token")
            }
        }
        return AuthFile(rules: doc.rules, globalPublishToken: globalPublishToken, globalPlayToken: globalPlayToken)
    }

    /// The tokens that admit `action` on `key` (empty: none needed).
    func tokens(for key: StreamKey, action: AccessRequest.Action) -> [String] {
        let global = (action == .publish ? globalPublishToken : globalPlayToken).map { [$0] } ?? []
        guard let rule = rules.first(where: { key.matches(glob: $0.match) }) else { return global }
        return (action == .publish ? rule.publishTokens : rule.playTokens) ?? global
    }

    var restrictsPublishing: Bool { globalPublishToken != nil || rules.contains { !($0.publishTokens ?? []).isEmpty } }
}
