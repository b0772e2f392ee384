import Crypto
import Foundation
import NIOHTTP1
import Relay

/// Maps a request to the engine's snapshot and control API and back to a
/// response. Pure apart from those calls: no channel, no socket, so every
/// route and error is testable as a function call.
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
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map { APIRequest.percentDecoded(String($0)) }
        guard let route = Route(segments) else { return .error(.notFound, "no such endpoint: \(request.path)") }
        guard route.methods.contains(request.method) else {
            var allow = HTTPHeaders()
            allow.add(name: "Allow", value: route.methods.map(\.rawValue).joined(separator: ", "))
            return .error(.methodNotAllowed, "\(request.method.rawValue) is not allowed on \(request.path)", headers: allow)
        }
        // /control GETs change things too (nginx-rtmp's shape); ?token= is how they carry it.
        let mutates = (request.method != .GET && request.method != .HEAD) || route.isControl
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
                case .noSuchStream, .notLive: return .error(.notFound, e.description)
                case .alreadyRecording: return .error(.conflict, e.description)
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
        case (.connection(let id), _):
            guard let c = server.snapshot().connections.first(where: { $0.id == id }) else { return .error(.notFound, "no connection \(id)") }
            return .json(c)
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
        case server, streams, stream(String), recording(String), connections, connection(UInt64), events, metrics, stat
        case control([String])

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
            case .server, .streams, .stream, .connections, .events, .metrics, .stat, .control: return [.GET]
            case .connection: return [.GET, .DELETE]
            case .recording: return [.POST, .DELETE]
            }
        }
    }
}
