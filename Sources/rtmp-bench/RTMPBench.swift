import ArgumentParser
import Dispatch
import Foundation
import NIOCore
import NIOPosix
import RTMP
import RTMPClient

#if canImport(Glibc)
import Glibc
#endif

@main
struct RTMPBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtmp-bench",
        abstract: "Load generator for RTMP servers: one publisher, N players, one JSON summary line.",
        discussion: """
            Players connect and play first, then the publisher sends `--seconds` of media
            (synthetic AVC/AAC at --bitrate-kbps, or the tags of --file), paced by --speed.
            Every player's audio/video messages are matched to what was sent: completeness,
            bytes and end-to-end latency (publisher send -> player receive, same clock).
            Loopback servers only.

              rtmp-bench --url rtmp://127.0.0.1:1935/live/bench --players 50 --seconds 10 --bitrate-kbps 4000
              rtmp-bench --url rtmp://127.0.0.1:1935/live/bench --players 20 --seconds 60 --speed max
              rtmp-bench --url rtmp://127.0.0.1:1935/live/bench --players 5 --file in.flv --speed 2x
            """
    )

    @Option(help: "rtmp://HOST[:PORT]/APP/STREAM (HOST must be loopback).")
    var url: String = "rtmp://127.0.0.1:1935/live/bench"

    @Option(help: "Players (1...2000).")
    var players: Int = 10

    @Option(help: "Seconds of media to publish (1...600); with --file, at most this much of it.")
    var seconds: Int = 10

    @Option(help: "Synthetic stream bitrate, audio (128 kbit/s) included (200...200000).")
    var bitrateKbps: Int = 4000

    @Option(help: "Synthetic video frames per second.")
    var fps: Int = 30

    @Option(help: "Synthetic keyframe interval, in frames.")
    var gop: Int = 60

    @Option(help: "Pacing: 1 (real time), Nx (N times real time, e.g. 4x or 0.5x), or max (as fast as the connection takes it).")
    var speed: String = "1"

    @Option(help: "Publish the tags of this FLV file instead of synthetic media.")
    var file: String?

    @Option(help: "After the last message is sent, wait at most this long for players to get everything.")
    var drainSeconds: Double = 5

    @Option(help: "Give up publishing after this many wall-clock seconds (what was sent still counts).")
    var maxWallSeconds: Double = 300

    @Option(help: "Client event loop threads (default: one per core).")
    var threads: Int = System.coreCount

    @Option(help: "Players connecting at the same time.")
    var connectParallelism: Int = 8

    @Option(help: "Players that join after --late-join-after seconds of publishing; reported apart (first video after Play.Start, keyframe or not).")
    var lateJoiners: Int = 0

    @Option(help: "Seconds of publishing before the late joiners connect.")
    var lateJoinAfter: Double = 3

    @Option(help: "Players that stop reading right after Play.Start (stuck viewers); reported apart, left out of every other figure.")
    var stalled: Int = 0

    @Flag(help: "Plain RTMP handshake instead of the Flash-player digest one.")
    var noDigest = false

    @Option(help: "Free text copied into the JSON line (e.g. the server's name).")
    var label: String = ""

    @Flag(help: "Print progress to stderr.")
    var verbose = false

    struct Target {
        var host: String
        var port: Int
        var app: String
        var stream: String
    }

    static func parse(url: String) throws -> Target {
        guard url.hasPrefix("rtmp://") else { throw ValidationError("--url must start with rtmp://") }
        let rest = url.dropFirst("rtmp://".count)
        guard let slash = rest.firstIndex(of: "/") else { throw ValidationError("--url needs /APP/STREAM") }
        let authority = String(rest[..<slash])
        let path = rest[rest.index(after: slash)...]
        guard let lastSlash = path.lastIndex(of: "/") else { throw ValidationError("--url needs /APP/STREAM") }
        let app = String(path[..<lastSlash]), stream = String(path[path.index(after: lastSlash)...])
        guard !app.isEmpty, !stream.isEmpty else { throw ValidationError("--url needs /APP/STREAM") }
        var host = authority, port = 1935
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw ValidationError("bad IPv6 host in --url") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...]) ?? -1
        }
        guard (1...65535).contains(port) else { throw ValidationError("bad port in --url") }
        guard host == "localhost" || host.hasPrefix("127.") || host == "::1" else {
            throw ValidationError("rtmp-bench only targets loopback servers (127.0.0.0/8, ::1, localhost), not \(host)")
        }
        return Target(host: host, port: port, app: app, stream: stream)
    }

    /// Messages per millisecond of media; nil = as fast as possible.
    static func parse(speed: String) throws -> Double? {
        let s = speed.lowercased()
        if s == "max" { return nil }
        let number = s.hasSuffix("x") ? String(s.dropLast()) : s
        guard let v = Double(number), v > 0, v <= 1000 else { throw ValidationError("--speed wants 1, Nx or max, got '\(speed)'") }
        return v
    }

    func validate() throws {
        _ = try Self.parse(url: url)
        _ = try Self.parse(speed: speed)
        guard (1...2000).contains(players) else { throw ValidationError("--players must be within 1...2000") }
        guard (0...2000).contains(lateJoiners), (0...2000).contains(stalled), lateJoinAfter >= 0 else {
            throw ValidationError("--late-joiners and --stalled within 0...2000, --late-join-after 0 or more")
        }
        guard (1...600).contains(seconds) else { throw ValidationError("--seconds must be within 1...600") }
        guard (200...200_000).contains(bitrateKbps) else { throw ValidationError("--bitrate-kbps must be within 200...200000") }
        guard (1...120).contains(fps), (1...10_000).contains(gop) else { throw ValidationError("--fps 1...120, --gop 1...10000") }
        guard (1...64).contains(threads), (1...256).contains(connectParallelism) else { throw ValidationError("--threads 1...64, --connect-parallelism 1...256") }
        guard drainSeconds >= 0 && drainSeconds <= 120, maxWallSeconds > 0 && maxWallSeconds <= 3600 else {
            throw ValidationError("--drain-seconds 0...120, --max-wall-seconds up to 3600")
        }
    }

    func log(_ s: @autoclosure () -> String) {
        if verbose { FileHandle.standardError.write(Data("rtmp-bench: \(s())\n".utf8)) }
    }

    func run() throws {
        let target = try Self.parse(url: url)
        let pace = try Self.parse(speed: speed)
        var plan: any MediaPlan
        if let file {
            plan = try FLVPlan(path: file, seconds: seconds)
        } else {
            plan = SyntheticPlan(bitrateKbps: bitrateKbps, seconds: seconds, fps: fps, gopFrames: gop)
        }
        log(plan.description)
        let expected = plan.mediaCount
        let matcher = plan.matcher
        let sendLog = SendLog(count: expected)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { try? group.syncShutdownGracefully() }

        var clientOptions = RTMPClient.Options()
        clientOptions.digestHandshake = !noDigest
        clientOptions.flashVer = "rtmp-bench/1.0"
        let options = clientOptions
        let runStart = monotonicNanos()

        // 1. Players: connect, install the probes, play.
        let slots = PlayerSlots(count: players)
        let connectGate = DispatchSemaphore(value: connectParallelism)
        let connecting = DispatchGroup()
        let queue = DispatchQueue(label: "rtmp-bench.connect", attributes: .concurrent)
        for i in 0..<players {
            connectGate.wait()
            connecting.enter()
            queue.async {
                defer { connectGate.signal(); connecting.leave() }
                do {
                    let player = try Self.connectPlayer(target: target, group: group, options: options,
                                                        expected: expected, matcher: matcher, sendLog: sendLog)
                    slots.set(i, .connected(player))
                } catch {
                    slots.set(i, .failed(String(describing: error)))
                }
            }
        }
        connecting.wait()
        let connected = slots.connected
        // Stuck viewers: play, then never read again.
        let stalledSlots = PlayerSlots(count: stalled)
        for i in 0..<stalled {
            do {
                let player = try Self.connectPlayer(target: target, group: group, options: options,
                                                    expected: expected, matcher: matcher, sendLog: sendLog)
                try player.client.stopReading()
                stalledSlots.set(i, .connected(player))
            } catch {
                stalledSlots.set(i, .failed(String(describing: error)))
            }
        }
        // Late joiners connect from another thread while the publisher runs.
        let lateSlots = PlayerSlots(count: lateJoiners)
        let lateDone = DispatchGroup()
        var lateStarted = false
        let startLateJoiners = { [lateJoiners] in
            for i in 0..<lateJoiners {
                lateDone.enter()
                queue.async {
                    defer { lateDone.leave() }
                    do {
                        let player = try Self.connectPlayer(target: target, group: group, options: options,
                                                            expected: expected, matcher: matcher, sendLog: sendLog)
                        lateSlots.set(i, .connected(player))
                    } catch {
                        lateSlots.set(i, .failed(String(describing: error)))
                    }
                }
            }
        }
        let connectSeconds = Double(monotonicNanos() - runStart) / 1e9
        log("\(connected.count)/\(players) players playing after \(String(format: "%.2f", connectSeconds)) s")

        // 2. Publisher.
        var publishError: String?
        var sentMessages = 0, sentMediaMessages = 0, sentBytes = 0
        var firstSend: UInt64 = 0, lastSend: UInt64 = 0
        var maxLagMs = 0.0
        var publisher: RTMPClient?
        do {
            let p = try RTMPClient.connect(host: target.host, port: target.port, app: target.app, group: group, options: options)
            publisher = p
            try p.publish(target.stream)
            let wallLimit = UInt64(maxWallSeconds * 1e9)
            var start: UInt64 = 0
            var sinceBarrier = 0
            while let m = plan.next() {
                if start == 0 { start = monotonicNanos() }
                if !lateStarted, lateJoiners > 0, Double(monotonicNanos() - start) / 1e9 >= lateJoinAfter {
                    lateStarted = true
                    startLateJoiners()
                }
                if let pace {
                    let due = start + UInt64(Double(m.timestamp) * 1e6 / pace)
                    var now = monotonicNanos()
                    while now < due {
                        let wait = due - now
                        usleep(useconds_t(min(wait / 1000, 20_000)))
                        now = monotonicNanos()
                    }
                    maxLagMs = max(maxLagMs, Double(now - due) / 1e6)
                }
                // Flow control: never queue more than the socket takes.
                sinceBarrier += m.payload.readableBytes
                if sinceBarrier >= 256 << 10 || pace == nil && sinceBarrier >= 64 << 10 {
                    sinceBarrier = 0
                    try p.channel.eventLoop.submit {}.wait()
                    while !p.channel.isWritable && p.isActive { usleep(200) }
                }
                guard p.isActive else { throw RTMPClient.ClientError.closed }
                let now = monotonicNanos()
                if now - start > wallLimit { publishError = "stopped after --max-wall-seconds"; break }
                if let seq = m.seq {
                    sendLog.record(seq, at: now)
                    sentMediaMessages += 1
                }
                if firstSend == 0 { firstSend = now }
                lastSend = now
                p.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload)
                sentMessages += 1
                sentBytes += m.payload.readableBytes
            }
            try p.channel.eventLoop.submit {}.wait()
        } catch {
            publishError = String(describing: error)
        }
        if !lateStarted && lateJoiners > 0 { startLateJoiners() }
        lateDone.wait()
        let publishSeconds = firstSend > 0 ? Double(lastSend - firstSend) / 1e9 : 0
        log("published \(sentMessages) messages, \(sentBytes) B in \(String(format: "%.2f", publishSeconds)) s\(publishError.map { " (\($0))" } ?? "")")

        // 3. Drain: until every player has everything, nothing arrives for 1 s, or --drain-seconds.
        let drainStart = monotonicNanos()
        var lastTotal = -1, lastChange = drainStart
        while true {
            let progress = connected.map { $0.progress() }
            let total = progress.reduce(0) { $0 + $1.mediaMessages }
            let done = progress.allSatisfy { $0.closed || $0.unique >= sentMediaMessages }
            let now = monotonicNanos()
            if total != lastTotal { lastTotal = total; lastChange = now }
            if done || now - lastChange > 1_000_000_000 || Double(now - drainStart) / 1e9 > drainSeconds { break }
            usleep(50_000)
        }
        let reports = connected.map { $0.report() }
        let lateReports = lateSlots.connected.map { $0.report() }
        let stalledReports = stalledSlots.connected.map { $0.report() }
        publisher?.close()
        for p in connected + lateSlots.connected + stalledSlots.connected { p.client.close() }

        // 4. Summary.
        let summary = Summary(
            bench: self, target: target, plan: plan, pace: pace, expected: sentMediaMessages,
            slots: slots, reports: reports, lateSlots: lateSlots, lateReports: lateReports,
            stalledSlots: stalledSlots, stalledReports: stalledReports, connectSeconds: connectSeconds,
            sentMessages: sentMessages, sentMediaMessages: sentMediaMessages, sentBytes: sentBytes,
            firstSend: firstSend, publishSeconds: publishSeconds, maxLagMs: maxLagMs, publishError: publishError,
            runSeconds: Double(monotonicNanos() - runStart) / 1e9)
        FileHandle.standardOutput.write(Data((summary.json() + "\n").utf8))
        // The JSON line is printed either way; the status says whether it measured anything.
        if connected.isEmpty || sentMediaMessages == 0 { throw ExitCode(2) }
    }

    static func connectPlayer(target: Target, group: EventLoopGroup, options: RTMPClient.Options,
                              expected: Int, matcher: PayloadMatcher, sendLog: SendLog) throws -> Player {
        let client = try RTMPClient.connect(host: target.host, port: target.port, app: target.app, group: group, options: options)
        do {
            // The window acknowledgement size came with the connect answer, before the probes.
            var window = 0
            for m in client.messages where m.typeID == RTMPMessageType.windowAcknowledgementSize {
                if case .windowAcknowledgementSize(let size)? = try? ControlMessage.parse(m) { window = Int(size) }
            }
            let channel = client.channel
            let windowSize = window
            let state = try channel.eventLoop.submit { () throws -> NIOLoopBound<PlayerState> in
                let state = PlayerState(expected: expected)
                state.windowAckSize = windowSize
                let ops = channel.pipeline.syncOperations
                let decoder = try ops.handler(type: ByteToMessageHandler<RTMPChunkDecoder>.self)
                try ops.addHandler(MediaProbe(state: state, matcher: matcher, sendLog: sendLog), position: .after(decoder))
                try ops.addHandler(WireProbe(state: state), position: .first)
                return NIOLoopBound(state, eventLoop: channel.eventLoop)
            }.wait()
            try client.play(target.stream)
            return Player(client: client, state: state)
        } catch {
            client.close()
            throw error
        }
    }
}

