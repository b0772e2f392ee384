import Foundation
import Media
import NIOCore
import RTMP
import XCTest

@testable import Relay

/// Disk trouble — full, over the file size limit, a missing or bogus
/// directory — comes out as a `RecordingError` with a clear line, never as
/// a crash, and what reached the disk stays a valid, honest FLV.
final class RecordingDiskErrorTests: XCTestCase {
    private var directory: URL!
    /// Set in the child process of the file size limit test.
    private static let fileSizeChildVariable = "RTMP_TOP_RECORDING_FSIZE_CHILD"
    private static let fileSizeChildDone = "file size limit child: EFBIG reported"
    private static let fileSizeLimit = 200 * 1024

    override func setUpWithError() throws {
        if let childDirectory = ProcessInfo.processInfo.environment[Self.fileSizeChildVariable] {
            directory = URL(fileURLWithPath: childDirectory)
        } else {
            directory = try RecordingFixtures.scratchDirectory()
        }
    }

    override func tearDownWithError() throws {
        guard ProcessInfo.processInfo.environment[Self.fileSizeChildVariable] == nil else { return }
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func testMissingDirectoryIsENOENT() {
        let path = directory.appendingPathComponent("gone/rec.flv").path
        XCTAssertThrowsError(try FLVRecordingFile(path: path, hasAudio: true, hasVideo: true)) {
            XCTAssertEqual($0 as? RecordingError, .cannotCreate(path: path, code: ENOENT))
            XCTAssertTrue(String(describing: $0).contains("ENOENT"), String(describing: $0))
        }
    }

    func testDirectoryThatIsARegularFileIsENOTDIR() throws {
        let notADirectory = directory.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: notADirectory)
        let path = notADirectory.appendingPathComponent("rec.flv").path
        XCTAssertThrowsError(try FLVRecordingFile(path: path, hasAudio: true, hasVideo: true)) {
            XCTAssertEqual($0 as? RecordingError, .cannotCreate(path: path, code: ENOTDIR))
            XCTAssertEqual(String(describing: $0), "cannot create recording \(path): Not a directory (ENOTDIR)")
        }
    }

