import Foundation
import XCTest

@testable import Relay

/// Publisher-chosen app names and stream keys become file names that stay
/// in the record directory, are never hidden or empty, never too long, and
/// never replace an existing file.
final class RecordingFileNameTests: XCTestCase {
    private var directory: URL!
    /// 2026-11-25 10:15:00 local time.
    private var date: Date!

    override func setUpWithError() throws {
        directory = try RecordingFixtures.scratchDirectory()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        date = try XCTUnwrap(calendar.date(from: DateComponents(year: 2026, month: 11, day: 25, hour: 10, minute: 15, second: 0)))
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    func testSanitizeKeepsOnlyLettersDigitsDotsUnderscoresAndDashes() {
        let cases: [(String, String)] = [
            ("live-Test_1.2", "live-Test_1.2"),
            ("../../etc/x", "_._.._etc_x"),
            ("a/b?c", "a_b_c"),
            ("..", "_."),
            (".", "_"),
            (".hidden", "_hidden"),
            ("", "_"),
            ("ä😀", "__"),
            ("a b\tc", "a_b_c"),
            ("x\u{0}y", "x_y"),
            ("C:\\dir", "C__dir"),
            ("~root", "_root"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(RecordingFileName.sanitize(input), expected, "sanitize(\(input.debugDescription))")
        }
    }

    func testFileNameIsAppStreamAndLocalTime() {
        XCTAssertEqual(RecordingFileName.fileName(app: "live", stream: "test", date: date), "live_test_20261125_101500.flv")
    }

    func testSegmentsAreNumberedBeforeTheExtension() {
        XCTAssertEqual(RecordingFileName.fileName(app: "live", stream: "test", date: date, segment: 1),
                       "live_test_20261125_101500_001.flv")
        XCTAssertEqual(RecordingFileName.fileName(app: "live", stream: "test", date: date, segment: 42),
                       "live_test_20261125_101500_042.flv")
        XCTAssertEqual(RecordingFileName.fileName(app: "live", stream: "test", date: date, segment: 1234),
                       "live_test_20261125_101500_1234.flv")
    }

    func testLongNamesAreCutKeepingDateSegmentAndExtension() {
        let long = String(repeating: "k", count: 500)
        for (app, stream) in [(long, long), ("live", long), (long, "test"), (String(repeating: "é", count: 300), long)] {
            let name = RecordingFileName.fileName(app: app, stream: stream, date: date, segment: 3)
            XCTAssertLessThanOrEqual(name.utf8.count, RecordingFileName.maximumLength)
            XCTAssertTrue(name.hasSuffix("_20261125_101500_003.flv"), name)
            XCTAssertTrue(name.hasPrefix(String(RecordingFileName.sanitize(app).prefix(4)) ), name)
            XCTAssertTrue(name.contains("_" + String(RecordingFileName.sanitize(stream).prefix(4))), "the stream key keeps its share: \(name)")
        }
        XCTAssertTrue(RecordingFileName.fileName(app: "live", stream: long, date: date).hasPrefix("live_kkkk"))
    }

    func testHostileKeysRecordInsideTheDirectory() throws {
        let keys = ["../../etc/x", "a/b?c", "..", "", "ä😀", String(repeating: "z", count: 500), "/abs/olute", ".", "x\u{0}y"]
        let resolvedDirectory = try resolved(directory.path)
        var names: Set<String> = []
        for key in keys {
            for (app, stream) in [("live", key), (key, "test"), (key, key)] {
                let name = RecordingFileName.fileName(app: app, stream: stream, date: date)
                XCTAssertFalse(name.hasPrefix("."), name)
                XCTAssertFalse(name.contains("/"), name)
                XCTAssertLessThanOrEqual(name.utf8.count, RecordingFileName.maximumLength, name)

                let path = RecordingFileName.uniquePath(directory: directory.path, fileName: name)
                try FLVRecordingFile(path: path, hasAudio: true, hasVideo: true).close()
                let parent = try resolved(URL(fileURLWithPath: path).deletingLastPathComponent().path)
                XCTAssertEqual(parent, resolvedDirectory, "\(key.debugDescription) left the directory: \(path)")
                let fileName = URL(fileURLWithPath: path).lastPathComponent
                XCTAssertLessThanOrEqual(fileName.utf8.count, RecordingFileName.maximumLength)
                XCTAssertFalse(names.contains(fileName), "\(fileName) was reused")
                names.insert(fileName)
            }
        }
        let listed = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        XCTAssertEqual(listed, names, "every recording is in the directory itself, none elsewhere")
    }

    func testUniquePathNeverReusesAnExistingName() throws {
        let name = RecordingFileName.fileName(app: "live", stream: "test", date: date)
        let first = RecordingFileName.uniquePath(directory: directory.path, fileName: name)
        XCTAssertEqual(first, directory.appendingPathComponent(name).path)
        try Data().write(to: URL(fileURLWithPath: first))
        let second = RecordingFileName.uniquePath(directory: directory.path, fileName: name)
        XCTAssertEqual(URL(fileURLWithPath: second).lastPathComponent, "live_test_20261125_101500-1.flv")
        try FileManager.default.createSymbolicLink(atPath: second, withDestinationPath: "/nonexistent/target")
        let third = RecordingFileName.uniquePath(directory: directory.path, fileName: name)
        XCTAssertEqual(URL(fileURLWithPath: third).lastPathComponent, "live_test_20261125_101500-2.flv",
                       "a dangling symlink is taken too: O_EXCL would refuse it")

        let longName = RecordingFileName.fileName(app: "live", stream: String(repeating: "q", count: 400), date: date)
        try Data().write(to: URL(fileURLWithPath: RecordingFileName.uniquePath(directory: directory.path, fileName: longName)))
        let longSecond = URL(fileURLWithPath: RecordingFileName.uniquePath(directory: directory.path, fileName: longName)).lastPathComponent
        XCTAssertTrue(longSecond.hasSuffix("_20261125_101500-1.flv"), longSecond)
        XCTAssertLessThanOrEqual(longSecond.utf8.count, RecordingFileName.maximumLength)
    }

    func testUniquePathSanitisesWhateverItIsGiven() throws {
        let path = RecordingFileName.uniquePath(directory: directory.path + "/", fileName: "../escape.flv")
        XCTAssertEqual(path, directory.appendingPathComponent("_._escape.flv").path)
    }

    private func resolved(_ path: String) throws -> String {
        guard let pointer = realpath(path, nil) else {
            throw RecordingError.cannotCreate(path: path, code: errno)
        }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
