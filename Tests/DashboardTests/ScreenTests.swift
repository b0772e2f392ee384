import XCTest
@testable import Dashboard

final class ScreenTests: XCTestCase {
    func testPutWritesAndClipsAtTheRightEdge() {
        var screen = Screen(width: 8, height: 2)
        XCTAssertEqual(screen.put("hello", x: 1, y: 0), 5)
        XCTAssertEqual(screen.text(row: 0), " hello  ")
        XCTAssertEqual(screen.put("overflowing", x: 2, y: 1), 6)
        XCTAssertEqual(screen.text(row: 1), "  overf…")
    }

    func testMaxWidthTruncatesWithAMarker() {
        var screen = Screen(width: 10, height: 1)
        screen.put("abcdef", x: 0, y: 0, maxWidth: 4)
        XCTAssertEqual(screen.lines, ["abc…"])
        screen.unicode = false
        screen.clear()
        screen.put("abcdef", x: 0, y: 0, maxWidth: 4)
        XCTAssertEqual(screen.lines, ["abc~"])
        screen.clear()
        screen.put("abcd", x: 0, y: 0, maxWidth: 4)
        XCTAssertEqual(screen.lines, ["abcd"], "an exact fit has no marker")
        screen.clear()
        screen.put("abcd", x: 0, y: 0, maxWidth: 1)
        XCTAssertEqual(screen.lines, ["~"])
        XCTAssertEqual(screen.put("abcd", x: 0, y: 0, maxWidth: 0), 0)
    }

    func testWideGraphemesTakeTwoCells() {
        var screen = Screen(width: 10, height: 1)
        XCTAssertEqual(screen.put("直播", x: 0, y: 0), 4)
        XCTAssertEqual(screen[x: 0, y: 0].text, "直")
        XCTAssertTrue(screen[x: 1, y: 0].isContinuation)
        XCTAssertEqual(screen[x: 2, y: 0].text, "播")
        XCTAssertEqual(screen.text(row: 0), "直播      ")
        XCTAssertEqual(DisplayWidth.of(screen.text(row: 0)), 10)
    }

    func testDisplayWidthOfCJKAndEmoji() {
        XCTAssertEqual(DisplayWidth.of("live/test"), 9)
        XCTAssertEqual(DisplayWidth.of("直播/频道一"), 11)
        XCTAssertEqual(DisplayWidth.of("ライブ"), 6)
        XCTAssertEqual(DisplayWidth.of("방송"), 4)
        XCTAssertEqual(DisplayWidth.of("ＡＢ"), 4, "fullwidth forms")
        XCTAssertEqual(DisplayWidth.of("📺"), 2)
        XCTAssertEqual(DisplayWidth.of("🎥"), 2)
        XCTAssertEqual(DisplayWidth.of("❤️"), 2, "emoji presentation selector")
        XCTAssertEqual(DisplayWidth.of("👍🏽"), 2, "skin tone modifier")
        XCTAssertEqual(DisplayWidth.of("👨‍👩‍👧"), 2, "ZWJ sequence")
        XCTAssertEqual(DisplayWidth.of("🇯🇵"), 2, "flag")
        XCTAssertEqual(DisplayWidth.of("é"), 1, "e + combining acute")
        XCTAssertEqual(DisplayWidth.of("µ-law"), 5)
        XCTAssertEqual(DisplayWidth.of("●▲…─"), 4, "ambiguous-width symbols count as narrow")
        XCTAssertEqual(DisplayWidth.of("\u{200B}"), 0)
        XCTAssertEqual(DisplayWidth.of("\u{1B}"), 0)
    }

    func testWideRangesAreSortedAndDisjoint() {
        let ranges = DisplayWidth.wideRanges
        for (a, b) in zip(ranges, ranges.dropFirst()) {
            XCTAssertLessThan(a.upperBound, b.lowerBound, "\(a) then \(b)")
        }
    }

    func testWideTruncation() {
        var screen = Screen(width: 10, height: 1)
        XCTAssertEqual(screen.put("直播频道", x: 0, y: 0, maxWidth: 5), 5)
        XCTAssertEqual(screen.lines, ["直播…"])
        screen.clear()
        XCTAssertEqual(screen.put("直播频道", x: 0, y: 0, maxWidth: 4), 3, "no half character: 直 then the marker")
        XCTAssertEqual(screen.lines, ["直…"])
    }