    func testUnwritableDirectoryIsEACCES() throws {
        // root ignores permission bits (and CI runs as root): the ENOTDIR
        // test above covers that case.
        try XCTSkipIf(geteuid() == 0, "root may write anywhere")
        let locked = directory.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o500])
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked.path) }
        let path = locked.appendingPathComponent("rec.flv").path
        XCTAssertThrowsError(try FLVRecordingFile(path: path, hasAudio: true, hasVideo: true)) {
            XCTAssertEqual($0 as? RecordingError, .cannotCreate(path: path, code: EACCES))
        }
    }

    func testDiskFullMidFlushStopsWithENOSPCAndKeepsTheFileValid() throws {
        let path = directory.appendingPathComponent("full.flv").path
        let disk = LimitedDisk(capacity: FLVRecordingFile.headerSize + FLVRecordingFile.defaultReservedMetadataBytes + 20_000)
        let file = try FLVRecordingFile(path: path, hasAudio: false, hasVideo: true, io: disk.io)
        var failure: RecordingError?
        var flushedFrames = 0
        var lastFlushedTimestamp: UInt32 = 0
        let frames = SyntheticRecording.videoTags(seconds: 10)
        for (number, frame) in frames.enumerated() {
            do {
                try file.write(type: frame.type, timestamp: frame.timestamp, payload: frame.payload, isKeyframe: frame.isKeyframe)
                if number % 10 == 9 {
                    try file.flush()
                    flushedFrames = number + 1
                    lastFlushedTimestamp = frame.timestamp
                }
            } catch {
                failure = error
                break
            }
        }
        let error = try XCTUnwrap(failure, "a 20 kB disk must fill up")
        XCTAssertEqual(error, .writeFailed(path: path, code: ENOSPC))
        XCTAssertEqual(error.description, "cannot write recording \(path): No space left on device (ENOSPC)")
        XCTAssertGreaterThan(flushedFrames, 10)
        XCTAssertThrowsError(try file.write(type: 9, timestamp: 99_999, payload: frames[1].payload, isKeyframe: true)) {
            XCTAssertEqual($0 as? RecordingError, error, "the recording stays stopped")
        }
        XCTAssertNoThrow(try file.close(), "closing after the error finalises what is on disk")

        // The half-written batch was cut off: the file ends on the last flushed tag.
        let (_, tags) = try RecordingFixtures.readTags(path)
        XCTAssertEqual(tags.count, 1 + flushedFrames)
        XCTAssertEqual(tags.last?.tag.timestamp, lastFlushedTimestamp)
        let properties = AMF0Value.ecmaArray(try RecordingFixtures.onMetaData(tags[0].tag.payload))
        XCTAssertEqual(properties["duration"]?.numberValue ?? 0, Double(lastFlushedTimestamp) / 1000, accuracy: 0.05)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        XCTAssertEqual(properties["filesize"]?.numberValue, size.map(Double.init))
        let index = try XCTUnwrap(RecordingFixtures.keyframeIndex(try RecordingFixtures.onMetaData(tags[0].tag.payload)))
        XCTAssertTrue(index.positions.allSatisfy { $0 < Double(size ?? 0) }, "the index points only at what is on disk")
    }

    func testFailedMetadataRewriteIsAnError() throws {
        let path = directory.appendingPathComponent("eio.flv").path
        var io = RecordingFileIO.posix
        io.pwrite = { _, _, _ in -Int(EIO) }
        let file = try FLVRecordingFile(path: path, hasAudio: true, hasVideo: false, io: io)
        for tag in SyntheticRecording.aacTags(seconds: 1) {
            try file.write(type: tag.type, timestamp: tag.timestamp, payload: tag.payload, isKeyframe: false)
        }
        XCTAssertThrowsError(try file.flush()) {
            XCTAssertEqual($0 as? RecordingError, .writeFailed(path: path, code: EIO))
        }
        XCTAssertNoThrow(try file.close())
        XCTAssertNoThrow(try RecordingFixtures.readTags(path), "the tags themselves were written whole")
    }

    func testInterruptedAndShortWritesAreRetried() throws {
        let path = directory.appendingPathComponent("eintr.flv").path
        let calls = CallCounter()
        var io = RecordingFileIO.posix
        io.write = { descriptor, bytes in
            // Every other call is interrupted; the rest take at most 1000 bytes.
            if calls.next() % 2 == 0 { return -Int(EINTR) }
            return RecordingFileIO.posix.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes.prefix(1000)))
        }
        io.pwrite = { descriptor, bytes, offset in
            if calls.next() % 2 == 0 { return -Int(EINTR) }
            return RecordingFileIO.posix.pwrite(descriptor, UnsafeRawBufferPointer(rebasing: bytes.prefix(700)), offset)
        }
        let frames = SyntheticRecording.videoTags(seconds: 2)
        let file = try FLVRecordingFile(path: path, hasAudio: false, hasVideo: true, io: io)
        for frame in frames {
            try file.write(type: frame.type, timestamp: frame.timestamp, payload: frame.payload, isKeyframe: frame.isKeyframe)
        }
        try file.close()
        let (_, tags) = try RecordingFixtures.readTags(path)
        XCTAssertEqual(tags.dropFirst().map(\.tag.payload), frames.map(\.payload))
        XCTAssertEqual(RecordingFixtures.keyframeIndex(try RecordingFixtures.onMetaData(tags[0].tag.payload))?.positions.count, 2)
    }

    /// A real file size limit: the kernel sends SIGXFSZ (ignored, as the
    /// server does) and write(2) fails with EFBIG. The limit would hit every
    /// file the test process writes, so this test runs itself again in a
    /// child process under `prlimit --fsize`.
    func testWritingPastTheFileSizeLimitIsEFBIGNotACrash() throws {
        if ProcessInfo.processInfo.environment[Self.fileSizeChildVariable] != nil {
            try writeUntilTheFileSizeLimit()
            return
        }
        let prlimit = try RecordingTestProcess.tool("prlimit")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/proc/self/exe"), "needs /proc to find the test binary")
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let outcome = try RecordingTestProcess.run(
            prlimit,
            ["--fsize=\(Self.fileSizeLimit)", "--", testBinary, "RelayTests.RecordingDiskErrorTests/testWritingPastTheFileSizeLimitIsEFBIGNotACrash"],
            in: directory,
            timeout: 120,
            environment: [Self.fileSizeChildVariable: directory.path]
        )
        let output = outcome.stdout + outcome.stderr
        XCTAssertEqual(outcome.status, 0, output)
        XCTAssertTrue(output.contains(Self.fileSizeChildDone), "the child ran the writing half: \(output)")

        let path = directory.appendingPathComponent("limited.flv").path
        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        XCTAssertLessThanOrEqual(size, Self.fileSizeLimit)
        let (header, tags) = try RecordingFixtures.readTags(path)
        XCTAssertEqual(header, FLVHeader(hasAudio: false, hasVideo: true))
        XCTAssertGreaterThan(tags.count, 100)
        let properties = AMF0Value.ecmaArray(try RecordingFixtures.onMetaData(tags[0].tag.payload))
        XCTAssertGreaterThan(properties["duration"]?.numberValue ?? 0, 1)
        XCTAssertEqual(properties["filesize"]?.numberValue, Double(size))
    }

    /// The child's half: runs with RLIMIT_FSIZE set by `prlimit`.
    private func writeUntilTheFileSizeLimit() throws {
        signal(SIGXFSZ, SIG_IGN)
        let path = directory.appendingPathComponent("limited.flv").path
        let file = try FLVRecordingFile(path: path, hasAudio: false, hasVideo: true)
        var failure: Error?
        for (number, frame) in SyntheticRecording.videoTags(seconds: 60).enumerated() {
            do {
                try file.write(type: frame.type, timestamp: frame.timestamp, payload: frame.payload, isKeyframe: frame.isKeyframe)
                if number % 15 == 14 { try file.flush() }
            } catch {
                failure = error
                break
            }
        }
        XCTAssertEqual(failure as? RecordingError, .writeFailed(path: path, code: EFBIG))
        XCTAssertTrue(failure.map { String(describing: $0) }?.contains("File too large (EFBIG)") == true)
        XCTAssertNoThrow(try file.close())
        if failure as? RecordingError == .writeFailed(path: path, code: EFBIG) {
            print(Self.fileSizeChildDone)
        }
    }
}

/// A disk that takes `capacity` bytes through write(2), then reports
/// ENOSPC — after a short write, as a real full disk does.
private final class LimitedDisk: @unchecked Sendable {
    // @unchecked: used from the test's thread only.
    private var remaining: Int

    init(capacity: Int) {
        remaining = capacity
    }

    var io: RecordingFileIO {
        var io = RecordingFileIO.posix
        io.write = { [self] descriptor, bytes in
            guard remaining > 0 else { return -Int(ENOSPC) }
            let written = RecordingFileIO.posix.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes.prefix(remaining)))
            if written > 0 { remaining -= written }
            return written
        }
        return io
    }
}

/// Numbers the calls of a fault-injecting write.
private final class CallCounter: @unchecked Sendable {
    // @unchecked: used from the test's thread only.
    private var count = 0

    func next() -> Int {
        count += 1
        return count
    }
}
