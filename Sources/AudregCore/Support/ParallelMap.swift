import Foundation

/// Runs independent work on all cores and returns results in input order.
enum ParallelMap {
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        if inputs.count < 8 { return inputs.map(transform) }
        return onAllCores(inputs, transform)
    }

    /// As `map`, without the sequential path for short inputs.
    static func onAllCores<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        Array(unsafeUninitializedCapacity: inputs.count) { buffer, initialized in
            let slots = DisjointSlots(buffer: buffer)
            DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
                slots.buffer.initializeElement(at: index, to: transform(inputs[index]))
            }
            // concurrentPerform returns after every iteration, so every element is initialized.
            initialized = inputs.count
        }
    }

    /// `0..<count` cut into consecutive ranges of at most `size`, for jobs that each take a slice.
    static func slices(of count: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}

/// The result array's storage, written by `ParallelMap`'s iterations.
///
/// Why `@unchecked Sendable` is sound: iteration `i` initializes element `i` and nothing else, so no
/// two threads ever touch the same element; nothing reads the buffer until `concurrentPerform` has
/// returned, which happens after every iteration has finished (a happens-before edge). A `Locked` array
/// did the same job measurably slower (BENCHMARKS.md, "…; concurrency without unchecked boxes").
private struct DisjointSlots<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
}
