import DequeModule
import Logging
import Media
import RTMP

/// Codecs, frame rate, counters and bitrate history of one stream, fed
/// from the frames themselves (metadata can lie or be missing).
struct StreamStats {
    var video: VideoSnapshot?
    var audio: AudioSnapshot?
    var frameRate: Double?
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

    private var metadataFrameRate: Double?
    private var recentVideoTimestamps = Deque<UInt32>()
    private var last = (total: UInt64(0), video: UInt64(0), audio: UInt64(0))

    mutating func resetForPublisher() {
        video = nil
        audio = nil
        frameRate = nil
        metadataFrameRate = nil
        recentVideoTimestamps.removeAll()
    }

    mutating func noteMetadata(_ props: [AMF0Property]) {
        for p in props where p.key == "framerate" || p.key == "fps" {
            if let f = p.value.numberValue, f > 0, f < 1000 { metadataFrameRate = f }
        }
        if frameRate == nil { frameRate = metadataFrameRate }
    }

    /// What the next probe still has to look for (see `IngestProbe.Wants`).
    var probeWants: IngestProbe.Wants {
        var w: IngestProbe.Wants = []
        if audio == nil { w.insert(.audioConfig) }
        if video?.width == nil { w.insert(.frameSize) }
        return w
    }

    /// Counts a media frame; returns a log line when it revealed a codec.
    /// The parsing was done by `probe`, before the stream's lock.
    mutating func observe(_ frame: MediaFrame, probe: IngestProbe) -> (String, Logger.Metadata)? {
        switch frame.kind {
        case .video:
            videoFrames &+= 1
            videoBytes &+= UInt64(frame.size)
            if frame.isKeyframe { keyframes &+= 1 }
            if !frame.isSequenceHeader { trackFrameRate(frame.timestamp) }
            return observeVideoCodec(probe)
        case .audio:
            audioFrames &+= 1
            audioBytes &+= UInt64(frame.size)
            return observeAudioCodec(probe)
        case .data:
            return nil
        }
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

    private mutating func trackFrameRate(_ ts: UInt32) {
        recentVideoTimestamps.append(ts)
        if recentVideoTimestamps.count > 61 { recentVideoTimestamps.removeFirst() }
        guard recentVideoTimestamps.count >= 10, let first = recentVideoTimestamps.first else { return }
        let span = Int32(bitPattern: ts &- first)
        // B-frames make DTS order regular anyway; a span of 0 means bursty input.
        if span > 0 {
            frameRate = Double(recentVideoTimestamps.count - 1) * 1000 / Double(span)
        }
    }

    mutating func sample(interval: Double) {
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
