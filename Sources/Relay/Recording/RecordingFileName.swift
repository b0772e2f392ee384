#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns an app name and stream key — text any publisher chooses — into a
/// file name that stays inside the record directory and never replaces an
/// existing file.
enum RecordingFileName {
    /// The longest name `fileName` and `uniquePath` produce, in bytes.
    static let maximumLength = 200
    static let fileExtension = ".flv"
    /// Room `fileName` leaves for the `-N` that `uniquePath` may add, so a
    /// de-duplicated name is still within `maximumLength`.
    static let uniquenessReserve = 8
    private static let timestampLength = 15  // YYYYMMDD_HHMMSS

    /// Keeps ASCII letters, digits, `.`, `_` and `-`; every other character
    /// (one `_` per Unicode scalar) becomes `_`, so `/` and NUL can never
    /// reach the file system. A leading `.` becomes `_` (no hidden files, no
    /// `..`), and empty input becomes `_`.
    static func sanitize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(isAllowed(scalar) ? scalar : "_")
        }
        if scalars.first == "." {
            scalars.replaceSubrange(scalars.startIndex...scalars.startIndex, with: CollectionOfOne("_"))
        }
        return scalars.isEmpty ? "_" : String(scalars)
    }

    /// `{app}_{stream}_{YYYYMMDD_HHMMSS}.flv` in local time, with `_001`,
    /// `_002`, … before `.flv` for segments. App and stream are sanitised and
    /// cut (never the date, segment or extension) so that the name is at
    /// most `maximumLength - uniquenessReserve` bytes.
    static func fileName(app: String, stream: String, date: Date, segment: Int? = nil) -> String {
        let suffix = "_" + timestamp(date) + (segment.map { "_" + zeroPadded($0) } ?? "") + fileExtension
        // Both parts are ASCII after sanitising, so characters are bytes.
        var appPart = sanitize(app)
        var streamPart = sanitize(stream)
        let budget = maximumLength - uniquenessReserve - suffix.utf8.count - 1  // 1 for the `_` between them
        if appPart.utf8.count + streamPart.utf8.count > budget {
            // The stream key tells recordings apart, so it gets at least
            // half of the budget; the app keeps what it needs of the rest.
            let appLength = min(appPart.utf8.count, max(budget / 2, budget - streamPart.utf8.count))
            appPart = String(appPart.prefix(max(appLength, 1)))
            streamPart = String(streamPart.prefix(max(budget - appPart.utf8.count, 1)))
        }
        return appPart + "_" + streamPart + suffix
    }

    /// `directory/fileName`, or `directory/{stem}-1.flv`, `-2`, … if that
    /// exists (a dangling symlink counts as existing). The name is
    /// sanitised again, so no caller can make it leave `directory`, and
    /// always ends in `.flv`.
    /// A race with another writer is settled by the O_EXCL open in
    /// `FLVRecordingFile`; this only makes the usual case succeed first time.
    static func uniquePath(directory: String, fileName: String) -> String {
        let name = sanitize(fileName)
        let stem = name.hasSuffix(fileExtension) ? String(name.dropLast(fileExtension.utf8.count)) : name
        let base = directory.hasSuffix("/") || directory.isEmpty ? directory : directory + "/"
        var counter = 0
        while true {
            let mark = counter == 0 ? "" : "-\(counter)"
            // Keep the whole name within the limit even for a caller that
            // passed a longer name than `fileName` makes.
            let room = maximumLength - mark.utf8.count - fileExtension.utf8.count
            let candidate = base + String(stem.prefix(room)) + mark + fileExtension
            if !exists(candidate) { return candidate }
            counter += 1
        }
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return true
        default: return false
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return "00000000_000000" }
        let day = zeroPadded(Int(parts.tm_year) + 1900, width: 4) + zeroPadded(Int(parts.tm_mon) + 1, width: 2)
            + zeroPadded(Int(parts.tm_mday), width: 2)
        let time = zeroPadded(Int(parts.tm_hour), width: 2) + zeroPadded(Int(parts.tm_min), width: 2)
            + zeroPadded(Int(parts.tm_sec), width: 2)
        let text = day + "_" + time
        return text.utf8.count == timestampLength ? text : String(text.prefix(timestampLength))
    }

    private static func zeroPadded(_ value: Int, width: Int = 3) -> String {
        let digits = String(max(value, 0))
        return String(repeating: "0", count: max(width - digits.count, 0)) + digits
    }
}
