#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a recording file could not be created or written. Every case is
/// one line a log or the dashboard can show as is: the recording stops,
/// the relay goes on.
enum RecordingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// O_EXCL found a file at the path: recordings never overwrite anything.
    case alreadyExists(path: String)
    /// open(2) failed: a missing or unwritable directory, a parent that is a
    /// regular file, a read-only file system…
    case cannotCreate(path: String, code: Int32)
    /// write(2) or pwrite(2) failed: disk full, file size limit, I/O error.
    case writeFailed(path: String, code: Int32)
    /// close(2) reported an error (NFS and some quota setups report
    /// deferred write errors only here).
    case closeFailed(path: String, code: Int32)
    /// A payload larger than FLV's 24-bit DataSize cannot be written without
    /// corrupting every tag after it.
    case tagTooLarge(path: String, size: Int)
    /// `write` or `flush` after `close`.
    case closed(path: String)
    /// The onMetaData slot cannot hold even the smallest metadata; the
    /// minimum reserved size rules this out.
    case reservedSpaceTooSmall(path: String, bytes: Int)

    var path: String {
        switch self {
        case .alreadyExists(let path), .cannotCreate(let path, _), .writeFailed(let path, _),
             .closeFailed(let path, _), .tagTooLarge(let path, _), .closed(let path),
             .reservedSpaceTooSmall(let path, _):
            return path
        }
    }

    /// The errno behind the error, where there is one.
    var code: Int32? {
        switch self {
        case .cannotCreate(_, let code), .writeFailed(_, let code), .closeFailed(_, let code):
            return code
        case .alreadyExists:
            return EEXIST
        case .tagTooLarge, .closed, .reservedSpaceTooSmall:
            return nil
        }
    }

    var description: String {
        switch self {
        case .alreadyExists(let path):
            return "recording \(path) already exists; not overwriting it"
        case .cannotCreate(let path, let code):
            return "cannot create recording \(path): \(Self.describe(code))"
        case .writeFailed(let path, let code):
            return "cannot write recording \(path): \(Self.describe(code))"
        case .closeFailed(let path, let code):
            return "cannot close recording \(path): \(Self.describe(code))"
        case .tagTooLarge(let path, let size):
            return "cannot write a \(size)-byte tag to recording \(path): FLV tags hold at most 16777215 bytes"
        case .closed(let path):
            return "recording \(path) is already closed"
        case .reservedSpaceTooSmall(let path, let bytes):
            return "cannot fit the metadata of recording \(path) into \(bytes) reserved bytes"
        }
    }

    /// "No space left on device (ENOSPC)": the text for people, the symbol
    /// for searching logs and docs.
    static func describe(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let symbol = symbols[code] else { return "\(text) (errno \(code))" }
        return "\(text) (\(symbol))"
    }

    private static let symbols: [Int32: String] = [
        ENOSPC: "ENOSPC", EFBIG: "EFBIG", EACCES: "EACCES", EPERM: "EPERM", ENOENT: "ENOENT",
        ENOTDIR: "ENOTDIR", EEXIST: "EEXIST", EROFS: "EROFS", EDQUOT: "EDQUOT", EIO: "EIO",
        EISDIR: "EISDIR", ENAMETOOLONG: "ENAMETOOLONG", EMFILE: "EMFILE", ENFILE: "ENFILE", EBADF: "EBADF",
    ]
}
