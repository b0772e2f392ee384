import Media
import XCTest

/// The health checks on crafted frame sequences: a clean stream has no
/// finding; each fault shows as its code, and clears once gone long enough.
final class StreamHealthAnalyzerTests: XCTestCase {
    typealias Frame = StreamHealthAnalyzer.Frame
    static let second: UInt64 = 1_000_000_000

    /// A publisher: video at `fps` (DTS rounded per frame), keyframes every
    /// `gop` frames, AAC at 48 kHz (1024 samples a frame); arrival at
    /// `speed` × real time from `start`, ticking once a second.
    struct Publisher {
        var fps = 30.0
        var gop = 60
        var speed = 1.0
        var dtsBase: UInt32 = 0
        var audio = true
        var compositionOffset: Int32 = 0
        var start: UInt64 = 1_000 * second
        /// Payload bytes of video frame i (keyframes included).
        var videoBytes: (Int) -> Int = { _ in 4_000 }
        var audioBytes = 400
        /// Audio stops at this media time while video goes on.
        var audioUntil = Double.infinity

        func run(_ a: inout StreamHealthAnalyzer, seconds: Double, from t0: Double = 0) {
            var events: [(Double, Frame.Track, Int)] = []
            let frames = Int(seconds * fps)
            let first = Int(t0 * fps)
            for i in first..<(first + frames) { events.append((Double(i) / fps, .video, i)) }
            if audio {
                let af = 48000.0 / 1024
                for i in Int(t0 * af)..<Int((t0 + seconds) * af) where Double(i) / af < audioUntil { events.append((Double(i) / af, .audio, i)) }
            }
            events.sort { $0.0 < $1.0 }
            var nextTick = t0 + 1
            for (t, track, i) in events {
                let arrival = start + UInt64(t / speed * 1e9)
                while nextTick / speed <= t / speed { a.tick(now: start + UInt64(nextTick / speed * 1e9)); nextTick += 1 }
                let dts = dtsBase &+ UInt32((t * 1000).rounded(.down))
                a.observe(Frame(track: track, dts: dts, compositionOffset: track == .video ? compositionOffset : 0,
                                isKeyframe: track == .video && i % gop == 0, arrivalNanos: arrival,
                                bytes: track == .video ? videoBytes(i) : audioBytes))
            }
        }
    }

    private func codes(_ a: StreamHealthAnalyzer) -> Set<HealthFinding.Code> { Set(a.findings.map(\.code)) }

    func testACleanStreamHasNoFindingAndItsFigures() {
        var a = StreamHealthAnalyzer()
        a.noteMetadata(frameRate: 30, width: 1280, height: 720)
        a.noteVideoSize(width: 1280, height: 720, now: 0)
        Publisher().run(&a, seconds: 30)
        XCTAssertEqual(a.findings, [])
        XCTAssertEqual(a.figures.keyframeIntervalLast, 2.0)
        XCTAssertEqual(a.figures.keyframeIntervalMin, 2.0)
        XCTAssertEqual(a.figures.keyframeIntervalMax, 2.0)
        XCTAssertEqual(a.figures.keyframeIntervalFrames, 60)
        XCTAssertEqual(a.figures.measuredFrameRate ?? 0, 30, accuracy: 0.3)
        XCTAssertEqual(a.figures.pace ?? 0, 1, accuracy: 0.02)
        XCTAssertLessThan(abs(a.figures.avInterleaveMs ?? 99), 40)
    }

    func testNTSCRateAndTimestampsAcross24BitsAndThe32BitWrapAreClean() {
        for base: UInt32 in [0xFF_FFFF - 5000, UInt32.max - 5000] {
            var a = StreamHealthAnalyzer()
            Publisher(fps: 30000.0 / 1001, gop: 60, dtsBase: base).run(&a, seconds: 20)
            XCTAssertEqual(a.findings, [], "base \(base)")
            XCTAssertEqual(a.figures.measuredFrameRate ?? 0, 29.97, accuracy: 0.1)
            XCTAssertEqual(a.figures.keyframeIntervalLast ?? 0, 2.0, accuracy: 0.01, "60 frames at 29.97 fps")
        }
    }

    func testALongGOPIsFlaggedWhenTheKeyframeIsOverdueAndWhenItComes() {
        var a = StreamHealthAnalyzer()
        Publisher(gop: 360).run(&a, seconds: 12)
        XCTAssertEqual(codes(a), [.keyframeInterval], "overdue past 10 s, before the next keyframe")
        XCTAssertTrue(a.findings[0].detail.hasPrefix("no keyframe for"), a.findings[0].detail)
        Publisher(gop: 360).run(&a, seconds: 14, from: 12)
        XCTAssertEqual(a.figures.keyframeIntervalLast, 12.0)
        XCTAssertEqual(a.faultCount, 1)
    }

