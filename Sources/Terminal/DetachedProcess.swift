import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Starts a program the dashboard hands to the user (ffplay for `p`) so
/// that it lives on its own: its own session (no SIGHUP or Ctrl-C from the
/// dashboard's terminal, and quitting rtmp-top leaves it running), stdin
/// from /dev/null, stdout and stderr appended to a log file (ncurses owns
/// the terminal), none of rtmp-top's descriptors (a listening socket held
/// by ffplay would keep the port busy after rtmp-top quits), default signal
/// handling (rtmp-top ignores SIGINT, SIGTERM and SIGPIPE, and ignored
/// signals stay ignored across exec), and reaped when it exits, so no
/// zombie is left behind.
public enum DetachedProcess {
    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The directories searched after PATH: a dashboard started from a
    /// service or `env -i` may have no PATH at all.
    static let fallbackDirectories = ["/usr/bin", "/usr/local/bin"]

    /// `name` in PATH's directories, then in /usr/bin and /usr/local/bin;
    /// nil when it is in none of them.
    public static func find(_ name: String, path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let directories = (path ?? "").split(separator: ":").map(String.init) + fallbackDirectories
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Starts `executable` with `arguments` and this process's environment,
    /// as described above; returns its pid.
    public static func spawn(_ executable: String, _ arguments: [String], logPath: String) throws -> pid_t {
        // Opened here rather than by the child, so a bad path is a clear error.
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw SpawnError(description: "cannot open \(logPath): \(String(cString: strerror(errno)))") }
        defer { close(log) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, log, 1)
        posix_spawn_file_actions_adddup2(&actions, log, 2)
        closeDescriptors(from: 3, in: &actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETSIGDEF) | Int32(POSIX_SPAWN_SETSIGMASK) | newSession))

        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, &argv, environ)
        guard result == 0 else { throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))") }
        let child = pid
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        }
        return child
    }

    /// POSIX_SPAWN_SETSID: glibc defines it only for _GNU_SOURCE, which
    /// Swift's Glibc module is not built with.
    #if canImport(Glibc)
    static let newSession: Int32 = 0x80
    #else
    static let newSession = Int32(POSIX_SPAWN_SETSID)
    #endif

    /// Closes every descriptor from `first` up in the child: with
    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later, looked
    /// up at run time for the same reason as above), else one close per
    /// descriptor open now.
    private static func closeDescriptors(from first: Int32, in actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np"),
           unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, first) == 0 {
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd >= first {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}
