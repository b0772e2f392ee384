import TestSupport
import Foundation
import XCTest

/// Test media made by the real ffmpeg from lavfi sources, once per run.
enum Fixtures {
    static let directory: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("rtmp-top-fixtures-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    /// H.264 (High, 640x360, 30 fps, `gop` frames per keyframe) + AAC (44.1 kHz mono) in FLV.
    static func h264aac(seconds: Int, gop: Int, size: String = "640x360", videoBitrate: String = "800k", name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let ffmpeg = try Tool.path("ffmpeg")
        let r = try ChildProcess.run(ffmpeg, [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", "\(seconds)",
            "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
            "-g", "\(gop)", "-keyint_min", "\(gop)", "-sc_threshold", "0", "-b:v", videoBitrate, "-maxrate", videoBitrate, "-bufsize", videoBitrate,
            "-c:a", "aac", "-b:a", "96k", "-ac", "1",
            "-f", "flv", url.path,
        ], in: directory, timeout: 120)
        guard r.status == 0 else { throw XCTSkip("ffmpeg could not make the fixture: \(r.stderr)") }
        return url
    }

    /// framemd5 of a file, as the reference for what players must receive.
    static func frameMD5(of url: URL, extra: [String] = []) throws -> FrameMD5 {
        let r = try ChildProcess.run(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error"] + extra + ["-i", url.path, "-map", "0", "-c", "copy", "-f", "framemd5", "-"],
                                     in: directory, timeout: 60)
        return FrameMD5(r.stdout)
    }

    /// ffprobe's idea of a file's duration in seconds (-1 when it has none).
    static func probeDuration(_ url: URL) throws -> Double {
        let r = try ChildProcess.run(try Tool.path("ffprobe"), ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url.path],
                                     in: directory, timeout: 20)
        return Double(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func subdirectory(_ name: String, of directory: URL) -> URL {
        let d = directory.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    static func workDirectory(_ name: String) -> URL {
        let d = directory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(6))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}
