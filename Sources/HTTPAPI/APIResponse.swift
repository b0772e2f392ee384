import Foundation
import NIOHTTP1

/// What the router answers: a status, headers and a body (JSON unless said).
public struct APIResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Set for a Server-Sent Events answer: after `body`, the connection
    /// stays open and gets every event with an id above this one.
    public var streamsEventsAfter: UInt64?

    public init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [], streamsEventsAfter: UInt64? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.streamsEventsAfter = streamsEventsAfter
    }

    /// One encoder for every document (the API's, `rtmp-top analyze --json`):
    /// snake_case keys, ISO 8601 times, sorted keys (stable for diffs and
    /// tests), no NaN (JSON has none).
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    public static func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> APIResponse {
        do {
            let data = try encoder().encode(value)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            return APIResponse(status: status, headers: headers, body: Array(data))
        } catch {
            return .error(.internalServerError, "cannot encode the answer: \(error)")
        }
    }

    /// `{"error": {"status": 404, "message": "…"}}`, the shape of every error.
    public static func error(_ status: HTTPResponseStatus, _ message: String, headers extra: HTTPHeaders = HTTPHeaders()) -> APIResponse {
        var r = json(ErrorDocument(error: .init(status: Int(status.code), message: message)), status: status)
        for (name, value) in extra { r.headers.add(name: name, value: value) }
        return r
    }

    struct ErrorDocument: Encodable {
        struct Body: Encodable {
            let status: Int
            let message: String
        }
        let error: Body
    }
}
