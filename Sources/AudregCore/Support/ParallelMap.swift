import Foundation

/// Runs independent work on all cores and returns results in input order.
enum ParallelMap {
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], _ transform: @Sendable (Input) -> Output) -> [Output] {
        if inputs.count < 8 { return inputs.map(transform) }
        let results = UnsafeMutableBufferPointer<Output?>.allocate(capacity: inputs.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let box = UnsafeSendableBuffer(results)
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            box.buffer[index] = transform(inputs[index])
        }
        return results.map { $0! }
    }

    /// `0..<count` cut into consecutive ranges of at most `size`, for jobs that each take a slice.
    static func slices(of count: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}

/// Each index is written by exactly one iteration, so sharing the buffer across threads is safe.
private struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
