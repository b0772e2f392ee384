@testable import Relay
import XCTest

/// Upstream URLs taken apart as ffmpeg does, and the reconnect policy.
final class UpstreamEndpointTests: XCTestCase {
    func testAppIsThePathUpToTheLastSlashAndTheNameKeepsTheQuery() throws {
        let e = try UpstreamEndpoint(url: "rtmp://live.twitch.tv/app/live_123_abc")
        XCTAssertEqual(e.host, "live.twitch.tv")
        XCTAssertEqual(e.port, 1935)
        XCTAssertEqual(e.app, "app")
        XCTAssertEqual(e.streamName, "live_123_abc")
        XCTAssertEqual(e.tcUrl, "rtmp://live.twitch.tv/app")
        XCTAssertEqual(e.masked, "rtmp://live.twitch.tv/app/***")

        let nested = try UpstreamEndpoint(url: "rtmp://10.0.0.2:1936/a/b/cam?key=S")
        XCTAssertEqual(nested.port, 1936)
        XCTAssertEqual(nested.app, "a/b")
        XCTAssertEqual(nested.streamName, "cam?key=S")
        XCTAssertEqual(nested.tcUrl, "rtmp://10.0.0.2:1936/a/b")

        let v6 = try UpstreamEndpoint(url: "rtmp://[::1]:1937/live/x")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.port, 1937)
    }

    func testAURLWithoutAppOrNameIsRefusedWithoutItsSecrets() {
        XCTAssertThrowsError(try UpstreamEndpoint(url: "rtmp://host/onlyapp"))
        XCTAssertThrowsError(try UpstreamEndpoint(url: "rtmp://host/"))
        XCTAssertThrowsError(try UpstreamEndpoint(url: "http://host/live/x?key=SECRET")) { XCTAssertFalse("\($0)".contains("SECRET")) }
    }

    func testTemplateAndEndpointTogether() throws {
        let url = try UpstreamURLTemplate("rtmp://127.0.0.1:1940/live").url(for: StreamKey(app: "live", rawName: "cam?token=t"))
        let e = try UpstreamEndpoint(url: url)
        XCTAssertEqual(e.streamName, "cam", "our token is not passed on")
    }

    func testBackoffDoublesToThirtySecondsAndResetsOnSuccess() {
        var b = ReconnectBackoff()
        XCTAssertEqual((0..<7).map { _ in b.failed() }, [1, 2, 4, 8, 16, 30, 30])
        XCTAssertEqual(b.reconnects, 7)
        b.succeeded()
        XCTAssertEqual(b.failed(), 1)
        XCTAssertEqual(b.reconnects, 8, "reconnects count over the push's life")
    }

    func testUpstreamRulesSelectByGlob() throws {
        let t = try UpstreamURLTemplate("rtmp://a/live")
        XCTAssertTrue(UpstreamRule(target: t).applies(to: StreamKey(app: "x", name: "y")))
        XCTAssertTrue(UpstreamRule(match: "live/*", target: t).applies(to: StreamKey(app: "live", name: "cam")))
        XCTAssertFalse(UpstreamRule(match: "live/*", target: t).applies(to: StreamKey(app: "games", name: "cam")))
    }
}
