/// One track's bitrate by media time: bytes per second of timestamps, over
/// the last ten seconds. By timestamps, not arrival, because that is what an
/// encoder's rate control aims at and what a file has (the dashboard's
/// bitrates, by arrival, are `StreamStats`'s). No allocation after init.
public struct BitrateMeter: Sendable {
    public static let windowSeconds = 10
    /// The timestamp the open second began at (seconds count from the
    /// first frame, in wrapping arithmetic: timestamps cross 2^32).
    private var secondStart: UInt32?
    private var current: UInt64 = 0
    private var ring: [UInt64]
    private var next = 0
    public private(set) var completedSeconds = 0

    public init() {
        ring = Array(repeating: 0, count: Self.windowSeconds)
    }

    /// Counts a frame's bytes; true when it closed one or more seconds.
    public mutating func add(bytes: Int, dts: UInt32) -> Bool {
        guard let start = secondStart else {
            secondStart = dts
            current = UInt64(bytes)
            return false
        }
        let ahead = Int32(bitPattern: dts &- start) / 1000
        if ahead <= 0 {
            // Within the second (or back in it: the timestamp checks report that).
            current &+= UInt64(bytes)
            return false
        }
        push(current)
        // Seconds with no frame at all count as empty, up to the window.
        for _ in 1..<min(Int(ahead), Self.windowSeconds + 1) { push(0) }
        secondStart = start &+ UInt32(ahead) &* 1000
        current = UInt64(bytes)
        return true
    }

    /// Forget everything (a timestamp discontinuity).
    public mutating func reset() {
        secondStart = nil
        current = 0
        completedSeconds = 0
        next = 0
        for i in ring.indices { ring[i] = 0 }
    }

    private mutating func push(_ bytes: UInt64) {
        ring[next] = bytes
        next = (next + 1) % ring.count
        completedSeconds = min(completedSeconds + 1, ring.count)
    }

    /// Bits per second of the last complete second.
    public var lastBitsPerSecond: Double? {
        completedSeconds == 0 ? nil : Double(ring[(next + ring.count - 1) % ring.count]) * 8
    }

    private var window: ArraySlice<UInt64> {
        // The completed seconds, in any order (sums and peaks only).
        completedSeconds == ring.count ? ring[...] : ring[0..<completedSeconds]
    }

    /// Mean over the completed seconds of the window.
    public var meanBitsPerSecond: Double? {
        completedSeconds == 0 ? nil : Double(window.reduce(0, &+)) * 8 / Double(completedSeconds)
    }

    /// The busiest second of the window.
    public var peakBitsPerSecond: Double? {
        window.max().map { Double($0) * 8 }
    }

    /// Standard deviation over mean of the window's seconds: near 0 for CBR.
    public var variation: Double? {
        guard completedSeconds >= 2, let mean = meanBitsPerSecond, mean > 0 else { return nil }
        let m = mean / 8
        let variance = window.reduce(0.0) { $0 + (Double($1) - m) * (Double($1) - m) } / Double(completedSeconds)
        return variance.squareRoot() / m
    }

    public var figures: BitrateFigures? {
        guard let last = lastBitsPerSecond, let mean = meanBitsPerSecond, let peak = peakBitsPerSecond else { return nil }
        return BitrateFigures(lastBps: Int(last), meanBps: Int(mean), peakBps: Int(peak),
                              variation: variation.map { ($0 * 100).rounded() / 100 })
    }
}

/// A track's bitrate by media time, over the last 10 s.
public struct BitrateFigures: Sendable, Equatable, Encodable {
    /// The last complete second.
    public var lastBps: Int
    public var meanBps: Int
    /// The busiest second.
    public var peakBps: Int
    /// Standard deviation over mean of the seconds (CBR: small).
    public var variation: Double?
}
