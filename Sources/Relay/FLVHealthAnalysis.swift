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

    /// Faults (informational findings left out): `analyze` exits 1 when any.
    public var faults: Int { findings.filter { !$0.informational }.count }

    public init(tags: [FLVTag]) {
        var analyzer = StreamHealthAnalyzer()
        var first: UInt32?, last: UInt32 = 0
        for tag in tags {
            let arrival = UInt64(tag.timestamp) * 1_000_000
            switch tag.type {
            case FLVTag.scriptDataType:
                var payload = tag.payload
                // Muxers write 0 for what they did not know; the analyzer ignores it.
                OnMetaData((try? AMF0Decoder().decodeAll(&payload)) ?? [])?.declare(to: &analyzer)
            case FLVTag.videoType:
                guard let info = VideoTagInfo.parse(tag.payload) else { continue }
                if info.isSequenceHeader, let c = CodecProbe.videoConfig(tag.payload), let w = c.width, let h = c.height {
                    analyzer.noteVideoSize(width: w, height: h, now: arrival)
                }
                let noPicture = !info.carriesPicture
                if !noPicture { videoFrames += 1 }
                analyzer.observe(.init(track: .video, dts: tag.timestamp, compositionOffset: info.compositionOffset(in: tag.payload),
                                       isKeyframe: info.isKeyframe, isSequenceHeader: noPicture, arrivalNanos: arrival))
            case FLVTag.audioType:
                let isHeader = AudioTagInfo.parse(tag.payload)?.isSequenceHeader ?? false
                if !isHeader { audioFrames += 1 }
                analyzer.observe(.init(track: .audio, dts: tag.timestamp, isSequenceHeader: isHeader, arrivalNanos: arrival))
            default:
                continue
            }
            if tag.type != FLVTag.scriptDataType {
                if first == nil { first = tag.timestamp }
                last = tag.timestamp
            }
        }
        // A last GOP that never closed: the overdue-keyframe check at the end.
        analyzer.tick(now: UInt64(last) * 1_000_000 + 1)
        findings = analyzer.seen.map { Seen(code: $0.code.rawValue, detail: $0.detail, informational: $0.isInformational) }
        figures = analyzer.figures
        figures.pace = nil  // not measurable from a file
        durationSeconds = Double(Int32(bitPattern: last &- (first ?? last))) / 1000
    }
}
