import Foundation

/// What `POST /api/v1/connections/{id}/reconnect` may say about the
/// Reconnect Request: where the publisher should go (`tc_url`, else it
/// reconnects to where it is) and why (`description`). From a JSON body or
/// the query; the body's fields win.
struct ReconnectRequestBody: Decodable, Equatable {
    var tcUrl: String?
    var description: String?

    /// Longer values are refused: they go into one AMF0 string each, and
    /// nobody needs a kilobyte of URL or reason.
    static let maxLength = 1024

    /// The request's fields, or why they are refused (a 400).
    static func parse(_ request: APIRequest) -> Result<ReconnectRequestBody, ParseError> {
        var fields = ReconnectRequestBody(tcUrl: request.query["tc_url"], description: request.query["description"])
        if !request.body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            guard let body = try? decoder.decode(ReconnectRequestBody.self, from: Data(request.body)) else {
                return .failure(ParseError(description: "the body must be a JSON object with optional string fields tc_url and description"))
            }
            fields.tcUrl = body.tcUrl ?? fields.tcUrl
            fields.description = body.description ?? fields.description
        }
        for (name, value) in [("tc_url", fields.tcUrl), ("description", fields.description)] {
            if let value, value.utf8.count > maxLength {
                return .failure(ParseError(description: "\(name) is longer than \(maxLength) bytes"))
            }
        }
        // An empty value asks for nothing in particular: the relay's defaults.
        if fields.tcUrl?.isEmpty == true { fields.tcUrl = nil }
        if fields.description?.isEmpty == true { fields.description = nil }
        return .success(fields)
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }
}
