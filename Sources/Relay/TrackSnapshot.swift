/// One Enhanced RTMP v2 track of a stream (a rendition of a multitrack
/// publish), for the snapshot, the API and the dashboard. Listed only for
/// streams that have more than the default tracks.
public struct TrackSnapshot: Sendable, Equatable, Encodable {
    /// "video" or "audio".
    public var kind: String
    /// The track id; 0 is the default track (every message that is not Multitrack).
    public var id: Int
    public var video: VideoSnapshot?
    public var audio: AudioSnapshot?
    public var bytesIn: UInt64
    public var bitrateBps: Double

    public init(kind: String, id: Int, video: VideoSnapshot? = nil, audio: AudioSnapshot? = nil, bytesIn: UInt64, bitrateBps: Double) {
        self.kind = kind
        self.id = id
        self.video = video
        self.audio = audio
        self.bytesIn = bytesIn
        self.bitrateBps = bitrateBps
    }
}
