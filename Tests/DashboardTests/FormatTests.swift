import XCTest
import Dashboard
import Relay

final class FormatTests: XCTestCase {
    func testBitrate() {
        XCTAssertEqual(Format.bitrate(0), "0 b/s")
        XCTAssertEqual(Format.bitrate(950), "950 b/s")
        XCTAssertEqual(Format.bitrate(950_000), "950 kb/s")
        XCTAssertEqual(Format.bitrate(999_499), "999 kb/s")
        XCTAssertEqual(Format.bitrate(999_500), "1.0 Mb/s")
        XCTAssertEqual(Format.bitrate(4_200_000), "4.2 Mb/s")
        XCTAssertEqual(Format.bitrate(12_345_678), "12.3 Mb/s")
        XCTAssertEqual(Format.bitrate(123_000_000), "123 Mb/s")
        XCTAssertEqual(Format.bitrate(1_500_000_000), "1.5 Gb/s")
    }

    func testBitrateOfNonsenseStaysShort() {
        XCTAssertEqual(Format.bitrate(-5), "0 b/s")
        XCTAssertEqual(Format.bitrate(.nan), "0 b/s")
        XCTAssertEqual(Format.bitrate(.infinity), ">999 Pb/s")
        XCTAssertEqual(Format.bitrate(1e300), ">999 Pb/s")
        for exponent in 0...30 {
            let text = Format.bitrate(pow(10, Double(exponent)) * 0.99951)
            XCTAssertLessThanOrEqual(text.count, 9, text)
        }
    }

    func testBytes() {
        XCTAssertEqual(Format.bytes(0), "0 B")
        XCTAssertEqual(Format.bytes(512), "512 B")
        XCTAssertEqual(Format.bytes(1023), "1023 B")
        XCTAssertEqual(Format.bytes(1024), "1.0 KiB")
        XCTAssertEqual(Format.bytes(3482), "3.4 KiB")
        XCTAssertEqual(Format.bytes(12_582_912), "12.0 MiB")
        XCTAssertEqual(Format.bytes(1_181_116_006), "1.1 GiB")
        XCTAssertEqual(Format.bytes(1_048_575), "1.0 MiB", "1023.999 KiB rounds into the next unit")
        XCTAssertEqual(Format.bytes(UInt64.max), "16.0 EiB")
        XCTAssertEqual(Format.bytes(Int64(-5)), "0 B")
        XCTAssertEqual(Format.bytes(Int.min), "0 B")
    }

    func testDuration() {
        XCTAssertEqual(Format.duration(0), "0s")
        XCTAssertEqual(Format.duration(42), "42s")
        XCTAssertEqual(Format.duration(42.9), "42s")
        XCTAssertEqual(Format.duration(185), "3m05s")
        XCTAssertEqual(Format.duration(3725), "1h02m")
        XCTAssertEqual(Format.duration(2 * 86400 + 3 * 3600 + 59), "2d03h")
        XCTAssertEqual(Format.duration(-3), "0s")
        XCTAssertEqual(Format.duration(.nan), "0s")
        XCTAssertTrue(Format.duration(1e30).hasSuffix("h"))
    }

    func testResolutionFrameRateAndSampleRate() {
        XCTAssertEqual(Format.resolution(width: 1280, height: 720), "1280x720")
        XCTAssertNil(Format.resolution(width: 1280, height: nil))
        XCTAssertNil(Format.resolution(width: 0, height: 720))
        XCTAssertEqual(Format.frameRate(30), "30fps")
        XCTAssertEqual(Format.frameRate(29.97), "29.97fps")
        XCTAssertEqual(Format.frameRate(23.976), "23.98fps")
        XCTAssertEqual(Format.frameRate(12.5), "12.5fps")
        XCTAssertNil(Format.frameRate(nil))
        XCTAssertNil(Format.frameRate(0))
        XCTAssertNil(Format.frameRate(.nan))
        XCTAssertEqual(Format.frameRate(1e300), "\(Int.max)fps")
        XCTAssertEqual(Format.sampleRate(44100), "44.1kHz")
        XCTAssertEqual(Format.sampleRate(48000), "48kHz")
        XCTAssertEqual(Format.sampleRate(22050), "22.1kHz")
        XCTAssertEqual(Format.sampleRate(8000), "8kHz")
        XCTAssertEqual(Format.sampleRate(800), "800Hz")
        XCTAssertNil(Format.sampleRate(nil))
        XCTAssertNil(Format.sampleRate(0))
    }

    func testCodecSummaries() {
        let video = VideoSnapshot(codec: "H.264", profile: "High", level: "4.1", width: 1280, height: 720)
        XCTAssertEqual(Format.video(video, frameRate: 30), "H.264 1280x720 30fps")
        XCTAssertEqual(Format.video(VideoSnapshot(codec: "HEVC", profile: nil, level: nil, width: nil, height: nil), frameRate: 25), "HEVC 25fps")
        XCTAssertEqual(Format.video(nil, frameRate: 30), "-")
        let audio = AudioSnapshot(codec: "AAC", profile: "LC", sampleRate: 44100, channels: 2)
        XCTAssertEqual(Format.audio(audio), "AAC 44.1kHz 2ch")
        XCTAssertEqual(Format.audio(AudioSnapshot(codec: "Opus", profile: nil, sampleRate: 48000, channels: nil)), "Opus 48kHz")
        XCTAssertEqual(Format.audio(nil), "-")
    }

