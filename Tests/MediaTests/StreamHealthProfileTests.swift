import Media
import XCTest

/// The checks a platform profile adds (keyframe interval, CBR, bitrate
/// ceilings, codecs, frame rate, audio format), and the generic ones about
/// configurations, audio and metadata beyond size and frame rate.
final class StreamHealthProfileTests: XCTestCase {
    typealias Publisher = StreamHealthAnalyzerTests.Publisher
    static let second = StreamHealthAnalyzerTests.second
    static let aac = AudioConfig(codec: .aac, profile: "LC", sampleRate: 48_000, channels: 2)
    static let avc720 = VideoConfig(codec: .avc, profile: "High", level: "3.1", width: 1280, height: 720)

    private func codes(_ a: StreamHealthAnalyzer) -> Set<HealthFinding.Code> { Set(a.findings.filter { !$0.isInformational }.map(\.code)) }

    private func analyzer(_ profile: HealthProfile, video: VideoConfig = avc720, audio: AudioConfig = aac) -> StreamHealthAnalyzer {
        var a = StreamHealthAnalyzer(profile: profile)
        a.noteVideoConfig(video, now: 1)
        a.noteAudioConfig(audio, now: 1)
        return a
    }

    func testACleanStreamPassesEveryProfile() {
        for profile in HealthProfile.allCases {
            var a = analyzer(profile)
            a.noteMetadata(DeclaredMetadata(frameRate: 30, width: 1280, height: 720, videoKilobitsPerSecond: 960, audioKilobitsPerSecond: 96,
                                            audioSampleRate: 48_000, videoCodecID: 7, audioCodecID: 10))
            Publisher().run(&a, seconds: 30)
            XCTAssertEqual(codes(a), [], "\(profile): \(a.findings)")
            // 4000 bytes × 30 fps; 400 bytes × 46.875 frames a second.
            XCTAssertEqual(Double(a.figures.videoBitrate?.meanBps ?? 0), 960_000, accuracy: 20_000)
            XCTAssertEqual(Double(a.figures.audioBitrate?.meanBps ?? 0), 150_000, accuracy: 5_000)
            XCTAssertEqual(a.figures.audioFrameRate ?? 0, 46.875, accuracy: 0.5)
            XCTAssertLessThan(a.figures.videoBitrate?.variation ?? 1, 0.05)
            XCTAssertLessThan(abs(a.figures.avInterleaveDriftMs ?? 99), 30)
            XCTAssertEqual(a.videoFrames, 900)
        }
    }

    func testKeyframeIntervalLimitIsThePlatformsWithAFramesSlack() {
        // 4 s GOPs: fine for any player and for YouTube ("do not exceed 4 s"), not for Twitch (2 s).
        for (profile, flagged) in [(HealthProfile.generic, false), (.youtube, false), (.twitch, true)] {
            var a = analyzer(profile)
            Publisher(gop: 120).run(&a, seconds: 20)
            XCTAssertEqual(codes(a).contains(.keyframeInterval), flagged, "\(profile)")
            if flagged { XCTAssertTrue(a.findings.first { $0.code == .keyframeInterval }!.detail.contains("twitch: 2.0 s"), "\(a.findings)") }
        }
        // 29.97 fps with -g 60: 2.002 s, within the slack.
        var ntsc = analyzer(.twitch)
        Publisher(fps: 30000.0 / 1001, gop: 60).run(&ntsc, seconds: 20)
        XCTAssertEqual(codes(ntsc), [])
        // YouTube: 5 s is past its 4.
        var five = analyzer(.youtube)
        Publisher(gop: 150).run(&five, seconds: 20)
        XCTAssertEqual(codes(five), [.keyframeInterval])
    }

    func testTwitchWantsCBRAndBothHaveBitrateCeilings() {
        // Every other second 4× the bitrate: not CBR.
        var vbr = analyzer(.twitch)
        Publisher(videoBytes: { ($0 / 30) % 2 == 0 ? 8_000 : 2_000 }).run(&vbr, seconds: 20)
        XCTAssertEqual(codes(vbr), [.bitrate])
        XCTAssertTrue(vbr.findings[0].detail.contains("CBR"), vbr.findings[0].detail)
        var youtubeVBR = analyzer(.youtube)
        Publisher(videoBytes: { ($0 / 30) % 2 == 0 ? 8_000 : 2_000 }).run(&youtubeVBR, seconds: 20)
        XCTAssertEqual(codes(youtubeVBR), [], "YouTube only recommends CBR")
        // 30 000 bytes × 30 fps = 7.2 Mbit/s at 720p30: over Twitch's 6, under YouTube's 8.
        var twitch = analyzer(.twitch)
        Publisher(videoBytes: { _ in 30_000 }).run(&twitch, seconds: 20)
        XCTAssertEqual(codes(twitch), [.bitrate])
        XCTAssertTrue(twitch.findings[0].detail.contains("at most 6.0 Mbit/s"), twitch.findings[0].detail)
        var youtube = analyzer(.youtube)
        Publisher(videoBytes: { _ in 30_000 }).run(&youtube, seconds: 20)
        XCTAssertEqual(codes(youtube), [])
        var generic = analyzer(.generic)
        Publisher(videoBytes: { _ in 30_000 }).run(&generic, seconds: 20)
        XCTAssertEqual(codes(generic), [], "no ceiling for any player")
    }