struct Player: Sendable {
    let client: RTMPClient
    let state: NIOLoopBound<PlayerState>

    func progress() -> PlayerProgress {
        let state = self.state
        return (try? client.channel.eventLoop.submit { state.value.progress }.wait()) ?? PlayerProgress(unique: 0, mediaMessages: 0, closed: true)
    }

    func report() -> PlayerReport {
        let state = self.state
        return (try? client.channel.eventLoop.submit { state.value.report }.wait())
            ?? PlayerReport(wireBytes: 0, mediaMessages: 0, mediaPayloadBytes: 0, dataMessages: 0, unique: 0, unmatched: 0,
                            duplicates: 0, firstReceiveNanos: 0, lastReceiveNanos: 0, playStartedNanos: 0, firstVideoNanos: 0,
                            firstVideoIsKeyframe: false, latency: LatencyHistogram.make(), closed: true, error: "event loop gone")
    }
}

/// Players by index, filled by the connecting threads.
final class PlayerSlots: @unchecked Sendable {
    enum Slot { case pending, connected(Player), failed(String) }
    private let lock = NSLock()
    private var slots: [Slot]

    init(count: Int) { slots = Array(repeating: .pending, count: count) }

    func set(_ i: Int, _ s: Slot) {
        lock.lock(); slots[i] = s; lock.unlock()
    }

    var connected: [Player] {
        lock.lock(); defer { lock.unlock() }
        return slots.compactMap { if case .connected(let p) = $0 { return p } else { return nil } }
    }

    var failures: [String] {
        lock.lock(); defer { lock.unlock() }
        return slots.compactMap { if case .failed(let e) = $0 { return e } else { return nil } }
    }
}
