import NIOCore

/// What flows from a live stream to its sinks, in order.
public enum StreamItem: Sendable {
    case frame(MediaFrame)
    /// A publisher started (again): players get StreamBegin (and
    /// PublishNotify when asked for); the metadata and sequence headers
    /// follow as frames.
    case publisherStarted
    /// The publisher left: players get StreamEOF and stay subscribed.
    case publisherStopped
}

/// Anything downstream of a live stream: a network player, a recorder, a
/// forwarder. The broadcast loop treats them all the same.
public protocol StreamSink: AnyObject, Sendable {
    /// The loop `receive` is called on.
    var eventLoop: EventLoop { get }
    /// Called on `eventLoop`, in stream order. `items` is one batch.
    func receive(_ items: ArraySlice<StreamItem>)
}
