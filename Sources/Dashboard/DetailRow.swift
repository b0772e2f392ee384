import Relay

/// One row of the detail view's table: a connection of the stream (its
/// publisher, which is our own pull connection in edge mode, or a player)
/// or one of its pushes, which has a row even while it has no connection
/// (waiting to retry, stopped).
public enum DetailRow: Sendable {
    case connection(ConnectionSnapshot)
    case push(PushSnapshot)

    /// What the selection remembers. Connection ids and push ids come from
    /// different counters, so the kind is part of the identity.
    public enum ID: Sendable, Hashable {
        case connection(UInt64)
        case push(UInt64)
    }

    public var id: ID {
        switch self {
        case .connection(let connection): return .connection(connection.id)
        case .push(let push): return .push(push.id)
        }
    }

    /// The stream's rows in display order: the publisher, then the pushes
    /// by id, then the players by id. Pushes come before the players because
    /// there are few of them and each matters as much as the publisher: with
    /// hundreds of players they would otherwise sit pages down.
    public static func rows(of stream: StreamSnapshot) -> [DetailRow] {
        let pushes = stream.pushes.enumerated().sorted { a, b in
            a.element.id != b.element.id ? a.element.id < b.element.id : a.offset < b.offset
        }.map { DetailRow.push($0.element) }
        let players = stream.players.enumerated().sorted { a, b in
            a.element.id != b.element.id ? a.element.id < b.element.id : a.offset < b.offset
        }.map { DetailRow.connection($0.element) }
        return (stream.publisher.map { [.connection($0)] } ?? []) + pushes + players
    }
}
