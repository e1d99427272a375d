/// libyaml's messages name what the parser met, not what the author should do. The common ones are
/// translated into what to change, keeping libyaml's words in brackets for searching.
enum YAMLErrorHints {
    /// The message to show for a libyaml error at 1-based `line`/`column` of `bytes`.
    static func explain(_ message: String, bytes: [UInt8], line: Int, column: Int) -> String {
        guard let hint = hint(for: message, lineText: Self.line(line, of: bytes), column: column) else { return message }
        return "\(hint) [libyaml: \(message)]"
    }

    static func hint(for message: String, lineText: [UInt8]?, column: Int) -> String? {
        let atColumn = lineText.flatMap { text in column >= 1 && column <= text.count ? text[column - 1] : nil }
        if message.hasPrefix("found character that cannot start any token") {
            if atColumn == UInt8(ascii: "\t") || lineText?.first == UInt8(ascii: "\t") {
                return "a tab character: YAML indents with spaces only; replace the tab with spaces"
            }
            if let atColumn, atColumn == UInt8(ascii: "@") || atColumn == UInt8(ascii: "`") {
                return "a value cannot start with '\(Character(Unicode.Scalar(atColumn)))'; put the value in quotes"
            }
            return nil
        }
        if message.hasPrefix("mapping values are not allowed in this context") {
            // A ': ' earlier on the same line means the value itself holds one.
            if let lineText, column >= 2, lineText[..<min(column - 1, lineText.count)].containsColonSpace {
                return "a value contains ': ', which YAML reads as a new key; put the value in quotes (\"a: b\")"
            }
            return "this line is indented deeper than the key above it, or a key is missing; align it with its siblings"
        }
        if message.hasPrefix("did not find expected key while parsing a block mapping") {
            return "this line does not line up with the keys above it; check its indentation (a list item needs a key above it ending in ':')"
        }
        if message.contains("while scanning a quoted scalar") {
            return "a quote is opened but never closed; close it on the same value"
        }
        if message.hasPrefix("did not find expected ',' or '}'") {
            return "a '{' is never closed, or two entries lack a ',' between them; close the mapping with '}'"
        }
        if message.hasPrefix("did not find expected ',' or ']'") {
            return "a '[' is never closed, or two items lack a ',' between them; close the list with ']'"
        }
        if message.hasPrefix("did not find expected '-' indicator") {
            return "a list item is not indented like the items above it; align the '-' with them"
        }
        return nil
    }

    /// The bytes of 1-based line `number`, without its line break.
    static func line(_ number: Int, of bytes: [UInt8]) -> [UInt8]? {
        var current = 1
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            if current == number { return Array(bytes[start..<index]) }
            current += 1
            start = index + 1
        }
        return current == number ? Array(bytes[start...]) : nil
    }
}

private extension ArraySlice where Element == UInt8 {
    var containsColonSpace: Bool {
        var previousWasColon = false
        for byte in self {
            if previousWasColon && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")) { return true }
            previousWasColon = byte == UInt8(ascii: ":")
        }
        return false
    }
}
