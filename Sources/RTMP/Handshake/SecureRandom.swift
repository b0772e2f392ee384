#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// /dev/urandom, opened once for the process: a handshake packet's random
/// bytes in one read(2).
enum SecureRandom {
    private static let descriptor: Int32 = open("/dev/urandom", O_RDONLY | O_CLOEXEC)

    /// Fills `bytes` completely; false if the device cannot be read (the
    /// caller falls back to `SystemRandomNumberGenerator`).
    static func fill(_ bytes: inout [UInt8]) -> Bool {
        let fd = descriptor
        guard fd >= 0 else { return false }
        return bytes.withUnsafeMutableBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = read(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                offset += n
            }
            return true
        }
    }
}
