import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Everything about recordings, by stream key: starts recorders on live
/// streams (for `--record-all` at publish, and for the control API: the
/// dashboard's `r` key), stops them, and remembers each stream's last
/// recording — its file, or why it failed or could not start — after the
/// recorder and even the stream are gone, so the snapshot still shows it.
/// `LiveStream` knows nothing of this: a recorder is one more sink to it.
final class RecordingController: Sendable {
    typealias ControlError = RecordingControlError

    /// One stream key's recording state.
    private struct Entry {
        var active: Recorder?
        /// The recorder that ran last, kept once it ends: it finishes
        /// closing on its own queue and its snapshot has the file or error.
        var last: Recorder?
        /// Why the last recording could not even start.
        var startError: String?
        /// Order of the last change, for evicting the oldest finished entries.
        var touched: UInt64
    }

    /// Finished entries kept at most (active ones are always kept).
    static let rememberedLimit = 1024

    private let options: RecordingOptions
    private let registry: StreamRegistry
    private let events: EventRing
    private let group: EventLoopGroup
    private let logger: Logger
    private let entries = NIOLockedValueBox<(byKey: [StreamKey: Entry], clock: UInt64)>(([:], 0))

    init(options: RecordingOptions, registry: StreamRegistry, events: EventRing, group: EventLoopGroup, logger: Logger) {
        self.options = options
        self.registry = registry
        self.events = events
        self.group = group
        self.logger = logger
    }

    /// Starts recording a live stream; the file begins at its newest keyframe.
    func start(_ stream: LiveStream) throws {
        let key = stream.key
        do {
            try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)
        } catch {
            let why = (error as NSError).localizedDescription
            let e = ControlError.cannotCreateDirectory(options.directory, why)
            logger.error("recording failed", metadata: ["stream_key": "\(key)", "error": "\(e)"])
            update(key) { $0.last = nil; $0.startError = e.description }
            throw e
        }
        let registry = self.registry, events = self.events
        let recorder = Recorder(key: key, options: options, eventLoop: group.next(), logger: logger) { [weak self, weak stream] r in
            if let stream {
                stream.unsubscribe(r)
                registry.release(stream)
            }
            self?.update(key) { e in
                guard e.active === r else { return }
                e.active = nil
                e.last = r
            }
            events.add(.recordingStop, "recording of \(key) ended", streamKey: key.description)
        }
        // Reserve the key first, so two starts at once cannot both record it.
        let reserved = entries.withLockedValue { state -> Bool in
            if state.byKey[key]?.active != nil { return false }
            state.clock &+= 1
            state.byKey[key] = Entry(active: recorder, last: nil, startError: nil, touched: state.clock)
            return true
        }
        guard reserved else { throw ControlError.alreadyRecording(key.description) }
        // The burst is handed over under the stream's lock: nothing posted
        // to the recorder later can overtake it.
        guard stream.subscribeIfLive(recorder, from: .newestKeyframe, { recorder.start(burst: $0) }) else {
            update(key) { $0.active = nil }
            throw ControlError.notLive(key.description)
        }
        events.add(.recordingStart, "recording \(key)", streamKey: key.description)
    }

    /// Stops (and finalises) a stream's recording; false if none runs.
    func stop(_ key: StreamKey, reason: String) -> Bool {
        guard let r = activeRecorder(key) else { return false }
        r.stop(reason: reason)
        return true
    }

    func isRecording(_ key: StreamKey) -> Bool { activeRecorder(key) != nil }

    /// Stops every recording and waits until each file is finalised (shutdown).
    func stopAllAndWait(reason: String) {
        let active = entries.withLockedValue { $0.byKey.values.compactMap(\.active) }
        for r in active { r.stopAndWait(reason: reason) }
    }

    /// What the snapshot shows for a stream: the running recording, else
    /// the last one or why it could not start.
    func snapshot(for key: StreamKey) -> RecordingSnapshot? {
        guard let e = entries.withLockedValue({ $0.byKey[key] }) else { return nil }
        if let r = e.active ?? e.last { return r.snapshot }
        return e.startError.map {
            RecordingSnapshot(isRecording: false, path: nil, segment: 0, bytesWritten: 0, durationMilliseconds: 0, droppedFrames: 0, lastError: $0)
        }
    }

    private func activeRecorder(_ key: StreamKey) -> Recorder? {
        entries.withLockedValue { $0.byKey[key]?.active }
    }

    private func update(_ key: StreamKey, _ change: (inout Entry) -> Void) {
        entries.withLockedValue { state in
            state.clock &+= 1
            var e = state.byKey[key] ?? Entry(active: nil, last: nil, startError: nil, touched: state.clock)
            change(&e)
            e.touched = state.clock
            state.byKey[key] = e
            // Bounded: a server that sees many short-lived keys forgets the
            // oldest finished recordings first.
            if state.byKey.count > Self.rememberedLimit,
               let oldest = state.byKey.filter({ $0.value.active == nil }).min(by: { $0.value.touched < $1.value.touched })?.key {
                state.byKey[oldest] = nil
            }
        }
    }
}

/// Why a recording could not be started (the control API's answer).
public enum RecordingControlError: Error, CustomStringConvertible, Sendable {
    case noSuchStream(String)
    case notLive(String)
    case alreadyRecording(String)
    case cannotCreateDirectory(String, String)

    public var description: String {
        switch self {
        case .noSuchStream(let key): return "no stream \(key)"
        case .notLive(let key): return "\(key) has no publisher"
        case .alreadyRecording(let key): return "\(key) is already being recorded"
        case .cannotCreateDirectory(let dir, let why): return "cannot create record directory \(dir): \(why)"
        }
    }
}
