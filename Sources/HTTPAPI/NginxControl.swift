import NIOHTTP1
import Relay

/// `/control/…` as nginx-rtmp's control module has it, so its users'
/// scripts work: GETs with `app`, `name` and friends in the query, answered
/// in plain text. `drop/publisher` and `drop/client` (by `clientid`, by
/// `addr`, or every player of the stream) answer the number of clients
/// dropped; `record/start` and `record/stop` answer the recording's file
/// (empty from `start` when the file is not open yet: it opens at the
/// stream's next keyframe, on the recorder's queue).
enum NginxControl {
    static func respond(_ action: [String], query: [String: String], server: RTMPServer) -> APIResponse {
        guard let app = query["app"], let name = query["name"] else {
            return text(.badRequest, "app and name are required")
        }
        let key = "\(app)/\(name)"
        let snapshot = server.snapshot()
        let stream = snapshot.streams.first { $0.key == key }
        switch action {
        case ["drop", "publisher"]:
            guard let p = stream?.publisher else { return text(.ok, "0") }
            return text(.ok, server.kick(connectionID: p.id, reason: "dropped by /control") ? "1" : "0")
        case ["drop", "client"]:
            var targets = stream?.players ?? []
            if let id = query["clientid"] {
                targets = (targets + [stream?.publisher].compactMap { $0 }).filter { "\($0.id)" == id }
            } else if let addr = query["addr"] {
                targets = targets.filter { NginxStatPage.host($0.remote) == addr }
            }
            let dropped = targets.filter { server.kick(connectionID: $0.id, reason: "dropped by /control") }.count
            return text(.ok, "\(dropped)")
        case ["record", "start"]:
            do {
                try server.startRecording(streamKey: key)
            } catch let e as RecordingControlError {
                if case .alreadyRecording = e { return text(.ok, server.snapshot().streams.first { $0.key == key }?.recording?.path ?? "") }
                return text(.notFound, e.description)
            } catch {
                return text(.internalServerError, "\(error)")
            }
            return text(.ok, server.snapshot().streams.first { $0.key == key }?.recording?.path ?? "")
        case ["record", "stop"]:
            let path = stream?.recording?.path ?? ""
            guard server.stopRecording(streamKey: key) else { return text(.notFound, "\(key) is not being recorded") }
            return text(.ok, path)
        default:
            return text(.notFound, "no such control: /control/\(action.joined(separator: "/"))")
        }
    }

    private static func text(_ status: HTTPResponseStatus, _ body: String) -> APIResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        return APIResponse(status: status, headers: headers, body: Array(body.utf8))
    }
}
