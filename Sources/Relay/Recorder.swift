import Atomics
import Foundation
import Logging
import Media
import NIOConcurrencyHelpers
import NIOCore
import RTMP

/// Records one live stream to FLV files: a sink beside the players.
///
/// `receive` runs on an event loop and only decides what to keep (bounded
/// by bytes waiting for the disk: beyond that frames are dropped and
/// counted, video up to the next keyframe). Everything touching files runs
/// on the recorder's own serial queue, so a slow disk never holds up a loop.
final class Recorder: StreamSink, @unchecked Sendable {
    // @unchecked: `skippingVideo` is touched only on `eventLoop`; the
    // file state below `// Writer queue only` only on `queue`; the rest is
    // atomics and locks.
    let eventLoop: EventLoop
    let key: StreamKey
    private let options: RecordingOptions
    private let logger: Logger
    private let queue: DispatchQueue
    private let queuedBytes = ManagedAtomic<Int>(0)
    private let stopped = ManagedAtomic<Bool>(false)
    private let status: NIOLockedValueBox<RecordingSnapshot>
    private let onFinish: @Sendable (Recorder) -> Void
    private let startedAt = Date()

    // Event loop only.
    private var skippingVideo = false

    // Writer queue only.
    private var file: FLVRecordingFile?
    private var segment = 0
    private var baseTimestamp: UInt32?
    private var lastTimestamp: UInt32 = 0
    private var metadata: [AMF0Property] = []
    private var sequenceHeaders = SequenceHeaderSet()
    private var sawVideo = false
    private var waitingForKeyframe = false
    private var lastFlush = DispatchTime.now()
    private var failed = false
    private var flushTimer: DispatchSourceTimer?

    init(key: StreamKey, options: RecordingOptions, eventLoop: EventLoop, logger: Logger, onFinish: @escaping @Sendable (Recorder) -> Void) {
        self.key = key
        self.options = options
        self.eventLoop = eventLoop
        var logger = logger
        logger[metadataKey: "stream_key"] = "\(key)"
        self.logger = logger
        self.onFinish = onFinish
        self.queue = DispatchQueue(label: "rtmp-top.recorder.\(key)")
        self.status = NIOLockedValueBox(RecordingSnapshot(isRecording: true, path: nil, segment: 0, bytesWritten: 0,
                                                          durationMilliseconds: 0, droppedFrames: 0, lastError: nil))
    }

    var snapshot: RecordingSnapshot { status.withLockedValue { $0 } }

    /// Begins with what a late joiner gets (metadata, sequence headers, the
    /// cached GOP). Without a keyframe in it, the file waits for one.
    func start(burst: [MediaFrame]) {
        let hasVideo = burst.contains { $0.kind == .video }
        let hasKeyframe = burst.contains { $0.kind == .video && $0.isKeyframe }
        queue.async {
            self.waitingForKeyframe = hasVideo && !hasKeyframe
            let timer = DispatchSource.makeTimerSource(queue: self.queue)
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler { self.flushIfDue(force: true) }
            timer.resume()
            self.flushTimer = timer
        }
        enqueue(burst)
    }

    // MARK: event loop side

    func receive(_ items: ArraySlice<StreamItem>) {
        var batch: [MediaFrame] = []
        var publisherGone = false
        for item in items {
            switch item {
            case .frame(let frame): if admit(frame) { batch.append(frame) }
            case .publisherStopped: publisherGone = true
            case .publisherStarted: break
            }
        }
        if !batch.isEmpty { enqueue(batch) }
        if publisherGone { stop(reason: "publisher gone") }
    }

    private func admit(_ frame: MediaFrame) -> Bool {
        if stopped.load(ordering: .relaxed) { return false }
        let essential = frame.isConfiguration || frame.kind == .data
        if frame.kind == .video && skippingVideo && !essential {
            if frame.isKeyframe { skippingVideo = false } else { noteDrop(); return false }
        }
        if !essential && queuedBytes.load(ordering: .relaxed) &+ frame.size > options.queueLimitBytes {
            if frame.kind == .video { skippingVideo = true }
            noteDrop()
            return false
        }
        return true
    }

    private func noteDrop() {
        status.withLockedValue { $0.droppedFrames &+= 1 }
    }

    private func enqueue(_ frames: [MediaFrame]) {
        guard !frames.isEmpty else { return }
        let bytes = frames.reduce(0) { $0 &+ $1.size }
        queuedBytes.wrappingIncrement(by: bytes, ordering: .relaxed)
        queue.async {
            for f in frames { self.process(f) }
            self.queuedBytes.wrappingDecrement(by: bytes, ordering: .relaxed)
            self.flushIfDue(force: false)
        }
    }

    /// Stops recording (from any thread): the file is finalised on the
    /// writer queue; returns at once.
    func stop(reason: String) {
        guard stopped.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        queue.async {
            self.flushTimer?.cancel()
            self.flushTimer = nil
            self.closeFile()
            self.status.withLockedValue { $0.isRecording = false }
            let s = self.snapshot
            if !self.failed {
                self.logger.info("recording stopped", metadata: ["reason": "\(reason)", "file": "\(s.path ?? "")",
                                                                 "bytes": "\(s.bytesWritten)", "duration_ms": "\(s.durationMilliseconds)",
                                                                 "dropped": "\(s.droppedFrames)"])
            }
        }
        onFinish(self)
    }

