/// The loop the byte-level encoders (`HTMLEscaping`, `MarkdownEscaping`) share: runs of bytes that need
/// nothing are copied as they are, and each sequence `match` recognises is replaced by its text. A
/// Swift string's UTF-8 is always valid, so a matcher that looks at whole sequences never splits a scalar.
enum ByteSubstitution {
    /// The text that replaces the bytes at an index, and how many input bytes it stands for.
    typealias Replacement = (text: StaticString, length: Int)

    /// For each byte value, whether a replacement may start with it; made once per encoder, so the loop
    /// passes over ordinary bytes without calling `match` (most bytes of a page need nothing).
    static func candidates(_ mayStart: (UInt8) -> Bool) -> [Bool] {
        (0...255).map { mayStart(UInt8($0)) }
    }

    @inline(__always)
    static func apply(_ input: UnsafeBufferPointer<UInt8>, to output: OutputBuffer, candidates table: [Bool],
                      match: (UnsafeBufferPointer<UInt8>, Int) -> Replacement?) {
        guard let base = input.baseAddress else { return }
        table.withUnsafeBufferPointer { candidates in
            substitute(input, base: base, to: output, candidates: candidates, match: match)
        }
    }

    @inline(__always)
    private static func substitute(_ input: UnsafeBufferPointer<UInt8>, base: UnsafePointer<UInt8>, to output: OutputBuffer,
                                   candidates: UnsafeBufferPointer<Bool>, match: (UnsafeBufferPointer<UInt8>, Int) -> Replacement?) {
        let count = input.count
        var start = 0
        var index = 0
        while index < count {
            guard candidates[Int(base[index])], let replacement = match(input, index) else {
                index += 1
                continue
            }
            output.append(base + start, count: index - start)
            output.append(replacement.text.utf8Start, count: replacement.text.utf8CodeUnitCount)
            index += replacement.length
            start = index
        }
        output.append(base + start, count: count - start)
    }
}
