import MallocInterposerSwift

/// Counts the allocations `body` makes (all threads), when the interposer
/// is preloaded (scripts/microbench does); nil otherwise.
func countingAllocations<T>(_ body: () throws -> T) rethrows -> (result: T, mallocs: Int?) {
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let result = try body()
    MallocInterposerSwift.unhook()
    let stats = MallocInterposerSwift.getStatistics()
    return (result, interposerLoaded ? stats.mallocCount : nil)
}

/// Whether the interposer sees allocations at all (it does only when preloaded).
let interposerLoaded: Bool = {
    MallocInterposerSwift.initialize()
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let p = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
    p.deallocate()
    MallocInterposerSwift.unhook()
    return MallocInterposerSwift.getStatistics().mallocCount > 0
}()
