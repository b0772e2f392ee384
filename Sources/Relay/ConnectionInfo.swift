import Atomics
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// What the engine knows about one connection: counters any thread may
/// read for a snapshot, and the few descriptive fields a session fills in.
public final class ConnectionInfo: Sendable {
    public enum Role: String, Sendable {
        case handshaking, connected, publisher, player
        /// Ours, publishing a local stream to another server (`--push`).
        case push
        /// Ours, playing a stream from an origin into a local one (`--pull`).
        case pull
    }

    struct Details: Sendable {
        var role: Role = .handshaking
        var app: String?
        var streamKey: StreamKey?
        var flashVer: String?
        var tcUrl: String?
        var closeReason: String?
        /// The connect announced capsEx Reconnect (Enhanced RTMP v2).
        var handlesReconnectRequest = false
    }

    public let id: UInt64
    public let remote: String
    /// The peer's IP address without the port (per-address limits and allow lists).
    public let address: String
    public let connectedAt: Date
    let channel: Channel
    /// A connection this server opened (push or pull), not one it accepted.
    let isUpstream: Bool

    let bytesIn = ManagedAtomic<UInt64>(0)
    let bytesOut = ManagedAtomic<UInt64>(0)
    let messagesIn = ManagedAtomic<UInt64>(0)
    let messagesOut = ManagedAtomic<UInt64>(0)
    let droppedVideo = ManagedAtomic<UInt64>(0)
    let droppedAudio = ManagedAtomic<UInt64>(0)
    let queuedBytes = ManagedAtomic<Int>(0)
    let queuedMessages = ManagedAtomic<Int>(0)
    /// Monotonic time of the last byte read, for "silent for 5 s" eviction.
    let lastReadNanos = ManagedAtomic<UInt64>(DispatchTime.now().uptimeNanoseconds)
    let details = NIOLockedValueBox(Details())
    /// Bits per second in and out over the last second (written by the sampler).
    let rates = NIOLockedValueBox<(inBps: Double, outBps: Double, lastIn: UInt64, lastOut: UInt64)>((0, 0, 0, 0))

    init(id: UInt64, remote: String, address: String? = nil, channel: Channel, isUpstream: Bool = false) {
        self.isUpstream = isUpstream
        self.id = id
        self.remote = remote
        self.address = address ?? remote
        self.connectedAt = Date()
        self.channel = channel
    }

    var isAlive: Bool { channel.isActive }

    var role: Role { details.withLockedValue { $0.role } }

    var silentNanoseconds: UInt64 {
        let now = DispatchTime.now().uptimeNanoseconds
        let last = lastReadNanos.load(ordering: .relaxed)
        return now > last ? now - last : 0
    }

    func noteRead(_ bytes: Int) {
        bytesIn.wrappingIncrement(by: UInt64(truncatingIfNeeded: bytes), ordering: .relaxed)
        lastReadNanos.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
    }

    func noteWritten(_ bytes: Int) {
        bytesOut.wrappingIncrement(by: UInt64(truncatingIfNeeded: bytes), ordering: .relaxed)
    }

    func sampleRates(interval: Double) {
        let i = bytesIn.load(ordering: .relaxed), o = bytesOut.load(ordering: .relaxed)
        rates.withLockedValue { r in
            r.inBps = Double(i &- r.lastIn) * 8 / interval
            r.outBps = Double(o &- r.lastOut) * 8 / interval
            r.lastIn = i
            r.lastOut = o
        }
    }
}
