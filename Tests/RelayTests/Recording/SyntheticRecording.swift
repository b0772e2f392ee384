import Media
import NIOCore

/// Small, regular AVC and AAC tags for recording tests that need many
/// frames or exact timing rather than real pictures.
enum SyntheticRecording {
    struct Frame {
        var type: UInt8
        var timestamp: UInt32
        var payload: ByteBuffer
        var isKeyframe: Bool
    }

    /// A legacy AVC stream: the sequence header, then one keyframe every
    /// `keyframeInterval` seconds and inter frames between.
    static func videoTags(seconds: Int, framesPerSecond: Int = 30, keyframeInterval: Int = 1) -> [Frame] {
        // avcC version 1, High profile, level 3.1, 4-byte lengths, no parameter sets.
        var frames = [Frame(type: FLVTag.videoType, timestamp: 0,
                            payload: ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE0, 0x00]),
                            isKeyframe: false)]
        let total = seconds * framesPerSecond
        for number in 0..<total {
            let isKeyframe = number % (framesPerSecond * keyframeInterval) == 0
            let body = [UInt8](repeating: UInt8(truncatingIfNeeded: number), count: isKeyframe ? 400 : 60)
            frames.append(Frame(
                type: FLVTag.videoType,
                timestamp: UInt32(number * 1000 / framesPerSecond),
                payload: ByteBuffer(bytes: [isKeyframe ? 0x17 : 0x27, 0x01, 0, 0, 0] + body),
                isKeyframe: isKeyframe
            ))
        }
        return frames
    }

    /// Legacy AAC-LC, 44.1 kHz stereo: the sequence header, then one frame
    /// per 1024 samples.
    static func aacTags(seconds: Int) -> [Frame] {
        var frames = [Frame(type: FLVTag.audioType, timestamp: 0,
                            payload: ByteBuffer(bytes: [0xAF, 0x00, 0x12, 0x10]), isKeyframe: false)]
        let total = seconds * 44100 / 1024
        for number in 0..<total {
            frames.append(Frame(
                type: FLVTag.audioType,
                timestamp: UInt32(number * 1024 * 1000 / 44100),
                payload: ByteBuffer(bytes: [0xAF, 0x01] + [UInt8](repeating: 0x21, count: 20)),
                isKeyframe: false
            ))
        }
        return frames
    }
}
