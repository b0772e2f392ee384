import TestSupport
import Foundation
import RTMPClient
import Relay
import XCTest

/// Recording state lives in the controller, by stream key: it outlives the
/// recorder and the stream.
final class RecordingControllerTests: LoopbackServerTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rec-ctl-\(UUID().uuidString.prefix(8))")
        try start { $0.recording.directory = self.directory.path }
    }

    override func tearDown() {
        super.tearDown()
        try? FileManager.default.removeItem(at: directory)
    }

    private func publishOneSecond(_ name: String) throws -> RTMPClient {
        let pub = try client()
        try pub.publish(name)
        for m in SyntheticMedia.stream(seconds: 1) { pub.sendMedia(typeID: m.typeID, timestamp: m.timestamp, payload: m.payload) }
        XCTAssertTrue(waitUntil(timeout: 3) { (self.server.snapshot().streams.first?.videoFrames ?? 0) >= 30 })
        return pub
    }

    func testTheLastRecordingIsStillShownWhenTheStreamComesBack() throws {
        let first = try publishOneSecond("keep")
        try server.startRecording(streamKey: "live/keep")
        XCTAssertTrue(server.isRecording(streamKey: "live/keep"))
        XCTAssertThrowsError(try server.startRecording(streamKey: "live/keep"), "one recording per stream")
        XCTAssertEqual(server.snapshot().streams.first?.players.count, 0, "a recorder is not a player")
        first.close()
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.snapshot().streams.isEmpty }, "the stream is gone with its publisher and recorder")

        _ = try publishOneSecond("keep")
        let recording = try XCTUnwrap(server.snapshot().streams.first?.recording, "the new stream's snapshot shows the last recording")
        XCTAssertFalse(recording.isRecording)
        let path = try XCTUnwrap(recording.path)
        XCTAssertTrue(path.hasPrefix(directory.path) && FileManager.default.fileExists(atPath: path), path)
        XCTAssertNil(recording.lastError)
        XCTAssertFalse(server.isRecording(streamKey: "live/keep"))
    }

    func testAStartThatFailsIsShownAndTheNextOneClearsIt() throws {
        _ = try publishOneSecond("fail")
        // A regular file where the directory should be.
        FileManager.default.createFile(atPath: directory.path, contents: Data("x".utf8))
        XCTAssertThrowsError(try server.startRecording(streamKey: "live/fail"))
        let failed = try XCTUnwrap(server.snapshot().streams.first?.recording)
        XCTAssertFalse(failed.isRecording)
        XCTAssertNotNil(failed.lastError)
        try FileManager.default.removeItem(at: directory)
        try server.startRecording(streamKey: "live/fail")
        XCTAssertEqual(server.snapshot().streams.first?.recording?.isRecording, true)
        XCTAssertNil(server.snapshot().streams.first?.recording?.lastError)
        XCTAssertTrue(server.stopRecording(streamKey: "live/fail"))
        XCTAssertTrue(waitUntil(timeout: 3) { self.server.snapshot().streams.first?.recording?.isRecording == false })
    }
}
