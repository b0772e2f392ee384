import ArgumentParser
import Dispatch
import Foundation
import HTTPAPI
import Logging
import Media
import NIOCore
import Dashboard
import Relay
import Terminal

#if canImport(Glibc)
import Glibc
#endif

struct RTMPTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtmp-top",
        abstract: "A live RTMP relay server with a dashboard: the htop of live streams.",
        discussion: """
            Publish:  ffmpeg -re -i in.mp4 -c copy -f flv rtmp://127.0.0.1:1935/live/test
            Play:     ffplay rtmp://127.0.0.1:1935/live/test
            Single-dash spellings such as -listen are accepted too.
            """,
        version: "rtmp-top \(RTMPTopVersion.current)"
    )

    enum LogLevel: String, ExpressibleByArgument, CaseIterable {
        case debug, info, warn, error
        var swiftLog: Logger.Level {
            switch self {
            case .debug: return .debug
            case .info: return .info
            case .warn: return .warning
            case .error: return .error
            }
        }
    }

    @Option(name: .long, help: "Address to listen on, HOST:PORT (port 0 picks a free one).")
    var listen: String = ":1935"

    @Flag(name: .long, help: "No dashboard: JSON log lines on stdout (automatic when stdout is not a terminal).")
    var headless = false

    @Option(name: .long, help: "Where logs go while the dashboard is up.")
    var logFile: String = "rtmp-top.log"

    @Option(name: .long, help: "debug, info, warn or error.")
    var logLevel: LogLevel = .info

    @Option(name: .long, help: "Outbound chunk size (128...65536).")
    var chunkSize: Int = 4096

    @Flag(name: .long, help: "Do not cache GOPs for late joiners: they wait for the next keyframe (metadata and sequence headers are still sent).")
    var noGopCache = false

    @Option(name: .long, help: ArgumentHelp(
        "Media a late joiner gets at once, in ms (0 = the current GOP only).",
        discussion: "Earlier GOPs are kept until the join burst holds this much media and \(GOPCache.Limits().joinBurstVideoFrames) video frames, enough for ffmpeg and ffplay to probe and show a picture at once. The cost: a late joiner plays between this long and this long plus one GOP behind live, for its whole session."))
    var joinBurstMs: Int = Int(GOPCache.defaultJoinBurstMilliseconds)

    @Flag(name: .long, help: "Send NetStream.Play.UnpublishNotify/PublishNotify to players (ffmpeg and ffplay stop on UnpublishNotify).")
    var publishNotify = false

    @Flag(name: .long, help: "Record every stream published from now on.")
    var recordAll = false

    @Option(name: .long, help: "Directory for recordings (created if missing).")
    var recordDir: String = "recordings"

    @Option(name: .long, help: "Split recordings into segments of this many seconds, each starting on a keyframe (0 = one file).")
    var recordMaxDuration: Int = 0

    @Option(name: .long, help: "Split recordings into segments of this many megabytes, each starting on a keyframe (0 = one file).")
    var recordMaxSize: Int = 0

    @Option(name: .long, help: "Serve the HTTP API on HOST:PORT (PORT or :PORT = 127.0.0.1). Off by default.")
    var http: String?

    @Option(name: .long, help: "Token the HTTP API wants on changes (Authorization: Bearer TOKEN), and on reads when it listens beyond loopback.")
    var httpToken: String?

    @Option(name: .long, help: ArgumentHelp(
        "What stream health is judged by: generic, twitch or youtube.",
        discussion: "generic: only what is wrong for any player. twitch, youtube: also the platform's published ingest requirements (keyframe interval, CBR, codecs, frame rate, bitrate ceilings, audio format)."))
    var healthProfile: HealthProfile = .generic

    @Flag(name: .long, help: ArgumentHelp("Turn the stream health checks off (to measure what they cost).", visibility: .hidden))
    var noHealth = false

    @Option(name: .long, help: "On SIGTERM, first ask publishers that can (Enhanced RTMP capsEx Reconnect) to reconnect elsewhere, and wait up to this many seconds for them to leave (0 = stop at once).")
    var drainSeconds = 0

    @Option(name: .long, help: "Event loop threads (0 = one per core).")
    var threads: Int = 0

    @Option(name: .long, help: ArgumentHelp(
        "Let relayed frames wait this many ms to leave together (0 = each at once).",
        discussion: "Fewer, larger socket writes cost the kernel less per byte delivered, at this much more latency for every player (SRS's merged write). See docs/BENCHMARKS.md for what it saves."))
    var mergeWriteMs: Int = 0

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup(title: "Access control")
    var access: AccessFlags

    @OptionGroup(title: "Push and pull")
    var relay: RelayFlags

    @OptionGroup(title: "RTMPS")
    var tls: TLSFlags

    @Option(name: .long, help: ArgumentHelp("TOML file of options and push rules per app or stream-key pattern; options on the command line win. Push rules are reloaded on SIGHUP.",
                                            valueName: "file"))
    var config: String?

    func validate() throws {
        if let http { guard Self.httpAddress(http) != nil else { throw ValidationError("--http wants HOST:PORT, :PORT or PORT, got '\(http)'") } }
        if let t = httpToken, t.isEmpty { throw ValidationError("--http-token must not be empty") }
        guard (0...256).contains(threads) else { throw ValidationError("--threads must be within 0...256") }
        guard (0...1000).contains(mergeWriteMs) else { throw ValidationError("--merge-write-ms must be within 0...1000") }
        guard recordMaxDuration >= 0, recordMaxSize >= 0 else { throw ValidationError("--record-max-duration and --record-max-size must be 0 or more") }
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen wants HOST:PORT, got '\(listen)'") }
        guard (128...65536).contains(chunkSize) else { throw ValidationError("--chunk-size must be within 128...65536") }
        guard (0...10_000).contains(joinBurstMs) else { throw ValidationError("--join-burst-ms must be within 0...10000") }
        guard (0...3600).contains(drainSeconds) else { throw ValidationError("--drain-seconds must be within 0...3600") }
    }

    func run() throws {
        // Signals are ours, set before ncurses starts (it installs its own
        // SIGINT/SIGTERM handlers only over the default disposition), and
        // writing past RLIMIT_FSIZE must fail that recording, not kill us.
        for sig in [SIGINT, SIGTERM, SIGXFSZ, SIGPIPE] { signal(sig, SIG_IGN) }

        // Headless or dashboard is decided before logging is bootstrapped:
        // swift-log bootstraps once per process.
        let wantDashboard = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
        let output = LogOutput(fileDescriptor: STDOUT_FILENO)
        if wantDashboard {
            let fd = open(logFile, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard fd >= 0 else {
                FileHandle.standardError.write(Data("rtmp-top: cannot open log file \(logFile): \(String(cString: strerror(errno)))\n".utf8))
                throw ExitCode.failure
            }
            output.redirect(to: fd)
        }
        let level = logLevel.swiftLog
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, output: output, level: level) }
        var logger = Logger(label: "rtmp-top")
        logger.logLevel = level

        guard let address = ListenAddress(listen) else { throw ExitCode.validationFailure }
        var config = ServerConfiguration()
        config.host = address.host
        config.port = address.port
        config.chunkSize = chunkSize
        limits.apply(to: &config)
        // Push rules of the config file, read again on SIGHUP; a --push on
        // the command line replaced the file's top-level push list.
        let pushesGivenOnCommandLine = CommandLine.arguments.contains { $0 == "--push" || $0 == "-push" || $0.hasPrefix("--push=") }
        let configPath = self.config
        let flagPushes: [UpstreamRule]
        do {
            config.access = try access.options()
            try relay.apply(to: &config)
            try tls.apply(to: &config)
            flagPushes = config.pushes
            if let configPath { config.pushes += try ConfigFile.load(path: configPath).pushRules }
        } catch {
            FileHandle.standardError.write(Data("rtmp-top: \(error)\n".utf8))
            throw ExitCode.failure
        }
        config.healthProfile = noHealth ? nil : healthProfile
        if threads > 0 { config.eventLoopThreads = threads }
        config.mergeWriteDelay = .milliseconds(Int64(mergeWriteMs))
        config.gopCache = !noGopCache
        config.gopLimits.joinBurstMilliseconds = UInt32(joinBurstMs)
        config.publishNotify = publishNotify
        config.recordAll = recordAll
        config.recording.directory = recordDir
        config.recording.maxDurationSeconds = recordMaxDuration
        config.recording.maxSizeBytes = Int64(recordMaxSize) * 1_000_000

        let openFiles = OpenFilesLimit.raiseToHardLimit()
        let server = RTMPServer(configuration: config, logger: logger)
        let httpServer = HTTPAPIServer(server: server)
        do {
            try server.start()
            if let http, let address = Self.httpAddress(http) {
                var options = APIRouter.Options()
                options.token = httpToken
                let loopback = ListenAddress.isLoopback(address.host)
                options.readsNeedToken = !loopback
                let bound = try httpServer.start(host: address.host, port: address.port, options: options)
                logger.info("http listening", metadata: ["address": "\(RTMPServer.describe(bound))", "token": "\(httpToken == nil ? "none" : "set")"])
                if !loopback && httpToken == nil {
                    logger.warning("the HTTP API listens beyond loopback without --http-token: anyone who reaches it can read stream keys, kick clients and record")
                }
            }
        } catch {
            FileHandle.standardError.write(Data("rtmp-top: \(error)\n".utf8))
            server.shutdown(timeout: .milliseconds(100))
            throw ExitCode.failure
        }
        if server.publishingIsOpen, !ListenAddress.isLoopback(config.host) {
            logger.warning("anyone who reaches this port may publish: listening beyond loopback with no --allow-publish, --publish-token, --auth-file or --on-publish")
        }
        // Said after "listening" (the first line says where we listen). Every
        // connection is a descriptor; recordings, the listener and the HTTP API need some too.
        if config.maxConnections > 0, openFiles < config.maxConnections + 64 {
            logger.warning("open files limit below --max-connections", metadata: [
                "open_files_limit": "\(openFiles)", "max_connections": "\(config.maxConnections)",
                "hint": "raise the hard limit (ulimit -Hn, LimitNOFILE=) or lower --max-connections",
            ])
        }

        var ui: TerminalUI?
        if wantDashboard {
            var options = TerminalUI.Options()
            options.color = ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            options.unicode = Self.localeIsUTF8()
            let terminal = TerminalUI(options: options)
            if terminal.open() {
                ui = terminal
            } else {
                output.redirect(to: STDOUT_FILENO)
                FileHandle.standardError.write(Data("rtmp-top: cannot open the terminal; running headless.\n".utf8))
            }
        }

        // Ctrl-C and SIGTERM: finalise recordings, restore the terminal, exit 0.
        let signalQueue = DispatchQueue(label: "rtmp-top.signals")
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: signalQueue)
            let drainSeconds = self.drainSeconds
            source.setEventHandler {
                logger.info("signal received, shutting down", metadata: ["signal": "\(sig == SIGINT ? "SIGINT" : "SIGTERM")"])
                if sig == SIGTERM, drainSeconds > 0 { Self.drain(server, seconds: drainSeconds, logger: logger) }
                if let ui {
                    ui.requestStop()  // the UI thread restores the terminal, then shuts down
                } else {
                    server.shutdown()
                    Glibc.exit(0)
                }
            }
            source.resume()
            sources.append(source)
        }
        // SIGHUP: the auth file again, and the log file reopened (logrotate's convention).
        signal(SIGHUP, SIG_IGN)
        let hasRTMPS = config.rtmps != nil
        let hup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: signalQueue)
        let logPath = wantDashboard && ui != nil ? logFile : nil
        hup.setEventHandler {
            if let logPath { output.reopen(path: logPath) }
            logger.info("SIGHUP: reloading", metadata: ["log_file": "\(logPath ?? "-")"])
            server.reloadAccessRules()
            if hasRTMPS {
                do {
                    try server.reloadTLSCertificate()
                    logger.info("TLS certificate reloaded")
                } catch {
                    logger.error("TLS certificate not reloaded, keeping the old one", metadata: ["error": "\(error)"])
                }
            }
            if let configPath {
                do {
                    let file = try ConfigFile.load(path: configPath)
                    let urls = pushesGivenOnCommandLine ? [] : try file.pushURLs.map { UpstreamRule(target: try UpstreamURLTemplate($0)) }
                    let rules = (pushesGivenOnCommandLine ? flagPushes : urls) + file.pushRules
                    server.replacePushRules(rules)
                    logger.info("push rules reloaded", metadata: ["config": "\(configPath)", "rules": "\(rules.count)"])
                } catch {
                    logger.error("config file not reloaded, keeping the push rules", metadata: ["error": "\(error)"])
                }
            }
        }
        hup.resume()
        sources.append(hup)

        if let ui {
            let logger = logger
            // ffplay's log goes beside rtmp-top's.
            let logDirectory = (logFile as NSString).deletingLastPathComponent
            let thread = Thread {
                ui.run(snapshot: { server.snapshot() },
                       perform: { action in Self.perform(action, on: server, logger: logger, logDirectory: logDirectory) })
                server.shutdown()
                Glibc.exit(0)
            }
            thread.name = "rtmp-top.terminal"
            thread.start()
            withExtendedLifetime(sources) { dispatchMain() }
        }

        let stats = StatsReporter(server: server, logger: logger)
        stats.start(every: 10)
        withExtendedLifetime((sources, stats)) {
            dispatchMain()
        }
    }

    /// `--drain-seconds`: a Reconnect Request to the publishers that handle
    /// one, then up to `seconds` for them to go (they reconnect to another
    /// server, or to this one's replacement), checked every 100 ms.
    static func drain(_ server: RTMPServer, seconds: Int, logger: Logger) {
        let asked = server.requestReconnect(description: "This server is shutting down; please reconnect.")
        logger.info("draining: reconnect request sent", metadata: ["publishers": "\(asked.count)", "drain_seconds": "\(seconds)"])
        guard !asked.isEmpty else { return }
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while Date() < deadline, server.connectedPublishers(among: asked) > 0 { usleep(100_000) }
        logger.info("drained", metadata: ["publishers_left": "\(server.connectedPublishers(among: asked))"])
    }

    /// `--http`: PORT and :PORT mean 127.0.0.1 (unlike --listen, whose empty host is every interface).
    static func httpAddress(_ text: String) -> ListenAddress? {
        if let port = Int(text), (0...65535).contains(port) { return ListenAddress(host: "127.0.0.1", port: port) }
        if text.hasPrefix(":") { return ListenAddress("127.0.0.1" + text) }
        return ListenAddress(text)
    }

    /// Carries out a dashboard action; returns what the message line should
    /// say about it, when the dashboard cannot know that by itself.
    static func perform(_ action: DashboardAction, on server: RTMPServer, logger: Logger, logDirectory: String) -> String? {
        switch action {
        case .toggleRecording(let key):
            if server.isRecording(streamKey: key) {
                server.stopRecording(streamKey: key)
            } else {
                do { try server.startRecording(streamKey: key) } catch { logger.error("cannot start recording", metadata: ["stream_key": "\(key)", "error": "\(error)"]) }
            }
        case .kick(let id):
            server.kick(connectionID: id, reason: "kicked from the dashboard")
        case .requestReconnect(let id):
            guard server.requestReconnect(connectionID: id).isEmpty else { return "Reconnect request sent to connection \(id)" }
            if server.connectedPublishers(among: [id]) == 0 { return "Reconnect request not sent: connection \(id) has gone" }
            return "Reconnect request not sent: that publisher did not announce it handles reconnect requests"
        case .stopPush(let id):
            if !server.stopPush(id: id) { return "that push has ended" }
        case .restartPush(let id):
            if !server.restartPush(id: id) { return "that push has ended" }
        case .play(let key, let url):
            return play(url, streamKey: key, logDirectory: logDirectory, logger: logger)
        case .quit, .copyToClipboard:
            break  // the terminal layer's own
        }
        return nil
    }

    /// `p`: ffplay on the stream, detached (it outlives rtmp-top), its
    /// output in `ffplay-APP_NAME.log` in `logDirectory`.
    static func play(_ url: String, streamKey: String, logDirectory: String, logger: Logger) -> String {
        guard let ffplay = DetachedProcess.find("ffplay") else { return "ffplay not found: apt install ffmpeg" }
        let name = String(streamKey.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        let logPath = (logDirectory.isEmpty ? "" : logDirectory + "/") + "ffplay-\(name).log"
        do {
            let pid = try DetachedProcess.spawn(ffplay, ["-hide_banner", "-loglevel", "warning", "-window_title", "\(streamKey) (rtmp-top)", url],
                                                logPath: logPath)
            logger.info("ffplay started", metadata: ["stream_key": "\(streamKey)", "pid": "\(pid)", "log": "\(logPath)"])
            return "ffplay started for \(streamKey) (log: \(logPath))"
        } catch {
            logger.warning("cannot start ffplay", metadata: ["stream_key": "\(streamKey)", "error": "\(error)"])
            return "\(error)"
        }
    }

    static func localeIsUTF8() -> Bool {
        let env = ProcessInfo.processInfo.environment
        let value = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        return value.uppercased().contains("UTF-8") || value.uppercased().contains("UTF8")
    }
}

/// Single-dash long options (`-listen`, as the seed's users type them) are
/// rewritten to their double-dash form before parsing.
let arguments = CommandLine.arguments.dropFirst().map { arg -> String in
    if arg.hasPrefix("-") && !arg.hasPrefix("--") && arg.count > 2 && arg.dropFirst().first?.isLetter == true {
        return "-" + arg
    }
    return arg
}
if arguments.first == "analyze" {
    AnalyzeCommand.main(Array(arguments.dropFirst()))
} else if let path = ConfigFile.path(in: arguments) {
    // The config file's options go first; the command line's win.
    do {
        let file = try ConfigFile.load(path: path)
        // The file alone first, so a mistake in it is named as the file's.
        do { _ = try RTMPTop.parse(file.arguments) } catch {
            throw ConfigFile.LoadError(description: "\(path): \(RTMPTop.message(for: error))")
        }
        RTMPTop.main(ConfigFile.merge(file: file.arguments, commandLine: Array(arguments)))
    } catch {
        FileHandle.standardError.write(Data("rtmp-top: \(error)\n".utf8))
        exit(1)
    }
} else {
    RTMPTop.main(Array(arguments))
}

extension HealthProfile: ExpressibleByArgument {}