    func testYouTubeCeilingsFollowSizeAndRate() throws {
        let y = PlatformRequirements.youtube
        XCTAssertEqual(y.videoBitrateCeiling(height: 360, frameRate: 30)?.maxBitsPerSecond, 8_000_000)
        XCTAssertEqual(y.videoBitrateCeiling(height: 1080, frameRate: 60)?.maxBitsPerSecond, 10_000_000)
        XCTAssertEqual(y.videoBitrateCeiling(height: 1080, frameRate: 29.97)?.maxBitsPerSecond, 8_000_000)
        XCTAssertEqual(y.videoBitrateCeiling(height: 2160, frameRate: 50)?.maxBitsPerSecond, 40_000_000)
        XCTAssertEqual(y.videoBitrateCeiling(height: 4320, frameRate: 60)?.maxBitsPerSecond, 40_000_000, "past the table: its last row")
        XCTAssertEqual(PlatformRequirements.twitch.videoBitrateCeiling(height: 360, frameRate: 30)?.maxBitsPerSecond, 6_000_000)
    }

    func testCodecsAndAudioFormatsByProfile() {
        let mp3 = AudioConfig(codec: .mp3, profile: nil, sampleRate: 44_100, channels: 2)
        var twitch = analyzer(.twitch, audio: mp3)
        Publisher().run(&twitch, seconds: 12)
        XCTAssertEqual(codes(twitch), [.codec])
        XCTAssertEqual(twitch.findings.first { $0.code == .codec }?.detail, "audio MP3 (twitch: AAC)")
        var youtube = analyzer(.youtube, audio: mp3)
        Publisher().run(&youtube, seconds: 12)
        XCTAssertEqual(codes(youtube), [], "YouTube takes MP3")

        let hevc = VideoConfig(codec: .hevc, profile: "Main", width: 1280, height: 720)
        var t = analyzer(.twitch, video: hevc)
        Publisher().run(&t, seconds: 12)
        XCTAssertEqual(codes(t), [.codec])
        var y = analyzer(.youtube, video: hevc)
        Publisher().run(&y, seconds: 12)
        XCTAssertEqual(codes(y), [])

        let surround = AudioConfig(codec: .aac, profile: "LC", sampleRate: 32_000, channels: 6)
        var s = analyzer(.twitch, audio: surround)
        // 32 kHz AAC: 31.25 frames a second, not the publisher's 46.875 — that is the generic audio_format.
        Publisher().run(&s, seconds: 12)
        XCTAssertEqual(codes(s), [.audioFormat])
        var g = analyzer(.generic, audio: surround)
        Publisher().run(&g, seconds: 12)
        XCTAssertEqual(codes(g), [.audioFormat])
        XCTAssertTrue(g.findings[0].detail.contains("32000 Hz makes 31.3"), g.findings[0].detail)
    }

    func testFrameRateCeiling() {
        var a = analyzer(.twitch)
        Publisher(fps: 120, gop: 240).run(&a, seconds: 10)
        XCTAssertEqual(codes(a), [.frameRate])
        var g = analyzer(.generic)
        Publisher(fps: 120, gop: 240).run(&g, seconds: 10)
        XCTAssertEqual(codes(g), [])
    }

