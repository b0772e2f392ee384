import Logging
import NIOConcurrencyHelpers

/// Live streams by `app/name`. A stream exists while it has a publisher or
/// a sink; the last one out removes it.
final class StreamRegistry: Sendable {
    private let streams = NIOLockedValueBox<[StreamKey: LiveStream]>([:])
    private let options: LiveStream.Options
    private let mailboxes: MailboxDirectory
    private let logger: Logger

    init(options: LiveStream.Options, mailboxes: MailboxDirectory, logger: Logger) {
        self.options = options
        self.mailboxes = mailboxes
        self.logger = logger
    }

    /// The stream for `key`, created if missing. Callers must balance with
    /// `release` once they no longer publish to or play it.
    func stream(for key: StreamKey) -> LiveStream {
        streams.withLockedValue { streams in
            if let s = streams[key] { return s }
            let s = LiveStream(key: key, options: options, mailboxes: mailboxes, logger: logger)
            streams[key] = s
            return s
        }
    }

    /// Drops the stream if nobody publishes or plays it any more.
    func release(_ stream: LiveStream) {
        streams.withLockedValue { streams in
            if streams[stream.key] === stream && stream.isIdle {
                streams[stream.key] = nil
            }
        }
    }

    /// Streams of `app` with a publisher, `key` left out (its own publish may replace one).
    func publishedStreams(inApp app: String, excluding key: StreamKey) -> Int {
        streams.withLockedValue { $0.values.filter { $0.key.app == app && $0.key != key && $0.hasPublisher }.count }
    }

    var all: [LiveStream] {
        streams.withLockedValue { Array($0.values) }.sorted { $0.key.description < $1.key.description }
    }
}
