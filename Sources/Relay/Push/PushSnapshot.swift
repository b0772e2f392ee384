import Foundation

/// One push as the dashboard, the API and the tests see it.
public struct PushSnapshot: Sendable, Encodable, Equatable {
    public var id: UInt64
    /// The upstream URL with query values and the stream key masked.
    public var url: String
    /// connecting, publishing, waiting (to retry), stopped.
    public var state: String
    /// The current connection's id while there is one.
    public var connectionID: UInt64?
    public var bytesOut: UInt64
    public var outBps: Double
    public var queuedBytes: Int
    public var droppedVideo: UInt64
    public var droppedAudio: UInt64
    /// Connection attempts after the first.
    public var reconnects: Int
    public var lastError: String?
    /// When the current state began.
    public var since: Date
    /// When the next attempt is due (state waiting).
    public var retryAt: Date?

    public init(id: UInt64, url: String, state: String, connectionID: UInt64? = nil, bytesOut: UInt64 = 0, outBps: Double = 0, queuedBytes: Int = 0,
                droppedVideo: UInt64 = 0, droppedAudio: UInt64 = 0, reconnects: Int = 0, lastError: String? = nil, since: Date = Date(), retryAt: Date? = nil) {
        self.id = id
        self.url = url
        self.state = state
        self.connectionID = connectionID
        self.bytesOut = bytesOut
        self.outBps = outBps
        self.queuedBytes = queuedBytes
        self.droppedVideo = droppedVideo
        self.droppedAudio = droppedAudio
        self.reconnects = reconnects
        self.lastError = lastError
        self.since = since
        self.retryAt = retryAt
    }

    init(_ relay: PushRelay) {
        let s = relay.status.withLockedValue { $0 }
        let c = s.connection
        self.init(id: relay.id, url: relay.endpoint.masked, state: s.state.rawValue, connectionID: c?.id,
                  bytesOut: s.earlierBytesOut &+ (c?.bytesOut.load(ordering: .relaxed) ?? 0),
                  outBps: c?.rates.withLockedValue { $0.outBps } ?? 0,
                  queuedBytes: c?.queuedBytes.load(ordering: .relaxed) ?? 0,
                  droppedVideo: s.earlierDroppedVideo &+ (c?.droppedVideo.load(ordering: .relaxed) ?? 0),
                  droppedAudio: s.earlierDroppedAudio &+ (c?.droppedAudio.load(ordering: .relaxed) ?? 0),
                  reconnects: s.reconnects, lastError: s.lastError, since: s.since, retryAt: s.retryAt)
    }
}
