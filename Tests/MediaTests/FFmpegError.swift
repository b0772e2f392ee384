/// Why an ffmpeg run used by a test did not produce its file.
enum FFmpegError: Error, CustomStringConvertible {
    case timedOut([String])
    case failed(status: Int32, arguments: [String], stderr: String)

    var description: String {
        switch self {
        case .timedOut(let arguments):
            return "ffmpeg timed out: \(arguments.joined(separator: " "))"
        case .failed(let status, let arguments, let stderr):
            return "ffmpeg exited \(status): \(arguments.joined(separator: " "))\n\(stderr)"
        }
    }
}
