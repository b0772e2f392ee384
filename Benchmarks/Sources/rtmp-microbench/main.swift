import Foundation
import NIOCore
import Media
import RTMP

/// Throughput of the chunk decoder reassembling messages of one size, fed in
/// 64 KiB reads as a socket delivers them. Returns MB/s and the decoder's
/// copy counter per payload byte.
func decoderThroughput(messageSize: Int, chunkSize: Int, totalBytes: Int) throws -> (mbps: Double, copiesPerByte: Double, seconds: Double) {
    var encoder = RTMPChunkEncoder()
    var wire = ByteBuffer()
    if chunkSize != 128 {
        encoder.encode(ControlMessage.setChunkSize(UInt32(chunkSize)).message, into: &wire)
        encoder.setChunkSize(chunkSize)
    }
    let payload = ByteBuffer(repeating: 0x5A, count: messageSize)
    let count = max(1, totalBytes / messageSize)
    for i in 0..<count {
        encoder.encode(RTMPMessage(chunkStreamID: 6, typeID: RTMPMessageType.video, messageStreamID: 1,
                                   timestamp: UInt32(i * 33), payload: payload), into: &wire)
    }
    var decoder = RTMPChunkDecoder()
    var pending = ByteBuffer()
    var source = wire
    var received = 0
    let start = DispatchTime.now().uptimeNanoseconds
    while source.readableBytes > 0 {
        var read = source.readSlice(length: min(65536, source.readableBytes))!
        pending.writeBuffer(&read)
        while let m = try decoder.decodeMessage(from: &pending) {
            if m.typeID == RTMPMessageType.video { received &+= m.payload.readableBytes }
        }
        pending.discardReadBytes()
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    precondition(received == count * messageSize, "lost bytes")
    return (Double(received) / 1e6 / seconds, Double(decoder.reassemblyBytesCopied) / Double(received), seconds)
}

/// Chunking one payload for fan-out (built once per chunk size, shared).
func encoderThroughput(messageSize: Int, chunkSize: Int, totalBytes: Int) -> Double {
    let payload = ByteBuffer(repeating: 0x5A, count: messageSize)
    let count = max(1, totalBytes / messageSize)
    var produced = 0
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<count {
        produced &+= RTMPChunkEncoder.chunkedBody(payload, chunkStreamID: 6, chunkSize: chunkSize, extendedTimestamp: nil).readableBytes
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Double(produced) / 1e6 / seconds
}

/// AMF0 round trip of an encoder's onMetaData.
func amf0RoundTrips(iterations: Int) throws -> Double {
    let values: [AMF0Value] = [.string("onMetaData"), .ecmaArray([
        "duration", "width", "height", "videodatarate", "framerate", "videocodecid", "audiodatarate", "audiosamplerate", "audiosamplesize", "audiochannels", "filesize",
    ].enumerated().map { AMF0Property(key: $0.element, value: .number(Double($0.offset) * 1.5)) } + [
        AMF0Property(key: "stereo", value: .boolean(true)),
        AMF0Property(key: "encoder", value: .string("Lavf59.27.100")),
    ])]
    let decoder = AMF0Decoder()
    let start = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iterations {
        var b = ByteBuffer()
        AMF0Encoder.encode(values, into: &b)
        _ = try decoder.decodeAll(&b)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    return Double(iterations) / seconds
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

let rounds = 3
print("chunk decoder, 64 KiB reads (median of \(rounds)):")
print("| chunk size | message | MB/s | copies per byte | 8 MiB / 64 KiB |")
print("|---|---|---|---|---|")
for chunkSize in [128, 4096] {
    var small = 0.0
    for (label, size, total) in [("64 KiB", 64 << 10, 256 << 20), ("8 MiB", 8 << 20, 256 << 20)] {
        var speeds: [Double] = [], copies = 0.0
        for _ in 0..<rounds {
            let r = try decoderThroughput(messageSize: size, chunkSize: chunkSize, totalBytes: total)
            speeds.append(r.mbps)
            copies = r.copiesPerByte
        }
        let m = median(speeds)
        if size == 64 << 10 { small = m }
        let ratio = size == 64 << 10 ? "" : String(format: "%.2f", m / small)
        print(String(format: "| %d | %@ | %.0f | %.2f | %@ |", chunkSize, label, m, copies, ratio))
    }
}
print("\nchunk encoder, chunkedBody (median of \(rounds)):")
for chunkSize in [128, 4096] {
    for (label, size) in [("4 KiB", 4 << 10), ("256 KiB", 256 << 10)] {
        let m = median((0..<rounds).map { _ in encoderThroughput(messageSize: size, chunkSize: chunkSize, totalBytes: 256 << 20) })
        print(String(format: "  chunk size %5d, %@ messages: %.0f MB/s", chunkSize, label, m))
    }
}
let amf = median(try (0..<rounds).map { _ in try amf0RoundTrips(iterations: 100_000) })
print(String(format: "\nAMF0 onMetaData encode+decode: %.0f per second", amf))

/// One publisher, `players` players: nanoseconds and allocations per
/// delivered frame through the relay's own fan-out path (no kernel).
func fanOut(players: Int, frames: Int) throws -> (nsPerDelivery: Double, mallocsPerFrame: Double?, mallocsPerDelivery: Double?) {
    let rig = try FanOutRig(players: players)
    func video(_ i: Int) -> ByteBuffer {
        var b = ByteBuffer(bytes: [i % 60 == 0 ? 0x17 : 0x27, 0x01, 0, 0, 0])
        b.writeRepeatingByte(UInt8(truncatingIfNeeded: i), count: 10_000)  // 2.4 Mbit/s at 30 fps
        return b
    }
    var audio = ByteBuffer(bytes: [0xAF, 0x01])
    audio.writeRepeatingByte(0x11, count: 370)
    var elapsed: UInt64 = 0
    var mallocs = 0, counted = true
    var frame = 0
    func publishBatch(_ n: Int) {
        for _ in 0..<n {
            // 30 video and 47 AAC frames a second, interleaved by time.
            if frame % 5 < 2 {
                rig.publish(typeID: RTMPMessageType.video, timestamp: UInt32(frame / 5 * 2 * 33), payload: video(frame))
            } else {
                rig.publish(typeID: RTMPMessageType.audio, timestamp: UInt32(frame * 21 / 3), payload: audio)
            }
            frame += 1
        }
    }
    publishBatch(200)  // warm up: caches, queues and buffers at their steady sizes
    _ = try rig.discardOutput()
    let batch = 50
    for _ in 0..<(frames / batch) {
        let start = DispatchTime.now().uptimeNanoseconds
        let (_, m) = countingAllocations { publishBatch(batch) }
        elapsed &+= DispatchTime.now().uptimeNanoseconds - start
        if let m { mallocs += m } else { counted = false }
        _ = try rig.discardOutput()
    }
    let measured = Double(frames / batch * batch)
    return (Double(elapsed) / measured / Double(players),
            counted ? Double(mallocs) / measured : nil,
            counted ? Double(mallocs) / measured / Double(players) : nil)
}

print("\nfan-out, one frame to N players through LiveStream → LoopMailbox → PlayerSink → RTMPOutput on EmbeddedChannels (median of \(rounds)):")
print("| players | ns per delivered frame | allocations per frame | allocations per delivered frame |")
print("|---|---|---|---|")
for players in [1, 100, 1000] {
    let runs = try (0..<rounds).map { _ in try fanOut(players: players, frames: players >= 1000 ? 1000 : 5000) }
    let ns = median(runs.map(\.nsPerDelivery))
    let perFrame = runs.compactMap(\.mallocsPerFrame)
    let perDelivery = runs.compactMap(\.mallocsPerDelivery)
    print(String(format: "| %d | %.0f | %@ | %@ |", players, ns,
                 perFrame.isEmpty ? "n/a (run scripts/microbench)" : String(format: "%.1f", median(perFrame)),
                 perDelivery.isEmpty ? "n/a" : String(format: "%.3f", median(perDelivery))))
}

/// The health analysis of one publish: nanoseconds and allocations per frame.
/// Under `twitch`, the profile with the most checks (bitrate ceilings, CBR, codecs).
func healthAnalysis(frames: Int) -> (ns: Double, mallocsPerFrame: Double?) {
    var analyzer = StreamHealthAnalyzer(profile: .twitch)
    analyzer.noteMetadata(DeclaredMetadata(frameRate: 30, width: 1280, height: 720, videoKilobitsPerSecond: 2500, audioKilobitsPerSecond: 128,
                                           audioSampleRate: 48_000, videoCodecID: 7, audioCodecID: 10))
    analyzer.noteVideoConfig(VideoConfig(codec: .avc, profile: "High", level: "3.1", width: 1280, height: 720), now: 1)
    analyzer.noteAudioConfig(AudioConfig(codec: .aac, profile: "LC", sampleRate: 48_000, channels: 2), now: 1)
    let start: UInt64 = 1_000_000_000_000
    func frame(_ i: Int) -> StreamHealthAnalyzer.Frame {
        // 30 fps video with 2 s GOPs and B-frames, 47 AAC frames a second, in real time.
        let video = i % 5 < 2
        let t = Double(i) / 77
        return .init(track: video ? .video : .audio, dts: UInt32(t * 1000), compositionOffset: video ? 33 : 0,
                     isKeyframe: video && i % 150 == 0, arrivalNanos: start + UInt64(t * 1e9), bytes: video ? 10_000 : 340)
    }
    for i in 0..<2000 { analyzer.observe(frame(i)) }  // warm up: findings and figures at their steady state
    _ = analyzer.takeChanges()
    var i = 2000
    let begin = DispatchTime.now().uptimeNanoseconds
    let (_, mallocs) = countingAllocations {
        for _ in 0..<frames {
            analyzer.observe(frame(i))
            if i % 77 == 0 { analyzer.tick(now: start + UInt64(Double(i) / 77 * 1e9)) }
            i += 1
        }
    }
    let ns = Double(DispatchTime.now().uptimeNanoseconds - begin) / Double(frames)
    return (ns, mallocs.map { Double($0) / Double(frames) })
}

let health = (0..<rounds).map { _ in healthAnalysis(frames: 1_000_000) }
let healthAllocs = health.compactMap(\.mallocsPerFrame)
print(String(format: "\nhealth analysis: %.0f ns per frame, %@ allocations per frame (median of %d, 10^6 frames each)",
             median(health.map(\.ns)), healthAllocs.isEmpty ? "n/a" : String(format: "%.3f", median(healthAllocs)), rounds))
