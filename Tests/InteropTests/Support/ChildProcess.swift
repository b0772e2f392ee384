import TestSupport
import Foundation
import XCTest

/// A real program started by a test, with a hard timeout: output goes to
/// files (no pipe can fill up and stall it), and it is killed if it
/// outlives its deadline.
final class ChildProcess: @unchecked Sendable {
    let process = Process()
    let stdoutURL: URL
    let stderrURL: URL
    let name: String

    init(_ executable: String, _ arguments: [String], in directory: URL, name: String? = nil, environment: [String: String]? = nil) throws {
        self.name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        let stamp = UUID().uuidString.prefix(8)
        stdoutURL = directory.appendingPathComponent("\(self.name)-\(stamp).out")
        stderrURL = directory.appendingPathComponent("\(self.name)-\(stamp).err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
    }

    @discardableResult
    func start() throws -> ChildProcess {
        try process.run()
        return self
    }

    /// Waits up to `timeout` seconds; kills the process if it is still running then.
    @discardableResult
    func wait(timeout: TimeInterval) -> (status: Int32, timedOut: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        var timedOut = false
        if process.isRunning {
            timedOut = true
            process.interrupt()
            let grace = Date().addingTimeInterval(2)
            while process.isRunning && Date() < grace { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        return (process.terminationStatus, timedOut)
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Runs to completion (or the timeout) and returns the exit status.
    static func run(_ executable: String, _ arguments: [String], in directory: URL, timeout: TimeInterval) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = try ChildProcess(executable, arguments, in: directory).start()
        let r = p.wait(timeout: timeout)
        return (r.timedOut ? -1 : r.status, p.stdout, p.stderr)
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
