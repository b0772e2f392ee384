import Foundation
import Media
import NIOCore
import XCTest

/// Probes real encoder output: ffmpeg writes legacy FLV (H.264, AAC, MP3, ...)
/// directly; for codecs its FLV muxer cannot carry, the configuration record
/// is taken from an MP4/IVF/Ogg/raw file and wrapped the way Enhanced RTMP does.
final class FFmpegProbeTests: XCTestCase {
    private var scratch: URL?

    override func setUpWithError() throws {
        _ = try FFmpeg.executable()
        scratch = try FFmpeg.scratchDirectory()
    }

    override func tearDownWithError() throws {
        if let scratch {
            try? FileManager.default.removeItem(at: scratch)
        }
    }

    private func ffmpeg(_ arguments: [String], output: String) throws -> [UInt8] {
        try FFmpeg.run(arguments, output: output, in: try XCTUnwrap(scratch))
    }

    private func flvTags(_ bytes: [UInt8]) throws -> [FLVTag] {
        var reader = try FLVReader(ByteBuffer(bytes: bytes))
        var tags: [FLVTag] = []
        while let tag = try reader.next() {
            tags.append(tag)
        }
        return tags
    }

    private func firstSequenceHeader(_ tags: [FLVTag], type: UInt8) throws -> ByteBuffer {
        let tag = tags.first { tag in
            guard tag.type == type else { return false }
            if type == FLVTag.videoType {
                return VideoTagInfo.parse(tag.payload)?.isSequenceHeader ?? false
            }
            return AudioTagInfo.parse(tag.payload)?.isSequenceHeader ?? false
        }
        return try XCTUnwrap(tag?.payload, "no sequence header of type \(type)")
    }

    // MARK: H.264 + AAC in legacy FLV

