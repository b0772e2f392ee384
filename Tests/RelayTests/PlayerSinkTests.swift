import Logging
import Media
import NIOCore
import NIOEmbedded
import RTMP
@testable import Relay
import TestSupport
import XCTest

/// The player sink on an `EmbeddedChannel`: no sockets, no session. It
/// writes while the channel is writable, queues while it is not, drains
/// when it is again, and sheds whole GOPs on overflow.
final class PlayerSinkTests: XCTestCase {
    private var channel: EmbeddedChannel!
    private var stream: LiveStream!
    private var info: ConnectionInfo!
    /// One decoder for the whole connection: later headers are compressed against earlier ones.
    private var decoder = RTMPChunkDecoder()

    private func makeSink(queueLimits: PlayerQueue.Limits = PlayerQueue.Limits(covering: GOPCache.Limits())) throws -> PlayerSink {
        channel = EmbeddedChannel()
        let grabber = ContextGrabber()
        try channel.pipeline.syncOperations.addHandler(grabber)
        let context = try XCTUnwrap(grabber.context)
        info = ConnectionInfo(id: 1, remote: "test", channel: channel)
        stream = LiveStream(key: StreamKey(app: "live", name: "sink"), options: LiveStream.Options(), mailboxes: MailboxDirectory(),
                            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let output = RTMPOutput(context: context, info: info)
        return PlayerSink(stream: stream, messageStreamID: 1, output: output, info: info, eventLoop: channel.eventLoop,
                          queueLimits: queueLimits, publishNotify: false)
    }

    /// Everything written so far, decoded back into messages.
    private func written() throws -> [RTMPMessage] {
        var wire = ByteBuffer()
        while var b = try channel.readOutbound(as: ByteBuffer.self) { wire.writeBuffer(&b) }
        var out: [RTMPMessage] = []
        while let m = try decoder.decodeMessage(from: &wire) { out.append(m) }
        return out
    }

    private func video(_ ts: UInt32, key: Bool = false, size: Int = 100) -> StreamItem {
        .frame(MediaFrame.media(typeID: 9, timestamp: ts, payload: SyntheticMedia.video(keyframe: key, size: size, seed: Int(ts))))
    }

    func testWritesWhileWritableQueuesWhileNotAndDrainsInOrder() throws {
        let sink = try makeSink()
        sink.receive([video(0, key: true), video(33)])
        XCTAssertEqual(try written().map(\.timestamp), [0, 33], "written at once")

        channel.isWritable = false
        sink.writabilityChanged(isWritable: false)
        sink.receive([video(66), video(100)])
        XCTAssertEqual(try written().count, 0, "nothing written while the socket is full")
        XCTAssertEqual(info.queuedMessages.load(ordering: .relaxed), 2, "the snapshot sees the queue")
        XCTAssertNotNil(sink.unwritableSinceNanos)

        channel.isWritable = true
        sink.writabilityChanged(isWritable: true)
        XCTAssertEqual(try written().map(\.timestamp), [66, 100], "drained in order")
        XCTAssertEqual(info.queuedMessages.load(ordering: .relaxed), 0)
        XCTAssertNil(sink.unwritableSinceNanos)
    }

    func testOverflowDropsWholeGOPsAndCountsThem() throws {
        var limits = PlayerQueue.Limits(covering: GOPCache.Limits())
        limits.maxMessages = 5
        let sink = try makeSink(queueLimits: limits)
        channel.isWritable = false
        sink.writabilityChanged(isWritable: false)
        sink.receive([video(0, key: true), video(33), video(66), video(100, key: true), video(133), video(166)])
        XCTAssertEqual(sink.drops.video, 3, "the older GOP went when the queue overflowed")
        XCTAssertEqual(info.droppedVideo.load(ordering: .relaxed), 3)
        channel.isWritable = true
        sink.writabilityChanged(isWritable: true)
        let out = try written()
        XCTAssertEqual(out.map(\.timestamp), [100, 133, 166])
        XCTAssertEqual(out.first.flatMap { VideoTagInfo.parse($0.payload) }?.isKeyframe, true, "what is left starts on a keyframe")
    }

    func testPauseAndReceiveVideoFalseStopFramesAndStopIgnoresLateBatches() throws {
        let sink = try makeSink()
        sink.setReceiveVideo(false)
        sink.receive([video(0, key: true)])
        XCTAssertEqual(try written().filter { $0.typeID == 9 }.count, 0)
        sink.setReceiveVideo(true)
        sink.pause(true)
        sink.receive([video(33)])
        XCTAssertEqual(try written().filter { $0.typeID == 9 }.count, 0, "nothing while paused")
        sink.pause(false)
        sink.stop()
        sink.receive([video(66, key: true)])
        XCTAssertEqual(try written().filter { $0.typeID == 9 }.count, 0, "a batch after stop is ignored")
    }
}
