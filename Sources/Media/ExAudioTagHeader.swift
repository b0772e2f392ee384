import NIOCore

/// The Enhanced RTMP (v2) ExAudioTagHeader, resolved through any ModEx and
/// Multitrack wrappers down to the first track's packet.
struct ExAudioTagHeader {
    enum PacketType {
        static let sequenceStart: UInt8 = 0
        static let codedFrames: UInt8 = 1
        static let sequenceEnd: UInt8 = 2
        static let multichannelConfig: UInt8 = 4
        static let multitrack: UInt8 = 5
        static let modEx: UInt8 = 7
    }

    typealias MultitrackType = ExVideoTagHeader.MultitrackType

    /// SoundFormat value that switches the legacy header into ExAudioTagHeader.
    static let exHeaderSoundFormat: UInt8 = 9

    var packetType: UInt8
    var fourCC: UInt32
    var multitrackType: UInt8?
    /// The first track's id (Multitrack only).
    var trackID: UInt8?
    /// The first track's bytes after the header.
    var body: ByteBuffer
    /// The tracks after the first of a ManyTracks or ManyTracksManyCodecs
    /// message, read on demand; nil for every other message.
    var laterTracks: MultitrackTracks? = nil

    static func parse(_ payload: ByteBuffer) -> ExAudioTagHeader? {
        var buffer = payload
        guard let first: UInt8 = buffer.readInteger(), first >> 4 == exHeaderSoundFormat else { return nil }
        var packetType = first & 0x0F

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

        guard packetType == PacketType.multitrack else {
            guard let fourCC: UInt32 = buffer.readInteger() else { return nil }
            return ExAudioTagHeader(packetType: packetType, fourCC: fourCC, multitrackType: nil, body: buffer)
        }

        guard let typeByte: UInt8 = buffer.readInteger() else { return nil }
        let multitrackType = typeByte >> 4
        packetType = typeByte & 0x0F
        guard packetType != PacketType.multitrack, packetType != PacketType.modEx else { return nil }
        // 3–15 are reserved: their layout is unknown, so nothing of them is read.
        guard multitrackType <= MultitrackType.manyTracksManyCodecs else { return nil }
        guard multitrackType != MultitrackType.oneTrack else {
            guard let fourCC: UInt32 = buffer.readInteger(), let trackID: UInt8 = buffer.readInteger() else { return nil }
            return ExAudioTagHeader(packetType: packetType, fourCC: fourCC, multitrackType: multitrackType, trackID: trackID, body: buffer)
        }
        guard var tracks = MultitrackTracks(multitrackType: multitrackType, after: buffer), let first = tracks.next() else { return nil }
        return ExAudioTagHeader(packetType: packetType, fourCC: first.fourCC, multitrackType: multitrackType,
                                trackID: first.trackID, body: first.body, laterTracks: tracks)
    }
}
