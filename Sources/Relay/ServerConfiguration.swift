import NIOCore
import Media
import RTMP

/// Everything the engine can be told at start.
public struct ServerConfiguration: Sendable {
    public var host: String = "0.0.0.0"
    public var port: Int = 1935
    /// Outbound chunk size announced to every peer.
    public var chunkSize: Int = 4096
    public var gopCache = true
    /// What the stream health checks judge streams by; nil turns them off
    /// (`--no-health`, for measuring what they cost).
    public var healthProfile: HealthProfile? = .generic
    public var gopLimits = GOPCache.Limits()
    /// Send NetStream.Play.UnpublishNotify/PublishNotify to players (ffmpeg
    /// and ffplay stop playing on UnpublishNotify, so off by default).
    public var publishNotify = false
    /// Record every stream published from now on (`--record-all`).
    public var recordAll = false
    public var recording = RecordingOptions()
    public var eventLoopThreads = System.coreCount
    /// How long relayed frames wait to leave together (0: each at once).
    /// See `LoopMailbox.mergeWriteDelay`.
    public var mergeWriteDelay: TimeAmount = .zero
    /// Each connection's chunk decoder limits (message size, chunk size,
    /// partial chunk streams, partial bytes); the server adds its budget.
    public var decoderLimits = RTMPChunkDecoder.Limits()
    /// Bytes of partial messages all connections may hold together (`--max-buffered-mb`).
    public var maxBufferedBytesTotal = 256 << 20
    /// Connections served at once (`--max-connections`); more are closed at accept. 0: no cap.
    public var maxConnections = 4096
    /// Connections served at once from one IP address (`--max-connections-per-ip`). 0: no cap.
    public var maxConnectionsPerAddress = 0
    /// Published streams per app (`--max-streams-per-app`). 0: no cap.
    public var maxStreamsPerApp = 0
    /// Players per stream (`--max-players-per-stream`). 0: no cap.
    public var maxPlayersPerStream = 0
    /// Upstreams every matching published stream is also published to (`--push`, the config file).
    public var pushes: [UpstreamRule] = []
    /// Origins a play request with no local publisher is pulled from (`--pull`); the first matching rule wins.
    public var pulls: [UpstreamRule] = []
    /// A pull with no player left stops after this long (`--pull-idle`).
    public var pullIdleTimeout: TimeAmount = .seconds(10)
    /// The RTMPS listener (`--rtmps-listen`): the same server behind TLS. Nil: none.
    public var rtmps: RTMPSListener?
    /// Verify the certificates of rtmps:// upstreams (off with `--tls-insecure`).
    public var verifyUpstreamCertificates = true
    /// Who may publish and play.
    public var access = AccessOptions()
    /// A connection that has not finished the handshake in this time is closed.
    public var handshakeTimeout: TimeAmount = .seconds(5)
    /// A connection that has not sent `connect` this long after the handshake is closed.
    public var connectTimeout: TimeAmount = .seconds(10)
    /// A connection that neither publishes nor plays is closed after this much silence.
    public var idleTimeout: TimeAmount = .seconds(60)
    /// Ping a peer after this much silence in both directions.
    public var pingAfterSilence: TimeAmount = .seconds(30)
    /// A new publisher on a key evicts the current one if it sent nothing for this long.
    public var stalePublisherTimeout: TimeAmount = .seconds(5)
    /// A publisher silent this long is closed.
    public var publisherTimeout: TimeAmount = .seconds(60)
    /// A player whose socket stays unwritable this long is disconnected.
    public var stuckPlayerTimeout: TimeAmount = .seconds(20)
    /// Window acknowledgement size we ask peers to use and announce as bandwidth.
    public var windowAckSize: UInt32 = 2_500_000
    /// NIO write-buffer water marks for each connection.
    public var writeBufferLow = 256 << 10
    public var writeBufferHigh = 1 << 20

    public init() {}

    public var listenDescription: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Where RTMPS listens, and with which certificate.
public struct RTMPSListener: Sendable {
    public var host: String
    public var port: Int
    public var context: TLSServerContext

    public init(host: String, port: Int, context: TLSServerContext) {
        self.host = host
        self.port = port
        self.context = context
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
