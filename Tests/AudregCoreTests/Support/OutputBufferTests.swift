import Testing
@testable import AudregCore

@Suite("Output buffer")
struct OutputBufferTests {
    /// Appends of every size, single bytes among them, so both append paths cross the threshold.
    static func feed(_ buffer: OutputBuffer, pieces: Int) -> [UInt8] {
        var expected: [UInt8] = []
        for piece in 0..<pieces {
            let bytes = (0..<(piece % 37)).map { UInt8(truncatingIfNeeded: piece &+ $0) }
            buffer.append(bytes)
            buffer.append(UInt8(truncatingIfNeeded: piece))
            expected += bytes + [UInt8(truncatingIfNeeded: piece)]
        }
        return expected
    }

    @Test("a draining buffer hands over every byte once, in order, and never grows past its threshold's doubling")
    func drainsInOrder() {
        let buffer = OutputBuffer(capacity: 64)
        var drained: [UInt8] = []
        var drains = 0
        let expected = buffer.draining(into: { drained += $0; drains += 1 }, threshold: 128) {
            Self.feed(buffer, pieces: 2_000)
        }
        drained += buffer.bytes
        #expect(drained == expected)
        #expect(drains > 100, "a drain every 128 to 256 bytes")
        #expect(buffer.count < 256)
        // Without a drain the same buffer keeps everything.
        buffer.removeAll()
        let kept = Self.feed(buffer, pieces: 2_000)
        #expect(Array(buffer.bytes) == kept)
    }

    @Test("a piece larger than the threshold goes to the drain as it is, after what the buffer held, and the buffer does not grow")
    func largePieceDrainsWhole() {
        let buffer = OutputBuffer(capacity: 64)
        var drained: [[UInt8]] = []
        let large = (0..<10_000).map { UInt8(truncatingIfNeeded: $0) }
        buffer.draining(into: { drained.append(Array($0)) }, threshold: 256) {
            buffer.append(Array("head".utf8))
            buffer.append(large)
            buffer.append(Array("tail".utf8))
        }
        #expect(drained == [Array("head".utf8), large])
        #expect(Array(buffer.bytes) == Array("tail".utf8))
        // Pinned, the piece stays in the buffer: someone reads it back from there.
        buffer.removeAll()
        drained = []
        buffer.draining(into: { drained.append(Array($0)) }, threshold: 256) {
            buffer.pin()
            buffer.append(large)
            buffer.unpin()
        }
        #expect(drained.isEmpty && Array(buffer.bytes) == large)
    }

    @Test("a pinned buffer keeps its bytes in place, so an offset taken before still reads them")
    func pinnedBytesStay() {
        let buffer = OutputBuffer(capacity: 64)
        var drained: [UInt8] = []
        var expected = Array(repeating: UInt8(ascii: "a"), count: 100)
        buffer.draining(into: { drained += $0 }, threshold: 64) {
            buffer.append(expected)
            buffer.pin()
            let drainedBefore = drained.count
            let start = buffer.count
            let inside = Self.feed(buffer, pieces: 500)
            #expect(drained.count == drainedBefore)
            #expect(Array(buffer.bytes(from: start)) == inside)
            buffer.unpin()
            expected += inside
            for _ in 0..<1_000 {
                let after = Array(repeating: UInt8(ascii: "z"), count: 100)
                buffer.append(after)
                expected += after
            }
        }
        #expect(!drained.isEmpty, "the drain resumes after unpin()")
        #expect(drained + buffer.bytes == expected)
    }
}
