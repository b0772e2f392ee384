import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// nginx-rtmp's HTTP callbacks (`ngx_rtmp_notify_module.c`), with its
/// semantics, so the auth services people run for it work unchanged: a
/// POST of `application/x-www-form-urlencoded` with the session's `app`,
/// `flashver`, `swfurl`, `tcurl`, `pageurl`, `addr`, `clientid`, then `call`
/// (`publish`, `play`, `publish_done`, `play_done`, `done`), `name`, `type`
/// for a publish or `start`, `duration`, `reset` for a play, then the
/// stream's own query arguments as they came. On `publish`/`play`: 2xx
/// allows; a 3xx whose `Location` is a plain name renames the stream (an
/// `rtmp://` one, which nginx turns into a relay, is refused until
/// push/pull exist); anything else, or no answer in time, refuses.
public struct NotifyURLs: Sendable, Equatable {
    public var onPublish: String?
    public var onPlay: String?
    public var onPublishDone: String?
    public var onPlayDone: String?
    public var onDone: String?

    public init(onPublish: String? = nil, onPlay: String? = nil, onPublishDone: String? = nil, onPlayDone: String? = nil, onDone: String? = nil) {
        self.onPublish = onPublish
        self.onPlay = onPlay
        self.onPublishDone = onPublishDone
        self.onPlayDone = onPlayDone
        self.onDone = onDone
    }

    public var isEmpty: Bool { [onPublish, onPlay, onPublishDone, onPlayDone, onDone].allSatisfy { $0 == nil } }
}

final class NotifyCallbacks: Sendable {
    let urls: NotifyURLs
    let timeout: TimeAmount
    private let client: HTTPClient
    private let logger: Logger

    init(urls: NotifyURLs, group: EventLoopGroup, timeout: TimeAmount = .seconds(5), logger: Logger) {
        self.urls = urls
        self.timeout = timeout
        self.logger = logger
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow,
                                              timeout: .init(connect: timeout, read: timeout))
        config.connectionPool = .init(idleTimeout: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: config)
    }

    /// Asks `on_publish` / `on_play`; nil when that callback is not set.
    func decide(_ r: AccessRequest, on loop: EventLoop) -> EventLoopFuture<AccessDecision>? {
        guard let url = r.action == .publish ? urls.onPublish : urls.onPlay else { return nil }
        let call = r.action.rawValue
        var fields: [(String, String)] = [("call", call), ("name", r.key.name)]
        switch r.action {
        case .publish:
            fields.append(("type", r.publishType))
        case .play:
            // nginx writes them as unsigned 32-bit integers (-2000 comes out as 4294965296).
            func u32(_ v: Double) -> String { v.isFinite ? "\(UInt32(truncatingIfNeeded: Int64(clamping: Int64(exactly: v.rounded(.towardZero)) ?? 0)))" : "0" }
            fields += [("start", u32(r.playStart)), ("duration", u32(r.playDuration)), ("reset", r.playReset ? "1" : "0")]
        }
        let started = NIODeadline.now()
        return post(url, Self.body(r, fields), on: loop).map { response -> AccessDecision in
            let status = response.status.code
            switch status {
            case 200..<300:
                return .allow
            case 300..<400:
                let location = response.headers.first(name: "Location") ?? ""
                if location.lowercased().hasPrefix("rtmp://") {
                    self.logger.warning("callback redirect to another server refused: push and pull are not built",
                                        metadata: ["call": "\(call)", "stream_key": "\(r.key)", "location": "\(SecretMask.masked(location))"])
                    return .refuse(reason: "callback_relay_redirect", description: "\(call) of \(r.key) was redirected to another server, which this server cannot relay to yet.")
                }
                let name = location.split(separator: "/").last.map(String.init) ?? ""
                guard !name.isEmpty else {
                    return .refuse(reason: "callback_refused", description: "\(call) of \(r.key) refused: a redirect without a stream name.")
                }
                return .allow(renamedTo: name)
            default:
                return .refuse(reason: "callback_refused", description: "\(call) of \(r.key) refused by the \(call) callback (HTTP \(status)).")
            }
        }.flatMapErrorThrowing { error in
            let timedOut = NIODeadline.now() - started >= self.timeout - .milliseconds(50)
            self.logger.warning("callback failed", metadata: ["call": "\(call)", "stream_key": "\(r.key)", "url": "\(SecretMask.masked(url))", "error": "\(error)"])
            return timedOut
                ? .refuse(reason: "callback_timeout", description: "\(call) of \(r.key) refused: the \(call) callback did not answer within \(self.timeout.nanoseconds / 1_000_000_000) s.")
                : .refuse(reason: "callback_failed", description: "\(call) of \(r.key) refused: the \(call) callback could not be reached.")
        }
    }

    /// `on_publish_done` / `on_play_done`, then `on_done`: fire and forget.
    func notifyDone(_ r: AccessRequest, on loop: EventLoop) {
        let specific = r.action == .publish ? urls.onPublishDone : urls.onPlayDone
        for (url, call) in [(specific, "\(r.action.rawValue)_done"), (urls.onDone, "done")] {
            guard let url else { continue }
            post(url, Self.body(r, [("call", call), ("name", r.key.name)]), on: loop).whenFailure { error in
                self.logger.info("callback failed", metadata: ["call": "\(call)", "url": "\(SecretMask.masked(url))", "error": "\(error)"])
            }
        }
    }

    func shutdown() {
        try? client.syncShutdown()
    }

    // MARK: the request

    /// The session's fields, then the call's, then the stream's query as it came.
    static func body(_ r: AccessRequest, _ fields: [(String, String)]) -> String {
        let session: [(String, String)] = [("app", r.key.app), ("flashver", r.flashVer), ("swfurl", r.swfUrl), ("tcurl", r.tcUrl),
                                           ("pageurl", r.pageUrl), ("addr", r.address), ("clientid", "\(r.clientID)")]
        var text = (session + fields).map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        if let q = r.key.query, !q.isEmpty { text += "&" + q }
        return text
    }

    private func post(_ url: String, _ body: String, on loop: EventLoop) -> EventLoopFuture<HTTPClient.Response> {
        do {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            let request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .string(body))
            return client.execute(request: request, eventLoop: .delegate(on: loop), deadline: .now() + timeout).hop(to: loop)
        } catch {
            return loop.makeFailedFuture(error)
        }
    }

    /// Form encoding: letters, digits and `-._~` as they are, the rest %XX.
    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}
