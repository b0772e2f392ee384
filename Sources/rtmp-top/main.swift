import ArgumentParser
import Dispatch
import Foundation
import Logging
import NIOCore
import Relay

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
        version: "rtmp-top 0.1.0"
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

    @Option(name: .long, help: "debug, info, warn or error.")
    var logLevel: LogLevel = .info

    @Option(name: .long, help: "Outbound chunk size (128...65536).")
    var chunkSize: Int = 4096

    @Flag(name: .long, help: "Do not cache the current GOP for late joiners (metadata and sequence headers are still sent).")
    var noGopCache = false

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

    func validate() throws {
        guard recordMaxDuration >= 0, recordMaxSize >= 0 else { throw ValidationError("--record-max-duration and --record-max-size must be 0 or more") }
        guard ListenAddress(listen) != nil else { throw ValidationError("--listen wants HOST:PORT, got '\(listen)'") }
        guard (128...65536).contains(chunkSize) else { throw ValidationError("--chunk-size must be within 128...65536") }
    }

    func run() throws {
        // Headless or dashboard is decided before logging is bootstrapped:
        // swift-log bootstraps once per process. The dashboard is not built
        // yet, so a terminal gets a note and headless mode too.
        let interactive = isatty(STDOUT_FILENO) == 1 && !headless
        let level = logLevel.swiftLog
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        var logger = Logger(label: "rtmp-top")
        logger.logLevel = level
        if interactive {
            FileHandle.standardError.write(Data("rtmp-top: the dashboard is not built yet; running headless.\n".utf8))
        }

        guard let address = ListenAddress(listen) else { throw ExitCode.validationFailure }
        var config = ServerConfiguration()
        config.host = address.host
        config.port = address.port
        config.chunkSize = chunkSize
        config.gopCache = !noGopCache
        config.publishNotify = publishNotify
        config.recordAll = recordAll
        config.recording.directory = recordDir
        config.recording.maxDurationSeconds = recordMaxDuration
        config.recording.maxSizeBytes = Int64(recordMaxSize) * 1_000_000

        let server = RTMPServer(configuration: config, logger: logger)
        do {
            try server.start()
        } catch {
            FileHandle.standardError.write(Data("rtmp-top: \(error)\n".utf8))
            throw ExitCode.failure
        }

        // Signals are ours: stop accepting, tell clients, close, exit 0.
        let signalQueue = DispatchQueue(label: "rtmp-top.signals")
        var sources: [DispatchSourceSignal] = []
        // Writing past RLIMIT_FSIZE must be an error on that recording, not death.
        signal(SIGXFSZ, SIG_IGN)
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: signalQueue)
            source.setEventHandler {
                logger.info("signal received, shutting down", metadata: ["signal": "\(sig == SIGINT ? "SIGINT" : "SIGTERM")"])
                server.shutdown()
                Glibc.exit(0)
            }
            source.resume()
            sources.append(source)
        }

        let stats = StatsReporter(server: server, logger: logger)
        stats.start(every: 10)
        withExtendedLifetime((sources, stats)) {
            dispatchMain()
        }
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
RTMPTop.main(Array(arguments))
