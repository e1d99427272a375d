// libFuzzer target: the sink encoders (Sources/AudregCore/Encoding). The input, read as UTF-8 (invalid
// bytes become U+FFFD), is cut at 0xFF-free boundaries into strings that go through every encoder; each
// output must keep its sink's invariant, or the target traps:
// - terminal text: no unsafe scalar left, a line start never `::`, and unescape gives back the input;
// - GitHub workflow commands (through GitHubReporter): one line per finding, each a command of audreg's;
// - Markdown: a table row keeps its column count, nothing can auto-link, text decodes back;
// - YAML: a double-quoted scalar and a comment load through libyaml into exactly the input, in one document.
// Built by scripts/fuzz.sh against the AudregCore target.
@testable import AudregCore

public func fuzzEncoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let parts = bytes.split(separator: 0xFF, omittingEmptySubsequences: false).prefix(8).map { String(decoding: $0, as: UTF8.self) }
    let breaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{B}", "\u{C}", "\u{85}", "\u{2028}", "\u{2029}"]
    func lines(_ text: String) -> [String] {
        var result = [""]
        for scalar in text.unicodeScalars {
            if breaks.contains(scalar) { result.append("") } else { result[result.count - 1].unicodeScalars.append(scalar) }
        }
        return result
    }
    func same(_ a: String?, _ b: String) -> Bool { a.map { Array($0.unicodeScalars) == Array(b.unicodeScalars) } ?? false }
    // On scalars: a combining mark after `=` or `:` joins it into one Character, and `hasPrefix` on
    // Characters would then miss a prefix that every byte-reading consumer sees.
    func startsWith(_ text: String, _ prefix: String) -> Bool { text.unicodeScalars.starts(with: prefix.unicodeScalars) }

    for text in parts {
        let escaped = TerminalText.escape(text)
        precondition(!escaped.unicodeScalars.contains { UnsafeScalar.kind($0) != nil }, "terminal text keeps an unsafe scalar")
        precondition(same(TerminalText.unescape(escaped), text), "terminal text does not decode back")
        precondition(!startsWith(TerminalText.escapeLineStart(text), "::"), "a line starts a workflow command")

        precondition(same(GitHubWorkflowCommand.decode(GitHubWorkflowCommand.escapeData(text), property: false), text), "workflow data does not decode back")
        precondition(same(GitHubWorkflowCommand.decode(GitHubWorkflowCommand.escapeProperty(text), property: true), text), "workflow property does not decode back")

        let row = "| \(MarkdownText.text(text)) | \(MarkdownText.code(text)) |"
        precondition(lines(row).count == 1, "a Markdown cell holds a line break")
        var pipes = 0
        var escapedNext = false
        for scalar in row.unicodeScalars {
            if escapedNext { escapedNext = false } else if scalar == "\\" { escapedNext = true } else if scalar == "|" { pipes += 1 }
        }
        precondition(pipes == 3, "a Markdown row lost its columns")
        precondition(!row.contains("://") && !row.lowercased().contains("www.") && !row.contains("@"), "Markdown can auto-link")

        let yaml = "# \(YAMLText.comment(text))\nkey: \(YAMLText.scalar(text)) # \(YAMLText.comment(text))\n"
        let parsed = YAMLParser.parse(bytes: Array(yaml.utf8), limits: .default)
        precondition(parsed.diagnostics.isEmpty && parsed.documents.count == 1, "the YAML does not load as one document")
        let mapping = parsed.documents[0].root.mapping ?? []
        precondition(mapping.count == 1 && same(mapping[0].value.scalar, text), "the YAML scalar does not load back")
    }

    let findings = parts.map { Finding(ruleID: "schema", severity: .error, message: $0, location: SourceLocation(file: $0, line: 1, column: 1)) }
    let report = ValidationReport(findings: findings, suppressed: [], rules: [], registry: Registry())
    let github = lines(GitHubReporter.render(report, options: ReportOptions()))
    precondition(github.count == findings.count + 1 && github.dropLast().allSatisfy { startsWith($0, "::error file=") }, "not one workflow command per finding")
    let text = lines(TextReporter.render(report, options: ReportOptions()))
    precondition(text.count == findings.count + 2 && !text.contains { startsWith($0, "::") }, "not one text line per finding")
    return 0
}
