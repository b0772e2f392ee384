import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
@testable import Relay
import XCTest

/// A publishing channel stops reading while a mailbox it feeds is past its
/// high-water mark and reads again once every such mailbox has drained.
final class PublisherReadPauseTests: XCTestCase {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    override func tearDown() { try? group.syncShutdownGracefully() }

    private func autoRead(_ channel: Channel) throws -> Bool { try channel.getOption(ChannelOptions.autoRead).wait() }

    func testReadingStopsUntilEveryOverloadedMailboxHasDrained() throws {
        let server = try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? server.close().wait() }
        let channel = try ClientBootstrap(group: group).connect(to: server.localAddress!).wait()
        defer { try? channel.close().wait() }

        let relayLoop = EmbeddedEventLoop()
        let a = LoopMailbox(eventLoop: relayLoop, highWater: 10, lowWater: 5)
        let b = LoopMailbox(eventLoop: relayLoop, highWater: 10, lowWater: 5)
        let frame = StreamItem.frame(MediaFrame(kind: .audio, typeID: 8, timestamp: 0, payload: ByteBuffer(repeating: 0xAF, count: 40)))
        XCTAssertTrue(a.post(frame, to: []))
        XCTAssertTrue(b.post(frame, to: []))

        let pause = try channel.eventLoop.submit { NIOLoopBound(PublisherReadPause(), eventLoop: channel.eventLoop) }.wait()
        let logger = Logger(label: "test")
        try channel.eventLoop.submit { pause.value.pause(channel, until: [], logger: logger) }.wait()
        XCTAssertTrue(try autoRead(channel), "nothing overloaded: reading goes on")

        try channel.eventLoop.submit { pause.value.pause(channel, until: [a, b], logger: logger) }.wait()
        XCTAssertFalse(try autoRead(channel))
        XCTAssertTrue(try channel.eventLoop.submit { pause.value.isPaused }.wait())

        // Both drain at once on the relay loop; the resume is posted to the channel's loop.
        relayLoop.run()
        let deadline = Date().addingTimeInterval(5)
        while try !autoRead(channel), Date() < deadline { usleep(1000) }
        XCTAssertTrue(try autoRead(channel), "reading again once both have drained")
        XCTAssertFalse(try channel.eventLoop.submit { pause.value.isPaused }.wait())
    }

    func testOneDrainedMailboxOfTwoKeepsThePause() throws {
        let server = try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        defer { try? server.close().wait() }
        let channel = try ClientBootstrap(group: group).connect(to: server.localAddress!).wait()
        defer { try? channel.close().wait() }

        let loopA = EmbeddedEventLoop(), loopB = EmbeddedEventLoop()
        let a = LoopMailbox(eventLoop: loopA, highWater: 10, lowWater: 5)
        let b = LoopMailbox(eventLoop: loopB, highWater: 10, lowWater: 5)
        let frame = StreamItem.frame(MediaFrame(kind: .audio, typeID: 8, timestamp: 0, payload: ByteBuffer(repeating: 0xAF, count: 40)))
        a.post(frame, to: [])
        b.post(frame, to: [])
        let pause = try channel.eventLoop.submit { NIOLoopBound(PublisherReadPause(), eventLoop: channel.eventLoop) }.wait()
        let logger = Logger(label: "test")
        try channel.eventLoop.submit { pause.value.pause(channel, until: [a, b], logger: logger) }.wait()
        loopA.run()
        // Let anything the drain posted to the channel's loop run first.
        try channel.eventLoop.submit {}.wait()
        XCTAssertFalse(try autoRead(channel), "b is still behind")
        loopB.run()
        let deadline = Date().addingTimeInterval(5)
        while try !autoRead(channel), Date() < deadline { usleep(1000) }
        XCTAssertTrue(try autoRead(channel))
    }
}
