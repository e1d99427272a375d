import Mustache

/// Escaping for the contexts the site writes into. HTML text and attributes are escaped as Mustache's
/// default content type does (`{{x}}` escapes `< > & " '`, see `HTMLEscaping`); Markdown templates declare
/// `{{% CONTENT_TYPE: MARKDOWN}}` and get `MarkdownEscaping`; URLs pass `SafeURL` before they become links.
public enum MarkdownEscaping {
    /// Escapes text for inline Markdown, table cells included, so that GitHub and MkDocs both show it as
    /// written: punctuation gets a backslash or becomes an entity, and line breaks and other control
    /// characters become spaces, so a value can never start a new block or cell.
    public static func escape(_ text: String) -> String {
        // Most values (names, URLs without brackets) need nothing; they are returned as they are.
        if !mayNeedWork(text) { return text }
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            // ASCII punctuation that changes the meaning of inline Markdown or a table cell gets a
            // backslash: both CommonMark (GitHub) and Python-Markdown (MkDocs) turn it back into the character.
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "#", "+", "!", "|":
                output.unicodeScalars.append("\\")
                output.unicodeScalars.append(scalar)
            // These become entities, because one of the two dialects has no backslash escape for them;
            // `<` and `&` this way can never start raw HTML or an entity.
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\"": output += "&quot;"
            case "~": output += "&#126;"
            case "$": output += "&#36;"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    output.unicodeScalars.append(" ")
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// Whether any byte of `text` may need escaping, looked up in a table over the string's bytes.
    static func mayNeedWork(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { workTable[Int($0)] }
        } ?? text.utf8.contains(where: needsWork)
    }

    private static let workTable: [Bool] = (0...255).map { needsWork(UInt8($0)) }

    /// Whether a UTF-8 byte may need escaping: the punctuation `escape` handles, a control character,
    /// or the lead byte of U+2028/U+2029 (0xE2).
    static func needsWork(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00..<0x20, 0x7F, 0xE2: return true
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
        for character in text {
            if character == "`" { run += 1; longest = max(longest, run) } else { run = 0 }
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }
}

struct MarkdownContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { MarkdownEscaping.escape(text) }
}

/// Registers the `MARKDOWN` content type once, before any Markdown template is parsed.
enum MarkdownContentTypeRegistration {
    static let done: Bool = {
        MustacheContentTypes.register(MarkdownContentType(), named: "MARKDOWN")
        return true
    }()
}

/// A link target taken from the registry, kept only when it is an absolute http or https URL without
/// spaces or control characters. Anything else (`javascript:`, `data:`, relative paths) is shown as text.
public enum SafeURL {
    public static func href(_ text: String?) -> String? {
        guard let text, let parts = URLParts(text) else { return nil }
        let scheme = parts.scheme.lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        for scalar in text.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F { return nil }
            if ["\"", "'", "<", ">", "\\", "`", "{", "}", "|", "^"].contains(scalar) { return nil }
        }
        return text
    }
}

/// File names for things whose IDs are not registry names (control IDs such as `PR.AA-05` or
/// `GOVERN 1.6`): lowercase ASCII letters and digits, every other run of characters one hyphen.
public enum Slug {
    public static func make(_ text: String) -> String {
        var output = ""
        var pendingHyphen = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isLower = value >= 0x61 && value <= 0x7A
            let isUpper = value >= 0x41 && value <= 0x5A
            let isDigit = value >= 0x30 && value <= 0x39
            if isLower || isUpper || isDigit {
                if pendingHyphen && !output.isEmpty { output.append("-") }
                pendingHyphen = false
                output.unicodeScalars.append(isUpper ? Unicode.Scalar(value + 0x20)! : scalar)
            } else {
                pendingHyphen = true
            }
        }
        if output.isEmpty { output = "x" }
        return String(output.prefix(80))
    }

    /// Slugs for a list of IDs, made unique in list order by appending `-2`, `-3`.
    public static func unique(_ ids: [String]) -> [String: String] {
        var used = Set<String>()
        var result: [String: String] = [:]
        for id in ids where result[id] == nil {
            let base = make(id)
            var candidate = base
            var counter = 2
            while used.contains(candidate) {
                candidate = "\(base)-\(counter)"
                counter += 1
            }
            used.insert(candidate)
            result[id] = candidate
        }
        return result
    }
}
