#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Media
import NIOCore

/// One FLV file being recorded: header, an onMetaData tag of fixed size,
/// then the media tags exactly as given.
///
/// Used from one thread only (the recorder's writer), with plain blocking
/// POSIX calls. Tags are collected in memory and handed to the kernel by
/// `flush()` as whole tags, after which the onMetaData tag — duration, file
/// size, keyframe index so far — is rewritten in its reserved slot. So a
/// file cut short by a crash ends on a whole tag and says how long it is;
/// `close()` writes the final metadata and header flags.
///
/// Dropping the object without `close()` closes the descriptor and nothing
/// else: the file stays as the last flush left it, as after a crash.
final class FLVRecordingFile {
    static let defaultReservedMetadataBytes = 64 * 1024
    /// Enough for every property the recording writes, a short index and
    /// the publisher's share; smaller requests are raised to this.
    static let minimumReservedMetadataBytes = 1024
    /// The FLV header (9 bytes) and PreviousTagSize0.
    static let headerSize = 13
    /// Tag header (11 bytes) and the PreviousTagSize after the payload.
    private static let tagOverhead = 15
    /// A caller that never flushes still gets its tags written at this size,
    /// so memory stays bounded.
    static let automaticFlushBytes = 4 << 20
    private static let headerFlagsOffset: Int64 = 4

    let path: String
    /// The whole onMetaData tag on disk (tag header, payload, PreviousTagSize).
    let reservedMetadataBytes: Int

    private let io: RecordingFileIO
    private var descriptor: Int32
    private var pending: ByteBuffer
    /// Bytes the kernel has: the header, the metadata slot and every flushed tag.
    private(set) var flushedBytes: Int64
    private var tally = Tally()
    /// `tally` as of the last successful flush: what the file on disk holds.
    private var committed = Tally()
    private var givenInfo = RecordedStreamInfo()
    private var metadataIsCurrent = false
    /// The first write error; the file takes no more tags after it.
    private var failure: RecordingError?

    /// Creates `path` (never replacing an existing file) and writes the FLV
    /// header and the reserved onMetaData tag. On failure nothing is left
    /// behind.
    ///
    /// - Parameter reservedMetadataBytes: the size of the whole onMetaData
    ///   tag, within `minimumReservedMetadataBytes` and the largest tag FLV
    ///   allows. 64 KiB holds the index of about 3,500 keyframes; beyond
    ///   that the index is thinned.
    init(
        path: String,
        hasAudio: Bool,
        hasVideo: Bool,
        reservedMetadataBytes: Int = FLVRecordingFile.defaultReservedMetadataBytes,
        io: RecordingFileIO = .posix
    ) throws(RecordingError) {
        self.path = path
        self.reservedMetadataBytes = min(
            max(reservedMetadataBytes, Self.minimumReservedMetadataBytes),
            FLVWriter.maximumPayloadSize + Self.tagOverhead
        )
        self.io = io
        self.pending = ByteBufferAllocator().buffer(capacity: 64 * 1024)
        self.flushedBytes = 0
        self.descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw code == EEXIST ? .alreadyExists(path: path) : .cannotCreate(path: path, code: code)
        }

