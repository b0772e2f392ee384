import Foundation
import NIOCore
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
