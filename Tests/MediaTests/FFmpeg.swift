import TestSupport
import Foundation
import XCTest

/// Runs the system ffmpeg to make real encoder output for the probes.
/// Tests skip only when ffmpeg is absent; a failing or hanging run fails them.
enum FFmpeg {
    static let candidates = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"]
    static let timeout: TimeInterval = 120

    static func executable() throws -> String {
        if let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return path
        }
        throw XCTSkip("ffmpeg is not installed")
    }

    /// A fresh scratch directory per call, removed by the caller's test teardown.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("media-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs ffmpeg with `arguments` writing `output` in `directory`; returns the file's bytes.
    static func run(_ arguments: [String], output: String, in directory: URL) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable())
        process.arguments = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + arguments
            + [directory.appendingPathComponent(output).path]
        // stderr goes to a file: a pipe nobody drains could fill and stall ffmpeg until the timeout.
        let errorLog = directory.appendingPathComponent("\(output).stderr")
        guard FileManager.default.createFile(atPath: errorLog.path, contents: nil) else {
            throw FFmpegError.failed(status: -1, arguments: arguments, stderr: "cannot create \(errorLog.path)")
        }
        let errorHandle = try FileHandle(forWritingTo: errorLog)
        defer { try? errorHandle.close() }
        process.standardError = errorHandle
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()

        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw FFmpegError.timedOut(arguments)
        }
        let diagnostics = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw FFmpegError.failed(status: process.terminationStatus, arguments: arguments, stderr: diagnostics)
        }
        return Array(try Data(contentsOf: directory.appendingPathComponent(output)))
    }

    /// lavfi test pattern at `size`, `frames` frames long.
    static func videoInput(size: String, frames: Int = 1) -> [String] {
        ["-f", "lavfi", "-i", "testsrc2=size=\(size):rate=30", "-frames:v", "\(frames)"]
    }
}
