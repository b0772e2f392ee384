import Atomics

/// The bytes of partial messages every connection's chunk decoder holds,
/// together: each decoder's own cap (32 MiB) times thousands of connections
/// is more memory than any machine has, so the server also caps the sum
/// (`--max-buffered-mb`). A decoder reserves before it holds and releases
/// when a message completes, is aborted, or the connection goes.
public final class ReassemblyBudget: Sendable {
    public let limit: Int
    private let held = ManagedAtomic<Int>(0)
    private let copied = ManagedAtomic<UInt64>(0)
    private let reassembled = ManagedAtomic<UInt64>(0)

    public init(limit: Int) {
        self.limit = limit
    }

    /// Takes `n` bytes of the budget; false (and nothing taken) past the limit.
    public func reserve(_ n: Int) -> Bool {
        let now = held.wrappingIncrementThenLoad(by: n, ordering: .relaxed)
        guard now <= limit else {
            held.wrappingDecrement(by: n, ordering: .relaxed)
            return false
        }
        return true
    }

    public func release(_ n: Int) {
        held.wrappingDecrement(by: n, ordering: .relaxed)
    }

    /// Bytes held now, over every connection.
    public var heldBytes: Int { held.load(ordering: .relaxed) }

    /// Payload bytes copied while reassembling, and the bytes of the
    /// multi-chunk messages completed, since start: linear reassembly keeps
    /// the first under twice the second whatever the chunk size.
    public var copiedBytes: UInt64 { copied.load(ordering: .relaxed) }
    public var reassembledBytes: UInt64 { reassembled.load(ordering: .relaxed) }

    func noteCopied(_ n: Int) { copied.wrappingIncrement(by: UInt64(n), ordering: .relaxed) }
    func noteReassembled(_ n: Int) { reassembled.wrappingIncrement(by: UInt64(n), ordering: .relaxed) }
}