    func testWideGraphemeNeverSplitsAtTheRightEdge() {
        var screen = Screen(width: 3, height: 1)
        screen.put("a直播", x: 0, y: 0)
        XCTAssertEqual(screen.text(row: 0), "a… ")
        screen.clear()
        screen.put("直", x: 2, y: 0)
        XCTAssertEqual(screen.text(row: 0), "  …", "one column left: the marker, never half a character")
    }

    func testOverwritingHalfAWideGraphemeBlanksTheOtherHalf() {
        var screen = Screen(width: 4, height: 1)
        screen.put("直", x: 0, y: 0)
        screen.put("x", x: 1, y: 0)
        XCTAssertEqual(screen.text(row: 0), " x  ")
        screen.put("播", x: 1, y: 0)
        screen.put("y", x: 1, y: 0)
        XCTAssertEqual(screen.text(row: 0), " y  ")
        XCTAssertFalse(screen[x: 2, y: 0].isContinuation)
        screen.put("直", x: 0, y: 0)
        screen.put("播", x: 1, y: 0)
        XCTAssertEqual(screen.text(row: 0), " 播 ")
        XCTAssertEqual(DisplayWidth.of(screen.text(row: 0)), 4)
    }

    func testControlCharactersCannotReachTheTerminal() {
        var screen = Screen(width: 20, height: 1)
        screen.put("a\u{1B}[31mb\n\r\u{7F}\u{9B}c", x: 0, y: 0)
        XCTAssertEqual(screen.lines, ["a?[31mb????c"])
    }

    func testASCIIModeShowsNonASCIIAsQuestionMarks() {
        var screen = Screen(width: 10, height: 1, unicode: false)
        screen.put("café 直", x: 0, y: 0)
        XCTAssertEqual(screen.lines, ["caf? ?"])
    }

    func testZeroWidthGraphemesAreDropped() {
        var screen = Screen(width: 5, height: 1)
        screen.put("\u{200B}ab\u{2060}", x: 0, y: 0)
        XCTAssertEqual(screen.lines, ["ab"])
    }

    func testNegativeAndOutOfRangePositions() {
        var screen = Screen(width: 5, height: 2)
        screen.put("hello", x: -2, y: 0)
        XCTAssertEqual(screen.text(row: 0), "llo  ")
        XCTAssertEqual(screen.put("x", x: 0, y: 2), 0)
        XCTAssertEqual(screen.put("x", x: 0, y: -1), 0)
        XCTAssertEqual(screen.put("x", x: 5, y: 0), 0)
        screen.put("直x", x: -1, y: 1)
        XCTAssertEqual(screen.text(row: 1), " x   ")
        XCTAssertEqual(screen[x: 99, y: 99], Cell.blank)
        XCTAssertEqual(screen.text(row: 7), "")
    }

    func testFillAndClear() {
        var screen = Screen(width: 4, height: 3)
        let style = Style(background: .blue)
        screen.fill(x: 1, y: 1, width: 10, height: 10, style: style, character: "#")
        XCTAssertEqual(screen.lines, ["", " ###", " ###"])
        XCTAssertEqual(screen[x: 3, y: 2].style, style)
        screen.fill(x: 0, y: 0, width: 3, height: 1, character: "直")
        XCTAssertEqual(screen.text(row: 0), "直  ", "a wide fill character that does not fit leaves a blank")
        screen.clear()
        XCTAssertEqual(screen.lines, ["", "", ""])
        XCTAssertEqual(screen[x: 3, y: 2].style, .plain)
    }

    func testEmptyScreens() {
        var empty = Screen(width: 0, height: 0)
        empty.put("x", x: 0, y: 0)
        empty.fill(x: 0, y: 0, width: 5, height: 5)
        XCTAssertEqual(empty.lines, [])
        var negative = Screen(width: -3, height: -3)
        negative.clear()
        XCTAssertEqual(negative.width, 0)
    }
}
