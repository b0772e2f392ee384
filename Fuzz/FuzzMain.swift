// libFuzzer entry points for rtmp-top's wire-format parsers.
//
// One binary, many targets: RTMP_TOP_FUZZ_TARGET names the one to run
// (`scripts/fuzz list` shows them). Built by scripts/fuzz, which compiles
// Sources/RTMP and Sources/Media with -sanitize=fuzzer,address and
// -enable-testing, so the targets reach internal parsers through
// `@testable import`.
//
// A crash, a trap, a failed precondition or a failed `require` below is a
// finding: every parser treats its input as hostile and must answer nil or
// throw, never trap, and never say something a re-encode contradicts.

#if canImport(Glibc)
import Glibc
#endif

/// One fuzz target: a name for RTMP_TOP_FUZZ_TARGET and the function that
/// takes one input.
struct FuzzTarget: Sendable {
    let name: String
    let summary: String
    let run: @Sendable ([UInt8]) -> Void
}

/// Every target. scripts/fuzz reads the names from these lines (the
/// `FuzzTarget(name: "…"` pattern), so keep one per line.
let allTargets: [FuzzTarget] = [
    FuzzTarget(name: "handshake", summary: "RTMPServerHandshakeHandler on an EmbeddedChannel: C0 C1 C2 and what follows", run: fuzzHandshake),
    FuzzTarget(name: "handshake-client", summary: "RTMPHandshake.clientVerify on a server's S0 S1 S2", run: fuzzHandshakeClient),
    FuzzTarget(name: "chunk", summary: "RTMPChunkDecoder on a chunk stream (SetChunkSize, Abort, small limits), whole and in pieces, re-encoded", run: fuzzChunk),
    FuzzTarget(name: "amf0", summary: "AMF0Decoder.decodeAll / decode, re-encoded and decoded again; DeclaredMetadata", run: fuzzAMF0),
    FuzzTarget(name: "amf3", summary: "AMF3Decoder (the AVM+ leaf values), re-encoded and decoded again", run: fuzzAMF3),
    FuzzTarget(name: "command", summary: "first byte: message type; CommandMessage.parse + NetCommand, parseData, ControlMessage.parse", run: fuzzCommand),
    FuzzTarget(name: "flv", summary: "FLVReader over a file, tags re-written and read again, each tag probed", run: fuzzFLV),
    FuzzTarget(name: "video", summary: "a video message: VideoTagInfo, ExVideoTagHeader, CodecProbe.videoConfig/vp9FrameSize/vp8FrameSize", run: fuzzVideoTag),
    FuzzTarget(name: "audio", summary: "an audio message: AudioTagInfo, ExAudioTagHeader, CodecProbe.audioConfig", run: fuzzAudioTag),
    FuzzTarget(name: "video-config", summary: "first byte picks: avcC, hvcC, av1C, vpcC, H.264 SPS, HEVC SPS, AV1 sequence header, VP9/VP8 frame header", run: fuzzVideoConfig),
    FuzzTarget(name: "health", summary: "StreamHealthAnalyzer fed hostile timestamps, offsets, sizes, metadata and configurations", run: fuzzHealth),
    FuzzTarget(name: "audio-config", summary: "first byte picks: AudioSpecificConfig, OpusHead, FLAC STREAMINFO, MPEG audio header, AC-3/E-AC-3 sync frame", run: fuzzAudioConfig),
]

nonisolated(unsafe) private var selectedTarget: FuzzTarget?

private func environment(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

/// To stderr, unbuffered, as libFuzzer writes.
func printError(_ text: String) {
    var line = text + "\n"
    line.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}

private func printTargets() {
    for target in allTargets {
        print("\(target.name)\t\(target.summary)")
    }
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutableRawPointer?) -> CInt {
    if let out = environment("RTMP_TOP_FUZZ_MAKE_SEEDS") {
        do {
            try SeedGenerator(outputDirectory: out, inputDirectory: environment("RTMP_TOP_FUZZ_SEED_INPUT")).run()
        } catch {
            printError("seed generation failed: \(error)")
            exit(1)
        }
        exit(0)
    }
    let name = environment("RTMP_TOP_FUZZ_TARGET") ?? ""
    if name == "list" {
        printTargets()
        exit(0)
    }
    guard let target = allTargets.first(where: { $0.name == name }) else {
        printError("RTMP_TOP_FUZZ_TARGET must name one of:")
        for target in allTargets { printError("  \(target.name)") }
        exit(2)
    }
    selectedTarget = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    selectedTarget?.run(bytes)
    return 0
}

// MARK: - Helpers shared by the targets

/// An invariant of the code under test. Failing it traps, which libFuzzer
/// reports as a crash and saves the input.
@inline(never)
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    if !condition {
        fatalError("fuzz invariant failed: \(message())", file: file, line: line)
    }
}

/// A small deterministic generator (SplitMix64), seeded from the input, for
/// choosing how to cut an input into reads: the same input always gets the
/// same cuts, so a crash reproduces.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    init(bytes: [UInt8]) {
        // FNV-1a over the input.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        state = hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Cuts `bytes` into consecutive pieces of 1 to `maxPiece` bytes.
func pieces(of bytes: [UInt8], maxPiece: Int) -> [ArraySlice<UInt8>] {
    var generator = SplitMix(bytes: bytes)
    var out: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        let length = 1 + Int(generator.next() % UInt64(maxPiece))
        let end = min(bytes.count, start + length)
        out.append(bytes[start..<end])
        start = end
    }
    return out
}
