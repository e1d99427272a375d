/// Text for terminals and CI logs (`--format text` of validate, drift and diff, `explain`, messages on
/// standard error). Registry strings are shown exactly and unambiguously on one line: every unsafe scalar
/// (see `UnsafeScalar`) becomes a visible escape (`\r`, `\n`, `\t`, `\u{202E}`), and a backslash becomes
/// `\\`, so `unescape` gives back the original. No line break, terminal escape sequence or bidi override
/// from registry data reaches the terminal, so every line starts with what audreg itself wrote.
public enum TerminalText {
    public static func escape(_ text: String) -> String {
        if !mayNeedWork(text) { return text }
        var output = ""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 8)
        for scalar in text.unicodeScalars { append(scalar, to: &output) }
        return output
    }

    /// `escape`, and in addition a leading `::` is written `\u{3A}:`, for text that starts a line: a
    /// line that starts with `::` is a GitHub Actions workflow command, and a file name is registry data.
    public static func escapeLineStart(_ text: String) -> String {
        let escaped = escape(text)
        guard escaped.utf8.starts(with: "::".utf8) else { return escaped }
        return "\\u{3A}" + String(escaped.unicodeScalars.dropFirst())
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
    static func mayNeedWork(_ text: String) -> Bool {
        for byte in text.utf8 {
            switch byte {
            case 0x00..<0x20, 0x7F, UInt8(ascii: "\\"): return true
            case _ where UnsafeScalar.isLeadByte(byte): return true
            default: continue
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
