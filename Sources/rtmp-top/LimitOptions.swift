import ArgumentParser
import Relay

/// The flags that bound what peers can make the server hold or do
/// (docs/SECURITY.md lists each with its reason).
struct LimitOptions: ParsableArguments {
    @Option(name: .long, help: "RTMP connections served at once; more are closed at accept (0 = no cap).")
    var maxConnections: Int = 4096

    @Option(name: .customLong("max-connections-per-ip"), help: "RTMP connections served at once from one IP address (0 = no cap).")
    var maxConnectionsPerIP: Int = 0

    @Option(name: .long, help: "Seconds before a connection that neither publishes nor plays is closed (players waiting for a publisher are not idle).")
    var idleTimeout: Int = 60

    @Option(name: .long, help: "Seconds a player may stop reading before it is disconnected.")
    var stallTimeout: Int = 20

    @Option(name: .long, help: "Largest RTMP message accepted, in bytes (at most 16777215, the format's ceiling).")
    var maxMessageSize: Int = 0xFF_FFFF

    @Option(name: .customLong("max-buffered-mb"), help: "MiB of partial messages all connections may hold together (each one at most 32).")
    var maxBufferedMB: Int = 256

    @Option(name: .long, help: "Published streams per app (0 = no cap).")
    var maxStreamsPerApp: Int = 0

    @Option(name: .long, help: "Players per stream (0 = no cap).")
    var maxPlayersPerStream: Int = 0

    func validate() throws {
        for (flag, v) in [("--max-connections", maxConnections), ("--max-connections-per-ip", maxConnectionsPerIP),
                          ("--max-streams-per-app", maxStreamsPerApp), ("--max-players-per-stream", maxPlayersPerStream)] where v < 0 {
            throw ValidationError("\(flag) must be 0 or more")
        }
        guard (1...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be within 1...86400 seconds") }
        guard (1...3_600).contains(stallTimeout) else { throw ValidationError("--stall-timeout must be within 1...3600 seconds") }
        guard (1024...0xFF_FFFF).contains(maxMessageSize) else { throw ValidationError("--max-message-size must be within 1024...16777215") }
        guard (1...1_048_576).contains(maxBufferedMB) else { throw ValidationError("--max-buffered-mb must be within 1...1048576") }
    }

    func apply(to config: inout ServerConfiguration) {
        config.maxConnections = maxConnections
        config.maxConnectionsPerAddress = maxConnectionsPerIP
        config.idleTimeout = .seconds(Int64(idleTimeout))
        config.stuckPlayerTimeout = .seconds(Int64(stallTimeout))
        config.decoderLimits.maxMessageSize = maxMessageSize
        config.maxBufferedBytesTotal = maxBufferedMB << 20
        config.maxStreamsPerApp = maxStreamsPerApp
        config.maxPlayersPerStream = maxPlayersPerStream
    }
}
