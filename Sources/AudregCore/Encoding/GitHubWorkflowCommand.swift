/// GitHub Actions workflow commands (`::error file=…,line=…::message`). The runner reads its standard
/// output line by line and runs every line that starts with `::`, so a value must never hold a line
/// break. Values are first made visible with `TerminalText` (no control, separator, bidi or zero-width
/// scalar is left, so nothing can end the line, whatever the runner or the log viewer treats as a line
/// break), then encoded as actions/toolkit does: `%` → `%25`, CR → `%0D`, LF → `%0A`, and in properties
/// also `:` → `%3A` and `,` → `%2C`. Everything works on Unicode scalars: `"\r\n"` is one `Character`.
public enum GitHubWorkflowCommand {
    /// One command line, ending in a line feed.
    public static func line(_ command: String, properties: [(String, String)], message: String) -> String {
        let props = properties.map { "\($0.0)=\(escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(command)\(props.isEmpty ? "" : " " + props)::\(escapeData(message))\n"
    }

    public static func escapeData(_ text: String) -> String { encode(text, property: false) }

    public static func escapeProperty(_ text: String) -> String { encode(text, property: true) }

    static func encode(_ text: String, property: Bool) -> String {
        let visible = TerminalText.escape(text)
        var output = ""
        output.unicodeScalars.reserveCapacity(visible.unicodeScalars.count)
        for scalar in visible.unicodeScalars {
            switch scalar {
            case "%": output += "%25"
            case "\r": output += "%0D"
            case "\n": output += "%0A"
            case ":" where property: output += "%3A"
            case "," where property: output += "%2C"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// What the runner shows for an encoded value (it decodes `%0D`, `%0A`, `%3A`, `%2C` and `%25`),
    /// then `TerminalText.unescape`: the original value, for tests and the fuzz target.
    public static func decode(_ text: String, property: Bool) -> String? {
        var shown = text
        let pairs = property ? [("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")]
                             : [("%0D", "\r"), ("%0A", "\n"), ("%25", "%")]
        for (code, value) in pairs { shown = shown.replacingScalars(code, with: value) }
        return TerminalText.unescape(shown)
    }
}

extension String {
    /// Every occurrence of `target` replaced, matched on Unicode scalars (not `Character`s).
    func replacingScalars(_ target: String, with replacement: String) -> String {
        let needle = Array(target.unicodeScalars)
        let scalars = Array(unicodeScalars)
        var output = ""
        var index = 0
        while index < scalars.count {
            if index + needle.count <= scalars.count, Array(scalars[index..<index + needle.count]) == needle {
                output += replacement
                index += needle.count
            } else {
                output.unicodeScalars.append(scalars[index])
                index += 1
            }
        }
        return output
    }
}
