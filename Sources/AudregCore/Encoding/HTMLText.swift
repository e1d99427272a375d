/// Text for HTML that audreg writes outside the templates (the error overlay of `audreg serve`). The
/// same five characters as the site's templates are written as entities, so the result is safe in
/// element content and in a quoted attribute value. `text` first makes invisible and control scalars
/// visible with `TerminalText`, so a bidi override or a line break in registry data shows as what it is.
public enum HTMLText {
    /// `< > & " '` as entities; everything else unchanged.
    public static func escape(_ text: String) -> String {
        var needsWork = false
        for byte in text.utf8 where isSpecial(byte) {
            needsWork = true
            break
        }
        guard needsWork else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        // On scalars, not Characters: a quote followed by a combining mark is one Character that is
        // not equal to `"`, and would slip through a Character switch.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// Registry text for a page: made visible with `TerminalText.escape`, then `escape`d.
    public static func text(_ value: String) -> String {
        escape(TerminalText.escape(value))
    }

    @inline(__always)
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
