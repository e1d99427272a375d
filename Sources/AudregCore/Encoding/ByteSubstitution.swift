/// The loop the byte-level encoders (`HTMLEscaping`, `MarkdownEscaping`) share: runs of bytes that need
/// nothing are copied as they are, and each sequence `match` recognises is replaced by its text. A
/// Swift string's UTF-8 is always valid, so a matcher that looks at whole sequences never splits a scalar.
enum ByteSubstitution {
    /// The text that replaces the bytes at an index, and how many input bytes it stands for.
    typealias Replacement = (text: StaticString, length: Int)

    @inline(__always)
    static func apply(_ input: UnsafeBufferPointer<UInt8>, to output: OutputBuffer,
                      match: (UnsafeBufferPointer<UInt8>, Int) -> Replacement?) {
        guard let base = input.baseAddress else { return }
        var start = 0
        var index = 0
        while index < input.count {
            guard let replacement = match(input, index) else {
                index += 1
                continue
            }
            output.append(base + start, count: index - start)
            output.append(replacement.text.utf8Start, count: replacement.text.utf8CodeUnitCount)
            index += replacement.length
            start = index
        }
        output.append(base + start, count: input.count - start)
    }
}
