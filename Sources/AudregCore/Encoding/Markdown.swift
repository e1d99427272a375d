/// Markdown, in two dialects:
/// - `MarkdownEscaping`: the site's Markdown pages (GitHub and MkDocs), for `{{% CONTENT_TYPE: MARKDOWN}}`
///   templates.
/// - `MarkdownText`: pull-request comments (`diff --format markdown`, `$GITHUB_STEP_SUMMARY`), where a
///   value must stay inside its table cell, show invisible characters, and never become a link or mention.
/// Both work on Unicode scalars, so `"\r\n"` and a `|` carrying a combining mark are caught.
/// Markdown templates of the site get this escaping; URLs pass `SafeURL` before they become links.
public enum MarkdownEscaping {
    /// Escapes text for inline Markdown, table cells included, so that GitHub and MkDocs both show it as
    /// written: punctuation gets a backslash or becomes an entity, and line breaks and other control
    /// characters become spaces, so a value can never start a new block or cell.
    public static func escape(_ text: String) -> String {
        // Most values (names, URLs without brackets) need nothing; they are returned as they are.
        if !mayNeedWork(text) && text.withUTF8Bytes({ blockMarkerLength($0) }) == 0 { return text }
        return OutputBuffer.string(capacity: text.utf8.count + 16) { append(text, to: $0) }
    }

    /// `escape`, written straight into a page's buffer (the site's Markdown pages call this for every
    /// value, so no intermediate string is made).
    package static func append(_ text: String, to output: OutputBuffer) {
        text.withUTF8Bytes { append($0, to: output) }
    }

    package static func append(_ input: UnsafeBufferPointer<UInt8>, to output: OutputBuffer) {
        // A value written on a line of its own (a description) must not start a block: a list item, a
        // numbered item, a setext underline or an indented code block.
        let marker = blockMarkerLength(input)
        if marker > 0 {
            switch input[0] {
            case UInt8(ascii: " "): output.append("&#32;")
            case UInt8(ascii: "="): output.append("&#61;")
            case UInt8(ascii: "-"): output.append("\\-")
            default:
                // Digits, then `.`: the digits as they are and the dot escaped.
                output.append(UnsafeBufferPointer(rebasing: input[0..<(marker - 1)]))
                output.append("\\.")
            }
            append(UnsafeBufferPointer(rebasing: input[marker...]), to: output)
            return
        }
        // A control character or U+2028/U+2029 first would become a space below, and a space first starts
        // an indented block: it is the space entity, and what follows is no longer at the line's start.
        let leadingBreak = input.first.map { $0 < 0x20 || $0 == 0x7F } == true ? 1
            : input.count >= 3 && input[0] == 0xE2 && input[1] == 0x80 && (input[2] == 0xA8 || input[2] == 0xA9) ? 3 : 0
        if leadingBreak > 0 {
            output.append("&#32;")
            appendInline(UnsafeBufferPointer(rebasing: input[leadingBreak...]), to: output)
            return
        }
        appendInline(input, to: output)
    }

    private static func appendInline(_ input: UnsafeBufferPointer<UInt8>, to output: OutputBuffer) {
        ByteSubstitution.apply(input, to: output, candidates: workTable) { input, index in
            switch input[index] {
            // ASCII punctuation that changes the meaning of inline Markdown or a table cell gets a
            // backslash: both CommonMark (GitHub) and Python-Markdown (MkDocs) turn it back into the character.
            case UInt8(ascii: "\\"): return ("\\\\", 1)
            case UInt8(ascii: "`"): return ("\\`", 1)
            case UInt8(ascii: "*"): return ("\\*", 1)
            case UInt8(ascii: "_"): return ("\\_", 1)
            case UInt8(ascii: "{"): return ("\\{", 1)
            case UInt8(ascii: "}"): return ("\\}", 1)
            case UInt8(ascii: "["): return ("\\[", 1)
            case UInt8(ascii: "]"): return ("\\]", 1)
            case UInt8(ascii: "("): return ("\\(", 1)
            case UInt8(ascii: ")"): return ("\\)", 1)
            case UInt8(ascii: "#"): return ("\\#", 1)
            case UInt8(ascii: "+"): return ("\\+", 1)
            case UInt8(ascii: "!"): return ("\\!", 1)
            case UInt8(ascii: "|"): return ("\\|", 1)
            // These become entities, because one of the two dialects has no backslash escape for them;
            // `<` and `&` this way can never start raw HTML or an entity.
            case UInt8(ascii: "<"): return ("&lt;", 1)
            case UInt8(ascii: ">"): return ("&gt;", 1)
            case UInt8(ascii: "&"): return ("&amp;", 1)
            case UInt8(ascii: "\""): return ("&quot;", 1)
            case UInt8(ascii: "~"): return ("&#126;", 1)
            case UInt8(ascii: "$"): return ("&#36;", 1)
            // A control character can never start a new block or cell: it becomes a space.
            case 0x00..<0x20, 0x7F: return (" ", 1)
            // A bidirectional control would reorder the text around it when rendered (a config's name,
            // a fetched message): it is shown as its code point instead. U+061C is D8 9C.
            case 0xD8:
                guard index + 1 < input.count, input[index + 1] == 0x9C else { return nil }
                return ("U+061C", 2)
            // U+2028 and U+2029 (E2 80 A8/A9) end a line like a control; the other bidirectional controls
            // are E2 sequences too.
            case 0xE2:
                guard index + 2 < input.count else { return nil }
                if input[index + 1] == 0x80, input[index + 2] == 0xA8 || input[index + 2] == 0xA9 { return (" ", 3) }
                return HTMLEscaping.bidiCodePoint(input[index + 1], input[index + 2]).map { ($0, 3) }
            default:
                return nil
            }
        }
    }


