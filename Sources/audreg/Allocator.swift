#if canImport(Glibc)
import Glibc
#endif

/// Tunes glibc's allocator for audreg's memory pattern: a registry that stays loaded, and many large
/// short-lived buffers (pages of several megabytes, arrays the size of the registry) made on several
/// threads. By default glibc raises its mmap threshold to the size of the largest block freed, after
/// which such buffers come from the thread arenas, where freed pages stay with that arena and add to
/// the peak (BENCHMARKS.md, "Figures from code comments").
enum Allocator {
    #if canImport(Glibc)
    // malloc.h is not part of the Glibc module, so its functions are looked up by name.
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private typealias Trim = @convention(c) (Int) -> Int32
    private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: type) }
    }
    private static let mmapThresholdParameter: Int32 = -3  // M_MMAP_THRESHOLD
    #endif

    /// Blocks of 256 KiB and more are mapped on their own and returned to the system when freed.
    /// Call once, at startup, before any threads are started.
    static func configure() {
        #if canImport(Glibc)
        _ = symbol("mallopt", as: Mallopt.self)?(mmapThresholdParameter, 256 * 1024)
        #endif
    }

    /// Returns freed pages to the system between the phases of a large job.
    @Sendable static func releaseFreedPages() {
        #if canImport(Glibc)
        _ = symbol("malloc_trim", as: Trim.self)?(0)
        #endif
    }
}
