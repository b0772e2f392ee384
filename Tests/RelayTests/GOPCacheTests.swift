import NIOCore
@testable import Relay
import XCTest

final class GOPCacheTests: XCTestCase {
    private func frame(_ kind: MediaFrame.Kind, ts: UInt32, key: Bool = false, seq: Bool = false, size: Int = 100) -> MediaFrame {
        MediaFrame(kind: kind, typeID: kind == .video ? 9 : 8, timestamp: ts, payload: ByteBuffer(repeating: 0, count: size), isKeyframe: key, isSequenceHeader: seq)
    }

    private func currentGOPOnly() -> GOPCache.Limits {
        var limits = GOPCache.Limits()
        limits.joinBurstMilliseconds = 0
        return limits
    }

    func testHoldsEverythingSinceTheLastKeyframeWhenTheBurstIsOff() {
        var cache = GOPCache(limits: currentGOPOnly())
        cache.add(frame(.video, ts: 0, seq: true))
        cache.add(frame(.audio, ts: 0))
        XCTAssertTrue(cache.frames.isEmpty, "nothing before the first keyframe, sequence headers never")
        cache.add(frame(.video, ts: 0, key: true))
        cache.add(frame(.audio, ts: 10))
        cache.add(frame(.video, ts: 33))
        XCTAssertEqual(cache.frames.map(\.timestamp), [0, 10, 33])
        cache.add(frame(.video, ts: 1000, key: true))
        cache.add(frame(.audio, ts: 1001))
        XCTAssertEqual(cache.frames.map(\.timestamp), [1000, 1001])
        XCTAssertTrue(cache.frames[0].isKeyframe)
    }

    /// 30 fps video, a keyframe every `gop` frames, from frame `from` to `to`.
    private func addVideo(_ cache: inout GOPCache, frames range: Range<Int>, gop: Int) {
        for i in range { cache.add(frame(.video, ts: UInt32(i * 1000 / 30), key: i % gop == 0)) }
    }

    func testEarlierGOPsStayUntilTheBurstHoldsEnoughMediaAndFrames() {
        var limits = GOPCache.Limits()
        limits.joinBurstMilliseconds = 1000
        limits.joinBurstVideoFrames = 48
        var cache = GOPCache(limits: limits)
        // 0.5 s GOPs: 1000 ms and 48 frames take four GOPs, the newest being built.
        addVideo(&cache, frames: 0..<75, gop: 15)
        XCTAssertTrue(cache.frames[0].isKeyframe, "the burst starts on a keyframe")
        XCTAssertEqual(cache.frames.first?.timestamp, UInt32(15 * 1000 / 30), "the GOP at 0 went once the rest held 60 frames")
        XCTAssertEqual(cache.gopCount, 4)
        XCTAssertGreaterThanOrEqual(cache.durationMilliseconds, 1000)
        XCTAssertGreaterThanOrEqual(cache.frames.count, 48)
        // Just after a keyframe the previous GOPs are what makes the burst long.
        addVideo(&cache, frames: 75..<76, gop: 15)
        XCTAssertEqual(cache.frames.last?.isKeyframe, true)
        XCTAssertGreaterThanOrEqual(cache.frames.count, 48)
        XCTAssertEqual(cache.newestGOP.count, 1, "a recording starts on the newest keyframe")
        XCTAssertTrue(cache.newestGOP[0].isKeyframe)
    }

    func testLongGOPsNeedOnlyOneOnceItIsLongEnough() {
        var cache = GOPCache()
        addVideo(&cache, frames: 0..<130, gop: 120)  // 4 s GOPs, 10 frames into the second
        XCTAssertEqual(cache.gopCount, 2, "10 frames are not enough: the previous GOP stays")
        XCTAssertEqual(cache.frames.count, 130)
        addVideo(&cache, frames: 130..<170, gop: 120)
        XCTAssertEqual(cache.gopCount, 1, "50 frames and 1.6 s since the keyframe are")
        XCTAssertEqual(cache.frames.count, 50)
        XCTAssertEqual(cache.bytes, 50 * 100)
    }

