import DequeModule
import Logging
import Media
import RTMP

/// Codecs, frame rate, counters, bitrate history and health of one stream,
/// fed from the frames themselves (metadata can lie or be missing).
struct StreamStats {
    var video: VideoSnapshot?
    var audio: AudioSnapshot?
    /// Measured from timestamps by the health analysis, else onMetaData's.
    var frameRate: Double? { health.figures.measuredFrameRate ?? metadataFrameRate }
    /// This publish's health checks, on the publisher's own timestamps.
    private(set) var health: StreamHealthAnalyzer
    /// nil: the checks are off (`--no-health`), the analyzer is never fed.
    let healthProfile: HealthProfile?
    var bytesIn: UInt64 = 0
    var videoBytes: UInt64 = 0
    var audioBytes: UInt64 = 0
    var videoFrames: UInt64 = 0
    var audioFrames: UInt64 = 0
    var keyframes: UInt64 = 0
    var droppedVideo: UInt64 = 0
    var droppedAudio: UInt64 = 0
    var bitrateBps: Double = 0
    var videoBitrateBps: Double = 0
    var audioBitrateBps: Double = 0
    /// Total bits per second, one sample per second, oldest first.
    var history = Deque<Double>()
    /// Video and audio bits per second, the same way (nginx-rtmp's bw_video/bw_audio).
    var videoHistory = Deque<Double>()
    var audioHistory = Deque<Double>()
    static let historyLength = 60

    /// The tracks beyond the default ones (Enhanced RTMP v2 multitrack), by
    /// kind and id: their codec from their own sequence start, their bytes.
    /// At most `maxExtraTracks`: a publisher inventing ids cannot grow it.
    private var extraTracks: [ExtraTrackKey: ExtraTrack] = [:]
    static let maxExtraTracks = 16

    private struct ExtraTrackKey: Hashable { var isVideo: Bool; var id: UInt8 }
    private struct ExtraTrack {
        var video: VideoSnapshot?
        var audio: AudioSnapshot?
        var bytes: UInt64 = 0
        var lastBytes: UInt64 = 0
        var bitrateBps: Double = 0
    }

    /// Each kind's default track: 0, or while the publisher has sent no
    /// track 0, the lowest id it has sent (Enhanced RTMP v2). nil: none yet.
    private var defaultTrack: (video: UInt8?, audio: UInt8?) = (nil, nil)

    private var metadataFrameRate: Double?
    private var last = (total: UInt64(0), video: UInt64(0), audio: UInt64(0))

    init(healthProfile: HealthProfile? = .generic) {
        self.healthProfile = healthProfile
        health = StreamHealthAnalyzer(profile: healthProfile ?? .generic)
    }

    /// A new publish (or none): codecs and health start over; counters and
    /// bitrate history go on, they belong to the stream.
    mutating func resetForPublisher() {
        video = nil
        audio = nil
        extraTracks = [:]
        defaultTrack = (nil, nil)
        metadataFrameRate = nil
        health = StreamHealthAnalyzer(profile: healthProfile ?? .generic)
    }

    mutating func noteMetadata(_ props: [AMF0Property]) {
        let meta = OnMetaData(properties: props)
        metadataFrameRate = meta.declared.frameRate
        health.noteMetadata(meta.declared)
    }

    /// The server paused reading the publisher: its pace is not judged.
    mutating func noteReadingPaused() { health.noteReadingPaused() }

    /// Once a second: the health checks about time passing.
    mutating func tickHealth(now: UInt64) -> [StreamHealthAnalyzer.Change] {
        health.tick(now: now)
        return health.takeChanges()
    }

    mutating func takeHealthChanges() -> [StreamHealthAnalyzer.Change] {
        health.hasChanges ? health.takeChanges() : []
    }

    /// Which track of `probe`'s kind is the default, and so whose keyframes
    /// start GOPs and whose figures are the stream's: call before building
    /// the probe's frame. A lower track appearing becomes the default; the
    /// one it replaces is listed as another track from then on.
    mutating func settleTrack(_ probe: inout IngestProbe, messageBytes: Int) {
        let isVideo = probe.isVideo
        let current = isVideo ? defaultTrack.video : defaultTrack.audio
        let chosen = min(current ?? UInt8.max, probe.lowestTrackID)
        if chosen != current {
            if isVideo { defaultTrack.video = chosen } else { defaultTrack.audio = chosen }
            if let current { demoteDefaultTrack(current, isVideo: isVideo) }
        }
        probe.settle(defaultTrack: chosen, messageBytes: messageBytes)
    }

