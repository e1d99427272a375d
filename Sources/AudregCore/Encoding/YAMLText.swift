/// Text in generated YAML (`export envoy`, `export istio`). Gateways apply these files, so a registry value
/// must come out as exactly one scalar and never as YAML structure:
/// - `scalar`: a double-quoted scalar. `"` and `\` are escaped, and every unsafe scalar (control
///   characters, the line breaks YAML 1.1 knows — CR, LF, NEL U+0085, U+2028, U+2029 — bidi and
///   zero-width, tag and blank characters, and U+FFFE/U+FFFF, which libyaml refuses) is written `\uXXXX`
///   (`\UXXXXXXXX` above U+FFFF), so the value
///   loads back exactly and a raw separator can never fold the line.
/// - `comment`: text after `#`. A comment ends at a line break, so the text is made visible with
///   `TerminalText` and holds no line break of any kind.
public enum YAMLText {
    public static func scalar(_ text: String) -> String {
        var output = "\""
        output.unicodeScalars.reserveCapacity(text.unicodeScalars.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            default:
                if UnsafeScalar.kind(scalar) != nil {
                    // `\u` takes exactly four hex digits; a scalar above U+FFFF (a tag character) needs `\U` and eight.
                    output += scalar.value > 0xFFFF ? "\\U" + UnsafeScalar.hex(scalar.value, minimumDigits: 8)
                        : "\\u" + UnsafeScalar.hex(scalar.value, minimumDigits: 4)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }

    public static func comment(_ text: String) -> String { TerminalText.escape(text) }
}
