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
    private var server: Channel!
    private var channel: Channel!
    private var pause: NIOLoopBound<PublisherReadPause>!
    private let logger = Logger(label: "test")
    private let frame = StreamItem.frame(MediaFrame(kind: .audio, typeID: 8, timestamp: 0, payload: ByteBuffer(repeating: 0xAF, count: 40)))

    override func setUpWithError() throws {
        server = try ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait()
        channel = try ClientBootstrap(group: group).connect(to: server.localAddress!).wait()
        let loop = channel.eventLoop
        pause = try loop.submit { NIOLoopBound(PublisherReadPause(), eventLoop: loop) }.wait()
    }

    override func tearDown() {
        try? channel?.close().wait()
        try? server?.close().wait()
        try? group.syncShutdownGracefully()
    }

    private func autoRead() throws -> Bool { try channel.getOption(ChannelOptions.autoRead).wait() }
    private func isPaused() throws -> Bool { try channel.eventLoop.submit { [pause] in pause!.value.isPaused }.wait() }

    private func pause(until mailboxes: [LoopMailbox]) throws {
        try channel.eventLoop.submit { [pause, channel, logger] in pause!.value.pause(channel!, until: mailboxes, logger: logger) }.wait()
    }

    /// A full mailbox on `loop` (high water 10 bytes, low water 5).
    private func overloaded(on loop: EmbeddedEventLoop) -> LoopMailbox {
        let box = LoopMailbox(eventLoop: loop, highWater: 10, lowWater: 5)
        XCTAssertTrue(box.post(frame, to: []))
        return box
    }

    /// The drain calls its waiters at once; the resume they post to the
    /// channel's loop has run once a later task there has.
    private func settle() throws { try channel.eventLoop.submit {}.wait() }

    func testReadingStopsUntilEveryOverloadedMailboxHasDrained() throws {
        let relayLoop = EmbeddedEventLoop()
        let a = overloaded(on: relayLoop), b = overloaded(on: relayLoop)
        try pause(until: [])
        XCTAssertTrue(try autoRead(), "nothing overloaded: reading goes on")

        try pause(until: [a, b])
        XCTAssertFalse(try autoRead())
        XCTAssertTrue(try isPaused())
        relayLoop.run()
        try settle()
        XCTAssertTrue(try autoRead(), "reading again once both have drained")
        XCTAssertFalse(try isPaused())
    }

    func testOneDrainedMailboxOfTwoKeepsThePause() throws {
        let loopA = EmbeddedEventLoop(), loopB = EmbeddedEventLoop()
        let a = overloaded(on: loopA), b = overloaded(on: loopB)
        try pause(until: [a, b])
        loopA.run()
        try settle()
        XCTAssertFalse(try autoRead(), "b is still behind")
        loopB.run()
        try settle()
        XCTAssertTrue(try autoRead())
    }

    func testASecondPauseWhilePausedWaitsForTheFirstsMailboxesOnly() throws {
        let loopA = EmbeddedEventLoop(), loopB = EmbeddedEventLoop()
        let a = overloaded(on: loopA), b = overloaded(on: loopB)
        try pause(until: [a])
        // Frames keep arriving until the read stops: a second report is ignored.
        try pause(until: [b])
        loopA.run()
        try settle()
        XCTAssertTrue(try autoRead(), "resumed by a; b's backlog would pause it again on the next frame")
    }

    func testAChannelClosedWhilePausedIsLeftAlone() throws {
        let relayLoop = EmbeddedEventLoop()
        let a = overloaded(on: relayLoop)
        try pause(until: [a])
        try channel.close().wait()
        relayLoop.run()
        try settle()
        XCTAssertFalse(try isPaused(), "the resume ran, harmlessly")
        XCTAssertFalse(channel.isActive)
    }
}