    /// The default track so far becomes an extra one: its codec and its
    /// bytes (the kind's less the other tracks') go with it. With the table
    /// full its bytes stay with the default, as an unlisted track's do.
    private mutating func demoteDefaultTrack(_ id: UInt8, isVideo: Bool) {
        let key = ExtraTrackKey(isVideo: isVideo, id: id)
        let demoted = (video: isVideo ? video : nil, audio: isVideo ? nil : audio)
        if isVideo { video = nil } else { audio = nil }
        guard extraTracks[key] == nil, extraTracks.count < Self.maxExtraTracks else { return }
        let others = extraTracks.reduce(UInt64(0)) { $0 &+ ($1.key.isVideo == isVideo ? $1.value.bytes : 0) }
        let bytes = (isVideo ? videoBytes : audioBytes) &- others
        extraTracks[key] = ExtraTrack(video: demoted.video, audio: demoted.audio, bytes: bytes, lastBytes: bytes)
    }

    /// What the next probe still has to look for (see `IngestProbe.Wants`).
    var probeWants: IngestProbe.Wants {
        var w: IngestProbe.Wants = []
        if audio == nil { w.insert(.audioConfig) }
        if video?.width == nil { w.insert(.frameSize) }
        return w
    }

    /// Counts a media frame and feeds the health checks; returns a log line
    /// when it revealed a codec. The parsing was done by `probe`, before the
    /// stream's lock. `publisherTimestamp` is the frame's own (health is
    /// judged before any rebasing for players), `arrival` monotonic ns.
    mutating func observe(_ frame: MediaFrame, probe: IngestProbe, publisherTimestamp: UInt32, arrival: UInt64) -> (String, Logger.Metadata)? {
        let line: (String, Logger.Metadata)?
        // The other tracks of a ManyTracks message (`settleTrack` put the
        // default one first: it gets the bytes no other track claims).
        let laterBytes = probe.laterTracks.reduce(0) { $0 + $1.bytes }
        for t in probe.laterTracks where t.trackID != probe.trackID {
            noteExtraTrack(isVideo: frame.kind == .video, id: t.trackID, bytes: t.bytes, isSequenceHeader: probe.isSequenceHeader,
                           codec: t.videoCodec, videoConfig: t.videoConfig, audioConfig: t.audioConfig)
        }
        // Another Enhanced RTMP v2 track (a second rendition): its bytes
        // count, its frames would double the rate and mix two pictures'
        // figures, so codecs, counts and health follow the default track.
        guard probe.isDefaultTrack else {
            // The kind's bytes count the whole message; the tracks each their share.
            if frame.kind == .video { videoBytes &+= UInt64(frame.size) } else { audioBytes &+= UInt64(frame.size) }
            noteExtraTrack(isVideo: frame.kind == .video, id: frame.track, bytes: frame.size - laterBytes, isSequenceHeader: probe.isSequenceHeader,
                           codec: probe.videoCodec, videoConfig: probe.videoConfig, audioConfig: probe.audioConfig)
            return nil
        }
        switch frame.kind {
        case .video:
            videoFrames &+= 1
            videoBytes &+= UInt64(frame.size)
            if frame.isKeyframe { keyframes &+= 1 }
            line = observeVideoCodec(probe)
        case .audio:
            audioFrames &+= 1
            audioBytes &+= UInt64(frame.size)
            line = observeAudioCodec(probe)
        case .data:
            return nil
        }
        guard healthProfile != nil else { return line }
        // Configurations come from sequence headers; codecs that have none
        // (legacy video, MP3 and the like) are known by their flags. A legacy
        // AAC frame's flags say "44 kHz stereo" whatever the truth: not used.
        if let c = probe.videoConfig {
            health.noteVideoConfig(c, now: arrival)
        } else if !health.knowsVideoConfig, let codec = probe.videoCodec, !Self.hasConfigurationRecord(codec) {
            health.noteVideoConfig(VideoConfig(codec: codec), now: arrival)
        }
        if let size = probe.frameSize { health.noteVideoSize(width: size.width, height: size.height, now: arrival) }
        if let c = probe.audioConfig, probe.isSequenceHeader || (c.codec != .aac && !health.knowsAudioConfig) {
            health.noteAudioConfig(c, now: arrival)
        }
        health.observe(StreamHealthAnalyzer.Frame(track: frame.kind == .video ? .video : .audio, dts: publisherTimestamp,
                                                  compositionOffset: probe.compositionOffset, isKeyframe: frame.isKeyframe,
                                                  isSequenceHeader: !probe.carriesPicture, arrivalNanos: arrival, bytes: frame.size))
        return line
    }

    private mutating func observeVideoCodec(_ probe: IngestProbe) -> (String, Logger.Metadata)? {
        let known = video
        if probe.isSequenceHeader, let config = probe.videoConfig {
            video = VideoSnapshot(config)
        } else if video == nil, let codec = probe.videoCodec {
            video = VideoSnapshot(codec: codec.displayName, profile: nil, level: nil, width: nil, height: nil)
        }
        // VP8/VP9 configuration records carry no size: the probe read it from a keyframe.
        if var v = video, v.width == nil, let size = probe.frameSize,
           v.codec == VideoCodec.vp9.displayName || v.codec == VideoCodec.vp8.displayName {
            v.width = size.width
            v.height = size.height
            video = v
        }
        guard let v = video, v != known else { return nil }
        var meta: Logger.Metadata = ["kind": "video", "codec": "\(v.codec)"]
        if let w = v.width, let h = v.height { meta["width"] = "\(w)"; meta["height"] = "\(h)"; meta["resolution"] = "\(w)x\(h)" }
        // codec_ prefixes: "level" is the log line's own key (JSONLogHandler).
        if let p = v.profile { meta["codec_profile"] = "\(p)" }
        if let l = v.level { meta["codec_level"] = "\(l)" }
        if let f = frameRate { meta["fps"] = "\((f * 100).rounded() / 100)" }
        return ("codec detected", meta)
    }

