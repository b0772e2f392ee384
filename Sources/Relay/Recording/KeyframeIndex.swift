/// The `keyframes` object of onMetaData (`times` / `filepositions`, as
/// yamdi and flvmeta write it): where players can seek to without reading
/// the file.
///
/// The index lives in space reserved before the media, so it cannot grow
/// forever. When it outgrows that space it is thinned — every other entry
/// dropped, and from then on only every `stride`-th keyframe recorded — so
/// it stays valid and evenly spread, only coarser.
struct KeyframeIndex: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        /// File-relative milliseconds: the tag's timestamp.
        var timestamp: UInt32
        /// Offset of the tag header in the file.
        var fileOffset: Int64
    }

    private(set) var entries: [Entry] = []
    /// Record every `stride`-th keyframe; doubles at each thinning.
    private(set) var stride = 1
    /// Keyframes offered so far, recorded or not.
    private(set) var keyframesSeen = 0

    mutating func add(timestamp: UInt32, fileOffset: Int64) {
        defer { keyframesSeen += 1 }
        guard keyframesSeen % stride == 0 else { return }
        entries.append(Entry(timestamp: timestamp, fileOffset: fileOffset))
    }

    /// Keeps entries 0, 2, 4, …: exactly the keyframes whose number is a
    /// multiple of the new stride, so later additions line up with them.
    mutating func thin() {
        entries = entries.enumerated().compactMap { $0.offset % 2 == 0 ? $0.element : nil }
        stride *= 2
    }

    /// Seconds as onMetaData wants them, chosen so that a reader which turns
    /// them back into milliseconds by multiplying by 1000 and truncating
    /// gets the tag's timestamp exactly: plain division can land one ulp
    /// low, and truncation then loses a whole millisecond.
    static func seconds(_ milliseconds: UInt32) -> Double {
        let exact = Double(milliseconds)
        var seconds = exact / 1000
        while (seconds * 1000).rounded(.towardZero) < exact {
            seconds = seconds.nextUp
        }
        return seconds
    }
}
