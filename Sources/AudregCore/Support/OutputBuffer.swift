/// The bytes of a page being rendered. An append is a capacity check and a copy, without an array's
/// uniqueness and growth checks on every call, and each rendering thread reuses one buffer from page to
/// page, so its capacity is grown a few times per build rather than for every page.
///
/// A buffer may have a drain (`draining(into:_:)`): once it holds `drainThreshold` bytes and is full,
/// it hands its bytes to the drain and starts again from empty instead of growing. A page of many
/// megabytes (search, token flow) then goes to its file in pieces and never sits in memory whole,
/// which is where a large build's peak was (BENCHMARKS.md).
package final class OutputBuffer {
    private struct State {
        var count: Int
        var capacity: Int
        var base: UnsafeMutablePointer<UInt8>
        var drain: ((UnsafeRawBufferPointer) -> Void)?
        var drainThreshold: Int
        /// While above zero, the bytes stay put: someone holds an offset into them (`bytes(from:)`).
        var pins: Int
    }

    /// The state lives behind a pointer, not in `var`s of this class: each use of a class's `var` is
    /// checked for exclusive access at run time, and a build appends millions of times (BENCHMARKS.md).
    /// A buffer belongs to one rendering thread, so nothing else touches it.
    private let state: UnsafeMutablePointer<State>

    package init(capacity: Int = 16_384) {
        let capacity = max(capacity, 64)
        state = .allocate(capacity: 1)
        state.initialize(to: State(count: 0, capacity: capacity, base: .allocate(capacity: capacity), drain: nil,
                                   drainThreshold: OutputBuffer.defaultDrainThreshold, pins: 0))
    }

    deinit {
        state.pointee.base.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// The text `write` appends to a new buffer.
    package static func string(capacity: Int, _ write: (OutputBuffer) -> Void) -> String {
        let output = OutputBuffer(capacity: capacity)
        write(output)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// Below this many bytes a full buffer grows rather than drains, so a page of ordinary size is
    /// still written with one call.
    package static let defaultDrainThreshold = 256 * 1024

    /// The bytes appended and not yet drained.
    package var count: Int { state.pointee.count }
    private var base: UnsafeMutablePointer<UInt8> { state.pointee.base }

    package var isEmpty: Bool { count == 0 }
    package var last: UInt8? { count == 0 ? nil : base[count - 1] }
    package var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    /// The bytes appended since the buffer held `start` bytes.
    package func bytes(from start: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + start, count: count - start) }
    package var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    package func removeAll() { state.pointee.count = 0 }

    /// Empties the buffer and gives back memory beyond `limit`: one very large page (a search page
    /// listing every entity) must not keep megabytes per thread for the rest of the build.
    package func removeAll(keepingAtMost limit: Int) {
        state.pointee.count = 0
        guard state.pointee.capacity > limit else { return }
        state.pointee.base.deallocate()
        state.pointee.capacity = limit
        state.pointee.base = .allocate(capacity: limit)
    }

    @inline(__always)
    package func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        if state.pointee.count + length > state.pointee.capacity {
            // A piece as large as a drain takes (a drawing of megabytes) goes to the drain as it is,
            // rather than through a buffer grown to hold it.
            if length >= state.pointee.drainThreshold, let drain = drainWhenFull() {
                drain(UnsafeRawBufferPointer(start: source, count: length))
                return
            }
            makeRoom(for: length)
        }
        let count = state.pointee.count
        (state.pointee.base + count).update(from: source, count: length)
        state.pointee.count = count + length
    }

    @inline(__always)
    package func append(_ byte: UInt8) {
        if state.pointee.count == state.pointee.capacity { makeRoom(for: 1) }
        let count = state.pointee.count
        state.pointee.base[count] = byte
        state.pointee.count = count + 1
    }

    package func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let start = buffer.baseAddress else { return }
        append(start, count: buffer.count)
    }

    package func append(_ text: String) {
        text.withUTF8Bytes { append($0) }
    }

    package func append(_ other: OutputBuffer) { append(other.base, count: other.count) }

    package func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { append($0) } }

    /// An integer in decimal, as `String(value)` would write it, without making the string.
    package func append(decimal value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        append(decimal: UInt64(value.magnitude))
    }

    /// An unsigned integer in decimal (inode and device numbers use all 64 bits).
    package func append(decimal value: UInt64) {
        var magnitude = value
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // room for 24 digits, written from the end
        var length = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                length += 1
                scratch[24 - length] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + (24 - length), count: length)
        }
    }

    /// Runs `body` with `drain` receiving the buffer's bytes whenever it fills past `threshold`; the
    /// bytes left when `body` returns stay in the buffer for the caller to finish with. `drain` is
    /// called on this thread, in order, and must take what it is given before it returns.
    package func draining<Result>(into drain: @escaping (UnsafeRawBufferPointer) -> Void,
                                  threshold: Int = OutputBuffer.defaultDrainThreshold,
                                  _ body: () throws -> Result) rethrows -> Result {
        precondition(state.pointee.drain == nil, "an output buffer drains into one place at a time")
        state.pointee.drain = drain
        state.pointee.drainThreshold = max(threshold, 1)
        defer { state.pointee.drain = nil }
        return try body()
    }

    /// Keeps the bytes in place until the matching `unpin()`, so an offset taken now (`count`, then
    /// `bytes(from:)`) still points at the same bytes when a drain is set.
    package func pin() { state.pointee.pins += 1 }
    package func unpin() {
        precondition(state.pointee.pins > 0, "unpin() without pin()")
        state.pointee.pins -= 1
    }

    /// Hands the buffer's bytes to the drain, if it has one and nothing pins them; returns the drain.
    private func drainWhenFull() -> ((UnsafeRawBufferPointer) -> Void)? {
        guard let drain = state.pointee.drain, state.pointee.pins == 0 else { return nil }
        if state.pointee.count > 0 {
            drain(UnsafeRawBufferPointer(start: state.pointee.base, count: state.pointee.count))
            state.pointee.count = 0
        }
        return drain
    }

    /// Makes room for `length` more bytes: drains the buffer when it may, else grows it.
    private func makeRoom(for length: Int) {
        if state.pointee.count >= state.pointee.drainThreshold { _ = drainWhenFull() }
        let needed = state.pointee.count + length
        guard needed > state.pointee.capacity else { return }
        var newCapacity = state.pointee.capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: state.pointee.base, count: state.pointee.count)
        state.pointee.base.deallocate()
        state.pointee.base = newBase
        state.pointee.capacity = newCapacity
    }

}
