import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A hostile peer on a blocking socket: a plain handshake, then whatever
/// bytes a test crafts, and whether the server closed on it.
final class RawPeer {
    let fd: Int32

    init?(port: Int) {
        guard let fd = LoopbackTCP.connect(port: port) else { return nil }
        self.fd = fd
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// C0+C1, read S0+S1+S2, C2: the chunk stream starts after this.
    func handshake() -> Bool {
        guard send([3] + [UInt8](repeating: 7, count: 1536)) else { return false }
        var got = 0
        var buf = [UInt8](repeating: 0, count: 3073)
        while got < 3073 {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, 3073 - got, 0) }
            guard n > 0 else { return false }
            got += n
        }
        return send([UInt8](buf[1..<1537]))
    }

    /// False once the server has closed (a write fails).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// The server closed the connection within `timeout` (what it sent before is read and dropped).
    func closedByServer(within timeout: TimeInterval) -> Bool {
        waitUntil(timeout: timeout) {
            var p = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 50) > 0 else { return false }
            var b = [UInt8](repeating: 0, count: 65536)
            let n = b.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
            return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        }
    }

    // MARK: chunk bytes (RTMP 1.0, 5.3.1)

    static func basicHeader(fmt: UInt8, csid: UInt32) -> [UInt8] {
        switch csid {
        case 2...63: return [fmt << 6 | UInt8(csid)]
        case 64...319: return [fmt << 6, UInt8(csid - 64)]
        default: return [fmt << 6 | 1, UInt8((csid - 64) & 0xFF), UInt8((csid - 64) >> 8)]
        }
    }

    static func fmt0(csid: UInt32, length: Int, type: UInt8, streamID: UInt32 = 0) -> [UInt8] {
        basicHeader(fmt: 0, csid: csid) + [0, 0, 0, UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type]
            + [UInt8(streamID & 0xFF), UInt8(streamID >> 8 & 0xFF), UInt8(streamID >> 16 & 0xFF), UInt8(streamID >> 24)]
    }

    /// A whole message in `chunkSize`-byte chunks on one chunk stream.
    static func message(csid: UInt32, type: UInt8, payload: [UInt8], chunkSize: Int = 128, streamID: UInt32 = 0) -> [UInt8] {
        var out = fmt0(csid: csid, length: payload.count, type: type, streamID: streamID)
        out.reserveCapacity(payload.count + payload.count / chunkSize * 3 + 16)
        var i = 0
        while i < payload.count {
            if i > 0 { out += basicHeader(fmt: 3, csid: csid) }
            let end = min(i + chunkSize, payload.count)
            out += payload[i..<end]
            i = end
        }
        return out
    }

    static func setChunkSize(_ size: UInt32) -> [UInt8] {
        message(csid: 2, type: 1, payload: [UInt8(size >> 24), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)])
    }
}
