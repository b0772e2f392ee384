import Crypto
import Foundation
import NIOHTTP1
import Relay

/// Maps a request to the engine's snapshot and control API and back to a
/// response. Pure apart from those calls: no channel, no socket, so every
/// route and error is testable as a function call.
///
/// Reads (GET): `/api/v1/server`, `/api/v1/streams`, `/api/v1/streams/{app}/{name}`,
/// `/api/v1/connections`, `/api/v1/connections/{id}`, `/api/v1/events`
/// (JSON, or Server-Sent Events with `Accept: text/event-stream`),
/// `/api/v1/pushes` (every stream's `--push` upstreams, `?stream=app/name`
/// for one stream's), `/api/v1/pushes/{id}`, `/metrics`, `/stat`.
/// Changes (the token when there is one): `DELETE /api/v1/connections/{id}`
/// (kick), `POST /api/v1/connections/{id}/reconnect` (Enhanced RTMP's
/// Reconnect Request to a publisher that announced it handles one; 409 for
/// any other connection), `POST|DELETE /api/v1/streams/{app}/{name}/recording`,
/// `POST /api/v1/pushes/{id}/stop` (until restarted), `POST
/// /api/v1/pushes/{id}/restart` (a stopped push, or a waiting one at once;
/// 409 while it connects or publishes), and nginx-rtmp's `/control/...` GETs.
/// Push ids are server-wide, like connection ids, so their paths need no
/// stream key; a push lives as long as its stream's publish.
public struct APIRouter: Sendable {
    public struct Options: Sendable {
        /// `--http-token`: required on mutations, and on reads when `readsNeedToken`.
        public var token: String?
        /// The endpoint listens beyond loopback: stream keys can be secrets.
        public var readsNeedToken = false
        public init() {}
    }

    let server: RTMPServer
    let options: Options

    public init(server: RTMPServer, options: Options) {
        self.server = server
        self.options = options
    }

