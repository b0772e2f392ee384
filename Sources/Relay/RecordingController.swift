import Foundation
import Logging
import NIOCore

/// Starts recorders on live streams: for `--record-all` at publish, and
/// for the control API (the dashboard's `r` key).
final class RecordingController: Sendable {
    enum ControlError: Error, CustomStringConvertible {
        case noSuchStream(String)
        case notLive(String)
        case cannotCreateDirectory(String, String)

        var description: String {
            switch self {
            case .noSuchStream(let key): return "no stream \(key)"
            case .notLive(let key): return "\(key) has no publisher, or is already being recorded"
            case .cannotCreateDirectory(let dir, let why): return "cannot create record directory \(dir): \(why)"
            }
        }
    }

    private let options: RecordingOptions
    private let registry: StreamRegistry
    private let events: EventRing
    private let group: EventLoopGroup
    private let logger: Logger

    init(options: RecordingOptions, registry: StreamRegistry, events: EventRing, group: EventLoopGroup, logger: Logger) {
        self.options = options
        self.registry = registry
        self.events = events
        self.group = group
        self.logger = logger
    }

    func start(_ stream: LiveStream) throws {
        do {
            try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
        } catch {
            let why = (error as NSError).localizedDescription
            let e = ControlError.cannotCreateDirectory(options.directory, why)
            logger.error("recording failed", metadata: ["stream_key": "\(stream.key)", "error": "\(e)"])
            stream.noteRecordingError(e.description)
            throw e
        }
        let registry = self.registry, events = self.events
        let recorder = Recorder(key: stream.key, options: options, eventLoop: group.next(), logger: logger) { [weak stream] r in
            guard let stream else { return }
            stream.detachRecorder(r)
            registry.release(stream)
            events.add("recording of \(stream.key) ended", streamKey: stream.key.description)
        }
        guard stream.attachRecorder(recorder) else { throw ControlError.notLive(stream.key.description) }
        events.add("recording \(stream.key)", streamKey: stream.key.description)
    }
}