    /// Stops and waits until the file is finalised (shutdown).
    func stopAndWait(reason: String) {
        stop(reason: reason)
        queue.sync {}
    }

    // MARK: writer queue

    private func process(_ frame: MediaFrame) {
        guard !failed else { return }
        switch frame.kind {
        case .data:
            if let props = frame.metadata {
                metadata = props
                file?.setStreamInfo(streamInfo())
                return
            }
            // FLV script tags are AMF0 only.
            guard frame.typeID == RTMPMessageType.dataAMF0 else { return }
        case .video:
            sequenceHeaders.note(frame)
            sawVideo = true
        case .audio:
            sequenceHeaders.note(frame)
        }
        if waitingForKeyframe {
            if frame.kind == .video && frame.isKeyframe { waitingForKeyframe = false } else if !frame.isConfiguration { return }
        }
        do {
            if file != nil, options.segmented, cutsHere(frame) {
                closeFile()
            }
            if file == nil { try openFile(startingWith: frame) }
            try write(frame)
            if frame.isKeyframe { try file?.flush(); lastFlush = .now(); publishProgress() }
        } catch {
            fail(error)
        }
    }

    private func cutsHere(_ frame: MediaFrame) -> Bool {
        guard let f = file else { return false }
        let long = options.maxDurationSeconds > 0 && Int(f.durationMilliseconds) >= options.maxDurationSeconds * 1000
        let big = options.maxSizeBytes > 0 && f.bytesWritten >= options.maxSizeBytes
        guard long || big else { return false }
        // Segments start on a video keyframe; audio-only streams cut on audio time.
        return sawVideo ? (frame.kind == .video && frame.isKeyframe) : (frame.kind == .audio && !frame.isConfiguration)
    }

    private func openFile(startingWith frame: MediaFrame) throws {
        if options.segmented { segment &+= 1 }
        let name = RecordingFileName.fileName(app: key.app, stream: key.name, date: startedAt, segment: options.segmented ? segment : nil)
        let path = RecordingFileName.uniquePath(directory: options.directory, fileName: name)
        let hasVideo = sequenceHeaders.hasVideo || frame.kind == .video
        let hasAudio = sequenceHeaders.hasAudio || frame.kind == .audio
        let f = try FLVRecordingFile(path: path, hasAudio: hasAudio, hasVideo: hasVideo, reservedMetadataBytes: options.reservedMetadataBytes)
        file = f
        baseTimestamp = nil
        lastTimestamp = 0
        f.setStreamInfo(streamInfo())
        status.withLockedValue {
            $0.path = path
            $0.segment = segment
        }
        logger.info(segment > 1 ? "recording next segment" : "recording started", metadata: ["file": "\(path)", "segment": "\(segment)"])
        // Every file opens with the sequence headers so it plays on its own.
        for header in sequenceHeaders.frames where header !== frame {
            try f.write(type: header.typeID, timestamp: 0, payload: header.payload, isKeyframe: false)
        }
    }

    private func write(_ frame: MediaFrame) throws {
        guard let f = file else { return }
        var ts: UInt32 = 0
        if !frame.isConfiguration && frame.kind != .data || baseTimestamp != nil {
            // The file's clock starts at its first media frame; sequence
            // headers and data before it sit at 0.
            let base = baseTimestamp ?? frame.timestamp
            baseTimestamp = base
            ts = frame.timestamp &- base
            if Int32(bitPattern: ts &- lastTimestamp) < 0 { ts = lastTimestamp }  // monotonic within the file
        }
        lastTimestamp = ts
        try f.write(type: frame.typeID, timestamp: ts, payload: frame.payload, isKeyframe: frame.kind == .video && frame.isKeyframe)
    }

    private func flushIfDue(force: Bool) {
        guard let f = file, !failed else { return }
        let elapsed = DispatchTime.now().uptimeNanoseconds &- lastFlush.uptimeNanoseconds
        guard force || elapsed >= 1_000_000_000 else { return }
        do {
            try f.flush()
            lastFlush = .now()
            publishProgress()
        } catch {
            fail(error)
        }
    }

    private func closeFile() {
        guard let f = file else { return }
        file = nil
        do {
            try f.close()
        } catch {
            fail(error)
        }
        status.withLockedValue {
            $0.bytesWritten = f.bytesWritten
            $0.durationMilliseconds = f.durationMilliseconds
        }
    }

    private func publishProgress() {
        guard let f = file else { return }
        status.withLockedValue {
            $0.bytesWritten = f.bytesWritten
            $0.durationMilliseconds = f.durationMilliseconds
        }
    }

    /// Disk full, permission denied, a vanished directory: one clear line,
    /// the recording stops, the relay goes on.
    private func fail(_ error: Error) {
        guard !failed else { return }
        failed = true
        let text = String(describing: error)
        logger.error("recording failed", metadata: ["error": "\(text)", "file": "\(status.withLockedValue { $0.path ?? "" })"])
        status.withLockedValue {
            $0.lastError = text
            $0.isRecording = false
        }
        let f = file
        file = nil
        try? f?.close()
        flushTimer?.cancel()
        flushTimer = nil
        if stopped.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged {
            onFinish(self)
        }
    }

    /// The file learns codecs and sizes from the frames it writes; the
    /// publisher's own metadata (frame rate, encoder…) is carried over.
    private func streamInfo() -> RecordedStreamInfo {
        RecordedStreamInfo(publisherMetadata: metadata)
    }
}
