import Foundation

/// A value shared between threads that can be reached only while its lock is held: the shape of
/// `Synchronization.Mutex` (`withLock`), which this package cannot use yet because it supports macOS 13
/// and `Mutex` needs macOS 15. When the platform floor rises, `Locked` becomes `Mutex` with no change
/// where it is used.
///
/// Why `@unchecked Sendable` is sound: `value` is private and is touched only inside `withLock`,
/// between `lock.lock()` and `lock.unlock()`, so no two threads ever access it at the same time, and
/// `Value` is `Sendable`, so a copy handed out of `withLock` may be used on any thread. Shared state of
/// the library goes through it, except ParserPool's parsers (pointers are not `Sendable`).
/// `package`: the site and the executable share state through it too.
package final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    package init(_ value: Value) { self.value = value }

    /// Runs `body` with the value while holding the lock. `body` must not call `withLock` on the same
    /// instance (NSLock is not recursive).
    package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
