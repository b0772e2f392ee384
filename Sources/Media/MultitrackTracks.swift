import NIOCore

/// The tracks of a ManyTracks or ManyTracksManyCodecs message, read one at
/// a time from the bytes after the multitrack header: a FourCC per track
/// only for many codecs (else the header's), the track id, a UI24 size and
/// that many bytes. Reading stops at the first track that does not fit, so
/// a lying size can neither trap nor reach past the message.
struct MultitrackTracks: Sequence, IteratorProtocol {
    /// One track: its codec, its id and its bytes (configuration record,
    /// composition time + frames, …).
    struct Track {
        var fourCC: UInt32
        var trackID: UInt8
        var body: ByteBuffer
        /// The track's share of the message: its bytes and its own header.
        var bytesInMessage: Int
    }

    /// The header's FourCC for ManyTracks; nil for ManyTracksManyCodecs.
    let sharedFourCC: UInt32?
    var remaining: ByteBuffer

    /// From the bytes after a ManyTracks or ManyTracksManyCodecs header's
    /// type byte: one codec for all tracks has its FourCC there, many
    /// codecs have one per track. Nil when the shared FourCC is cut short.
    init?(multitrackType: UInt8, after header: ByteBuffer) {
        var buffer = header
        if multitrackType == ExVideoTagHeader.MultitrackType.manyTracksManyCodecs {
            sharedFourCC = nil
        } else {
            guard let fourCC: UInt32 = buffer.readInteger() else { return nil }
            sharedFourCC = fourCC
        }
        remaining = buffer
    }

    mutating func next() -> Track? {
        var buffer = remaining
        let fourCC: UInt32
        if let sharedFourCC {
            fourCC = sharedFourCC
        } else {
            guard let own: UInt32 = buffer.readInteger() else { return nil }
            fourCC = own
        }
        guard let trackID: UInt8 = buffer.readInteger(),
              let size = buffer.readUInt24(),
              let body = buffer.readSlice(length: Int(size))
        else { return nil }
        let consumed = remaining.readableBytes - buffer.readableBytes
        remaining = buffer
        return Track(fourCC: fourCC, trackID: trackID, body: body, bytesInMessage: consumed)
    }
}
