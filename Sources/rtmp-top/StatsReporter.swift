import Dispatch
import Logging
import Relay

/// Headless mode's heartbeat: one summary line every few seconds while any
/// stream is live.
final class StatsReporter {
    private let server: RTMPServer
    private let logger: Logger
    private let timer: DispatchSourceTimer

    init(server: RTMPServer, logger: Logger) {
        self.server = server
        self.logger = logger
        self.timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "rtmp-top.stats"))
    }

    func start(every seconds: Int) {
        let server = self.server, logger = self.logger
        timer.schedule(deadline: .now() + .seconds(seconds), repeating: .seconds(seconds))
        timer.setEventHandler {
            let s = server.snapshot()
            let live = s.streams.filter(\.isLive)
            guard !live.isEmpty else { return }
            let players = live.reduce(0) { $0 + $1.players.count }
            let inKbps = live.reduce(0.0) { $0 + $1.bitrateBps } / 1000
            let outKbps = s.connections.reduce(0.0) { $0 + $1.outBps } / 1000
            let drops = live.reduce(UInt64(0)) { $0 + $1.droppedVideo + $1.droppedAudio }
            let findings = live.reduce(0) { $0 + ($1.health?.faults ?? 0) }
            logger.info("stats", metadata: [
                "streams": "\(live.count)", "players": "\(players)", "connections": "\(s.connections.count)",
                "in_kbps": "\(Int(inKbps))", "out_kbps": "\(Int(outKbps))", "dropped": "\(drops)", "health_findings": "\(findings)",
                "keys": "\(live.map(\.key).joined(separator: ","))",
            ])
        }
        timer.resume()
    }
}
