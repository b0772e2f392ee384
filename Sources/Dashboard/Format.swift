import Relay

/// Short, fixed-shape text for numbers, so table columns stay narrow and
/// line up: bitrates in decimal units (as encoders are configured), sizes in
/// binary units (as file managers show them), durations in two units.
/// Every function accepts any input (NaN, negative, huge) without trapping.
public enum Format {
    /// `0 b/s`, `950 b/s`, `950 kb/s`, `4.2 Mb/s`, `123 Mb/s`, `1.5 Gb/s`; at
    /// most nine characters.
    public static func bitrate(_ bitsPerSecond: Double) -> String {
        guard !bitsPerSecond.isNaN, bitsPerSecond >= 0.5 else { return "0 b/s" }
        if bitsPerSecond < 999.5 { return "\(roundedInt(bitsPerSecond)) b/s" }
        let kilo = bitsPerSecond / 1000
        if kilo < 999.5 { return "\(roundedInt(kilo)) kb/s" }
        var value = kilo / 1000
        for unit in ["Mb/s", "Gb/s", "Tb/s", "Pb/s"] {
            if value < 99.95 { return "\(oneDecimal(value)) \(unit)" }
            if value < 999.5 { return "\(roundedInt(value)) \(unit)" }
            value /= 1000
        }
        // Only a broken counter gets here; keep the column's width.
        return ">999 Pb/s"
    }

    /// `512 B`, `3.4 KiB`, `12.0 MiB`, `1.1 GiB` … up to EiB; negative is 0.
    public static func bytes<Count: BinaryInteger>(_ count: Count) -> String {
        let bytes = count < 0 ? 0 : UInt64(clamping: count)
        if bytes < 1024 { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        var unitIndex = 0
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        // Switch units before rounding would print "1024.0".
        while value >= 1023.95 && unitIndex < units.count - 1 {
            value /= 1024
            unitIndex += 1
        }
        return "\(oneDecimal(value)) \(units[unitIndex])"
    }

    /// `42s`, `3m05s`, `1h02m`, `2d03h`: two units at most, whole seconds
    /// (rounded down); negative or NaN is `0s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 1 else { return "0s" }
        let total = seconds >= 9e18 ? Int.max : Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(twoDigits(total % 60))s" }
        if total < 86400 { return "\(total / 3600)h\(twoDigits(total % 3600 / 60))m" }
        return "\(total / 86400)d\(twoDigits(total % 86400 / 3600))h"
    }

    /// `1280x720`, or nil when either side is unknown or not positive.
    public static func resolution(width: Int?, height: Int?) -> String? {
        guard let width, let height, width > 0, height > 0 else { return nil }
        return "\(width)x\(height)"
    }

    /// `30fps`, `29.97fps`, `12.5fps`; nil when unknown or not positive.
    public static func frameRate(_ framesPerSecond: Double?) -> String? {
        guard let fps = framesPerSecond, fps.isFinite, fps > 0.005 else { return nil }
        let hundredths = roundedInt(fps * 100)
        if hundredths % 100 == 0 || hundredths >= 100_000 { return "\(roundedInt(fps))fps" }
        var text = "\(hundredths / 100).\(twoDigits(hundredths % 100))"
        if text.hasSuffix("0") { text.removeLast() }
        return text + "fps"
    }

    /// `44.1kHz`, `48kHz`, `8kHz`, `800Hz`; nil when unknown.
    public static func sampleRate(_ hertz: Int?) -> String? {
        guard let hertz, hertz > 0 else { return nil }
        if hertz < 1000 { return "\(hertz)Hz" }
        let tenths = hertz / 100 + (hertz % 100 >= 50 ? 1 : 0)
        return tenths % 10 == 0 ? "\(tenths / 10)kHz" : "\(tenths / 10).\(tenths % 10)kHz"
    }

    /// `H.264 1280x720 30fps`: codec, resolution and frame rate as far as
    /// known; `-` without video.
    public static func video(_ video: VideoSnapshot?, frameRate: Double?) -> String {
        guard let video else { return "-" }
        return [video.codec, resolution(width: video.width, height: video.height), self.frameRate(frameRate)]
            .compactMap { $0 }.joined(separator: " ")
    }

    /// `AAC 44.1kHz 2ch`: codec, sample rate and channels as far as known;
    /// `-` without audio.
    public static func audio(_ audio: AudioSnapshot?) -> String {
        guard let audio else { return "-" }
        let channels = audio.channels.flatMap { $0 > 0 ? "\($0)ch" : nil }
        return [audio.codec, sampleRate(audio.sampleRate), channels].compactMap { $0 }.joined(separator: " ")
    }

    /// A counter in at most five characters: `99999`, `100k`, `9999k`, `10M` ….
    public static func count(_ value: UInt64) -> String {
        var value = value
        var unitIndex = 0
        let units = ["", "k", "M", "G", "T", "P", "E"]
        while value >= (unitIndex == 0 ? 100_000 : 10_000) && unitIndex < units.count - 1 {
            value /= 1000
            unitIndex += 1
        }
        return "\(value)\(units[unitIndex])"
    }

    /// `14:03:27` for a time given as seconds since 1970, shifted by
    /// `utcOffsetSeconds` (the renderer gets the offset from `RenderOptions`
    /// so the output does not depend on the machine's time zone).
    public static func clockTime(secondsSince1970: Double, utcOffsetSeconds: Int) -> String {
        guard secondsSince1970.isFinite, abs(secondsSince1970) < 1e15 else { return "--:--:--" }
        let local = Int(secondsSince1970.rounded(.down)) + utcOffsetSeconds
        let ofDay = ((local % 86400) + 86400) % 86400
        return "\(twoDigits(ofDay / 3600)):\(twoDigits(ofDay % 3600 / 60)):\(twoDigits(ofDay % 60))"
    }

    // MARK: helpers

    /// `Int(x.rounded())` that cannot trap.
    static func roundedInt(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        if value >= 9.2e18 { return Int.max }
        if value <= -9.2e18 { return Int.min }
        return Int(value.rounded())
    }

    /// One digit after the point, without Foundation's `String(format:)`.
    static func oneDecimal(_ value: Double) -> String {
        let tenths = roundedInt(value * 10)
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