    func testCapsDropTheOldestGOPFirst() {
        var limits = GOPCache.Limits()
        limits.maxFrames = 40
        var cache = GOPCache(limits: limits)
        addVideo(&cache, frames: 0..<45, gop: 15)  // the burst wants 48 frames; the cap allows 40
        XCTAssertLessThanOrEqual(cache.frames.count, 40)
        XCTAssertTrue(cache.frames[0].isKeyframe)
        XCTAssertEqual(cache.frames.count, 30, "two whole GOPs, the oldest dropped")
    }

    func testOnMetaDataIsNotCached() {
        var cache = GOPCache()
        cache.add(frame(.video, ts: 0, key: true))
        cache.add(MediaFrame(kind: .data, typeID: 18, timestamp: 10, payload: ByteBuffer(), metadata: []))
        cache.add(MediaFrame(kind: .data, typeID: 18, timestamp: 20, payload: ByteBuffer()))
        XCTAssertEqual(cache.frames.map(\.timestamp), [0, 20], "the stream sends the latest onMetaData first; other data stays in place")
    }

    func testAGOPOverTheCapIsDroppedWholeUntilTheNextKeyframe() {
        var limits = currentGOPOnly()
        limits.maxBytes = 1000
        var cache = GOPCache(limits: limits)
        cache.add(frame(.video, ts: 0, key: true, size: 400))
        cache.add(frame(.video, ts: 33, size: 400))
        XCTAssertEqual(cache.frames.count, 2)
        cache.add(frame(.video, ts: 66, size: 400))
        XCTAssertTrue(cache.frames.isEmpty)
        cache.add(frame(.video, ts: 99, size: 10))
        XCTAssertTrue(cache.frames.isEmpty, "a GOP without its keyframe is useless")
        cache.add(frame(.video, ts: 132, key: true, size: 10))
        XCTAssertEqual(cache.frames.count, 1)
    }

    func testDurationCapCountsMilliseconds() {
        var limits = currentGOPOnly()
        limits.maxDurationMilliseconds = 600
        var cache = GOPCache(limits: limits)
        cache.add(frame(.video, ts: 0xFFFF_FF00, key: true))  // across the 32-bit wrap
        cache.add(frame(.video, ts: 0x0000_0100))
        XCTAssertEqual(cache.durationMilliseconds, 512)
        XCTAssertEqual(cache.frames.count, 2)
        cache.add(frame(.video, ts: 0x0000_0200))
        XCTAssertTrue(cache.frames.isEmpty, "768 ms is over the 600 ms cap")
    }
}

final class PlayerQueueTests: XCTestCase {
    private func frame(_ kind: MediaFrame.Kind, ts: UInt32, key: Bool = false, seq: Bool = false, size: Int = 100) -> MediaFrame {
        MediaFrame(kind: kind, typeID: kind == .video ? 9 : 8, timestamp: ts, payload: ByteBuffer(repeating: 0, count: size), isKeyframe: key, isSequenceHeader: seq)
    }

    private func limits(bytes: Int = 1 << 30, messages: Int = 1 << 20, ms: UInt32 = 1 << 30) -> PlayerQueue.Limits {
        var gop = GOPCache.Limits()
        gop.maxBytes = 0
        gop.maxFrames = 0
        gop.maxDurationMilliseconds = 0
        return PlayerQueue.Limits(covering: gop, slackBytes: bytes, slackMessages: messages, slackMilliseconds: ms)
    }

    func testNeverSmallerThanTheGOPCache() {
        let gop = GOPCache.Limits()
        let l = PlayerQueue.Limits(covering: gop)
        XCTAssertGreaterThanOrEqual(l.maxBytes, gop.maxBytes)
        XCTAssertGreaterThanOrEqual(l.maxMessages, gop.maxFrames)
        XCTAssertGreaterThanOrEqual(l.maxDurationMilliseconds, gop.maxDurationMilliseconds)
    }

