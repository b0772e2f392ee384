/// Whether one more connection may be served: the server-wide cap and the
/// per-address cap (`--max-connections`, `--max-connections-per-ip`). A
/// policy as a value type; `ServerState` keeps one under the connection
/// table's lock, so admitting and the table never disagree.
struct ConnectionAdmission: Sendable {
    enum Refusal: String, Error, Sendable, Equatable {
        case serverFull = "too_many_connections"
        case addressFull = "too_many_connections_from_address"
    }

    /// 0: no cap.
    let maxConnections: Int
    let maxPerAddress: Int
    private(set) var open = 0
    private var perAddress: [String: Int] = [:]

    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    /// Counts the connection in when it may be served.
    mutating func admit(_ address: String) -> Refusal? {
        if maxConnections > 0, open >= maxConnections { return .serverFull }
        if maxPerAddress > 0, perAddress[address, default: 0] >= maxPerAddress { return .addressFull }
        open += 1
        if maxPerAddress > 0 { perAddress[address, default: 0] += 1 }
        return nil
    }

    mutating func release(_ address: String) {
        open = max(0, open - 1)
        guard maxPerAddress > 0, let n = perAddress[address] else { return }
        perAddress[address] = n > 1 ? n - 1 : nil
    }

    func connections(from address: String) -> Int { perAddress[address] ?? 0 }
    /// Addresses counted (only when a per-address cap is on): bounded by `open`.
    var addressCount: Int { perAddress.count }
}
