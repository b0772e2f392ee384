/// Four-character codes as Enhanced RTMP puts them on the wire: four ASCII
/// bytes read as a big-endian UInt32.
enum FourCC {
    static func make(_ text: StaticString) -> UInt32 {
        var value: UInt32 = 0
        text.withUTF8Buffer { bytes in
            for byte in bytes.prefix(4) {
                value = value << 8 | UInt32(byte)
            }
        }
        return value
    }

    static let avc1 = make("avc1")
    static let hvc1 = make("hvc1")
    static let av01 = make("av01")
    static let vp09 = make("vp09")
    static let vp08 = make("vp08")

    static let opus = make("Opus")
    static let flac = make("fLaC")
    static let ac3 = make("ac-3")
    static let eac3 = make("ec-3")
    static let mp4a = make("mp4a")
    static let mp3 = make(".mp3")

    /// The code as text when all four bytes are printable ASCII, so that an
    /// unknown codec can still be named in logs and UIs.
    static func printable(_ value: UInt32) -> String? {
        let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