    private mutating func observeAudioCodec(_ probe: IngestProbe) -> (String, Logger.Metadata)? {
        let known = audio
        // A legacy AAC frame only says "AAC, 44 kHz stereo" in its flags;
        // wait for the sequence header for the real numbers.
        if probe.isSequenceHeader || audio == nil, let config = probe.audioConfig {
            audio = AudioSnapshot(config)
        }
        guard let a = audio, a != known else { return nil }
        var meta: Logger.Metadata = ["kind": "audio", "codec": "\(a.codec)"]
        if let p = a.profile { meta["codec_profile"] = "\(p)" }
        if let r = a.sampleRate { meta["sample_rate"] = "\(r)" }
        if let c = a.channels { meta["channels"] = "\(c)" }
        return ("codec detected", meta)
    }

    private static func hasConfigurationRecord(_ codec: VideoCodec) -> Bool {
        switch codec {
        case .avc, .hevc, .av1, .vp9, .vp8: return true
        default: return false
        }
    }

    /// Bytes and codec of a track beyond the default ones; its frames do not
    /// reach the counts or the health checks.
    private mutating func noteExtraTrack(isVideo: Bool, id: UInt8, bytes: Int, isSequenceHeader: Bool,
                                         codec: VideoCodec?, videoConfig: VideoConfig?, audioConfig: AudioConfig?) {
        let key = ExtraTrackKey(isVideo: isVideo, id: id)
        guard extraTracks[key] != nil || extraTracks.count < Self.maxExtraTracks else { return }
        var t = extraTracks[key] ?? ExtraTrack()
        t.bytes &+= UInt64(max(0, bytes))
        if isSequenceHeader, let c = videoConfig { t.video = VideoSnapshot(c) }
        // AC-3, E-AC-3 and MP3 say theirs in every frame, with no sequence start.
        if let c = audioConfig, isSequenceHeader || t.audio == nil { t.audio = AudioSnapshot(c) }
        if isVideo, t.video == nil, let codec { t.video = VideoSnapshot(codec: codec.displayName, profile: nil, level: nil, width: nil, height: nil) }
        extraTracks[key] = t
    }

    /// Every track with its figures, when there are more than the default
    /// ones (the default tracks' bytes and rates are the kind's less the others').
    func tracks() -> [TrackSnapshot] {
        guard !extraTracks.isEmpty else { return [] }
        var out: [TrackSnapshot] = []
        // Video tracks first, then audio; the default track (the lowest) first of each.
        for isVideo in [true, false] {
            let extras = extraTracks.filter { $0.key.isVideo == isVideo }.sorted { $0.key.id < $1.key.id }
            guard (isVideo ? video != nil : audio != nil) || !extras.isEmpty else { continue }
            let kind = isVideo ? "video" : "audio"
            let defaultID = Int((isVideo ? defaultTrack.video : defaultTrack.audio) ?? 0)
            out.append(TrackSnapshot(kind: kind, id: defaultID, video: isVideo ? video : nil, audio: isVideo ? nil : audio,
                                     bytesIn: (isVideo ? videoBytes : audioBytes) &- extras.reduce(0) { $0 &+ $1.value.bytes },
                                     bitrateBps: max(0, (isVideo ? videoBitrateBps : audioBitrateBps) - extras.reduce(0) { $0 + $1.value.bitrateBps })))
            for (key, t) in extras {
                out.append(TrackSnapshot(kind: kind, id: Int(key.id), video: t.video, audio: t.audio, bytesIn: t.bytes, bitrateBps: t.bitrateBps))
            }
        }
        return out
    }

    mutating func sample(interval: Double) {
        for (key, var t) in extraTracks {
            t.bitrateBps = Double(t.bytes &- t.lastBytes) * 8 / interval
            t.lastBytes = t.bytes
            extraTracks[key] = t
        }
        bitrateBps = Double(bytesIn &- last.total) * 8 / interval
        videoBitrateBps = Double(videoBytes &- last.video) * 8 / interval
        audioBitrateBps = Double(audioBytes &- last.audio) * 8 / interval
        last = (bytesIn, videoBytes, audioBytes)
        for (samples, value) in [(\StreamStats.history, bitrateBps), (\.videoHistory, videoBitrateBps), (\.audioHistory, audioBitrateBps)] {
            self[keyPath: samples].append(value)
            if self[keyPath: samples].count > Self.historyLength { self[keyPath: samples].removeFirst() }
        }
    }
}
