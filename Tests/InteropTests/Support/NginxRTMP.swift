import Foundation
import TestSupport
import XCTest

/// A real nginx with its rtmp module (Debian's), as a peer to compare
/// with: RTMP on one loopback port, its `rtmp_stat all` page on another.
final class NginxRTMP {
    let rtmpPort: Int
    let httpPort: Int
    private let process: ChildProcess

    /// `application` is the body of `application live { … }` (a `pull` or `push` line, say).
    init(directory: URL, application: String = "live on;") throws {
        let module = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
        let nginx = try Tool.path("nginx")
        guard FileManager.default.fileExists(atPath: module) else {
            if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty }) == true { throw Tool.MissingTool(description: "no \(module); scripts/test installs libnginx-mod-rtmp") }
            throw XCTSkip("no \(module); scripts/test installs libnginx-mod-rtmp")
        }
        let dir = directory.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var lastError = ""
        for _ in 0..<5 {
            let rtmp = Int.random(in: 20000..<40000), http = Int.random(in: 40000..<60000)
            let user = getuid() == 0 ? "user root root;" : ""
            let conf = """
            load_module \(module);
            \(user)
            worker_processes 1;
            daemon off;
            pid \(dir.path)/nginx.pid;
            error_log \(dir.path)/error.log info;
            events { worker_connections 256; }
            rtmp { server { listen 127.0.0.1:\(rtmp); chunk_size 4096; application live { \(application) } } }
            http {
              access_log off;
              client_body_temp_path \(dir.path)/body; proxy_temp_path \(dir.path)/proxy; fastcgi_temp_path \(dir.path)/fcgi;
              uwsgi_temp_path \(dir.path)/uwsgi; scgi_temp_path \(dir.path)/scgi;
              server { listen 127.0.0.1:\(http); location /stat { rtmp_stat all; } }
            }
            """
            try conf.write(to: dir.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
            let p = try ChildProcess(nginx, ["-p", dir.path, "-c", "nginx.conf", "-e", "\(dir.path)/error.log"], in: dir, name: "nginx").start()
            if waitUntil(timeout: 5, { !p.isRunning || LoopbackTCP.listening(http) && LoopbackTCP.listening(rtmp) }), p.isRunning {
                rtmpPort = rtmp
                httpPort = http
                process = p
                return
            }
            lastError = (try? String(contentsOf: dir.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
            p.signal(SIGKILL)
            _ = p.wait(timeout: 2)
        }
        throw ChildProcessError("nginx did not start: \(lastError.suffix(500))")
    }

    func url(_ key: String) -> String { "rtmp://127.0.0.1:\(rtmpPort)/\(key)" }

    func stop() {
        process.signal(SIGQUIT)
        if process.wait(timeout: 3).timedOut { process.signal(SIGKILL) }
    }
}
