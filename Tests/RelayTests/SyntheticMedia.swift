import NIOCore

/// Made-up AVC/AAC messages with real tag headers: enough for the relay's
/// keyframe and sequence-header logic, no encoder needed.
enum SyntheticMedia {
    struct Message {
        var typeID: UInt8
        var timestamp: UInt32
        var payload: ByteBuffer
    }

    static func videoSequenceHeader() -> ByteBuffer { ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF]) }
    static func audioSequenceHeader() -> ByteBuffer { ByteBuffer(bytes: [0xAF, 0x00, 0x12, 0x08]) }

    static func video(keyframe: Bool, size: Int, seed: Int) -> ByteBuffer {
        var b = ByteBuffer(bytes: [keyframe ? 0x17 : 0x27, 0x01, 0, 0, 0])
        b.writeRepeatingByte(UInt8(truncatingIfNeeded: seed), count: size)
        return b
    }

    static func audio(seed: Int) -> ByteBuffer {
        var b = ByteBuffer(bytes: [0xAF, 0x01])
        b.writeRepeatingByte(UInt8(truncatingIfNeeded: seed), count: 200)
        return b
    }

    /// `seconds` of 30 fps video (keyframe every `gop` frames) and ~43 fps
    /// audio, in timestamp order, starting with both sequence headers.
    static func stream(seconds: Int, gop: Int = 30, videoFrameSize: Int = 4000) -> [Message] {
        var out = [Message(typeID: 9, timestamp: 0, payload: videoSequenceHeader()),
                   Message(typeID: 8, timestamp: 0, payload: audioSequenceHeader())]
        var v = 0, a = 0
        while true {
            let vt = v * 1000 / 30, at = a * 1024 * 1000 / 44100
            if vt >= seconds * 1000 && at >= seconds * 1000 { break }
            if vt <= at {
                out.append(Message(typeID: 9, timestamp: UInt32(vt), payload: video(keyframe: v % gop == 0, size: videoFrameSize, seed: v)))
                v += 1
            } else {
                out.append(Message(typeID: 8, timestamp: UInt32(at), payload: audio(seed: a)))
                a += 1
            }
        }
        return out
    }
}