    func testBackwardsAndJumpingTimestamps() {
        var a = StreamHealthAnalyzer()
        let now = 1_000 * Self.second
        for (i, dts) in [UInt32(0), 33, 66, 40, 73, 5073, 5106].enumerated() {
            a.observe(Frame(track: .video, dts: dts, isKeyframe: i == 0, arrivalNanos: now + UInt64(i) * 33_000_000))
        }
        XCTAssertEqual(codes(a), [.timestampBackwards, .timestampJump])
        XCTAssertTrue(a.findings.first { $0.code == .timestampBackwards }!.detail.contains("went back 26 ms"))
        XCTAssertTrue(a.findings.first { $0.code == .timestampJump }!.detail.contains("jumped 5.0 s"))
    }

    func testBFramesAreANoteNotAFault() {
        var a = StreamHealthAnalyzer()
        Publisher(compositionOffset: -1).run(&a, seconds: 5)
        XCTAssertEqual(codes(a), [.bFrames])
        XCTAssertEqual(a.faultCount, 0)
        XCTAssertEqual(a.figures.maxCompositionOffsetMs, nil, "a negative offset is no reorder depth")
    }

    func testAFilePushedWithoutReIsTooFast() {
        var a = StreamHealthAnalyzer()
        Publisher(speed: 3).run(&a, seconds: 60)
        XCTAssertEqual(codes(a), [.realtimePace])
        XCTAssertEqual(a.figures.pace ?? 0, 3, accuracy: 0.1)
        XCTAssertTrue(a.findings[0].detail.contains("faster than real time"))
    }

    func testAPauseOfTheServersReadingIsNotThePublishersFault() {
        var a = StreamHealthAnalyzer()
        // 3× fast, but the server paused reading in every window.
        let p = Publisher(speed: 3)
        for s in 0..<6 {
            a.noteReadingPaused()
            p.run(&a, seconds: 10, from: Double(s * 10))
        }
        XCTAssertFalse(codes(a).contains(.realtimePace))
    }

    func testAStallIsFlaggedAndClearsTenSecondsAfterMediaIsBack() {
        var a = StreamHealthAnalyzer()
        let p = Publisher()
        p.run(&a, seconds: 5)
        a.tick(now: p.start + 7 * Self.second)
        XCTAssertEqual(codes(a), [.mediaStall])
        XCTAssertEqual(a.takeChanges().count, 1)
        // It resumes where its timestamps left off (no jump: only the stall).
        Publisher(dtsBase: 0 &- 2000).run(&a, seconds: 25, from: 7)
        XCTAssertEqual(codes(a), [], "cleared")
        XCTAssertEqual(a.takeChanges(), [.cleared(.mediaStall)])
    }

    func testAudioThatStopsWhileVideoGoesOnIsAStallNotAnInterleave() {
        var a = StreamHealthAnalyzer()
        Publisher().run(&a, seconds: 10)
        var noAudio = Publisher()
        noAudio.audio = false
        noAudio.run(&a, seconds: 4, from: 10)
        XCTAssertEqual(codes(a), [.mediaStall])
        XCTAssertTrue(a.findings[0].detail.hasSuffix("while video goes on"), a.findings[0].detail)
    }

    func testAudioArrivingWithTimestampsAheadOfVideo() {
        // Both tracks flowing, audio stamped 1.5 s ahead: an encoder whose
        // audio clock started early. Drift figure: the gap moved from 0.
        var a = StreamHealthAnalyzer()
        let start = 1_000 * Self.second
        for i in 0..<(35 * 30) {
            let t = Double(i) / 30
            let arrival = start + UInt64(t * 1e9)
            if i % 30 == 0 { a.tick(now: arrival) }
            a.observe(Frame(track: .video, dts: UInt32(t * 1000), isKeyframe: i % 60 == 0, arrivalNanos: arrival))
            let skew: Double = t < 12 ? 0 : 1500
            a.observe(Frame(track: .audio, dts: UInt32(t * 1000 + skew), arrivalNanos: arrival + 1))
        }
        XCTAssertEqual(codes(a), [.avInterleave])
        XCTAssertEqual(a.seen.map(\.code), [.timestampJump, .avInterleave], "the audio jumped 1.5 s (cleared since), then stays ahead")
        XCTAssertTrue(a.findings.first { $0.code == .avInterleave }!.detail.contains("1.5 s ahead of video"))
        XCTAssertEqual(a.figures.avInterleaveDriftMs ?? 0, 1500, accuracy: 50)
    }

