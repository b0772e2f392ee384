import Atomics
import NIOCore
import NIOHTTP1

/// One HTTP connection: gathers a request (head and a body of at most
/// `maxBody` bytes), asks the router, writes the answer. Keep-alive as the
/// client asks; a body over the limit gets 413 and the connection closes.
final class APIHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBody = 64 << 10

    private enum State {
        case idle
        case reading(HTTPRequestHead, [UInt8])
        /// Too big: answered 413 already; the rest of the body is read and
        /// dropped (closing with unread bytes would reset the connection
        /// before the client reads the answer), then the connection closes.
        case discarding
    }

    private let router: APIRouter
    /// Open event feeds, shared by every connection of the endpoint.
    private let feeds: ManagedAtomic<Int>
    static let maxFeeds = 64
    /// A feed whose client stops reading is closed after this long (it can
    /// resume with Last-Event-ID): events must not pile up in memory.
    static let stalledFeedTimeout: TimeAmount = .seconds(5)
    private var state = State.idle
    /// While a Server-Sent Events answer runs: its poller.
    private var eventFeed: RepeatedTask?
    static let eventPollInterval: TimeAmount = .milliseconds(200)
    static let keepAliveEvery = 75  // polls: 15 s

    init(router: APIRouter, feeds: ManagedAtomic<Int>) {
        self.router = router
        self.feeds = feeds
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (unwrapInboundIn(data), state) {
        case (.head(let head), _):
            if let length = head.headers.first(name: "Content-Length").flatMap(Int.init), length > Self.maxBody {
                refuse(context: context, head: head)
            } else {
                state = .reading(head, [])
            }
        case (.body(var chunk), .reading(let head, var body)):
            if body.count + chunk.readableBytes > Self.maxBody {
                refuse(context: context, head: head)
                return
            }
            body += chunk.readBytes(length: chunk.readableBytes) ?? []
            state = .reading(head, body)
        case (.body, _):
            break
        case (.end, .reading(let head, let body)):
            state = .idle
            let request = APIRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            write(context: context, head: head, router.respond(to: request), close: !head.isKeepAlive)
        case (.end, .discarding):
            context.close(promise: nil)
        case (.end, .idle):
            break
        }
    }

    private func refuse(context: ChannelHandlerContext, head: HTTPRequestHead) {
        state = .discarding
        write(context: context, head: head, .error(.payloadTooLarge, "request bodies are limited to \(Self.maxBody) bytes"), close: false, announceClose: true)
        // A body that never ends (or never starts, after Expect: 100-continue)
        // must not hold the connection: it closes soon whatever comes.
        let channel = context.channel
        context.eventLoop.scheduleTask(in: Self.discardGrace) { channel.close(promise: nil) }
    }

    static let discardGrace: TimeAmount = .seconds(2)

    private func write(context: ChannelHandlerContext, head: HTTPRequestHead, _ response: APIResponse, close: Bool, announceClose: Bool = false) {
        if let after = response.streamsEventsAfter {
            startEventFeed(context: context, head: head, response, after: after)
            return
        }
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
        if close || announceClose { headers.replaceOrAdd(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD, !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close { done.whenComplete { [context] _ in context.close(promise: nil) } }
    }

    /// Head and the events so far, then every new event as it is added
    /// (polled from the ring, which is cheap), until the client goes.
    private func startEventFeed(context: ChannelHandlerContext, head: HTTPRequestHead, _ response: APIResponse, after: UInt64) {
        guard feeds.wrappingIncrementThenLoad(ordering: .relaxed) <= Self.maxFeeds else {
            feeds.wrappingDecrement(ordering: .relaxed)
            write(context: context, head: head, .error(.serviceUnavailable, "at most \(Self.maxFeeds) event feeds at once"), close: true)
            return
        }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: response.headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if !response.body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        context.flush()
        let server = router.server
        let channel = context.channel
        let feed = NIOLoopBoundBox((last: after, polls: 0, unwritableSince: NIODeadline?.none), eventLoop: context.eventLoop)
        eventFeed = context.eventLoop.scheduleRepeatedTask(initialDelay: Self.eventPollInterval, delay: Self.eventPollInterval) { _ in
            // A client that stops reading gets nothing more, and is closed soon.
            guard channel.isWritable else {
                let since = feed.value.unwritableSince ?? .now()
                feed.value.unwritableSince = since
                if .now() - since > Self.stalledFeedTimeout { channel.close(promise: nil) }
                return
            }
            feed.value.unwritableSince = nil
            var bytes: [UInt8] = []
            let events = server.events(after: feed.value.last)
            if let last = events.last {
                feed.value.last = last.id
                bytes = EventStreamEncoder.encode(events)
            }
            feed.value.polls &+= 1
            if feed.value.polls % Self.keepAliveEvery == 0 { bytes += EventStreamEncoder.keepAlive }
            guard !bytes.isEmpty else { return }
            channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(channel.allocator.buffer(bytes: bytes))), promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let f = eventFeed {
            f.cancel()
            feeds.wrappingDecrement(ordering: .relaxed)
        }
        eventFeed = nil
        context.fireChannelInactive()
    }

    /// Silent clients are closed (an event feed's client is silent by design).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            if eventFeed == nil { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Malformed HTTP: NIO's error handler has answered 400; just close.
        context.close(promise: nil)
    }
}
