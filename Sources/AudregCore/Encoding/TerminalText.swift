/// Text for terminals and CI logs (`--format text` of validate, drift and diff, `explain`, messages on
/// standard error). Registry strings are shown exactly and unambiguously on one line: every unsafe scalar
/// (see `UnsafeScalar`) becomes a visible escape (`\r`, `\n`, `\t`, `\u{202E}`), and a backslash becomes
/// `\\`, so `unescape` gives back the original. No line break, terminal escape sequence or bidi override
/// from registry data reaches the terminal, so every line starts with what audreg itself wrote.
///
/// CI logs are also read for workflow commands. The GitHub runner takes a line as a command when it
/// starts with `::` after any leading white space (its parser trims it first, as .NET defines white
/// space), and as a command of the older form wherever `##[` appears in it. So escaped text never holds
/// `##[` (the second `#` is written `\u{23}`), and `::` after nothing but white space is written
/// `\u{3A}:`, since an escaped string may follow only indentation or open a line.
public enum TerminalText {
    public static func escape(_ text: String) -> String {
        if !mayNeedWork(text) { return text }
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        var onlyWhiteSpaceBefore = true
        var previous: Unicode.Scalar?
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let nextIndex = scalars.index(after: index)
            let next = nextIndex == scalars.endIndex ? nil : scalars[nextIndex]
            if scalar == ":" && next == ":" && onlyWhiteSpaceBefore {
                output += "\\u{3A}"
            } else if scalar == "#" && previous == "#" && next == "[" {
                output += "\\u{23}"
            } else {
                append(scalar, to: &output)
            }
            if onlyWhiteSpaceBefore && !isRunnerWhiteSpace(scalar) { onlyWhiteSpaceBefore = false }
            previous = scalar
            index = nextIndex
        }
        return output
    }

    /// The same as `escape`: escaped text is safe at the start of a line too.
    public static func escapeLineStart(_ text: String) -> String { escape(text) }

    /// White space written as it is (not escaped) that the runner trims before looking for `::`: .NET's
    /// `char.IsWhiteSpace` less what `append` escapes anyway.
    private static func isRunnerWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    @inline(__always)
    package static func append(_ scalar: Unicode.Scalar, to output: inout String) {
        switch scalar {
        case "\\": output += "\\\\"
        case "\n": output += "\\n"
        case "\r": output += "\\r"
        case "\t": output += "\\t"
        default:
            if UnsafeScalar.kind(scalar) != nil {
                output += "\\u{" + UnsafeScalar.hex(scalar.value, minimumDigits: 1) + "}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
    }

    /// Whether `text` holds a backslash or a scalar that may be unsafe (decided on UTF-8 lead bytes).
    /// Also true for a `#` (maybe `##[`), and for a `:` or a non-ASCII scalar (maybe white space) before
    /// anything else but spaces.
    static func mayNeedWork(_ text: String) -> Bool {
        var atStart = true
        for byte in text.utf8 {
            switch byte {
            case 0x00..<0x20, 0x7F, UInt8(ascii: "\\"), UInt8(ascii: "#"): return true
            case _ where UnsafeScalar.isLeadByte(byte): return true
            case UInt8(ascii: " "): continue
            case UInt8(ascii: ":"), 0x80...: if atStart { return true }
            default: atStart = false
            }
        }
        return false
    }

    /// The original text of `escape`'s output, or nil when `text` is not something `escape` can write
    /// (used by tests and the fuzz target to prove the encoding loses nothing).
    public static func unescape(_ text: String) -> String? {
        var output = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if UnsafeScalar.kind(scalar) != nil { return nil }
            guard scalar == "\\" else { output.unicodeScalars.append(scalar); continue }
            switch scalars.next() {
            case "\\": output += "\\"
            case "n": output += "\n"
            case "r": output += "\r"
            case "t": output += "\t"
            case "u":
                guard scalars.next() == "{" else { return nil }
                var digits = ""
                while let digit = scalars.next(), digit != "}" { digits.unicodeScalars.append(digit) }
                guard !digits.isEmpty, digits.count <= 8, let value = UInt32(digits, radix: 16),
                      let decoded = Unicode.Scalar(value) else { return nil }
                output.unicodeScalars.append(decoded)
            default: return nil
            }
        }
        return output
    }
}