    func testH264HighAndAACFromTheBriefCommand() throws {
        let bytes = try ffmpeg(
            ["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine", "-t", "1",
             "-c:v", "libx264", "-profile:v", "high", "-c:a", "aac", "-f", "flv"],
            output: "out.flv"
        )
        let tags = try flvTags(bytes)
        let video = try firstSequenceHeader(tags, type: FLVTag.videoType)
        XCTAssertEqual(
            CodecProbe.videoConfig(video),
            VideoConfig(codec: .avc, profile: "High", level: "3.1", width: 1280, height: 720, bitDepth: 8)
        )
        let audio = try firstSequenceHeader(tags, type: FLVTag.audioType)
        XCTAssertEqual(CodecProbe.audioConfig(audio), AudioConfig(codec: .aac, profile: "LC", sampleRate: 44100, channels: 1))

        let videoInfos = tags.filter { $0.type == FLVTag.videoType }.compactMap { VideoTagInfo.parse($0.payload) }
        XCTAssertEqual(videoInfos.count, tags.filter { $0.type == FLVTag.videoType }.count)
        XCTAssertTrue(videoInfos.allSatisfy { $0.codec == .avc && !$0.isEnhanced })
        XCTAssertEqual(videoInfos.filter(\.isSequenceHeader).count, 1)
        // One second with x264's default GOP: exactly the first picture is a key frame.
        XCTAssertEqual(videoInfos.filter(\.isKeyframe).count, 1)
        XCTAssertTrue(videoInfos.dropFirst().first?.isKeyframe ?? false)
        XCTAssertEqual(videoInfos.count, 30 + 1 + 1)  // pictures + sequence header + end of sequence
        XCTAssertTrue(videoInfos.last?.isSequenceEnd ?? false)

        let audioInfos = tags.filter { $0.type == FLVTag.audioType }.compactMap { AudioTagInfo.parse($0.payload) }
        XCTAssertTrue(audioInfos.allSatisfy { $0.codec == .aac && !$0.isEnhanced })
        XCTAssertEqual(audioInfos.filter(\.isSequenceHeader).count, 1)

        // The same AudioSpecificConfig in an Enhanced `mp4a` SequenceStart.
        let asc = Array(MediaFixtures.bytes(audio).dropFirst(2))
        let enhanced = MediaFixtures.enhancedAudio(packetType: 0, fourCC: "mp4a", body: asc)
        XCTAssertEqual(AudioTagInfo.parse(enhanced)?.codec, .aac)
        XCTAssertEqual(AudioTagInfo.parse(enhanced)?.isSequenceHeader, true)
        XCTAssertEqual(CodecProbe.audioConfig(enhanced), AudioConfig(codec: .aac, profile: "LC", sampleRate: 44100, channels: 1))

        // The same avcC in an Enhanced `avc1` SequenceStart.
        let avcC = Array(MediaFixtures.bytes(video).dropFirst(5))
        let enhancedVideo = MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "avc1", body: avcC)
        XCTAssertEqual(CodecProbe.videoConfig(enhancedVideo), CodecProbe.videoConfig(video))
    }

    struct H264Case {
        var size: String
        var extra: [String]
        var frames = 1
        var expected: VideoConfig
    }

    func testH264ProfilesCroppingInterlacingAndScalingLists() throws {
        let cases = [
            // 854 is not a multiple of 16: the SPS codes 864 and crops 10.
            H264Case(size: "854x480", extra: ["-profile:v", "baseline", "-level", "3.0"],
                     expected: VideoConfig(codec: .avc, profile: "Constrained Baseline", level: "3", width: 854, height: 480, bitDepth: 8)),
            // 1080 is coded as 1088 and cropped by 8.
            H264Case(size: "1920x1080", extra: ["-profile:v", "main", "-level", "4.1"],
                     expected: VideoConfig(codec: .avc, profile: "Main", level: "4.1", width: 1920, height: 1080, bitDepth: 8)),
            // Interlaced: frame_mbs_only_flag 0 doubles map-unit height and crop units.
            H264Case(size: "1920x1080", extra: ["-flags", "+ilme+ildct", "-x264-params", "interlaced=1"], frames: 2,
                     expected: VideoConfig(codec: .avc, profile: "High", level: "4", width: 1920, height: 1080, bitDepth: 8)),
            // 4:4:4: chroma_format_idc 3, crop unit 1.
            H264Case(size: "642x362", extra: ["-pix_fmt", "yuv444p"],
                     expected: VideoConfig(codec: .avc, profile: "High 4:4:4 Predictive", level: "3", width: 642, height: 362, bitDepth: 8)),
            // 4:2:2: horizontal crop unit 2, vertical 1.
            H264Case(size: "646x366", extra: ["-pix_fmt", "yuv422p"],
                     expected: VideoConfig(codec: .avc, profile: "High 4:2:2", level: "3", width: 646, height: 366, bitDepth: 8)),
            H264Case(size: "640x360", extra: ["-pix_fmt", "yuv420p10le"],
                     expected: VideoConfig(codec: .avc, profile: "High 10", level: "3", width: 640, height: 360, bitDepth: 10)),
            // Explicit scaling matrices must be walked to reach the size fields.
            H264Case(size: "640x360", extra: ["-x264-params", "cqm=jvt"],
                     expected: VideoConfig(codec: .avc, profile: "High", level: "3", width: 640, height: 360, bitDepth: 8)),
        ]
        for (index, testCase) in cases.enumerated() {
            let bytes = try ffmpeg(
                FFmpeg.videoInput(size: testCase.size, frames: testCase.frames)
                    + ["-c:v", "libx264"] + testCase.extra + ["-f", "flv"],
                output: "h264-\(index).flv"
            )
            let header = try firstSequenceHeader(try flvTags(bytes), type: FLVTag.videoType)
            XCTAssertEqual(CodecProbe.videoConfig(header), testCase.expected, "\(testCase.size) \(testCase.extra)")
        }
    }

    // MARK: HEVC, AV1, VP9, VP8 records wrapped as Enhanced RTMP

    func testHEVCConfigurationFromMP4() throws {
        let cases: [(size: String, extra: [String], expected: VideoConfig)] = [
            ("854x480", [], VideoConfig(codec: .hevc, profile: "Main", level: "3", width: 854, height: 480, bitDepth: 8)),
            ("1280x720", [], VideoConfig(codec: .hevc, profile: "Main", level: "3.1", width: 1280, height: 720, bitDepth: 8)),
            ("1920x1080", [], VideoConfig(codec: .hevc, profile: "Main", level: "4", width: 1920, height: 1080, bitDepth: 8)),
            ("854x480", ["-pix_fmt", "yuv420p10le"],
             VideoConfig(codec: .hevc, profile: "Main 10", level: "3", width: 854, height: 480, bitDepth: 10)),
        ]
        for (index, testCase) in cases.enumerated() {
            let mp4 = try ffmpeg(
                FFmpeg.videoInput(size: testCase.size) + ["-c:v", "libx265", "-x265-params", "log-level=error"]
                    + testCase.extra + ["-f", "mp4"],
                output: "hevc-\(index).mp4"
            )
            let hvcC = try XCTUnwrap(MediaFixtures.boxBody("hvcC", in: mp4))
            let enhanced = MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "hvc1", body: hvcC)
            XCTAssertEqual(CodecProbe.videoConfig(enhanced), testCase.expected, testCase.size)
            let legacy = MediaFixtures.legacySequenceHeader(codecID: 12, record: hvcC)
            XCTAssertEqual(VideoTagInfo.parse(legacy)?.codec, .hevc)
            XCTAssertEqual(VideoTagInfo.parse(legacy)?.isSequenceHeader, true)
            XCTAssertEqual(CodecProbe.videoConfig(legacy), testCase.expected, testCase.size)
        }
    }

    func testAV1ConfigurationFromMP4() throws {
        for encoder in [["-c:v", "libaom-av1", "-cpu-used", "8"], ["-c:v", "libsvtav1"]] {
            let mp4 = try ffmpeg(FFmpeg.videoInput(size: "854x480") + encoder + ["-f", "mp4"], output: "\(encoder[1]).mp4")
            let av1C = try XCTUnwrap(MediaFixtures.boxBody("av1C", in: mp4), encoder[1])
            let payload = MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "av01", body: av1C)
            let config = try XCTUnwrap(CodecProbe.videoConfig(payload), encoder[1])
            XCTAssertEqual(config.codec, .av1)
            XCTAssertEqual(config.profile, "Main", encoder[1])
            XCTAssertEqual(config.level, "3.0", encoder[1])
            XCTAssertEqual(config.bitDepth, 8, encoder[1])
            // max_frame_width/height: both encoders declare exactly the picture size.
            XCTAssertEqual(config.width, 854, encoder[1])
            XCTAssertEqual(config.height, 480, encoder[1])

            // A record without configOBUs still names profile and level, but has no size.
            let bare = MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "av01", body: Array(av1C.prefix(4)))
            XCTAssertEqual(CodecProbe.videoConfig(bare), VideoConfig(codec: .av1, profile: "Main", level: "3.0", bitDepth: 8))
        }
    }

    func testVP9ConfigurationFromMP4AndFrameSizeFromIVF() throws {
        let mp4 = try ffmpeg(FFmpeg.videoInput(size: "854x480") + ["-c:v", "libvpx-vp9", "-f", "mp4"], output: "vp9.mp4")
        // ffmpeg's vpcC keeps the FullBox version/flags; the Enhanced RTMP form drops them. Both must parse.
        let fullBox = try XCTUnwrap(MediaFixtures.boxBody("vpcC", in: mp4))
        let expected = VideoConfig(codec: .vp9, profile: "Profile 0", level: "3", bitDepth: 8)
        XCTAssertEqual(
            CodecProbe.videoConfig(MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "vp09", body: fullBox)),
            expected
        )
        XCTAssertEqual(
            CodecProbe.videoConfig(
                MediaFixtures.enhancedVideo(frameType: 1, packetType: 0, fourCC: "vp09", body: Array(fullBox.dropFirst(4)))
            ),
            expected
        )

        let profiles: [(pixelFormat: String, profile: Int)] = [("yuv420p", 0), ("yuv444p", 1), ("yuv420p10le", 2)]
        for (pixelFormat, profile) in profiles {
            let ivf = try ffmpeg(
                FFmpeg.videoInput(size: "854x480", frames: 2) + ["-c:v", "libvpx-vp9", "-pix_fmt", pixelFormat, "-f", "ivf"],
                output: "vp9-\(pixelFormat).ivf"
            )
            let frames = MediaFixtures.ivfFrames(ivf)
            XCTAssertGreaterThanOrEqual(frames.count, 1)
            let keyframe = try XCTUnwrap(frames.first)
            XCTAssertEqual(Int(keyframe[0] >> 4 & 1) << 1 | Int(keyframe[0] >> 5 & 1), profile, pixelFormat)
            for packetType: UInt8 in [1, 3] {
                let payload = MediaFixtures.enhancedVideo(frameType: 1, packetType: packetType, fourCC: "vp09", body: keyframe)
                let size = try XCTUnwrap(CodecProbe.vp9FrameSize(payload), pixelFormat)
                XCTAssertEqual(size.width, 854, pixelFormat)
                XCTAssertEqual(size.height, 480, pixelFormat)
                XCTAssertEqual(VideoTagInfo.parse(payload)?.isKeyframe, true)
            }
            // The same bytes under another FourCC are not VP9.
            XCTAssertNil(CodecProbe.vp9FrameSize(MediaFixtures.enhancedVideo(frameType: 1, packetType: 1, fourCC: "av01", body: keyframe)))
        }
    }

    func testVP8FrameSizeFromIVF() throws {
        let ivf = try ffmpeg(FFmpeg.videoInput(size: "854x480", frames: 2) + ["-c:v", "libvpx", "-f", "ivf"], output: "vp8.ivf")
        let frames = MediaFixtures.ivfFrames(ivf)
        let keyframe = try XCTUnwrap(frames.first)
        let payload = MediaFixtures.enhancedVideo(frameType: 1, packetType: 1, fourCC: "vp08", body: keyframe)
        XCTAssertEqual(VideoTagInfo.parse(payload)?.codec, .vp8)
        let size = try XCTUnwrap(CodecProbe.vp8FrameSize(payload))
        XCTAssertEqual(size.width, 854)
        XCTAssertEqual(size.height, 480)
        if frames.count > 1 {
            let inter = MediaFixtures.enhancedVideo(frameType: 2, packetType: 1, fourCC: "vp08", body: frames[1])
            XCTAssertNil(CodecProbe.vp8FrameSize(inter))
        }
    }

    // MARK: Audio

    func testLegacyFLVAudioCodecs() throws {
        struct AudioCase {
            var encoder: String
            var rate: Int
            var channels: Int
            var codec: AudioCodec
            var expected: AudioConfig
        }
        let cases = [
            AudioCase(encoder: "libmp3lame", rate: 44100, channels: 2, codec: .mp3,
                      expected: AudioConfig(codec: .mp3, profile: "MPEG-1 Layer III", sampleRate: 44100, channels: 2)),
            AudioCase(encoder: "libmp3lame", rate: 22050, channels: 1, codec: .mp3,
                      expected: AudioConfig(codec: .mp3, profile: "MPEG-2 Layer III", sampleRate: 22050, channels: 1)),
            AudioCase(encoder: "nellymoser", rate: 8000, channels: 1, codec: .nellymoser8k,
                      expected: AudioConfig(codec: .nellymoser8k, sampleRate: 8000, channels: 1)),
            AudioCase(encoder: "nellymoser", rate: 16000, channels: 1, codec: .nellymoser16k,
                      expected: AudioConfig(codec: .nellymoser16k, sampleRate: 16000, channels: 1)),
            AudioCase(encoder: "nellymoser", rate: 22050, channels: 1, codec: .nellymoser,
                      expected: AudioConfig(codec: .nellymoser, sampleRate: 22050, channels: 1)),
            // ffmpeg flags Speex as 11 kHz; Speex in FLV is always 16 kHz.
            AudioCase(encoder: "libspeex", rate: 16000, channels: 1, codec: .speex,
                      expected: AudioConfig(codec: .speex, sampleRate: 16000, channels: 1)),
            AudioCase(encoder: "pcm_alaw", rate: 8000, channels: 1, codec: .g711a,
                      expected: AudioConfig(codec: .g711a, sampleRate: 8000, channels: 1)),
            AudioCase(encoder: "pcm_mulaw", rate: 8000, channels: 1, codec: .g711u,
                      expected: AudioConfig(codec: .g711u, sampleRate: 8000, channels: 1)),
            AudioCase(encoder: "adpcm_swf", rate: 22050, channels: 2, codec: .adpcm,
                      expected: AudioConfig(codec: .adpcm, sampleRate: 22050, channels: 2)),
            AudioCase(encoder: "pcm_s16le", rate: 44100, channels: 2, codec: .pcmLE,
                      expected: AudioConfig(codec: .pcmLE, sampleRate: 44100, channels: 2)),
        ]
        for testCase in cases {
            let label = "\(testCase.encoder) \(testCase.rate)/\(testCase.channels)"
            let bytes = try ffmpeg(
                ["-f", "lavfi", "-i", "sine=sample_rate=\(testCase.rate)", "-t", "0.3", "-ac", "\(testCase.channels)",
                 "-c:a", testCase.encoder, "-f", "flv"],
                output: "\(testCase.encoder)-\(testCase.rate).flv"
            )
            let audioTags = try flvTags(bytes).filter { $0.type == FLVTag.audioType }
            XCTAssertFalse(audioTags.isEmpty, label)
            for tag in audioTags {
                let info = try XCTUnwrap(AudioTagInfo.parse(tag.payload), label)
                XCTAssertEqual(info.codec, testCase.codec, label)
                XCTAssertFalse(info.isSequenceHeader, label)
                XCTAssertEqual(info.soundRate, testCase.expected.sampleRate, label)
                XCTAssertEqual(info.channels, testCase.expected.channels, label)
            }
            XCTAssertEqual(CodecProbe.audioConfig(try XCTUnwrap(audioTags.first).payload), testCase.expected, label)
        }
    }

    func testMP3InEnhancedAudio() throws {
        let bytes = try ffmpeg(
            ["-f", "lavfi", "-i", "sine", "-t", "0.3", "-ac", "2", "-c:a", "libmp3lame", "-f", "flv"], output: "mp3.flv"
        )
        let legacy = try XCTUnwrap(try flvTags(bytes).first { $0.type == FLVTag.audioType })
        let frame = Array(MediaFixtures.bytes(legacy.payload).dropFirst())
        let enhanced = MediaFixtures.enhancedAudio(packetType: 1, fourCC: ".mp3", body: frame)
        XCTAssertEqual(AudioTagInfo.parse(enhanced), AudioTagInfo(codec: .mp3, isEnhanced: true, isSequenceHeader: false, packetType: 1))
        XCTAssertEqual(CodecProbe.audioConfig(enhanced), AudioConfig(codec: .mp3, profile: "MPEG-1 Layer III", sampleRate: 44100, channels: 2))
    }

    func testOpusHeadFromOgg() throws {
        let ogg = try ffmpeg(["-f", "lavfi", "-i", "sine", "-t", "0.3", "-ac", "2", "-c:a", "libopus", "-f", "ogg"], output: "opus.ogg")
        let magic = Array("OpusHead".utf8)
        let start = try XCTUnwrap((0..<(ogg.count - 19)).first { Array(ogg[$0..<($0 + 8)]) == magic })
        let head = Array(ogg[start..<(start + 19)])
        let payload = MediaFixtures.enhancedAudio(packetType: 0, fourCC: "Opus", body: head)
        XCTAssertEqual(AudioTagInfo.parse(payload), AudioTagInfo(codec: .opus, isEnhanced: true, isSequenceHeader: true, packetType: 0))
        XCTAssertEqual(CodecProbe.audioConfig(payload), AudioConfig(codec: .opus, sampleRate: 48000, channels: 2))
    }

    func testFLACStreamInfoInEveryWrapping() throws {
        let flac = try ffmpeg(["-f", "lavfi", "-i", "sine", "-t", "0.3", "-f", "flac"], output: "sine.flac")
        XCTAssertEqual(Array(flac.prefix(4)), Array("fLaC".utf8))
        let expected = AudioConfig(codec: .flac, sampleRate: 44100, channels: 1)
        for body in [Array(flac.prefix(42)), Array(flac[4..<42]), Array(flac[8..<42])] {
            let payload = MediaFixtures.enhancedAudio(packetType: 0, fourCC: "fLaC", body: body)
            XCTAssertEqual(CodecProbe.audioConfig(payload), expected, "body of \(body.count) bytes")
        }
    }

    func testDolbyCodedFrames() throws {
        let cases: [(format: String, channels: Int, codec: AudioCodec, fourCC: String)] = [
            ("ac3", 2, .ac3, "ac-3"), ("ac3", 6, .ac3, "ac-3"), ("eac3", 2, .eac3, "ec-3"), ("eac3", 6, .eac3, "ec-3"),
        ]
        for testCase in cases {
            let raw = try ffmpeg(
                ["-f", "lavfi", "-i", "sine", "-t", "0.3", "-ac", "\(testCase.channels)", "-c:a", testCase.format, "-f", testCase.format],
                output: "sine-\(testCase.channels).\(testCase.format)"
            )
            let payload = MediaFixtures.enhancedAudio(packetType: 1, fourCC: testCase.fourCC, body: Array(raw.prefix(64)))
            XCTAssertEqual(AudioTagInfo.parse(payload)?.codec, testCase.codec)
            XCTAssertEqual(
                CodecProbe.audioConfig(payload),
                AudioConfig(codec: testCase.codec, sampleRate: 44100, channels: testCase.channels),
                "\(testCase.format) \(testCase.channels)"
            )
        }
    }
}
