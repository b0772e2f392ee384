import Foundation

/// The server's JSON log lines, read key by key: JSONSerialization would
/// silently keep one of two equal keys, which is the fault to catch.
enum LogLines {
    /// The top-level keys of one line of `JSONLogHandler` output (an object
    /// of string values), in order; nil if the line is not such an object.
    static func keys(of line: Substring) -> [String]? {
        var chars = line.unicodeScalars.makeIterator()
        guard chars.next() == "{" else { return nil }
        var keys: [String] = []
        var expectKey = true
        while let c = chars.next() {
            switch c {
            case "\"":
                var s = ""
                while let d = chars.next(), d != "\"" {
                    if d == "\\" { _ = chars.next(); s.append("_") } else { s.unicodeScalars.append(d) }
                }
                if expectKey { keys.append(s) }
            case ":": expectKey = false
            case ",": expectKey = true
            case "}": return keys
            default: break
            }
        }
        return nil
    }

    /// Lines of `log` with a key twice.
    static func linesWithDuplicateKeys(_ log: String) -> [Substring] {
        log.split(separator: "\n").filter { line in
            guard let k = keys(of: line) else { return true }
            return Set(k).count != k.count
        }
    }
}
