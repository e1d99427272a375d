import Testing
@testable import AudregCore
import AudregTestHelpers

/// Every rule's examples are its tests: a triggering example must raise the rule at each `↓` and nowhere
/// else; a non-triggering example must not raise it at all.
@Suite("Rule examples")
struct RuleExampleTests {
    static let rules = RuleCatalog.builtIn.descriptions.filter { $0.stage != .drift }

    /// The example is written to a folder of its own (a repository root), with any `#> path` sections
    /// as files beside it, and validated from disk as `audreg validate` would: rules that look at the
    /// files a registry names are tested like the others.
    static func findings(for example: RuleExample, timesEachRule: Bool = false) -> [Finding] {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        for section in DriftExample.sections(of: example) { directory.write(section.name, section.text) }
        guard let loaded = try? RegistryLoader().load(directory: directory.path) else { return [] }
        return Validator(today: example.today, timesEachRule: timesEachRule).validate(loaded).findings
    }

    /// `file:line:column` of every marker, in every section.
    static func expected(for example: RuleExample) -> [String] {
        DriftExample.sections(of: example).flatMap { section in section.markers.map { "\(section.name):\($0.line):\($0.column)" } }.sorted()
    }

    @Test("triggering examples raise the rule at every marker", arguments: rules)
    func triggering(rule: RuleDescription) {
        #expect(!rule.triggeringExamples.isEmpty, "rule \(rule.id) has no triggering example")
        for example in rule.triggeringExamples {
            let expected = Self.expected(for: example)
            let actual = Self.findings(for: example).filter { $0.ruleID == rule.id }
                .map { "\($0.location.file):\($0.location.line):\($0.location.column)" }.sorted()
            #expect(!expected.isEmpty, "a triggering example of \(rule.id) has no ↓ marker (\(example.sourceFile):\(example.sourceLine))")
            #expect(actual == expected, "\(rule.id) example at \(example.sourceFile):\(example.sourceLine)")
        }
    }

    @Test("non-triggering examples stay quiet", arguments: rules)
    func nonTriggering(rule: RuleDescription) {
        #expect(!rule.nonTriggeringExamples.isEmpty, "rule \(rule.id) has no non-triggering example")
        for example in rule.nonTriggeringExamples {
            let raised = Self.findings(for: example).filter { $0.ruleID == rule.id }
            #expect(raised.isEmpty, "\(rule.id) example at \(example.sourceFile):\(example.sourceLine): \(raised.map(\.message))")
        }
    }

    @Test("rules timed one at a time (AUDREG_TIMING=rules) find exactly what they find in parallel", arguments: rules)
    func timedOneAtATime(rule: RuleDescription) {
        for example in rule.triggeringExamples + rule.nonTriggeringExamples {
            #expect(Self.findings(for: example, timesEachRule: true) == Self.findings(for: example), "\(rule.id)")
        }
    }

    @Test("every finding of an example carries its entity or is a loader finding", arguments: rules)
    func findingsNameTheirEntity(rule: RuleDescription) {
        for example in rule.triggeringExamples where rule.stage == .registry {
            for finding in Self.findings(for: example) where finding.ruleID == rule.id {
                #expect(finding.entity != nil, "\(rule.id): \(finding.message)")
            }
        }
    }
}

extension RuleDescription: CustomTestStringConvertible {
    public var testDescription: String { id }
}
