/// Orders text the way people number things: `cam2` before `cam10`.
/// Runs of ASCII digits compare by value, everything else as text; keys
/// that are equal this way (`cam01`, `cam1`) fall back to plain ordering,
/// so the order is total and sorting stays deterministic.
struct NaturalSortKey: Comparable {
    private enum Part: Equatable {
        case text(String)
        /// Digits without leading zeros ("" for zero).
        case number(String)
    }

    let original: String
    private let parts: [Part]

    init(_ text: String) {
        original = text
        var parts: [Part] = []
        var current = ""
        var inDigits = false
        func flush() {
            guard !current.isEmpty else { return }
            if inDigits {
                parts.append(.number(String(current.drop { $0 == "0" })))
            } else {
                parts.append(.text(current))
            }
            current = ""
        }
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            if isDigit != inDigits {
                flush()
                inDigits = isDigit
            }
            current.append(character)
        }
        flush()
        self.parts = parts
    }

    static func < (a: NaturalSortKey, b: NaturalSortKey) -> Bool {
        for (x, y) in zip(a.parts, b.parts) where x != y {
            switch (x, y) {
            case let (.number(m), .number(n)): return m.count != n.count ? m.count < n.count : m < n
            case (.number, .text): return true
            case (.text, .number): return false
            case let (.text(s), .text(t)): return s < t
            }
        }
        if a.parts.count != b.parts.count { return a.parts.count < b.parts.count }
        return a.original < b.original
    }

    static func == (a: NaturalSortKey, b: NaturalSortKey) -> Bool {
        a.original == b.original
    }
}