    func testCountFitsFiveCharacters() {
        XCTAssertEqual(Format.count(0), "0")
        XCTAssertEqual(Format.count(99_999), "99999")
        XCTAssertEqual(Format.count(100_000), "100k")
        XCTAssertEqual(Format.count(9_999_999), "9999k")
        XCTAssertEqual(Format.count(10_000_000), "10M")
        XCTAssertEqual(Format.count(UInt64.max), "18E")
        var value: UInt64 = 1
        while value < UInt64.max / 3 {
            XCTAssertLessThanOrEqual(Format.count(value).count, 5, "\(value)")
            value = value * 3 + 1
        }
    }

    func testClockTime() {
        XCTAssertEqual(Format.clockTime(secondsSince1970: 1_700_000_000, utcOffsetSeconds: 0), "22:13:20")
        XCTAssertEqual(Format.clockTime(secondsSince1970: 1_700_000_000, utcOffsetSeconds: 3600), "23:13:20")
        XCTAssertEqual(Format.clockTime(secondsSince1970: 1_700_000_000, utcOffsetSeconds: -23 * 3600), "23:13:20")
        XCTAssertEqual(Format.clockTime(secondsSince1970: -1, utcOffsetSeconds: 0), "23:59:59")
        XCTAssertEqual(Format.clockTime(secondsSince1970: .nan, utcOffsetSeconds: 0), "--:--:--")
    }

    func testSparkline() {
        XCTAssertEqual(Sparkline.text([0, 1, 2, 4, 8], width: 5, unicode: true), "▁▂▃▅█")
        XCTAssertEqual(Sparkline.text([0, 1, 2, 4, 8], width: 5, unicode: false), " .:=#")
        XCTAssertEqual(Sparkline.text([0, 1, 2, 4, 8], width: 2, unicode: true), "▂█", "the newest values, scaled to themselves")
        XCTAssertEqual(Sparkline.text([5, 5], width: 10, unicode: true), "▅▅", "a young stream fills in from the left")
        XCTAssertEqual(Sparkline.text([0, 0, 0], width: 3, unicode: true), "▁▁▁")
        XCTAssertEqual(Sparkline.text([.nan, .infinity, -1, 4], width: 4, unicode: true), "▁▁▁▅")
        XCTAssertEqual(Sparkline.text([1, 2], width: 0, unicode: true), "")
    }

    func testSparklineScalesBetweenTheWindowsLowAndHigh() {
        // A steady 2.5 Mb/s stream varying by ±8%: not a wall of full bars, the variation shows.
        let steady: [Double] = [2_300_000, 2_500_000, 2_700_000, 2_400_000, 2_600_000, 2_500_000]
        XCTAssertEqual(Sparkline.text(steady, width: 6, unicode: true), "▃▅▇▄▆▅")
        XCTAssertEqual(Sparkline.text(steady, width: 6, unicode: false), ":=*-+=")
        // Only the shown window counts: an old peak scrolled out no longer flattens the rest.
        XCTAssertEqual(Sparkline.text([50_000_000] + steady, width: 6, unicode: true), "▃▅▇▄▆▅")
    }

    func testSparklineOfAFlatLineSitsAtMidHeight() {
        XCTAssertEqual(Sparkline.text(Array(repeating: 128_000, count: 8), width: 8, unicode: true), "▅▅▅▅▅▅▅▅")
        XCTAssertEqual(Sparkline.text(Array(repeating: 128_000, count: 8), width: 8, unicode: false), "========")
        // Wobbles far smaller than the floor stay near the middle instead of filling the height.
        XCTAssertEqual(Sparkline.text([1_000_000, 1_010_000, 990_000, 1_000_000], width: 4, unicode: true), "▅▅▅▅")
        XCTAssertEqual(Sparkline.text([1_000_000, 1_100_000, 900_000, 1_000_000], width: 4, unicode: true), "▅▇▃▅")
    }

    func testSparklineKeepsTheLowestGlyphForZero() {
        // A stall reads as nothing, and the lowest positive value is still a bar.
        XCTAssertEqual(Sparkline.text([3_000_000, 0, 2_000_000, 3_000_000], width: 4, unicode: true), "█▁▂█")
        XCTAssertEqual(Sparkline.text([3_000_000, 0, 2_000_000, 3_000_000], width: 4, unicode: false), "# .#")
        XCTAssertEqual(Sparkline.text([0, 0, 700], width: 3, unicode: true), "▁▁▅")
        // Extremes neither trap nor leave the glyph range.
        XCTAssertEqual(Sparkline.text([.leastNonzeroMagnitude, .greatestFiniteMagnitude], width: 2, unicode: true), "▂█")
        XCTAssertEqual(Sparkline.text([.leastNonzeroMagnitude], width: 1, unicode: true), "▅")
    }
}