    func testMetadataThatLiesAboutTheFrameRateOrTheSize() {
        var a = StreamHealthAnalyzer()
        a.noteMetadata(frameRate: 30, width: 1920, height: 1080)
        Publisher(fps: 24, gop: 48).run(&a, seconds: 5)
        XCTAssertEqual(codes(a), [.metadataMismatch])
        XCTAssertTrue(a.findings[0].detail.contains("30.0 fps"), a.findings[0].detail)
        var b = StreamHealthAnalyzer()
        b.noteMetadata(frameRate: nil, width: 1920, height: 1080)
        b.noteVideoSize(width: 1280, height: 720, now: 1)
        XCTAssertEqual(b.findings.first?.detail, "onMetaData says 1920x1080, the stream is 1280x720")
    }

    /// `rtmp-top analyze` ticks on a file's own timestamps, so a tick may
    /// come before the other track's newest arrival: no trap (it was an
    /// arithmetic overflow), and the other track counts as going on.
    func testATickBeforeTheOtherTracksLastArrivalDoesNotTrap() {
        var a = StreamHealthAnalyzer()
        let start = 1_000 * Self.second
        a.observe(Frame(track: .audio, dts: 0, arrivalNanos: start))
        a.observe(Frame(track: .video, dts: 0, isKeyframe: true, arrivalNanos: start + 100 * Self.second))
        // Audio silent for 3 s on this clock, video arrived after it.
        a.tick(now: start + 3 * Self.second)
        XCTAssertEqual(a.findings.map(\.detail), ["no audio for 3.0 s while video goes on"])
    }

    /// Anything a publisher sends is survivable: absurd metadata is ignored,
    /// timestamps a day apart are a jump, not a trap.
    func testHostileNumbersNeitherTrapNorLie() {
        var a = StreamHealthAnalyzer()
        a.noteMetadata(frameRate: .nan, width: Int.max, height: -5)
        a.noteMetadata(frameRate: 1e300, width: nil, height: nil)
        let now = 1_000 * Self.second
        for (i, dts) in [UInt32(0), 1_000, 2_000, 3_000, 0x7FFF_FFFF, 0xFFFF_FFFF, 5].enumerated() {
            a.observe(Frame(track: .video, dts: dts, isKeyframe: i % 2 == 0, arrivalNanos: now + UInt64(i) * 33_000_000))
        }
        a.tick(now: now + 10 * Self.second)
        XCTAssertNil(a.figures.declaredFrameRate)
        XCTAssertFalse(a.findings.contains { $0.code == .metadataMismatch })
        XCTAssertTrue(a.findings.contains { $0.code == .timestampJump })
    }

    func testSparseVideoIsNoJumpAndJitterIsMeasured() {
        var a = StreamHealthAnalyzer()
        // A slideshow: one picture a second (with its audio), a keyframe every 2.
        Publisher(fps: 1, gop: 2).run(&a, seconds: 30)
        XCTAssertEqual(a.findings, [], "a frame a second is no jump")
        var b = StreamHealthAnalyzer()
        let now = 1_000 * Self.second
        var dts: UInt32 = 0
        for i in 0..<300 {
            dts &+= i % 2 == 0 ? 20 : 46  // uneven, 30 fps on average
            b.observe(Frame(track: .video, dts: dts, isKeyframe: i % 60 == 0, arrivalNanos: now + UInt64(dts) * 1_000_000))
        }
        XCTAssertEqual(b.figures.frameIntervalJitterMs ?? 0, 13, accuracy: 1)
    }

    func testASizeMismatchStaysWhileItIsTrue() {
        var a = StreamHealthAnalyzer()
        a.noteMetadata(frameRate: 30, width: 1920, height: 1080)
        a.noteVideoSize(width: 1280, height: 720, now: 1_000 * Self.second)
        Publisher().run(&a, seconds: 30)
        XCTAssertEqual(codes(a), [.metadataMismatch], "not cleared after 10 s while the stream is still 1280x720")
    }

    func testChangesAreReportedOnceEach() {
        var a = StreamHealthAnalyzer()
        Publisher(speed: 3).run(&a, seconds: 40)
        XCTAssertEqual(a.takeChanges().count, 1, "appeared once, however many windows")
        XCTAssertEqual(a.takeChanges(), [])
    }
}
