import Foundation

/// `ffmpeg -f framemd5` output: one line per packet.
struct FrameMD5 {
    struct Packet: Equatable, CustomStringConvertible {
        var stream: Int
        var dts: Int64
        var size: Int
        var hash: String
        var description: String { "s\(stream) dts=\(dts) size=\(size) \(hash.prefix(8))" }
    }

    /// codec name per stream index, from the `#codec_id N: name` header lines.
    var codecs: [Int: String] = [:]
    var packets: [Packet] = []

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#codec_id ") {
                let parts = line.dropFirst("#codec_id ".count).split(separator: ":", maxSplits: 1)
                if parts.count == 2, let i = Int(parts[0]) { codecs[i] = parts[1].trimmingCharacters(in: .whitespaces) }
                continue
            }
            if line.hasPrefix("#") { continue }
            let f = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard f.count >= 6, let s = Int(f[0]), let dts = Int64(f[1]), let size = Int(f[4]) else { continue }
            packets.append(Packet(stream: s, dts: dts, size: size, hash: f[5]))
        }
    }

    /// Packets of the stream with this codec, in order.
    func packets(codec: String) -> [Packet] {
        guard let index = codecs.first(where: { $0.value == codec })?.key else { return [] }
        return packets.filter { $0.stream == index }
    }

    /// (size, hash) of each packet of one codec: what a transparent relay
    /// must preserve whatever the container's timebase.
    func payloads(codec: String) -> [String] {
        packets(codec: codec).map { "\($0.size) \($0.hash)" }
    }
}
