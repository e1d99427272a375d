/// HTML text and attribute values: the site's pages (every `{{name}}` of an HTML template) and the
/// token-flow picture's SVG text. `< > & " '` become entities. A bidirectional control (the "Trojan
/// Source" class: U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) is written as the text of its
/// code point (`U+202E`), as the site's Markdown writes it (`MarkdownEscaping`): a numeric character
/// reference would still reorder the rendered line, so a registry value could make a page read
/// differently from what it holds.
///
/// Works on UTF-8 bytes, so `"` followed by a combining mark is escaped too (one `Character`, two
/// scalars), and runs that need nothing are copied as they are.
public enum HTMLEscaping {
    /// Registry text for HTML written outside the templates (`audreg serve`'s error overlay): made
    /// visible with `TerminalText.escape` first, so a line break or a control shows as what it is.
    public static func visibleText(_ value: String) -> String {
        escape(TerminalText.escape(value))
    }

    public static func escape(_ text: String) -> String {
        let output = OutputBuffer(capacity: text.utf8.count + 16)
        append(text, to: output)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    package static func append(_ text: String, to output: OutputBuffer) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { append($0, to: output) }
        if done == nil { Array(text.utf8).withUnsafeBufferPointer { append($0, to: output) } }
    }

    package static func append(_ input: UnsafeBufferPointer<UInt8>, to output: OutputBuffer) {
        guard let base = input.baseAddress else { return }
        let count = input.count
        var start = 0
        var index = 0
        while index < count {
            let replacement: StaticString
            var length = 1
            switch input[index] {
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x26: replacement = "&amp;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&#39;"
            // U+061C ARABIC LETTER MARK: D8 9C.
            case 0xD8:
                guard index + 1 < count, input[index + 1] == 0x9C else { index += 1; continue }
                replacement = "U+061C"
                length = 2
            // U+200E, U+200F, U+202A–U+202E: E2 80 8E/8F/AA–AE; U+2066–U+2069: E2 81 A6–A9.
            case 0xE2:
                guard index + 2 < count, let code = bidiCodePoint(input[index + 1], input[index + 2]) else { index += 1; continue }
                replacement = code
                length = 3
            default:
                index += 1
                continue
            }
            output.append(base + start, count: index - start)
            output.append(replacement.utf8Start, count: replacement.utf8CodeUnitCount)
            index += length
            start = index
        }
        output.append(base + start, count: count - start)
    }

    /// The code point text of the bidirectional control whose UTF-8 is E2 `second` `third`, if it is one.
    @inline(__always)
    static func bidiCodePoint(_ second: UInt8, _ third: UInt8) -> StaticString? {
        switch (second, third) {
        case (0x80, 0x8E): return "U+200E"
        case (0x80, 0x8F): return "U+200F"
        case (0x80, 0xAA): return "U+202A"
        case (0x80, 0xAB): return "U+202B"
        case (0x80, 0xAC): return "U+202C"
        case (0x80, 0xAD): return "U+202D"
        case (0x80, 0xAE): return "U+202E"
        case (0x81, 0xA6): return "U+2066"
        case (0x81, 0xA7): return "U+2067"
        case (0x81, 0xA8): return "U+2068"
        case (0x81, 0xA9): return "U+2069"
        default: return nil
        }
    }
}
