import Logging
import Media
import NIOCore
import NIOEmbedded
import RTMP
@testable import Relay
import TestSupport
import XCTest

/// Frames leave through the stream's shared wire form: one buffer per
/// frame for a player in step, its own header for any other, and every
/// player decodes exactly what was published.
final class SharedWireTests: XCTestCase {
    /// One player's end: its channel, sink and what it decoded.
    private final class Player {
        let channel: EmbeddedChannel
        let sink: PlayerSink
        var decoder = RTMPChunkDecoder()
        var messages: [RTMPMessage] = []
        var buffers = 0

        init(stream: LiveStream, loop: EmbeddedEventLoop, chunkSize: Int, id: UInt64,
             queueLimits: PlayerQueue.Limits = PlayerQueue.Limits(covering: GOPCache.Limits())) throws {
            channel = EmbeddedChannel(loop: loop)
            let grabber = ContextGrabber()
            try channel.pipeline.syncOperations.addHandler(grabber)
            let info = ConnectionInfo(id: id, remote: "test", channel: channel)
            let output = RTMPOutput(context: try XCTUnwrap(grabber.context), info: info)
            output.send(ControlMessage.setChunkSize(UInt32(chunkSize)).message)
            output.setChunkSize(chunkSize)
            sink = PlayerSink(stream: stream, messageStreamID: 1, output: output, info: info, eventLoop: loop,
                              queueLimits: queueLimits, publishNotify: false)
        }

        func read() throws {
            var wire = ByteBuffer()
            while var b = try channel.readOutbound(as: ByteBuffer.self) {
                buffers += 1
                wire.writeBuffer(&b)
            }
            while let m = try decoder.decodeMessage(from: &wire) { messages.append(m) }
            XCTAssertEqual(wire.readableBytes, 0, "a message was cut")
        }

        var media: [RTMPMessage] { messages.filter { $0.typeID == RTMPMessageType.audio || $0.typeID == RTMPMessageType.video } }
    }

    func testPlayersInStepWriteOneSharedBufferPerFrameAndEveryPlayerDecodesThePublishedStream() throws {
        let loop = EmbeddedEventLoop()
        var options = LiveStream.Options()
        options.chunkSize = 4096
        let stream = LiveStream(key: StreamKey(app: "live", name: "wire"), options: options, mailboxes: MailboxDirectory(),
                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let publisherChannel = EmbeddedChannel(loop: loop)
        try publisherChannel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        let publisher = ConnectionInfo(id: 100, remote: "publisher", channel: publisherChannel)
        guard case .granted = stream.claimPublisher(publisher) else { return XCTFail("publish refused") }

        // Same chunk size as the stream: shares. 128: builds its own bodies.
        let inStep = try Player(stream: stream, loop: loop, chunkSize: 4096, id: 1)
        let otherSize = try Player(stream: stream, loop: loop, chunkSize: 128, id: 2)
        for p in [inStep, otherSize] { p.sink.start(burst: stream.subscribe(p.sink).burst) }

        var rng = SplitMix64(seed: 3)
        var published: [(type: UInt8, ts: UInt32, payload: ByteBuffer)] = []
        var video: UInt32 = 0, audio: UInt32 = 0
        // Players start on a keyframe: the sequence header and one first.
        for payload in [SyntheticMedia.videoSequenceHeader(), SyntheticMedia.video(keyframe: true, size: 5000, seed: 0)] {
            stream.ingest(typeID: RTMPMessageType.video, timestamp: 0, payload: payload, from: publisher)
            published.append((RTMPMessageType.video, 0, payload))
        }
        for i in 0..<600 {
            let isVideo = rng.next() % 5 < 2
            let payload: ByteBuffer
            if isVideo {
                // Sizes around and well past the 4096-byte chunk size.
                payload = SyntheticMedia.video(keyframe: i % 60 == 0, size: Int(rng.next() % 12_000), seed: i)
                video &+= 33
            } else {
                payload = SyntheticMedia.audio(seed: i)
                audio &+= 21
            }
            let type = isVideo ? RTMPMessageType.video : RTMPMessageType.audio
            let ts = isVideo ? video : audio
            stream.ingest(typeID: type, timestamp: ts, payload: payload, from: publisher)
            published.append((type, ts, payload))
            if i % 50 == 0 { loop.run() }
        }
        loop.run()
        for p in [inStep, otherSize] {
            try p.read()
            XCTAssertEqual(p.media.count, published.count, "every frame arrived")
            for (m, sent) in zip(p.media, published) {
                XCTAssertEqual(m.typeID, sent.type)
                XCTAssertEqual(m.timestamp, sent.ts)
                XCTAssertEqual(m.payload, sent.payload)
            }
        }
        // The player in step wrote one buffer per frame, after its first
        // frame on each chunk stream (compressed against nothing).
        XCTAssertLessThanOrEqual(inStep.buffers, published.count + 2)
        XCTAssertGreaterThanOrEqual(otherSize.buffers, 2 * published.count, "header and body per frame")
    }

    func testAPlayerOutOfStepAfterADropWritesItsOwnHeaderThenRejoinsTheSharedForm() throws {
        let loop = EmbeddedEventLoop()
        let stream = LiveStream(key: StreamKey(app: "live", name: "drop"), options: LiveStream.Options(), mailboxes: MailboxDirectory(),
                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let publisherChannel = EmbeddedChannel(loop: loop)
        try publisherChannel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        let publisher = ConnectionInfo(id: 100, remote: "publisher", channel: publisherChannel)
        guard case .granted = stream.claimPublisher(publisher) else { return XCTFail("publish refused") }
        var limits = PlayerQueue.Limits(covering: GOPCache.Limits())
        limits.maxMessages = 5
        let player = try Player(stream: stream, loop: loop, chunkSize: 4096, id: 1, queueLimits: limits)
        player.sink.start(burst: stream.subscribe(player.sink).burst)

        func send(_ n: Range<Int>) {
            for i in n {
                stream.ingest(typeID: RTMPMessageType.video, timestamp: UInt32(i * 33),
                              payload: SyntheticMedia.video(keyframe: i % 10 == 0, size: 500 + i, seed: i), from: publisher)
            }
            loop.run()
        }
        send(0..<10)
        // The socket fills: the queue overflows, sheds the GOP and skips to the next keyframe.
        player.channel.isWritable = false
        player.sink.writabilityChanged(isWritable: false)
        send(10..<20)
        player.channel.isWritable = true
        player.sink.writabilityChanged(isWritable: true)
        try player.read()
        XCTAssertGreaterThan(player.sink.drops.video, 0, "the queue dropped")
        XCTAssertEqual(player.media.map(\.timestamp), (0..<10).map { UInt32($0 * 33) })
        let before = player.buffers
        send(20..<30)
        try player.read()
        XCTAssertEqual(player.media.dropFirst(10).map(\.timestamp), (20..<30).map { UInt32($0 * 33) })
        for (m, i) in zip(player.media.dropFirst(10), 20..<30) {
            XCTAssertEqual(m.payload, SyntheticMedia.video(keyframe: i % 10 == 0, size: 500 + i, seed: i))
        }
        // Frame 20 follows a gap: its own header and the body. Frames 21…29: shared.
        XCTAssertEqual(player.buffers - before, 11)
    }
}
