import ArgumentParser
import Foundation
import HTTPAPI
import Media
import Relay

/// `rtmp-top analyze FILE.flv`: the stream-health checks over a file, for
/// an encoder setup's CI. Exit 0 clean, 1 findings, 2 unreadable.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rtmp-top analyze",
        abstract: "Check an FLV file the way rtmp-top checks a live stream (timestamps, keyframes, interleave, metadata).",
        discussion: "Exit status: 0 no finding, 1 findings, 2 unreadable. Pace and stalls need arrival times, which a file has not.")

    @Argument(help: "An FLV file (a recording, or ffmpeg … -f flv out.flv).")
    var file: String

    @Option(help: "What to judge the file by: generic, twitch or youtube.")
    var profile: HealthProfile = .generic

    @Flag(help: "One JSON object instead of the report.")
    var json = false

    func run() throws {
        let tags: [FLVTag]
        do {
            tags = try FLVReader.readFile(file).1
        } catch {
            FileHandle.standardError.write(Data("rtmp-top analyze: cannot read \(file): \(error)\n".utf8))
            throw ExitCode(2)
        }
        let report = FLVHealthAnalysis(tags: tags, profile: profile)
        if json {
            print(String(decoding: try APIResponse.encoder().encode(report), as: UTF8.self))
        } else {
            print(Self.text(report, file: file))
        }
        if report.faults > 0 { throw ExitCode(1) }
    }

    static func text(_ r: FLVHealthAnalysis, file: String) -> String {
        var lines = ["\(file): \(String(format: "%.1f", r.durationSeconds)) s, \(r.videoFrames) video and \(r.audioFrames) audio frames (profile \(r.profile))"]
        let f = r.figures
        if let last = f.keyframeIntervalLast, let lo = f.keyframeIntervalMin, let hi = f.keyframeIntervalMax, let mean = f.keyframeIntervalMean {
            lines.append(String(format: "  keyframe interval: mean %.2f s, min %.2f, max %.2f, last %.2f s (%d frames)", mean, lo, hi, last, f.keyframeIntervalFrames ?? 0))
        }
        if let fps = f.measuredFrameRate {
            lines.append("  frame rate: \(fps) fps" + (f.declaredFrameRate.map { " (onMetaData: \($0))" } ?? ""))
        }
        if let v = f.videoBitrate { lines.append("  video bitrate: \(v.meanBps / 1000) kbit/s over the last 10 s, peak \(v.peakBps / 1000)" + (v.variation.map { String(format: ", variation %.2f", $0) } ?? "")) }
        if let a = f.audioBitrate { lines.append("  audio bitrate: \(a.meanBps / 1000) kbit/s" + (f.audioFrameRate.map { ", \($0) frames/s" } ?? "")) }
        if let av = f.avInterleaveMs { lines.append("  audio - video at the end: \(av) ms" + (f.avInterleaveDriftMs.map { ", drift \($0) ms" } ?? "")) }
        if let depth = f.maxCompositionOffsetMs { lines.append("  B-frame reorder: up to \(depth) ms") }
        if r.findings.isEmpty {
            lines.append("no finding")
        } else {
            for s in r.findings { lines.append("\(s.informational ? "note" : "FINDING") \(s.code): \(s.detail)") }
        }
        return lines.joined(separator: "\n")
    }
}
