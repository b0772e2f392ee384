import NIOCore
import RTMP
import XCTest

/// Reassembly is linear in the bytes of a message, whatever its chunk count:
/// checked through the decoder's own copy counter, not a clock.
final class ChunkReassemblyCostTests: XCTestCase {
    private func wire(messageSize: Int, chunkSize: Int, interleaveAudio: Bool) -> (ByteBuffer, [RTMPMessage]) {
        var encoder = RTMPChunkEncoder()
        var wire = ByteBuffer()
        var sent: [RTMPMessage] = []
        if chunkSize != 128 {
            let announce = ControlMessage.setChunkSize(UInt32(chunkSize)).message
            encoder.encode(announce, into: &wire)
            encoder.setChunkSize(chunkSize)
            sent.append(announce)
        }
        let video = RTMPMessage(chunkStreamID: 6, typeID: RTMPMessageType.video, messageStreamID: 1, timestamp: 40,
                                payload: ChunkTestSupport.payload(messageSize, seed: 3))
        if interleaveAudio {
            // Another chunk stream's whole messages between this one's chunks,
            // as a publisher interleaves audio with a big keyframe.
            var body = RTMPChunkEncoder.chunkedBody(video.payload, chunkStreamID: 6, chunkSize: chunkSize, extendedTimestamp: nil)
            var first = ByteBuffer()
            encoder.writeFirstHeader(chunkStreamID: 6, messageStreamID: 1, typeID: video.typeID, length: messageSize, timestamp: 40, into: &first)
            wire.writeBuffer(&first)
            let audio = RTMPMessage(chunkStreamID: 4, typeID: RTMPMessageType.audio, messageStreamID: 1, timestamp: 41, payload: ChunkTestSupport.payload(100, seed: 5))
            var audioSent = 0
            while body.readableBytes > 0 {
                // One chunk of video (its fmt 3 header comes with the body), then one audio message.
                let n = min(body.readableBytes, audioSent == 0 ? chunkSize : chunkSize + 1)
                var piece = body.readSlice(length: n)!
                wire.writeBuffer(&piece)
                if audioSent < 8 && body.readableBytes > 0 {
                    encoder.encode(audio, into: &wire)
                    sent.append(audio)
                    audioSent += 1
                }
            }
            sent.append(video)
        } else {
            encoder.encode(video, into: &wire)
            sent.append(video)
        }
        return (wire, sent)
    }

    func testAOneMiBMessageInSmallChunksCopiesEachByteAtMostTwice() throws {
        for chunkSize in [128, 4096] {
            let size = 1 << 20
            let (bytes, _) = wire(messageSize: size, chunkSize: chunkSize, interleaveAudio: false)
            var decoder = RTMPChunkDecoder()
            var source = bytes
            var pending = ByteBuffer()
            var out: [RTMPMessage] = []
            // Fed as a socket would: 64 KiB reads, what a read leaves unparsed kept for the next.
            while source.readableBytes > 0 {
                var read = source.readSlice(length: min(65536, source.readableBytes))!
                pending.writeBuffer(&read)
                while let m = try decoder.decodeMessage(from: &pending) { out.append(m) }
                pending.discardReadBytes()
            }
            let video = try XCTUnwrap(out.last)
            XCTAssertEqual(video.payload, ChunkTestSupport.payload(size, seed: 3), "chunk size \(chunkSize)")
            XCTAssertLessThanOrEqual(decoder.reassemblyBytesCopied, UInt64(2 * size), "chunk size \(chunkSize): copies must stay linear")
            XCTAssertGreaterThanOrEqual(decoder.reassemblyBytesCopied, UInt64(size), "the counter counts the pieces")
        }
    }

    func testInterleavedChunkStreamsStayLinearAndIntact() throws {
        let size = 1 << 20
        let (bytes, sent) = wire(messageSize: size, chunkSize: 128, interleaveAudio: true)
        var decoder = RTMPChunkDecoder()
        var input = bytes
        var out: [RTMPMessage] = []
        while let m = try decoder.decodeMessage(from: &input) { out.append(m) }
        XCTAssertEqual(input.readableBytes, 0)
        XCTAssertEqual(out.map(\.typeID), sent.map(\.typeID).filter { $0 == RTMPMessageType.audio } + [RTMPMessageType.video])
        XCTAssertEqual(out.last?.payload, ChunkTestSupport.payload(size, seed: 3))
        XCTAssertLessThanOrEqual(decoder.reassemblyBytesCopied, UInt64(2 * size))
    }
}
