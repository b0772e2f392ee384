import Foundation
@testable import Relay
import XCTest

/// The access checks that need no network, as functions: address blocks,
/// tokens from the stream name or the tcUrl, auth-file rules, the order.
final class AccessRulesTests: XCTestCase {
    private func request(_ action: AccessRequest.Action = .publish, _ raw: String = "cam", app: String = "live", address: String = "192.0.2.7",
                         tcUrl: String = "rtmp://h/live") -> AccessRequest {
        AccessRequest(action: action, key: StreamKey(app: app, rawName: raw), address: address, clientID: 1, tcUrl: tcUrl)
    }

    func testCIDRBlocks() throws {
        let b = try XCTUnwrap(CIDRBlock("10.0.0.0/8"))
        XCTAssertTrue(b.contains("10.255.1.2"))
        XCTAssertFalse(b.contains("11.0.0.1"))
        XCTAssertTrue(b.contains("::ffff:10.1.2.3"), "an IPv4 client on a dual-stack listener")
        XCTAssertEqual(CIDRBlock("10.1.2.3/8")?.description, "10.0.0.0/8", "host bits masked")
        let v6 = try XCTUnwrap(CIDRBlock("2001:db8::/32"))
        XCTAssertTrue(v6.contains("2001:db8:ffff::1"))
        XCTAssertFalse(v6.contains("2001:db9::1"))
        XCTAssertFalse(v6.contains("10.0.0.1"))
        XCTAssertTrue(CIDRBlock("::1")!.contains("::1"))
        XCTAssertTrue(CIDRBlock("0.0.0.0/0")!.contains("203.0.113.9"))
        XCTAssertTrue(CIDRBlock("192.0.2.7")!.contains("192.0.2.7"))
        XCTAssertFalse(CIDRBlock("192.0.2.7")!.contains("192.0.2.8"))
        XCTAssertTrue(CIDRBlock("10.0.0.0/12")!.contains("10.15.255.255"))
        XCTAssertFalse(CIDRBlock("10.0.0.0/12")!.contains("10.16.0.0"))
        for bad in ["10.0.0.0/33", "10.0.0/8", "::/129", "host", "10.0.0.0/-1", "10.0.0.0/+8", "", "1.2.3.4/"] {
            XCTAssertNil(CIDRBlock(bad), bad)
        }
        XCTAssertFalse(b.contains("not an address"))
    }

    func testTokensFromTheStreamNameOrTheTcUrlQuery() {
        let rules = AccessRules(publishToken: "s3cret")
        XCTAssertNil(rules.check(request(.publish, "cam?token=s3cret")), "ffmpeg: rtmp://h/live/cam?token=…")
        XCTAssertNil(rules.check(request(.publish, "cam", tcUrl: "rtmp://h/live?token=s3cret")), "OBS: server rtmp://h/live?token=…")
        XCTAssertNil(rules.check(request(.publish, "cam?x=1&token=s3cr%65t")), "percent-encoded, among other arguments")
        XCTAssertEqual(rules.check(request(.publish, "cam")), .refuse(reason: "token_missing", description: "publish of live/cam needs a token (?token=…)."))
        XCTAssertEqual(rules.check(request(.publish, "cam?token=s3cre")), .refuse(reason: "token_wrong", description: "wrong token for publish of live/cam."))
        XCTAssertEqual(rules.check(request(.publish, "cam?token=")), .refuse(reason: "token_wrong", description: "wrong token for publish of live/cam."))
        XCTAssertNil(rules.check(request(.play, "cam")), "no play token: playing is open")
        XCTAssertFalse(rules.publishingIsOpen)
        XCTAssertTrue(AccessRules().publishingIsOpen)
    }

    func testAddressListsComeBeforeTokens() {
        let rules = AccessRules(allowPublish: [CIDRBlock("127.0.0.0/8")!], allowPlay: [CIDRBlock("10.0.0.0/8")!, CIDRBlock("::1")!], publishToken: "t")
        XCTAssertEqual(rules.check(request(.publish, "cam?token=t", address: "192.0.2.7")),
                       .refuse(reason: "address_not_allowed", description: "publish is not allowed from 192.0.2.7."), "a right token from a wrong address")
        XCTAssertNil(rules.check(request(.publish, "cam?token=t", address: "127.0.0.1")))
        XCTAssertEqual(rules.check(request(.publish, "cam", address: "127.0.0.1"))?.reason, "token_missing")
        XCTAssertNil(rules.check(request(.play, "cam", address: "::1")))
        XCTAssertEqual(rules.check(request(.play, "cam", address: "127.0.0.1"))?.reason, "address_not_allowed")
    }