    func testConfigurationChangesMidStream() {
        var a = analyzer(.generic)
        a.noteMetadata(frameRate: 30, width: 1280, height: 720)
        Publisher().run(&a, seconds: 5)
        XCTAssertEqual(codes(a), [])
        a.noteVideoConfig(Self.avc720, now: Publisher().start + 5 * Self.second)
        XCTAssertEqual(codes(a), [], "the same sequence header again is no change")
        a.noteVideoConfig(VideoConfig(codec: .avc, profile: "High", width: 640, height: 360), now: Publisher().start + 5 * Self.second)
        XCTAssertEqual(codes(a), [.configChange], "and not metadata_mismatch: onMetaData described the start")
        XCTAssertEqual(a.findings[0].detail, "video size changed from 1280x720 to 640x360 mid-stream")
        Publisher().run(&a, seconds: 20, from: 5)
        XCTAssertEqual(codes(a), [], "cleared after 10 s")
        a.noteAudioConfig(AudioConfig(codec: .aac, profile: "LC", sampleRate: 44_100, channels: 1), now: Publisher().start + 25 * Self.second)
        XCTAssertEqual(a.findings.first?.detail, "audio changed from AAC LC 48000 Hz stereo to AAC LC 44100 Hz mono mid-stream")
    }

    func testAudioStoppingWhileVideoGoesOn() {
        var a = analyzer(.generic)
        Publisher(audioUntil: 6).run(&a, seconds: 12)
        XCTAssertEqual(codes(a), [.mediaStall])
        XCTAssertTrue(a.findings[0].detail.hasPrefix("no audio for"), a.findings[0].detail)
        XCTAssertTrue(a.findings[0].detail.hasSuffix("while video goes on"))
    }

    func testMetadataCodecsSampleRateAndBitratesAgainstTheStream() {
        var a = analyzer(.generic)
        a.noteMetadata(DeclaredMetadata(videoCodecID: 12))
        XCTAssertEqual(a.findings.map(\.detail), ["onMetaData says video HEVC, the stream is H.264"])
        var mp3 = analyzer(.generic)
        mp3.noteMetadata(DeclaredMetadata(audioCodecID: 2))
        XCTAssertEqual(mp3.findings.map(\.detail), ["onMetaData says audio MP3, the stream is AAC"], "one finding per code: the first sentence")
        var b = analyzer(.generic)
        b.noteMetadata(DeclaredMetadata(audioSampleRate: 44_100))
        XCTAssertEqual(b.findings.map(\.detail), ["onMetaData says 44100 Hz, the audio is 48000 Hz"])
        var c = analyzer(.generic)
        c.noteMetadata(DeclaredMetadata(videoKilobitsPerSecond: 5_000))
        Publisher().run(&c, seconds: 15)
        XCTAssertEqual(c.findings.map(\.detail), ["onMetaData says video 5000 kbit/s, the stream has 960"])
        // An Enhanced RTMP FourCC as videocodecid ('hvc1'), and hostile numbers.
        var d = analyzer(.generic, video: VideoConfig(codec: .hevc, profile: "Main", width: 1280, height: 720))
        d.noteMetadata(DeclaredMetadata(videoCodecID: Double(0x6876_6331), audioCodecID: 10))
        XCTAssertEqual(codes(d), [])
        d.noteMetadata(DeclaredMetadata(frameRate: -.infinity, videoKilobitsPerSecond: .nan, audioSampleRate: 1e300, videoCodecID: -7, audioCodecID: 1e20))
        XCTAssertEqual(codes(d), [])
    }

    func testAStreamNotStartingNearZero() {
        var a = analyzer(.generic)
        Publisher(dtsBase: 3_600_000).run(&a, seconds: 3)
        XCTAssertEqual(codes(a), [.timestampJump])
        XCTAssertEqual(a.figures.firstTimestampMs, 3_600_000)
        var b = analyzer(.generic)
        Publisher(dtsBase: 2_000).run(&b, seconds: 3)
        XCTAssertEqual(codes(b), [])
    }

    func testBitrateMeterCountsEmptySecondsAndResets() {
        var m = BitrateMeter()
        XCTAssertFalse(m.add(bytes: 1000, dts: 0))
        XCTAssertFalse(m.add(bytes: 1000, dts: 999))
        XCTAssertTrue(m.add(bytes: 500, dts: 3000))
        XCTAssertEqual(m.completedSeconds, 3, "second 0, and 1 and 2 empty")
        XCTAssertEqual(m.peakBitsPerSecond, 16_000)
        XCTAssertEqual(m.meanBitsPerSecond ?? 0, 16_000 / 3, accuracy: 1)
        XCTAssertEqual(m.lastBitsPerSecond, 0)
        XCTAssertTrue(m.add(bytes: 1, dts: 3_000_000))
        XCTAssertEqual(m.completedSeconds, 10, "a long gap fills the window with empty seconds, not a loop per second")
        m.reset()
        XCTAssertNil(m.meanBitsPerSecond)
        // Across the 32-bit wrap.
        XCTAssertFalse(m.add(bytes: 10, dts: UInt32.max - 10))
        XCTAssertTrue(m.add(bytes: 10, dts: 2000))
    }
}
