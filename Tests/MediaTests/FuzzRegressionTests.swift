import Media
import XCTest

/// Inputs scripts/fuzz found, kept as tests (the inputs themselves are in
/// Fuzz/corpus, where every fuzz run starts from them).
final class FuzzRegressionTests: XCTestCase {
    /// amf0 target: an onMetaData whose audiosamplerate is the double
    /// 00 00 00 00 00 00 00 80 (6.3e-322, a mutated 44100) was kept as a
    /// declared rate of 0 Hz: positive, so it passed the range check, then
    /// truncated to 0. Health then reported "onMetaData says 0 Hz".
    func testDeclaredSampleRateBelowOneHertzIsDropped() {
        let tiny = Double(bitPattern: 0x0000_0000_0000_0080)
        XCTAssertEqual(tiny, 6.3e-322)
        XCTAssertNil(DeclaredMetadata(audioSampleRate: tiny).audioSampleRate)
        XCTAssertNil(DeclaredMetadata(audioSampleRate: 0.999).audioSampleRate)
        XCTAssertEqual(DeclaredMetadata(audioSampleRate: 1).audioSampleRate, 1)
        XCTAssertEqual(DeclaredMetadata(audioSampleRate: 44_100).audioSampleRate, 44_100)
        XCTAssertEqual(DeclaredMetadata(audioSampleRate: 48_000.5).audioSampleRate, 48_000)
    }
}
