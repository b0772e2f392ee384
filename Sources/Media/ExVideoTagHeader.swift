import NIOCore

/// The Enhanced RTMP ExVideoTagHeader, resolved through any ModEx and
/// Multitrack wrappers down to the first track's packet, so that callers see
/// one frame type, one packet type and one codec however the message is dressed.
struct ExVideoTagHeader {
    enum PacketType {
        static let sequenceStart: UInt8 = 0
        static let codedFrames: UInt8 = 1
        static let sequenceEnd: UInt8 = 2
        static let codedFramesX: UInt8 = 3
        static let metadata: UInt8 = 4
        static let mpeg2TSSequenceStart: UInt8 = 5
        static let multitrack: UInt8 = 6
        static let modEx: UInt8 = 7
    }

    enum MultitrackType {
        static let oneTrack: UInt8 = 0
        static let manyTracks: UInt8 = 1
        static let manyTracksManyCodecs: UInt8 = 2
    }

    static let commandFrameType: UInt8 = 5

    var frameType: UInt8
    var packetType: UInt8
    /// Absent for command frames, which the spec defines without a FourCC.
    var fourCC: UInt32?
    var multitrackType: UInt8?
    /// The first track's id (Multitrack only).
    var trackID: UInt8?
    /// The first track's bytes after the header: configuration record,
    /// composition time + frames, or metadata, depending on `packetType`.
    var body: ByteBuffer
    /// The tracks after the first of a ManyTracks or ManyTracksManyCodecs
    /// message, read on demand; nil for every other message.
    var laterTracks: MultitrackTracks? = nil

    /// Returns nil when the payload is not an ExVideoTagHeader or ends early.
    static func parse(_ payload: ByteBuffer) -> ExVideoTagHeader? {
        var buffer = payload
        guard let first: UInt8 = buffer.readInteger(), first & 0x80 != 0 else { return nil }
        let frameType = (first >> 4) & 0x07
        var packetType = first & 0x0F

        // ModEx blocks only modify the packet (e.g. nanosecond timestamp
        // offsets); each ends with the real packet type, which may be another ModEx.
        while packetType == PacketType.modEx {
            guard let sizeMinusOne: UInt8 = buffer.readInteger() else { return nil }
            var size = Int(sizeMinusOne) &+ 1
            if size == 256 {
                guard let wideSizeMinusOne: UInt16 = buffer.readInteger() else { return nil }
                size = Int(wideSizeMinusOne) &+ 1
            }
            guard buffer.skipBytes(size), let next: UInt8 = buffer.readInteger() else { return nil }
            packetType = next & 0x0F
        }

        if packetType != PacketType.metadata && frameType == commandFrameType {
            guard buffer.readInteger(as: UInt8.self) != nil else { return nil }
            return ExVideoTagHeader(
                frameType: frameType, packetType: packetType, fourCC: nil,
                multitrackType: nil, body: ByteBuffer()
            )
        }

        guard packetType == PacketType.multitrack else {
            guard let fourCC: UInt32 = buffer.readInteger() else { return nil }
            return ExVideoTagHeader(
                frameType: frameType, packetType: packetType, fourCC: fourCC,
                multitrackType: nil, body: buffer
            )
        }

        guard let typeByte: UInt8 = buffer.readInteger() else { return nil }
        let multitrackType = typeByte >> 4
        packetType = typeByte & 0x0F
        // A track cannot itself be multitrack; the spec forbids it and
        // accepting it would make the body layout ambiguous.
        guard packetType != PacketType.multitrack, packetType != PacketType.modEx else { return nil }
        // 3–15 are reserved: their layout is unknown, so nothing of them is read.
        guard multitrackType <= MultitrackType.manyTracksManyCodecs else { return nil }
        guard multitrackType != MultitrackType.oneTrack else {
            // One track: FourCC and id, then the track's bytes to the end.
            guard let fourCC: UInt32 = buffer.readInteger(), let trackID: UInt8 = buffer.readInteger() else { return nil }
            return ExVideoTagHeader(
                frameType: frameType, packetType: packetType, fourCC: fourCC,
                multitrackType: multitrackType, trackID: trackID, body: buffer
            )
        }
        guard var tracks = MultitrackTracks(multitrackType: multitrackType, after: buffer), let first = tracks.next() else { return nil }
        return ExVideoTagHeader(
            frameType: frameType, packetType: packetType, fourCC: first.fourCC,
            multitrackType: multitrackType, trackID: first.trackID, body: first.body, laterTracks: tracks
        )
    }
}