    public func respond(to request: APIRequest) -> APIResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map { APIRequest.percentDecoded(String($0), plusIsSpace: false) }
        guard let route = Route(segments) else { return .error(.notFound, "no such endpoint: \(request.path)") }
        guard route.methods.contains(request.method) else {
            var allow = HTTPHeaders()
            allow.add(name: "Allow", value: route.methods.map(\.rawValue).joined(separator: ", "))
            return .error(.methodNotAllowed, "\(request.method.rawValue) is not allowed on \(request.path)", headers: allow)
        }
        // /control GETs change things too (nginx-rtmp's shape); ?token= is how they carry it.
        let mutates = (request.method != .GET && request.method != .HEAD) || route.isControl
        if let refusal = Self.crossSiteRefusal(request, mutates: mutates, loopbackOnly: !options.readsNeedToken) { return refusal }
        if let token = options.token, mutates || options.readsNeedToken, !Self.authorized(request, token: token) {
            var challenge = HTTPHeaders()
            challenge.add(name: "WWW-Authenticate", value: "Bearer")
            return .error(.unauthorized, "this needs Authorization: Bearer <the --http-token>", headers: challenge)
        }
        switch (route, request.method) {
        case (.server, _):
            return .json(APIDocuments.Server(server.snapshot()))
        case (.streams, _):
            return .json(APIDocuments.Streams(streams: server.snapshot().streams.map(APIDocuments.Stream.init)))
        case (.stream(let key), _):
            guard let s = server.snapshot().streams.first(where: { $0.key == key }) else { return .error(.notFound, "no stream \(key)") }
            return .json(APIDocuments.Stream(snapshot: s))
        case (.recording(let key), .POST):
            do {
                try server.startRecording(streamKey: key)
            } catch let e as RecordingControlError {
                switch e {
                case .noSuchStream: return .error(.notFound, e.description)
                case .notLive, .alreadyRecording: return .error(.conflict, e.description)
                case .cannotCreateDirectory: return .error(.internalServerError, e.description)
                }
            } catch {
                return .error(.internalServerError, "\(error)")
            }
            return .json(recordingDocument(key), status: .created)
        case (.recording(let key), _):
            guard server.stopRecording(streamKey: key) else { return .error(.notFound, "\(key) is not being recorded") }
            return .json(recordingDocument(key))
        case (.connections, _):
            return .json(APIDocuments.Connections(connections: server.snapshot().connections))
        case (.connection(let id), .DELETE):
            guard server.kick(connectionID: id, reason: "kicked over HTTP") else { return .error(.notFound, "no connection \(id)") }
            return .json(APIDocuments.Kicked(kicked: id))
        case (.reconnect(let id), _):
            let fields: ReconnectRequestBody
            switch ReconnectRequestBody.parse(request) {
            case .success(let parsed): fields = parsed
            case .failure(let error): return .error(.badRequest, error.description)
            }
            guard let c = server.snapshot().connections.first(where: { $0.id == id }) else { return .error(.notFound, "no connection \(id)") }
            let asked = server.requestReconnect(connectionID: id, tcUrl: fields.tcUrl,
                                                description: fields.description ?? RTMPServer.defaultReconnectDescription)
            guard asked.contains(id) else {
                let why = c.role == "publisher" ? "did not announce that it handles reconnect requests (capsEx Reconnect)" : "is a \(c.role), not a publisher"
                return .error(.conflict, "connection \(id) \(why)")
            }
            return .json(APIDocuments.ReconnectRequested(reconnectRequested: id))
        case (.connection(let id), _):
            guard let c = server.snapshot().connections.first(where: { $0.id == id }) else { return .error(.notFound, "no connection \(id)") }
            return .json(c)
        case (.pushes, _):
            var pushes = APIDocuments.Push.all(in: server.snapshot())
            if let key = request.query["stream"] { pushes = pushes.filter { $0.streamKey == key } }
            return .json(APIDocuments.Pushes(pushes: pushes))
        case (.push(let id), _):
            guard let p = APIDocuments.Push.all(in: server.snapshot()).first(where: { $0.snapshot.id == id }) else { return .error(.notFound, "no push \(id)") }
            return .json(p)
        case (.pushControl(let id, .stop), _):
            guard server.stopPush(id: id) else { return .error(.notFound, "no push \(id)") }
            return .json(APIDocuments.PushStopped(stopped: id))
        case (.pushControl(let id, .restart), _):
            // The relay ignores a restart of a running push; say so rather than answer as if it happened.
            let state = APIDocuments.Push.all(in: server.snapshot()).first { $0.snapshot.id == id }?.snapshot.state
            if let state, state == "connecting" || state == "publishing" { return .error(.conflict, "push \(id) is already \(state)") }
            guard server.restartPush(id: id) else { return .error(.notFound, "no push \(id)") }
            return .json(APIDocuments.PushRestarted(restarted: id))
        case (.stat, _):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
            return APIResponse(status: .ok, headers: headers, body: NginxStatPage.xml(server.snapshot()))
        case (.control(let action), _):
            return NginxControl.respond(action, query: request.query, server: server)
        case (.metrics, _):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
            return APIResponse(status: .ok, headers: headers, body: PrometheusExposition.text(server.snapshot()))
        case (.events, _):
            var since: UInt64 = 0
            if let text = request.query["since"] {
                guard let n = UInt64(text) else { return .error(.badRequest, "since wants an event id (a whole number), got '\(text)'") }
                since = n
            }
            if let id = request.headers.first(name: "Last-Event-ID").flatMap(UInt64.init) { since = max(since, id) }
            // Ids start again at 1 with each process: a client resuming from
            // a larger id is resuming across a restart, and gets everything.
            if since > server.lastEventID { since = 0 }
            let events = server.events(after: since)
            if request.headers[canonicalForm: "Accept"].contains(where: { $0.lowercased().hasPrefix("text/event-stream") }) {
                return EventStreamEncoder.response(events, after: since)
            }
            return .json(APIDocuments.Events(events: events, lastId: events.last?.id ?? since))
        }
    }

    private func recordingDocument(_ key: String) -> APIDocuments.Recording {
        APIDocuments.Recording(streamKey: key, recording: server.snapshot().streams.first { $0.key == key }?.recording)
    }

    /// A web page the operator has open must not drive the API: on a
    /// loopback endpoint the Host must be a loopback name (DNS rebinding
    /// would bring another), and no change may come from a cross-site page
    /// (`Origin` of another host, `Sec-Fetch-Site: cross-site`). Scripts
    /// and curl send neither.
    static func crossSiteRefusal(_ request: APIRequest, mutates: Bool, loopbackOnly: Bool) -> APIResponse? {
        if loopbackOnly, let host = request.headers.first(name: "Host"), !isLoopbackHost(host) {
            return .error(.forbidden, "Host \(host) is not this loopback endpoint")
        }
        guard mutates else { return nil }
        if request.headers.first(name: "Sec-Fetch-Site")?.lowercased() == "cross-site" {
            return .error(.forbidden, "cross-site requests may not change anything")
        }
        if let origin = request.headers.first(name: "Origin") {
            // "scheme://host[:port]"; "null" is an opaque (sandboxed, file:) origin.
            let host = origin == "null" ? nil : origin.components(separatedBy: "://").dropFirst().first
            let allowed = host.map { loopbackOnly ? isLoopbackHost($0) : $0 == request.headers.first(name: "Host") } ?? false
            if !allowed { return .error(.forbidden, "requests from \(origin) may not change anything") }
        }
        return nil
    }

    /// `127.0.0.1` (any real 127.x.y.z address), `localhost`, `[::1]`, with
    /// or without a port. Not names that merely start with "127." (a page
    /// on 127.attacker.example rebound to 127.0.0.1 must not pass).
    static func isLoopbackHost(_ hostAndPort: String) -> Bool {
        var host = Substring(hostAndPort.lowercased())
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon {
            host = host[..<colon]
        }
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && (Int(p) ?? 256) <= 255 }
    }

    /// `Authorization: Bearer T` (or `?token=T`), compared in constant time.
    static func authorized(_ request: APIRequest, token: String) -> Bool {
        var given: String?
        if let header = request.headers.first(name: "Authorization"), header.lowercased().hasPrefix("bearer ") {
            given = String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        } else {
            given = request.query["token"]
        }
        guard let given else { return false }
        // Equal-length digests, so the comparison leaks neither content nor length.
        let a = SHA256.hash(data: Array(given.utf8)), b = SHA256.hash(data: Array(token.utf8))
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// The endpoints, parsed from the path's segments.
    enum Route {
        case server, streams, stream(String), recording(String), connections, connection(UInt64), reconnect(UInt64), events, metrics, stat
        case pushes, push(UInt64), pushControl(UInt64, PushAction)
        case control([String])

        enum PushAction: String { case stop, restart }

        init?(_ s: [String]) {
            if s == ["metrics"] { self = .metrics; return }
            if s == ["stat"] { self = .stat; return }
            if s.first == "control", s.count == 3 { self = .control(Array(s.dropFirst())); return }
            guard s.count >= 3, s[0] == "api", s[1] == "v1" else { return nil }
            let rest = Array(s[2...])
            switch rest.first {
            case "server" where rest.count == 1: self = .server
            case "events" where rest.count == 1: self = .events
            case "streams":
                // {app}/{name}: the app may itself hold slashes ("live/sub").
                if rest.count == 1 { self = .streams }
                else if rest.last == "recording", rest.count >= 4 { self = .recording(rest[1..<(rest.count - 1)].joined(separator: "/")) }
                else if rest.count >= 3 { self = .stream(rest[1...].joined(separator: "/")) }
                else { return nil }
            case "connections":
                if rest.count == 1 { self = .connections }
                else if rest.count == 2, let id = UInt64(rest[1]) { self = .connection(id) }
                else if rest.count == 3, let id = UInt64(rest[1]), rest[2] == "reconnect" { self = .reconnect(id) }
                else { return nil }
            case "pushes":
                if rest.count == 1 { self = .pushes }
                else if rest.count == 2, let id = UInt64(rest[1]) { self = .push(id) }
                else if rest.count == 3, let id = UInt64(rest[1]), let action = PushAction(rawValue: rest[2]) { self = .pushControl(id, action) }
                else { return nil }
            default: return nil
            }
        }

        var isControl: Bool {
            if case .control = self { return true }
            return false
        }

        var methods: [HTTPMethod] {
            switch self {
            case .server, .streams, .stream, .connections, .events, .metrics, .stat, .control, .pushes, .push: return [.GET]
            case .connection: return [.GET, .DELETE]
            case .recording: return [.POST, .DELETE]
            case .pushControl, .reconnect: return [.POST]
            }
        }
    }
}
