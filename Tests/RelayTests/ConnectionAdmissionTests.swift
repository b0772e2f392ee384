@testable import Relay
import XCTest

/// The admission policy alone: caps, per-address books, release.
final class ConnectionAdmissionTests: XCTestCase {
    func testServerCapAndAddressCap() {
        var a = ConnectionAdmission(maxConnections: 3, maxPerAddress: 2)
        XCTAssertNil(a.admit("10.0.0.1"))
        XCTAssertNil(a.admit("10.0.0.1"))
        XCTAssertEqual(a.admit("10.0.0.1"), .addressFull)
        XCTAssertNil(a.admit("10.0.0.2"))
        XCTAssertEqual(a.admit("10.0.0.3"), .serverFull, "the server cap comes first")
        XCTAssertEqual(a.open, 3, "refusals are not counted in")
        a.release("10.0.0.1")
        XCTAssertEqual(a.connections(from: "10.0.0.1"), 1)
        XCTAssertNil(a.admit("10.0.0.3"))
        a.release("10.0.0.3")
        a.release("10.0.0.2")
        a.release("10.0.0.1")
        XCTAssertEqual(a.open, 0)
        XCTAssertEqual(a.addressCount, 0, "no books kept for addresses that left")
    }

    func testNoCapsAdmitEveryoneAndKeepNoAddressBooks() {
        var a = ConnectionAdmission(maxConnections: 0, maxPerAddress: 0)
        for i in 0..<10_000 { XCTAssertNil(a.admit("10.0.\(i / 256).\(i % 256)")) }
        XCTAssertEqual(a.open, 10_000)
        XCTAssertEqual(a.addressCount, 0)
        a.release("never-admitted")
        XCTAssertEqual(a.open, 9_999)
    }

    func testRateLimitedLogSaysHowManyItSkipped() {
        let log = RateLimitedLog(intervalNanos: 1_000_000_000)
        var lines: [Int] = []
        for t in 0..<100 { log.log(now: 5_000_000_000 + UInt64(t) * 10_000_000) { lines.append($0) } }  // 100 in 1 s
        XCTAssertEqual(lines, [0])
        log.log(now: 6_000_000_001) { lines.append($0) }
        XCTAssertEqual(lines, [0, 99], "the next line counts the 99 not logged")
    }
}
