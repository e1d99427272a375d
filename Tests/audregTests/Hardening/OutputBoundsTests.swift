import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Attack 7 of issue 21 at unit level: findings are bounded where they are made and where they are listed.
@Suite("Hardening: bounded findings")
struct OutputBoundsTests {
    static func finding(_ rule: String, _ file: String, line: Int, _ severity: Severity = .error) -> Finding {
        Finding(ruleID: rule, severity: severity, message: "m\(line)", location: SourceLocation(file: file, line: line, column: 1))
    }

    @Test("the YAML parser keeps 1,000 duplicate-key diagnostics per file and counts the rest in one")
    func parserCap() {
        let text = "a: 0\n" + String(repeating: "a: 1\n", count: 5_000)
        let diagnostics = YAMLParser.parse(text).diagnostics
        #expect(diagnostics.count == 1_001)
        let last = diagnostics.last
        #expect(last?.message.hasPrefix("4000 more duplicate key(s) in this file") == true)
        #expect(last?.position == TextPosition(line: 1_002, column: 1), "at the first key left out")
        var limits = YAMLLimits.default
        limits.maxDuplicateKeyReports = 2
        #expect(YAMLParser.parse("a: 0\na: 1\na: 2\n", limits: limits).diagnostics.count == 2, "exactly at the bound: no count line")
    }

    @Test("1,000 findings per rule per file, then one that says how many more, at the first left out")
    func perRulePerFile() {
        var findings = (1...1_500).map { Self.finding("r", "a.yaml", line: $0, $0 == 1_400 ? .error : .note) }
        findings += (1...10).map { Self.finding("r", "b.yaml", line: $0) }
        findings += (1...10).map { Self.finding("s", "a.yaml", line: $0) }
        let capped = Validator.capped(findings.shuffled())
        #expect(capped.filter { $0.location.file == "b.yaml" }.count == 10)
        #expect(capped.filter { $0.ruleID == "s" }.count == 10)
        let rule = capped.filter { $0.ruleID == "r" && $0.location.file == "a.yaml" }
        #expect(rule.count == 1_001)
        let summary = rule.first { $0.message.hasPrefix("500 more r finding(s)") }
        #expect(summary?.location.line == 1_001)
        #expect(summary?.severity == .error, "the most severe of those left out")
        #expect(Validator.capped(Array(findings.prefix(1_001))) == Array(findings.prefix(1_001)),
                "untouched up to the bound plus one: the 1,001st costs what the count line would")
    }

    @Test("--max-findings keeps the most severe, counts the rest, and the exit status sees them")
    func limited() {
        let findings = (1...20).map { Self.finding("r", "a.yaml", line: $0, $0 == 17 ? .error : .note) }
        let report = ValidationReport(findings: findings, suppressed: [], rules: [], registry: Registry())
        let cut = report.limited(to: 3)
        #expect(cut.findings.count == 3)
        #expect(cut.findings.contains { $0.severity == .error })
        #expect(cut.findings.map(\.location.line) == cut.findings.map(\.location.line).sorted(), "still in report order")
        #expect(cut.omitted.notes == 17 && cut.omittedCount == 17)
        #expect(cut.summary.notes == 19 && cut.summary.errors == 1, "the summary counts everything")
        let onlyNotesShown = ValidationReport(findings: findings.filter { $0.severity == .note }, suppressed: [], rules: [], registry: Registry()).limited(to: 1)
        #expect(onlyNotesShown.fails(at: .note))
        #expect(!onlyNotesShown.fails(at: .warning))
        let twoErrors = (1...2).map { Self.finding("r", "a.yaml", line: $0) }
        var hidden = ValidationReport(findings: twoErrors, suppressed: [], rules: [], registry: Registry()).limited(to: 1)
        #expect(hidden.omitted.errors == 1)
        hidden.findings = []
        #expect(hidden.fails(at: .error), "an error not listed still fails the run")
        #expect(report.limited(to: 50).omittedCount == 0)
    }
}