    func testAnAuthFileRuleReplacesTheGlobalTokenForItsKeys() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString).json").path
        try Data("""
        {"rules": [
          {"match": "live/studio-*", "publish_tokens": ["a", "b"], "play_tokens": []},
          {"match": "*/private*", "play_tokens": ["viewers"]},
          {"match": "open/*", "publish_tokens": []}
        ]}
        """.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try AuthFile.load(path: path, globalPublishToken: "global", globalPlayToken: nil)
        let rules = AccessRules(publishToken: "global", authFile: file)
        XCTAssertNil(rules.check(request(.publish, "studio-1?token=b")), "either of the rule's tokens")
        XCTAssertEqual(rules.check(request(.publish, "studio-1?token=global"))?.reason, "token_wrong", "the rule replaces the global token")
        XCTAssertNil(rules.check(request(.play, "studio-1")), "an empty list: no token")
        XCTAssertNil(rules.check(request(.publish, "privateroom?token=global")), "no publish list in the rule: the global token")
        XCTAssertEqual(rules.check(request(.play, "privateroom?token=nope"))?.reason, "token_wrong")
        XCTAssertNil(rules.check(request(.play, "privateroom?token=viewers")))
        XCTAssertNil(rules.check(request(.publish, "anything", app: "open")))
        XCTAssertEqual(rules.check(request(.publish, "other"))?.reason, "token_missing", "no rule: the global token")
        XCTAssertFalse(rules.publishingIsOpen)
    }

    func testABadAuthFileIsAnErrorThatSaysWhy() throws {
        let dir = FileManager.default.temporaryDirectory
        for (text, says) in [("{\"rules\": [{\"match\": \"\"}]}", "empty match"), ("{\"rules\": [{\"match\": \"x\", \"play_tokens\": [\"\"]}]}", "empty token"),
                             ("not json", "not a valid auth file"), ("{\"rules\": [{\"publish_tokens\": []}]}", "not a valid auth file")] {
            let path = dir.appendingPathComponent("bad-\(UUID().uuidString).json").path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            XCTAssertThrowsError(try AuthFile.load(path: path, globalPublishToken: nil, globalPlayToken: nil)) {
                XCTAssertTrue("\($0)".contains(says), "\($0)")
            }
        }
        XCTAssertThrowsError(try AuthFile.load(path: "/nonexistent/auth.json", globalPublishToken: nil, globalPlayToken: nil)) {
            XCTAssertTrue("\($0)".contains("cannot read"), "\($0)")
        }
    }

    func testSecretsCompareWhole() {
        XCTAssertTrue(SecretCompare.equal("abc", "abc"))
        XCTAssertFalse(SecretCompare.equal("abc", "abd"))
        XCTAssertFalse(SecretCompare.equal("abc", "abcd"))
        XCTAssertFalse(SecretCompare.equal("", "a"))
        XCTAssertTrue(SecretCompare.equal("", ""))
        XCTAssertFalse(SecretCompare.equal("abc\u{0}", "abc"), "a NUL is a byte like any other")
    }

    func testTheCallbackBodyIsNginxRTMPs() {
        var r = request(.publish, "cam?token=s3cret&x=a%20b", tcUrl: "rtmp://h/live")
        r.flashVer = "FMLE/3.0 (compatible; Lavf)"
        r.clientID = 42
        let body = NotifyCallbacks.body(r, [("call", "publish"), ("name", r.key.name), ("type", "live")])
        XCTAssertEqual(body, "app=live&flashver=FMLE%2F3.0%20%28compatible%3B%20Lavf%29&swfurl=&tcurl=rtmp%3A%2F%2Fh%2Flive&pageurl=&addr=192.0.2.7&clientid=42"
            + "&call=publish&name=cam&type=live&token=s3cret&x=a%20b", "the stream's own query as it came, last")
    }
}

extension AccessDecision {
    var reason: String? { if case .refuse(let r, _) = self { return r } else { return nil } }
}