    /// How many leading bytes would start a Markdown block at the start of a line: a space (four make a
    /// code block), `-` (a list item or a rule), `=` (a setext underline), or digits and `.` (a numbered
    /// item; `)` is escaped anywhere). 0 when the value starts none.
    static func blockMarkerLength<Bytes: Collection>(_ bytes: Bytes) -> Int where Bytes.Element == UInt8, Bytes.Index == Int {
        guard let first = bytes.first else { return 0 }
        if first == UInt8(ascii: " ") || first == UInt8(ascii: "-") || first == UInt8(ascii: "=") { return 1 }
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] >= 0x30, bytes[index] <= 0x39, index - bytes.startIndex < 9 { index += 1 }
        guard index > bytes.startIndex, index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") else { return 0 }
        return index - bytes.startIndex + 1
    }

    /// Whether any byte of `text` may need escaping, looked up in a table over the string's bytes.
    static func mayNeedWork(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { workTable[Int($0)] }
        } ?? text.utf8.contains(where: needsWork)
    }

    private static let workTable = ByteSubstitution.candidates(needsWork)

    /// Whether a UTF-8 byte may need escaping: the punctuation `escape` handles, a control character,
    /// or the lead byte of U+2028/U+2029 and most bidirectional controls (0xE2) or of U+061C (0xD8).
    static func needsWork(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00..<0x20, 0x7F, 0xD8, 0xE2: return true
        case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "#"), UInt8(ascii: "+"),
             UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "\""),
             UInt8(ascii: "~"), UInt8(ascii: "$"):
            return true
        default:
            return false
        }
    }

    /// A code fence longer than any run of backticks in `text`, so the block cannot be closed early.
    public static func fence(for text: String) -> String {
        var longest = 0
        var run = 0
        // Scalars, not Characters: a backtick followed by a combining mark is one Character, yet
        // CommonMark still counts it in the run.
        for scalar in text.unicodeScalars {
            if scalar == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}

/// Escaping for text that came from a registry and lands in a Markdown pull-request comment (GitHub-flavoured
/// Markdown). Invisible and control scalars are first made visible with `TerminalText` (`\r\n`, `\u{202E}`),
/// so no line break can end a table row or a block and a reviewer sees what is there. Bare URLs and
/// `www.` would be auto-linked and `@name` would notify someone: an empty `<span></span>` after `:` in
/// `://`, after `www` and after `@` splits the text GitHub scans, so the rendered text is unchanged but
/// never a link or a mention.
public enum MarkdownText {
    /// Plain text safe in a paragraph or a table cell: no HTML, no links, no emphasis, no @mentions, no pipes.
    public static func text(_ value: String) -> String {
        encode(value) { scalar, out in
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|": out += "&#124;"
            case "@": out += "&#64;"
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "!", "~", "{", "}", "$":
                out += "\\"
                out.unicodeScalars.append(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// A path for a URL: unreserved characters and slashes kept, everything else percent-encoded.
    public static func urlPath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            let isAlphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if isAlphanumeric || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "~") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// An inline code span written as `<code>`, so backticks in the value cannot end it early.
    public static func code(_ value: String) -> String {
        "<code>" + encode(value) { scalar, out in
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "|": out += "&#124;"
            case "@": out += "&#64;"
            case "`": out += "&#96;"
            case "\\": out += "&#92;"
            case "*": out += "&#42;"
            case "_": out += "&#95;"
            case "[": out += "&#91;"
            case "]": out += "&#93;"
            case "~": out += "&#126;"
            case "$": out += "&#36;"
            default: out.unicodeScalars.append(scalar)
            }
        } + "</code>"
    }

    /// What breaks an auto-link or a mention without changing the rendered text.
    static let splitter = "<span></span>"

    /// Makes `value` visible with `TerminalText`, then writes each scalar with `escape`, adding the
    /// splitter after `:` of `://`, after `www` before `.`, and after `@`.
    static func encode(_ value: String, escape: (Unicode.Scalar, inout String) -> Void) -> String {
        let scalars = Array(TerminalText.escape(value).unicodeScalars)
        var out = ""
        out.unicodeScalars.reserveCapacity(scalars.count + 8)
        for (index, scalar) in scalars.enumerated() {
            if scalar == ".", index >= 3, isW(scalars[index - 1]), isW(scalars[index - 2]), isW(scalars[index - 3]) {
                out += splitter
            }
            escape(scalar, &out)
            if scalar == "@" || (scalar == ":" && index + 1 < scalars.count && scalars[index + 1] == "/") {
                out += splitter
            }
        }
        return out
    }

    private static func isW(_ scalar: Unicode.Scalar) -> Bool { scalar == "w" || scalar == "W" }
}
