import Atomics
import Foundation
import Logging
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where log lines go; can be redirected once at start (the dashboard could
/// not open the terminal after all, so logs go back to stdout).
public final class LogOutput: Sendable {
    private let fd: ManagedAtomic<Int32>

    public init(fileDescriptor: Int32) {
        fd = ManagedAtomic(fileDescriptor)
    }

    public var fileDescriptor: Int32 {
        get { fd.load(ordering: .relaxed) }
    }

    public func redirect(to fileDescriptor: Int32) {
        fd.store(fileDescriptor, ordering: .relaxed)
    }

    /// Opens `path` anew (after logrotate moved the old file) onto the same
    /// descriptor number: dup2 swaps it in one step, so no line goes to a
    /// closed descriptor. False (and the old file kept) when it cannot be opened.
    @discardableResult
    public func reopen(path: String) -> Bool {
        let fresh = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fresh >= 0 else { return false }
        defer { close(fresh) }
        return dup2(fresh, fileDescriptor) >= 0
    }
}

/// swift-log handler writing one JSON object per line:
/// `{"time":"…","level":"info","msg":"…","conn_id":"3",…}`.
/// Each line goes out in one write(2), so lines never interleave.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let output: LogOutput
    private let label: String

    public init(label: String, fileDescriptor: Int32 = 1, level: Logger.Level = .info) {
        self.init(label: label, output: LogOutput(fileDescriptor: fileDescriptor), level: level)
    }

    public init(label: String, output: LogOutput, level: Logger.Level = .info) {
        self.label = label
        self.output = output
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"time\":\"\(Self.timestamp())\",\"level\":\"\(Self.name(event.level))\",\"msg\":"
        Self.appendQuoted(event.message.description, to: &line)
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error { merged["error"] = "\(error)" }
        for key in merged.keys.sorted() {
            guard let value = merged[key] else { continue }
            line.append(",")
            // A metadata key equal to one of the line's own keys would make a
            // duplicate key, and most JSON parsers keep the last one: log
            // tooling would see a codec's "level":"3.1" as the log level.
            Self.appendQuoted(Self.reservedKeys.contains(key) ? "meta_\(key)" : key, to: &line)
            line.append(":")
            Self.appendQuoted(value.description, to: &line)
        }
        line.append("}\n")
        var bytes = Array(line.utf8)
        let fd = output.fileDescriptor
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    /// The keys every line starts with.
    public static let reservedKeys: Set<String> = ["time", "level", "msg"]

    public static func name(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: return "debug"
        case .info, .notice: return "info"
        case .warning: return "warn"
        case .error, .critical: return "error"
        }
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                      Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(tv.tv_usec) / 1000)
    }

    static func appendQuoted(_ s: String, to out: inout String) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case _ where scalar.value < 0x20:
                out.append(String(format: "\\u%04x", scalar.value))
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
    }
}
