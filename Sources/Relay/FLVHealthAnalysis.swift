import Media
import NIOCore
import RTMP

/// The health checks over an FLV file (`rtmp-top analyze`): the same
/// analyzer as a live publish, fed by the tags' timestamps as if they
/// arrived in real time, so the pace and stall checks say nothing (a file
/// has no arrival times) and everything else is as live. A recording made
/// by rtmp-top has monotonic timestamps by construction, so it cannot show
/// backwards timestamps.
public struct FLVHealthAnalysis: Sendable, Encodable {
    public struct Seen: Sendable, Encodable, Equatable {
        public var code: String
        public var detail: String
        public var informational: Bool
    }

    /// Every finding that appeared anywhere in the file, in order, once per code.
    public var findings: [Seen] = []
    public var figures = HealthFigures()
    public var videoFrames = 0
    public var audioFrames = 0
    public var durationSeconds: Double = 0
    public var profile = HealthProfile.generic.rawValue

    /// Faults (informational findings left out): `analyze` exits 1 when any.
    public var faults: Int { findings.filter { !$0.informational }.count }

    public init(tags: [FLVTag], profile: HealthProfile = .generic) {
        // The live stream's own books, fed the way `LiveStream.ingest` feeds
        // them: the same probes, the same analyzer.
        var stats = StreamStats(healthProfile: profile)
        var first: UInt32?, last: UInt32 = 0
        var nextTick: UInt32 = 1000
        for tag in tags {
            let arrival = UInt64(tag.timestamp) * 1_000_000
            switch tag.type {
            case FLVTag.scriptDataType:
                var payload = tag.payload
                // Muxers write 0 for what they did not know; the analyzer ignores it.
                if let meta = OnMetaData((try? AMF0Decoder().decodeAll(&payload)) ?? []) { stats.noteMetadata(meta.properties) }
            case FLVTag.videoType, FLVTag.audioType:
                let typeID = tag.type == FLVTag.videoType ? RTMPMessageType.video : RTMPMessageType.audio
                var probe = IngestProbe(typeID: typeID, payload: tag.payload, wants: stats.probeWants)
                stats.settleTrack(&probe, messageBytes: tag.payload.readableBytes)
                let frame = MediaFrame.media(typeID: typeID, timestamp: tag.timestamp, payload: tag.payload, probe: probe, wire: nil)
                _ = stats.observe(frame, probe: probe, publisherTimestamp: tag.timestamp, arrival: arrival)
                if first == nil { first = tag.timestamp }
                last = tag.timestamp
                // The once-a-second checks, on the file's clock, after the
                // frame (so a timestamp jump is a jump, not a stall).
                if Int32(bitPattern: tag.timestamp &- nextTick) >= 0 {
                    _ = stats.tickHealth(now: arrival)
                    nextTick = tag.timestamp &+ 1000
                }
            default:
                continue
            }
        }
        // A last GOP that never closed: the overdue-keyframe check at the end.
        _ = stats.tickHealth(now: UInt64(last) * 1_000_000 + 1)
        let analyzer = stats.health
        findings = analyzer.seen.map { Seen(code: $0.code.rawValue, detail: $0.detail, informational: $0.isInformational) }
        figures = analyzer.figures
        figures.pace = nil  // not measurable from a file
        videoFrames = analyzer.videoFrames
        audioFrames = analyzer.audioFrames
        self.profile = profile.rawValue
        durationSeconds = Double(Int32(bitPattern: last &- (first ?? last))) / 1000
    }
}
