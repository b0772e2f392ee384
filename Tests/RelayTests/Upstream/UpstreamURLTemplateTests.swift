@testable import Relay
import XCTest

/// The push URL rules of issue 12, as functions.
final class UpstreamURLTemplateTests: XCTestCase {
    private let cam = StreamKey(app: "live", rawName: "cam?token=ours&quality=hd")

    func testAppOnlyGetsTheNameAndNoAppGetsBoth() throws {
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://a.example/live").url(for: cam), "rtmp://a.example/live/cam")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://a.example/live/").url(for: cam), "rtmp://a.example/live/cam")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://a.example:1936").url(for: cam), "rtmp://a.example:1936/live/cam")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://a.example/").url(for: cam), "rtmp://a.example/live/cam")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://a.example/app/fixed").url(for: cam), "rtmp://a.example/app/fixed", "app and name given")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://a.example/app?key=1").url(for: cam), "rtmp://a.example/app/cam?key=1", "the URL's own query stays")
    }

    func testPlaceholdersAndTheQueryWithoutOurToken() throws {
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://ingest/app/{name}?key=SECRET").url(for: cam), "rtmp://ingest/app/cam?key=SECRET")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://edge/{app}-backup/{name}?{query}").url(for: cam), "rtmp://edge/live-backup/cam?quality=hd")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://edge/x/{name}?{query}").url(for: StreamKey(app: "live", rawName: "cam?TOKEN=a")), "rtmp://edge/x/cam?")
    }

    func testAPullPassesThePlayersQueryOnWithoutOurToken() throws {
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://origin/live").pullURL(for: cam), "rtmp://origin/live/cam?quality=hd")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://origin/live?edge=1").pullURL(for: cam), "rtmp://origin/live/cam?edge=1&quality=hd")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://origin/live/{name}?{query}").pullURL(for: cam), "rtmp://origin/live/cam?quality=hd", "placed once")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://origin/live").pullURL(for: StreamKey(app: "live", name: "cam")), "rtmp://origin/live/cam")
    }

    func testHostAndPortForTheLoopGuard() throws {
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://127.0.0.1:1940/live").hostAndPort?.host, "127.0.0.1")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://127.0.0.1:1940/live").hostAndPort?.port, 1940)
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://a.example/live").hostAndPort?.port, 1935)
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://[::1]:1941/live").hostAndPort?.host, "::1")
        XCTAssertEqual(try UpstreamURLTemplate("rtmp://[::1]:1941/live").hostAndPort?.port, 1941)
    }

    func testNotAnRTMPURLIsRefusedWithoutShowingItsSecrets() {
        XCTAssertThrowsError(try UpstreamURLTemplate("http://a/live?key=SECRET")) { XCTAssertFalse("\($0)".contains("SECRET"), "\($0)") }
        XCTAssertThrowsError(try UpstreamURLTemplate("rtmp:///live"))
    }

    func testMaskedURLsHideQueryValuesAndTheStreamKey() {
        XCTAssertEqual(SecretMask.maskedURL("rtmp://live.twitch.tv/app/live_1234_abcdef"), "rtmp://live.twitch.tv/app/***")
        XCTAssertEqual(SecretMask.maskedURL("rtmp://a.rtmp.youtube.com/live2/xxxx-yyyy-zzzz?backup=1&key=s"), "rtmp://a.rtmp.youtube.com/live2/***?backup=***&key=***")
        XCTAssertEqual(SecretMask.maskedURL("rtmp://a.example/live"), "rtmp://a.example/live", "an app alone is no secret")
        XCTAssertEqual(SecretMask.maskedURL("rtmp://a.example/live?flag"), "rtmp://a.example/live?***", "a bare item may be a key")
        XCTAssertEqual(SecretMask.maskedURL("rtmp://user:pass@a.example/live"), "rtmp://***@a.example/live", "userinfo is a secret")
        XCTAssertThrowsError(try UpstreamURLTemplate("rtmp://user:SECRET@a.example/live")) { XCTAssertFalse("\($0)".contains("SECRET"), "\($0)") }
    }
}