        var start = ByteBufferAllocator().buffer(capacity: Self.headerSize + self.reservedMetadataBytes)
        FLVWriter.writeHeader(hasAudio: hasAudio, hasVideo: hasVideo, into: &start)
        do throws(RecordingError) {
            // Without its slot the media would sit where the metadata is rewritten later.
            guard let metadata = metadataTag() else {
                throw RecordingError.reservedSpaceTooSmall(path: path, bytes: self.reservedMetadataBytes)
            }
            start.writeImmutableBuffer(metadata)
            try writeAll(start)
        } catch {
            // The file is ours (O_EXCL) and useless half-written.
            _ = closeDescriptor(descriptor)
            descriptor = -1
            _ = unlink(path)
            throw error
        }
        flushedBytes = Int64(start.readableBytes)
        metadataIsCurrent = true
    }

    deinit {
        if descriptor >= 0 {
            _ = closeDescriptor(descriptor)
        }
    }

    /// Bytes of the file once buffered tags are flushed: the size a segment
    /// limit should compare with.
    var bytesWritten: Int64 { flushedBytes + Int64(pending.readableBytes) }
    /// Tags waiting for the next `flush()`.
    var bufferedBytes: Int { pending.readableBytes }
    /// The end of the last tag written: its timestamp plus the gap before
    /// it, a guess at how long it lasts (timestamps start at 0 in the file).
    var durationMilliseconds: UInt32 { tally.durationMilliseconds }
    /// Video keyframes written.
    var keyframeCount: Int { tally.index.keyframesSeen }
    /// Keyframes in the onMetaData index (fewer once it has been thinned).
    var indexedKeyframeCount: Int { tally.index.entries.count }
    var isClosed: Bool { descriptor < 0 }

    /// What the recorder knows about the stream; fields left nil are
    /// filled from the sequence headers and frames written. Takes effect at
    /// the next flush.
    func setStreamInfo(_ info: RecordedStreamInfo) {
        givenInfo = info
        metadataIsCurrent = false
    }

    /// Appends one tag. `timestamp` is file-relative (the caller rebases);
    /// `isKeyframe` marks video keyframes for the seek index. Types other
    /// than audio (8), video (9) and script data (18) have no FLV form and
    /// are skipped.
    func write(type: UInt8, timestamp: UInt32, payload: ByteBuffer, isKeyframe: Bool) throws(RecordingError) {
        try checkWritable()
        guard type == FLVTag.audioType || type == FLVTag.videoType || type == FLVTag.scriptDataType else { return }
        guard payload.readableBytes <= FLVWriter.maximumPayloadSize else {
            throw .tagTooLarge(path: path, size: payload.readableBytes)
        }
        let offset = bytesWritten
        FLVWriter.writeTag(FLVTag(type: type, timestamp: timestamp, payload: payload), into: &pending)
        switch type {
        case FLVTag.videoType:
            let tag = VideoTagInfo.parse(payload)
            let isPicture = tag.map { !$0.isSequenceHeader && !$0.isSequenceEnd && $0.frameType != 5 } ?? false
            tally.video.note(timestamp: timestamp, size: payload.readableBytes, isFrame: isPicture)
            tally.learned.learn(fromVideo: payload)
            // A sequence header is no place to start decoding, whatever its frame type says.
            if isKeyframe && tag?.isSequenceHeader != true {
                tally.index.add(timestamp: timestamp, fileOffset: offset)
            }
        case FLVTag.audioType:
            tally.audio.note(timestamp: timestamp, size: payload.readableBytes, isFrame: true)
            tally.learned.learn(fromAudio: payload)
        default:
            break
        }
        metadataIsCurrent = false
        if pending.readableBytes >= Self.automaticFlushBytes {
            try flush()
        }
    }

    /// Hands the buffered tags to the kernel (write(2), no fsync), then
    /// rewrites onMetaData in place. If the tags cannot all be written, the
    /// file is cut back to where this flush began, so it still ends on a
    /// whole tag and its metadata stays true; the error is thrown, and
    /// thrown again by any later `write` or `flush`.
    func flush() throws(RecordingError) {
        try checkWritable()
        if pending.readableBytes > 0 {
            do {
                try writeAll(pending)
            } catch {
                _ = ftruncate(descriptor, off_t(flushedBytes))
                pending.clear()
                tally = committed
                failure = error
                throw error
            }
            flushedBytes += Int64(pending.readableBytes)
            pending.clear()
        }
        committed = tally
        guard !metadataIsCurrent else { return }
        do {
            try writeMetadata()
        } catch {
            failure = error
            throw error
        }
    }

    /// Flushes, writes the final metadata, sets the header's audio/video
    /// flags to what was really written, and closes the descriptor. Safe to
    /// call again. After a write error it still finalises what made it to
    /// disk (the slots it rewrites are already allocated, so a full disk
    /// does not stop it) and does not throw that error again.
    func close() throws(RecordingError) {
        guard descriptor >= 0 else { return }
        var firstError: RecordingError?
        if failure == nil {
            do { try flush() } catch { firstError = error }
        }
        do {
            if !metadataIsCurrent { try writeMetadata() }
            try writeHeaderFlags()
        } catch {
            if failure == nil { firstError = firstError ?? error }
        }
        let result = closeDescriptor(descriptor)
        let code = errno
        descriptor = -1
        if result != 0, failure == nil {
            firstError = firstError ?? .closeFailed(path: path, code: code)
        }
        if let firstError { throw firstError }
    }

    // MARK: - Writing

    private func checkWritable() throws(RecordingError) {
        guard descriptor >= 0 else { throw .closed(path: path) }
        if let failure { throw failure }
    }

    private func writeMetadata() throws(RecordingError) {
        guard let tag = metadataTag() else { return }
        try pwriteAll(tag, at: Int64(Self.headerSize))
        metadataIsCurrent = true
    }

    /// The flags of the header say which tags follow. Until the end only
    /// the caller's guess is known; an empty file keeps it.
    private func writeHeaderFlags() throws(RecordingError) {
        let sawAudio = committed.audio.tags > 0
        let sawVideo = committed.video.tags > 0
        guard sawAudio || sawVideo else { return }
        var flags = ByteBufferAllocator().buffer(capacity: 1)
        flags.writeInteger(UInt8((sawAudio ? 0x04 : 0) | (sawVideo ? 0x01 : 0)))
        try pwriteAll(flags, at: Self.headerFlagsOffset)
    }

    /// The onMetaData tag for what is on disk, exactly `reservedMetadataBytes`
    /// long. An index that no longer fits is thinned for good, so that later
    /// flushes stay consistent with it. The publisher's properties (at most
    /// an eighth of the space) are dropped only if even an empty index
    /// leaves no room for them, which the minimum size rules out.
    private func metadataTag() -> ByteBuffer? {
        let payloadSize = reservedMetadataBytes - Self.tagOverhead
        var metadata = committed.metadata(info: givenInfo.filled(from: committed.learned), fileSize: flushedBytes)
        var payload = metadata.payload(size: payloadSize)
        while payload == nil, !metadata.info.publisherMetadata.isEmpty || !committed.index.entries.isEmpty {
            if !committed.index.entries.isEmpty {
                committed.index.thin()
                tally.index.thin()
                metadata.keyframes = committed.index.entries
            } else {
                metadata.info.publisherMetadata = []
            }
            payload = metadata.payload(size: payloadSize)
        }
        guard let payload else { return nil }
        var tag = ByteBufferAllocator().buffer(capacity: reservedMetadataBytes)
        FLVWriter.writeTag(FLVTag(type: FLVTag.scriptDataType, timestamp: 0, payload: payload), into: &tag)
        return tag
    }

    /// write(2) until every byte is taken, retrying interrupted and short writes.
    private func writeAll(_ buffer: ByteBuffer) throws(RecordingError) {
        let outcome: RecordingError? = buffer.withUnsafeReadableBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = io.write(descriptor, UnsafeRawBufferPointer(rebasing: bytes[done...]))
                if written > 0 {
                    done += written
                } else if written != -Int(EINTR) {
                    // write(2) returning 0 for a non-empty buffer means no progress is possible.
                    return .writeFailed(path: path, code: written == 0 ? EIO : Int32(truncatingIfNeeded: -written))
                }
            }
            return nil
        }
        if let outcome { throw outcome }
    }

    /// pwrite(2) until every byte is in place.
    private func pwriteAll(_ buffer: ByteBuffer, at offset: Int64) throws(RecordingError) {
        let outcome: RecordingError? = buffer.withUnsafeReadableBytes { bytes in
            var done = 0
            while done < bytes.count {
                let written = io.pwrite(descriptor, UnsafeRawBufferPointer(rebasing: bytes[done...]), offset + Int64(done))
                if written > 0 {
                    done += written
                } else if written != -Int(EINTR) {
                    return .writeFailed(path: path, code: written == 0 ? EIO : Int32(truncatingIfNeeded: -written))
                }
            }
            return nil
        }
        if let outcome { throw outcome }
    }

    // MARK: - What has been written

    /// Everything the metadata is computed from, kept as one value so that
    /// a failed flush can return to the last state that reached the disk.
    private struct Tally {
        var audio = TrackTally()
        var video = TrackTally()
        var index = KeyframeIndex()
        var learned = RecordedStreamInfo()

        var durationMilliseconds: UInt32 { max(audio.endTimestamp, video.endTimestamp) }

        func metadata(info: RecordedStreamInfo, fileSize: Int64) -> RecordingMetadata {
            var info = info
            if info.frameRate == nil { info.frameRate = video.frameRate }
            let seconds = Double(durationMilliseconds) / 1000
            var metadata = RecordingMetadata()
            metadata.durationSeconds = seconds
            metadata.fileSize = fileSize
            metadata.info = info
            metadata.videoDataRate = video.dataRate(seconds: seconds)
            metadata.audioDataRate = audio.dataRate(seconds: seconds)
            metadata.keyframes = video.tags > 0 ? index.entries : nil
            return metadata
        }
    }

    private struct TrackTally {
        var tags = 0
        var payloadBytes: Int64 = 0
        var lastTimestamp: UInt32 = 0
        /// The last positive gap between two tags, capped: a guess at how
        /// long the last tag lasts.
        var lastStep: UInt32 = 0
        var frames = 0
        var firstFrameTimestamp: UInt32 = 0
        var lastFrameTimestamp: UInt32 = 0
        private static let longestStep: UInt32 = 1000

        var endTimestamp: UInt32 {
            tags == 0 ? 0 : lastTimestamp.addingReportingOverflow(lastStep).partialValue
        }

        /// Frames per second from the pictures' timestamps, for streams whose
        /// metadata does not say.
        var frameRate: Double? {
            guard frames >= 2, lastFrameTimestamp > firstFrameTimestamp else { return nil }
            return Double(frames - 1) * 1000 / Double(lastFrameTimestamp - firstFrameTimestamp)
        }

        mutating func note(timestamp: UInt32, size: Int, isFrame: Bool) {
            if tags > 0, timestamp > lastTimestamp {
                lastStep = min(timestamp - lastTimestamp, Self.longestStep)
            }
            if tags == 0 || timestamp > lastTimestamp { lastTimestamp = timestamp }
            tags += 1
            payloadBytes += Int64(size)
            if isFrame {
                if frames == 0 { firstFrameTimestamp = timestamp }
                lastFrameTimestamp = max(lastFrameTimestamp, timestamp)
                frames += 1
            }
        }

        /// kbit/s (of 1024 bits, as ffmpeg reads `videodatarate` back).
        func dataRate(seconds: Double) -> Double? {
            guard tags > 0, seconds > 0 else { return nil }
            return Double(payloadBytes) * 8 / 1024 / seconds
        }
    }
}

/// close(2), reachable from inside `FLVRecordingFile`, whose own `close` hides it.
private func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
