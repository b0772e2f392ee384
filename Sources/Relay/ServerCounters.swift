import Atomics
import NIOConcurrencyHelpers

/// Counters that live as long as the process, not only the open
/// connections: what Prometheus wants (a `_total` never goes down when a
/// connection closes). Sessions add to them as things happen.
final class ServerCounters: Sendable {
    let connectionsAccepted = ManagedAtomic<UInt64>(0)
    /// Bytes of connections already closed; open ones are added at snapshot time.
    let closedBytesIn = ManagedAtomic<UInt64>(0)
    let closedBytesOut = ManagedAtomic<UInt64>(0)
    private let errors = NIOLockedValueBox<[String: UInt64]>([:])

    /// One connection closed because of `reason` (a short, fixed word:
    /// `handshake`, `chunk`, `amf`, `command`, `timeout`, …; never peer text,
    /// so the label set stays small).
    func noteError(_ reason: String) {
        errors.withLockedValue { $0[reason, default: 0] &+= 1 }
    }

    var errorsByReason: [String: UInt64] { errors.withLockedValue { $0 } }
}

/// The lifetime counters in a snapshot.
public struct LifetimeCounters: Sendable, Equatable, Encodable {
    public var connectionsAccepted: UInt64
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    /// Connections closed for bad input or a timeout, by reason.
    public var errorsByReason: [String: UInt64]
    /// Bytes of partial messages all connections hold now (a gauge, not a total).
    public var bufferedPartialBytes: Int
    /// Bytes of multi-chunk messages reassembled, and payload bytes copied doing it.
    public var reassembledBytes: UInt64 = 0
    public var reassemblyCopiedBytes: UInt64 = 0

    public init(connectionsAccepted: UInt64 = 0, bytesIn: UInt64 = 0, bytesOut: UInt64 = 0, errorsByReason: [String: UInt64] = [:], bufferedPartialBytes: Int = 0,
                reassembledBytes: UInt64 = 0, reassemblyCopiedBytes: UInt64 = 0) {
        self.reassembledBytes = reassembledBytes
        self.reassemblyCopiedBytes = reassemblyCopiedBytes
        self.bufferedPartialBytes = bufferedPartialBytes
        self.connectionsAccepted = connectionsAccepted
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.errorsByReason = errorsByReason
    }
}
