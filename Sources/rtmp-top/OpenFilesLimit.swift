#if canImport(Glibc)
import Glibc
#endif

/// Every connection is a descriptor, and Debian's shells start programs
/// with a soft limit of 1024: raised to the hard limit at start, or
/// `--max-connections` could not be reached.
enum OpenFilesLimit {
    /// Raises the soft limit to the hard one; returns the limit in force.
    static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }
}
