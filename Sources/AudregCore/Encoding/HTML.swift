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
        OutputBuffer.string(capacity: text.utf8.count + 16) { append(text, to: $0) }
    }

    package static func append(_ text: String, to output: OutputBuffer) {
        text.withUTF8Bytes { append($0, to: output) }
    }

    package static func append(_ input: UnsafeBufferPointer<UInt8>, to output: OutputBuffer) {
        ByteSubstitution.apply(input, to: output, candidates: candidates) { input, index in
            switch input[index] {
            case 0x3C: return ("&lt;", 1)
            case 0x3E: return ("&gt;", 1)
            case 0x26: return ("&amp;", 1)
            case 0x22: return ("&quot;", 1)
            case 0x27: return ("&#39;", 1)
            // U+061C ARABIC LETTER MARK: D8 9C.
            case 0xD8:
                guard index + 1 < input.count, input[index + 1] == 0x9C else { return nil }
                return ("U+061C", 2)
            // U+200E, U+200F, U+202A–U+202E: E2 80 8E/8F/AA–AE; U+2066–U+2069: E2 81 A6–A9.
            case 0xE2:
                guard index + 2 < input.count, let code = bidiCodePoint(input[index + 1], input[index + 2]) else { return nil }
                return (code, 3)
            default:
                return nil
            }
        }
    }

    private static let candidates = ByteSubstitution.candidates { [0x3C, 0x3E, 0x26, 0x22, 0x27, 0xD8, 0xE2].contains($0) }

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
