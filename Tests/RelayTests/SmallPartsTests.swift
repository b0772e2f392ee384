import Foundation
import Logging
@testable import Relay
import XCTest

final class ListenAddressTests: XCTestCase {
    func testForms() {
        XCTAssertEqual(ListenAddress(":1935"), ListenAddress(host: "0.0.0.0", port: 1935))
        XCTAssertEqual(ListenAddress("1935"), ListenAddress(host: "0.0.0.0", port: 1935))
        XCTAssertEqual(ListenAddress("127.0.0.1:0"), ListenAddress(host: "127.0.0.1", port: 0))
        XCTAssertEqual(ListenAddress("[::1]:1936"), ListenAddress(host: "::1", port: 1936))
        XCTAssertEqual(ListenAddress("localhost:80"), ListenAddress(host: "localhost", port: 80))
        XCTAssertNil(ListenAddress("host:99999"))
        XCTAssertNil(ListenAddress("host:abc"))
        XCTAssertNil(ListenAddress("[::1]1935"))
    }
}

final class StreamKeyTests: XCTestCase {
    func testQueryIsKeptButNotPartOfTheKey() {
        let k = StreamKey(app: "live", rawName: "test?token=abc")
        XCTAssertEqual(k.name, "test")
        XCTAssertEqual(k.query, "token=abc")
        XCTAssertEqual(k, StreamKey(app: "live", rawName: "test"))
        XCTAssertEqual(k.description, "live/test")
        XCTAssertEqual(StreamKey(app: "live", rawName: "mp4:clip").name, "clip")
    }
}

final class JSONLogHandlerTests: XCTestCase {
    func testOneJSONObjectPerLineWithMetadata() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID()).jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let fd = open(path, O_WRONLY | O_APPEND)
        var logger = Logger(label: "t") { JSONLogHandler(label: $0, fileDescriptor: fd, level: .info) }
        logger[metadataKey: "conn_id"] = "7"
        logger.info("hello \"world\"\n", metadata: ["stream_key": "live/a"])
        logger.debug("hidden")
        logger.warning("careful")
        close(fd)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let first = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String])
        XCTAssertEqual(first["msg"], "hello \"world\"\n")
        XCTAssertEqual(first["level"], "info")
        XCTAssertEqual(first["conn_id"], "7")
        XCTAssertEqual(first["stream_key"], "live/a")
        XCTAssertNotNil(first["time"])
        let second = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: String])
        XCTAssertEqual(second["level"], "warn")
    }

    func testMetadataNeverOverwritesTheLinesOwnKeys() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID()).jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let fd = open(path, O_WRONLY | O_APPEND)
        let logger = Logger(label: "t") { JSONLogHandler(label: $0, fileDescriptor: fd, level: .info) }
        logger.info("codec detected", metadata: ["level": "3.1", "msg": "m", "time": "t", "codec": "H.264"])
        close(fd)
        let line = try String(contentsOfFile: path, encoding: .utf8)
        for key in ["time", "level", "msg"] {
            XCTAssertEqual(line.components(separatedBy: "\"\(key)\":").count - 1, 1, "one \(key) key in \(line)")
        }
        let fields = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        XCTAssertEqual(fields["level"], "info")
        XCTAssertEqual(fields["msg"], "codec detected")
        XCTAssertEqual(fields["meta_level"], "3.1")
        XCTAssertEqual(fields["meta_msg"], "m")
        XCTAssertEqual(fields["codec"], "H.264")
    }
}
