import NIOCore

/// A network player as a stream sink: hands batches to its session on the
/// session's own event loop.
final class PlayerSink: StreamSink {
    let eventLoop: EventLoop
    private let session: NIOLoopBound<RTMPSession>

    init(session: RTMPSession, eventLoop: EventLoop) {
        self.eventLoop = eventLoop
        self.session = NIOLoopBound(session, eventLoop: eventLoop)
    }

    func receive(_ items: ArraySlice<StreamItem>) {
        session.value.deliver(items, from: self)
    }
}