    func testOverflowDropsQueuedVideoAndSkipsToTheNextKeyframe() {
        var q = PlayerQueue(limits: limits(messages: 5))
        var drops = PlayerQueue.Drops()
        XCTAssertFalse(q.push(frame(.video, ts: 0, seq: true), drops: &drops))
        XCTAssertFalse(q.push(frame(.video, ts: 0, key: true), drops: &drops))
        XCTAssertFalse(q.push(frame(.audio, ts: 1), drops: &drops))
        XCTAssertFalse(q.push(frame(.video, ts: 33), drops: &drops))
        XCTAssertFalse(q.push(frame(.video, ts: 66), drops: &drops))
        XCTAssertTrue(q.push(frame(.video, ts: 99), drops: &drops))
        // Sequence header and audio stay; the GOP's video is gone.
        XCTAssertEqual(q.frames.map(\.timestamp), [0, 1])
        XCTAssertTrue(q.frames[0].isSequenceHeader)
        XCTAssertEqual(drops.video, 4)
        XCTAssertTrue(q.skippingVideo)
        // Inter frames are turned away until a keyframe comes.
        XCTAssertFalse(q.admit(frame(.video, ts: 132), drops: &drops))
        XCTAssertTrue(q.admit(frame(.audio, ts: 133), drops: &drops))
        XCTAssertTrue(q.admit(frame(.video, ts: 140, seq: true), drops: &drops), "sequence headers always pass")
        XCTAssertTrue(q.admit(frame(.video, ts: 165, key: true), drops: &drops))
        XCTAssertFalse(q.skippingVideo)
        XCTAssertTrue(q.admit(frame(.video, ts: 198), drops: &drops))
        XCTAssertEqual(drops.video, 5)
        XCTAssertEqual(drops.audio, 0)
    }

    func testOlderGOPsGoFirstAndTheFreshestGOPStays() {
        var q = PlayerQueue(limits: limits(messages: 6))
        var drops = PlayerQueue.Drops()
        for f in [frame(.video, ts: 0, seq: true), frame(.video, ts: 0, key: true), frame(.video, ts: 33), frame(.audio, ts: 40),
                  frame(.video, ts: 66), frame(.video, ts: 99, key: true)] {
            XCTAssertFalse(q.push(f, drops: &drops))
        }
        XCTAssertTrue(q.push(frame(.video, ts: 132), drops: &drops))
        XCTAssertEqual(q.frames.map(\.timestamp), [0, 40, 99, 132], "the old GOP's video went; audio and the new GOP stay")
        XCTAssertEqual(drops.video, 3)
        XCTAssertFalse(q.skippingVideo, "the queue still resumes on a keyframe")
    }

    func testOldAudioInFrontOfTheFreshestGOPGoesBeforeIt() {
        var q = PlayerQueue(limits: limits(messages: 4))
        var drops = PlayerQueue.Drops()
        for ts in [0, 23, 46, 69] { _ = q.push(frame(.audio, ts: UInt32(ts)), drops: &drops) }
        XCTAssertTrue(q.push(frame(.video, ts: 70, key: true), drops: &drops))
        XCTAssertEqual(q.frames.map(\.timestamp), [23, 46, 69, 70])
        XCTAssertEqual(drops.audio, 1)
        XCTAssertEqual(drops.video, 0)
    }

    func testAudioGoesOnlyWhenTheQueueIsFullOfAudio() {
        var q = PlayerQueue(limits: limits(messages: 3))
        var drops = PlayerQueue.Drops()
        for ts in 0..<4 { _ = q.push(frame(.audio, ts: UInt32(ts * 23)), drops: &drops) }
        XCTAssertEqual(drops.audio, 1)
        XCTAssertEqual(q.frames.map(\.timestamp), [23, 46, 69], "the oldest audio goes first")
        XCTAssertEqual(q.count, 3)
    }

    func testDurationLimitCountsMillisecondsOfMedia() {
        var q = PlayerQueue(limits: limits(ms: 1000))
        var drops = PlayerQueue.Drops()
        XCTAssertFalse(q.push(frame(.video, ts: 0, key: true), drops: &drops))
        XCTAssertFalse(q.push(frame(.video, ts: 1000), drops: &drops))
        XCTAssertTrue(q.push(frame(.video, ts: 1001), drops: &drops))
        XCTAssertEqual(q.count, 0)
        XCTAssertEqual(q.bytes, 0)
    }
}
