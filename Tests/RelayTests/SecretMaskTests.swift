@testable import Relay
import XCTest

final class SecretMaskTests: XCTestCase {
    func testTokenValuesAreMaskedAndNothingElse() {
        XCTAssertEqual(SecretMask.masked("rtmp://h/live?token=abc"), "rtmp://h/live?token=***")
        XCTAssertEqual(SecretMask.masked("rtmp://h/live?a=1&TOKEN=s3cret&b=2"), "rtmp://h/live?a=1&TOKEN=***&b=2")
        XCTAssertEqual(SecretMask.masked("cam?token=x;token=y"), "cam?token=***;token=***")
        XCTAssertEqual(SecretMask.masked("rtmp://h/live?mytoken=abc"), "rtmp://h/live?mytoken=abc", "another parameter")
        XCTAssertEqual(SecretMask.masked("rtmp://h/live?token="), "rtmp://h/live?token=", "empty stays empty")
        XCTAssertEqual(SecretMask.masked("no secrets here"), "no secrets here")
    }
}
