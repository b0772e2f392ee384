/// Enhanced RTMP v2 Multitrack pieces for tests: real avcC records and the
/// per-track layout of ManyTracks messages.
public enum MultitrackFixtures {
    /// avcC records from libx264 (baseline): 640x360 and 320x180.
    public static let avcC640 = hex("0142c01effe100196742c01ed900a02ff970110000030001000003003c0f162e4801000568cb83cb20")
    public static let avcC320 = hex("0142c00dffe100196742c00dd901419f9f0110000003001000000303c0f142a48001000568cb83cb20")

    /// One track of a ManyTracks message: its FourCC (ManyTracksManyCodecs
    /// only), id, UI24 size and body.
    public static func track(_ id: UInt8, _ body: [UInt8], fourCC: String? = nil) -> [UInt8] {
        (fourCC.map { Array($0.utf8) } ?? []) + [id, UInt8(body.count >> 16 & 0xFF), UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)] + body
    }

    /// A OneTrack avc1 video message of `track`: key (frame type 1) or inter (2).
    public static func oneTrack(_ track: UInt8, keyframe: Bool, packetType: UInt8, _ body: [UInt8]) -> [UInt8] {
        [0x80 | (keyframe ? 0x10 : 0x20) | 6, packetType] + Array("avc1".utf8) + [track] + body
    }

    /// A ManyTracks avc1 video message: the bodies as tracks 0, 1, … in turn.
    public static func manyTracks(packetType: UInt8, keyframe: Bool, bodies: [[UInt8]]) -> [UInt8] {
        [0x80 | (keyframe ? 0x10 : 0x20) | 6, 1 << 4 | packetType] + Array("avc1".utf8)
            + bodies.enumerated().flatMap { track(UInt8($0.offset), $0.element) }
    }

    static func hex(_ s: String) -> [UInt8] {
        let digits = Array(s.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)! }
    }
}
