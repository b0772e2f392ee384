import Foundation
import NIOHTTP1
import Relay

/// Server-Sent Events for `/api/v1/events` with `Accept: text/event-stream`:
/// `id:` is the event's id (so `Last-Event-ID` resumes), `event:` its kind,
/// `data:` the same JSON object the plain answer has. A test harness can
/// wait for "publish" or "codec detected" instead of sleeping.
enum EventStreamEncoder {
    static func response(_ events: [ServerEvent], after id: UInt64) -> APIResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/event-stream")
        headers.add(name: "Cache-Control", value: "no-cache")
        return APIResponse(status: .ok, headers: headers, body: encode(events), streamsEventsAfter: events.last?.id ?? id)
    }

    static func encode(_ events: [ServerEvent]) -> [UInt8] {
        let encoder = APIResponse.encoder()
        var out: [UInt8] = []
        for e in events {
            guard let data = try? encoder.encode(e) else { continue }
            out += Array("id: \(e.id)\nevent: \(e.kind.rawValue)\ndata: ".utf8) + Array(data) + Array("\n\n".utf8)
        }
        return out
    }

    /// A comment line: keeps proxies and clients from timing the stream out.
    static let keepAlive = Array(": keep-alive\n\n".utf8)
}
