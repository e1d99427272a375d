/// JUnit XML for CI systems that only show test results: one suite per rule, one case per entity with
/// findings, and one passing case for a rule with none. A case fails only when a finding reaches the
/// `--fail-on` threshold, so the test report and the exit status agree; lower findings are passed cases
/// with the findings in their output.
public enum JUnitReporter {
    public static func render(_ report: ValidationReport, options: ReportOptions) -> String {
        var byRule: [String: [String: [Finding]]] = [:]
        for finding in report.findings {
            byRule[finding.ruleID, default: [:]][finding.entity?.description ?? finding.location.file, default: []].append(finding)
        }
        var suites = ""
        var totalTests = 0
        var totalFailures = 0
        for rule in report.rules {
            let entities = byRule[rule.id] ?? [:]
            var cases = ""
            var failures = 0
            if entities.isEmpty {
                cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"no findings\"/>\n"
            }
            for entity in entities.keys.sorted() {
                let findings = entities[entity] ?? []
                let worst = findings.map(\.severity).max() ?? .note
                // CI systems print these files into their logs: each registry value is made visible on one
                // line (TerminalText) before XML escaping, so no line of the report can start a workflow command.
                let body = findings.map { "\(TerminalText.escapeLineStart(options.paths.display($0.location.file))):\($0.location.line):\($0.location.column): \($0.severity.rawValue): \(TerminalText.escape($0.message))" }
                    .joined(separator: "\n")
                if options.failOn.map({ worst < $0 }) ?? true {
                    cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"\(xml(TerminalText.escape(entity)))\">\n      <system-out>\(xml(body))</system-out>\n    </testcase>\n"
                } else {
                    failures += 1
                    cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"\(xml(TerminalText.escape(entity)))\">\n"
                    cases += "      <failure type=\"\(worst.rawValue)\" message=\"\(xml(TerminalText.escape(findings[0].message)))\">\(xml(body))</failure>\n"
                    cases += "    </testcase>\n"
                }
            }
            let tests = max(entities.count, 1)
            totalTests += tests
            totalFailures += failures
            suites += "  <testsuite name=\"\(xml(rule.id))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\">\n\(cases)  </testsuite>\n"
        }
        // A drift run's notes are not tests: a suite without cases carries them in its output.
        if let notes = options.driftRun?.notes, !notes.isEmpty {
            let body = notes.map { "info: \(TerminalText.escape($0.message)) [\(TerminalText.escape($0.kind))]" }.joined(separator: "\n")
            suites += "  <testsuite name=\"drift notes\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <system-out>\(xml(body))</system-out>\n  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"audreg \(xml(options.command))\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\">\n\(suites)</testsuites>\n"
    }

    /// Escapes text for XML content and attributes, and drops characters XML 1.0 cannot carry.
    static func xml(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&apos;"
            default:
                let value = scalar.value
                if value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value <= 0xD7FF) || (value >= 0xE000 && value <= 0xFFFD) || value >= 0x10000 {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }
}
