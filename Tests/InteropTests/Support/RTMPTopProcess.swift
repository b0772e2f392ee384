import Foundation
import XCTest

/// The built `rtmp-top` binary, started as a child process.
enum RTMPTopProcess {
    static var binary: String {
        // rtmp-top sits beside the test bundle in .build/<triple>/<config>/;
        // on Linux Bundle(for:) is that directory, elsewhere the .xctest.
        let bundle = Bundle(for: ChildProcess.self).bundleURL
        let candidates = [bundle.appendingPathComponent("rtmp-top"), bundle.deletingLastPathComponent().appendingPathComponent("rtmp-top")]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]).path
    }

    /// Starts it and returns its first JSON log line (the bound address).
    static func launch(_ args: [String], in dir: URL, waitForLogLine: Bool = true, shellPrefix: String? = nil) throws -> (ChildProcess, [String: String]) {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ChildProcessError("rtmp-top binary not found at \(binary); build it with swift build")
        }
        let p: ChildProcess
        if let shellPrefix {
            // e.g. "ulimit -f 300;" — exec keeps the pid, so signals reach rtmp-top.
            let quoted = ([binary] + args).map { "'\($0)'" }.joined(separator: " ")
            p = try ChildProcess("/bin/bash", ["-c", "\(shellPrefix) exec \(quoted)"], in: dir, name: "rtmp-top").start()
        } else {
            p = try ChildProcess(binary, args, in: dir, name: "rtmp-top").start()
        }
        var first: [String: String] = [:]
        let deadline = Date().addingTimeInterval(waitForLogLine ? 20 : 0.5)
        while Date() < deadline {
            if let line = p.stdout.split(separator: "\n").first,
               let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] {
                first = obj
                break
            }
            if !p.isRunning { break }
            usleep(20_000)
        }
        return (p, first)
    }

    static func port(from firstLine: [String: String]) -> Int? {
        firstLine["address"].flatMap { Int($0.split(separator: ":").last ?? "") }
    }
}
