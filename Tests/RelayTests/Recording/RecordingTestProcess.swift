import TestSupport
import Foundation
import XCTest

/// Runs ffmpeg, ffprobe or another program for the recording tests with a
/// hard timeout. Output goes to files, so a chatty program can never fill
/// a pipe nobody reads and hang until the timeout.
enum RecordingTestProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    enum Failure: Error, CustomStringConvertible {
        case timedOut(String, [String])
        case failed(String, [String], Int32, String)

        var description: String {
            switch self {
            case .timedOut(let tool, let arguments):
                return "\(tool) \(arguments.joined(separator: " ")) did not finish in time"
            case .failed(let tool, let arguments, let status, let stderr):
                return "\(tool) \(arguments.joined(separator: " ")) exited with \(status): \(stderr)"
            }
        }
    }

    /// The path of an installed tool; skips the test when it is missing
    /// (scripts/test installs ffmpeg).
    static func tool(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw XCTSkip("\(name) is not installed; scripts/test installs it")
    }

    /// Runs `executable` in `directory`; kills it after `timeout` seconds.
    static func run(
        _ executable: String,
        _ arguments: [String],
        in directory: URL,
        timeout: TimeInterval = 120,
        environment: [String: String]? = nil
    ) throws -> Outcome {
        let stamp = UUID().uuidString.prefix(8)
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let stdoutURL = directory.appendingPathComponent("\(name)-\(stamp).out")
        let stderrURL = directory.appendingPathComponent("\(name)-\(stamp).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        try process.run()

        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw Failure.timedOut(name, arguments)
        }
        return Outcome(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        )
    }

    /// Runs ffmpeg or ffprobe quietly and insists on exit status 0.
    static func runTool(_ name: String, _ arguments: [String], in directory: URL) throws -> Outcome {
        let fullArguments = name == "ffmpeg" ? ["-hide_banner", "-nostdin", "-loglevel", "error"] + arguments : arguments
        let outcome = try run(try tool(name), fullArguments, in: directory)
        guard outcome.status == 0 else {
            throw Failure.failed(name, fullArguments, outcome.status, outcome.stderr)
        }
        return outcome
    }

    /// `ffprobe`'s idea of the file's duration in seconds.
    static func probedDuration(_ path: String, in directory: URL) throws -> Double? {
        let outcome = try runTool(
            "ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path], in: directory
        )
        return outcome.stdout.split(separator: "\n").first.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// `(size, md5)` of every packet, per codec, from `ffmpeg -c copy -f framemd5`.
    static func packetHashes(_ path: String, in directory: URL) throws -> [String: [String]] {
        let outcome = try runTool("ffmpeg", ["-i", path, "-c", "copy", "-f", "framemd5", "-"], in: directory)
        var codecs: [Int: String] = [:]
        var packets: [String: [String]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            if line.hasPrefix("#codec_id ") {
                let parts = line.dropFirst("#codec_id ".count).split(separator: ":", maxSplits: 1)
                if parts.count == 2, let index = Int(parts[0]) {
                    codecs[index] = parts[1].trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            // stream, dts, pts, duration, size, hash
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 6, let stream = Int(fields[0]) else { continue }
            packets[codecs[stream] ?? "stream \(stream)", default: []].append("\(fields[4]) \(fields[5])")
        }
        return packets
    }
}
