import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// The drift rules' examples are their tests, as for registry rules; RuleExampleTests skips the drift
/// stage because the validator cannot evaluate it. Each example's registry and config sections are written
/// to a scratch directory, its URL sections are served from memory, and DriftRunner runs over them.
@Suite("Drift rule examples")
struct DriftRuleExampleTests {
    static let rules = RuleCatalog.builtIn.descriptions.filter { $0.stage == .drift }
    /// The built-in catalog's drift rules: `DriftTest.run` runs drift with that catalog.
    static let driftRules = DriftRuleIDs(catalog: .builtIn)

    static func findings(for example: RuleExample) async throws -> [Finding] {
        let scratch = DriftScratch()
        var documents: [FetchedDocument] = []
        for section in DriftExample.sections(of: example) {
            if section.isURL {
                documents.append(FetchedDocument(url: section.name, status: section.status, contentType: section.contentType, text: section.text))
            } else {
                scratch.write(section.name, section.text)
            }
        }
        return try await DriftTest.run(directory: scratch.path, source: StaticDocumentSource(documents), today: example.today).findings
    }

    static func expected(for example: RuleExample) -> [String] {
        DriftExample.sections(of: example).flatMap { section in
            section.markers.map { "\(section.name):\($0.line):\($0.column)" }
        }.sorted()
    }

    @Test("there are nineteen drift rules, all in the catalog")
    func catalog() {
        #expect(Self.rules.count == 19)
        #expect(Set(Self.rules.map(\.id)) == Set(Self.driftRules.rules.map { $0.description.id }))
    }

    @Test("triggering examples raise the rule at every marker", arguments: rules)
    func triggering(rule: RuleDescription) async throws {
        #expect(!rule.triggeringExamples.isEmpty)
        for example in rule.triggeringExamples {
            let expected = Self.expected(for: example)
            #expect(!expected.isEmpty, "a triggering example of \(rule.id) has no ↓ marker")
            let found = try await Self.findings(for: example).filter { $0.ruleID == rule.id }
            let actual = found.map { "\($0.location.file):\($0.location.line):\($0.location.column)" }.sorted()
            #expect(actual == expected, "\(rule.id) example at \(example.sourceFile):\(example.sourceLine): \(found.map(\.message))")
            for finding in found {
                #expect(finding.entity != nil, "\(rule.id): \(finding.message)")
            }
        }
    }

    @Test("non-triggering examples stay quiet", arguments: rules)
    func nonTriggering(rule: RuleDescription) async throws {
        #expect(!rule.nonTriggeringExamples.isEmpty)
        for example in rule.nonTriggeringExamples {
            let raised = try await Self.findings(for: example).filter { $0.ruleID == rule.id }
            #expect(raised.isEmpty, "\(rule.id) example at \(example.sourceFile):\(example.sourceLine): \(raised.map(\.message))")
        }
    }

    @Test("non-triggering examples raise no drift finding at all", arguments: rules)
    func nonTriggeringAreClean(rule: RuleDescription) async throws {
        for example in rule.nonTriggeringExamples {
            let raised = try await Self.findings(for: example).filter { Self.driftRules.contains(id: $0.ruleID) && $0.severity != .note }
            #expect(raised.isEmpty, "\(rule.id) example at \(example.sourceFile):\(example.sourceLine): \(raised.map { "\($0.ruleID): \($0.message)" })")
        }
    }
}
