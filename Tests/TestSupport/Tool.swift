import Foundation
import XCTest

/// Finds the real programs the tests use (ffmpeg, ffprobe, rtmpdump,
/// gst-launch-1.0, tmux, …). Outside CI a missing one skips the test and
/// says why; in CI (`CI` set, as `.ci/run` runs) it fails it, so a test that
/// did not run is never counted as passed.
public enum Tool {
    public static let directories = ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"]

    public static func path(_ name: String) throws -> String {
        for dir in directories {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        let why = "\(name) is not installed; scripts/test installs it"
        if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty }) == true {
            throw MissingTool(description: why)
        }
        throw XCTSkip(why)
    }

    /// The Python of the venv scripts/test makes (prometheus_client and
    /// the like installed), from `RTMP_TOP_TEST_PYTHON`.
    public static func testPython() throws -> String {
        if let p = ProcessInfo.processInfo.environment["RTMP_TOP_TEST_PYTHON"], FileManager.default.isExecutableFile(atPath: p) { return p }
        let why = "RTMP_TOP_TEST_PYTHON is not set to the test venv's python; scripts/test makes it"
        if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty }) == true {
            throw MissingTool(description: why)
        }
        throw XCTSkip(why)
    }

    /// A current ffmpeg (9.x, static, from PyPI's imageio-ffmpeg wheel that
    /// scripts/test installs into its venv), from `RTMP_TOP_FFMPEG9`:
    /// Enhanced RTMP encoders, RTMPS with `-tls_verify`.
    public static func ffmpeg9() throws -> String {
        if let p = ProcessInfo.processInfo.environment["RTMP_TOP_FFMPEG9"], FileManager.default.isExecutableFile(atPath: p) { return p }
        let why = "RTMP_TOP_FFMPEG9 is not set to ffmpeg 9 (imageio-ffmpeg's binary); scripts/test installs it"
        if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty }) == true {
            throw MissingTool(description: why)
        }
        throw XCTSkip(why)
    }

    public struct MissingTool: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }
}
