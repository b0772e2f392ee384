import NIOCore
@testable import Relay
import XCTest

/// The configurations a late joiner starts with: one per kind and track,
/// the newest in its slot, order kept, bounded.
final class SequenceHeaderSetTests: XCTestCase {
    private func header(_ kind: MediaFrame.Kind, track: UInt8, multichannel: Bool = false, byte: UInt8) -> MediaFrame {
        MediaFrame(kind: kind, typeID: kind == .video ? 9 : 8, timestamp: 0, payload: ByteBuffer(bytes: [byte]), isSequenceHeader: !multichannel,
                   track: track, configSlot: MediaFrame.slot(kind: kind, track: track, auxiliary: multichannel))
    }

    func testOnePerKindAndTrackTheNewestWinsInItsPlace() {
        var set = SequenceHeaderSet()
        set.note(header(.video, track: 0, byte: 1))
        set.note(header(.audio, track: 0, byte: 2))
        set.note(header(.video, track: 1, byte: 3))
        set.note(header(.audio, track: 0, multichannel: true, byte: 4))
        set.note(header(.video, track: 0, byte: 5))
        XCTAssertEqual(set.frames.map { $0.payload.getInteger(at: 0, as: UInt8.self) }, [5, 2, 3, 4], "track 0's new video header replaces its own, in place")
        XCTAssertFalse(set.note(MediaFrame(kind: .video, typeID: 9, timestamp: 0, payload: ByteBuffer(bytes: [9]))), "a coded frame is no configuration")
        XCTAssertTrue(set.hasVideo && set.hasAudio)
    }

    func testAPublisherInventingTracksCannotGrowIt() {
        var set = SequenceHeaderSet()
        for t in 0...255 { set.note(header(.video, track: UInt8(t), byte: UInt8(t))) }
        XCTAssertEqual(set.frames.count, SequenceHeaderSet.maxSlots)
        XCTAssertEqual(set.frames.last?.track, 255, "the newest kept")
    }
}
