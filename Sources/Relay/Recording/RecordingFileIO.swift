#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two system calls that move a recording's bytes to the kernel,
/// replaceable so that tests can make them fail the way a full disk does
/// (a short write, then ENOSPC) without filling a real disk.
struct RecordingFileIO: Sendable {
    /// write(2): the number of bytes written, or minus errno.
    var write: @Sendable (_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int
    /// pwrite(2): the number of bytes written, or minus errno.
    var pwrite: @Sendable (_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, _ offset: Int64) -> Int

    static let posix = RecordingFileIO(
        write: { descriptor, bytes in
            let written = systemWrite(descriptor, bytes.baseAddress, bytes.count)
            return written >= 0 ? written : -Int(errno)
        },
        pwrite: { descriptor, bytes, offset in
            let written = systemPwrite(descriptor, bytes.baseAddress, bytes.count, off_t(offset))
            return written >= 0 ? written : -Int(errno)
        }
    )
}

// Inside `RecordingFileIO`, `write` and `pwrite` name its properties, so
// the C functions are reached through these.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

private func systemPwrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int, _ offset: off_t) -> Int {
    pwrite(descriptor, bytes, count, offset)
}
