/// JUnit XML for CI systems that only show test results: one suite per rule, one case per entity with
/// findings, and one passing case for a rule with none. A case fails only when a finding reaches the
/// `--fail-on` threshold, so the test report and the exit status agree; lower findings are passed cases
/// with the findings in their output. What was not assessed is never a pass: a rule the policy turns off
/// is one skipped case, and an entity whose findings an exception suppresses is a skipped case that says
/// which exception and until when.
public enum JUnitReporter {
    public static func render(_ report: ValidationReport, options: ReportOptions) -> String {
        // A case is named by its entity, or by its file when the finding has none. Keyed by bytes: the
        // NFC and NFD spellings of one file name are two files, and two cases.
        var byRule: [String: [ExactString: [Finding]]] = [:]
        for finding in report.findings {
            byRule[finding.ruleID, default: [:]][caseName(finding), default: []].append(finding)
        }
        var excepted: [String: [ExactString: [SuppressedFinding]]] = [:]
        for suppressed in report.suppressed {
            let finding = suppressed.finding
            excepted[finding.ruleID, default: [:]][caseName(finding), default: []].append(suppressed)
        }
        var turnedOff: [String: SourceLocation] = [:]
        for rule in report.turnedOff { turnedOff[rule.ruleID] = rule.location }
        var suites = ""
        var totalTests = 0
        var totalFailures = 0
        var totalSkipped = 0
        for rule in report.rules {
            let entities = byRule[rule.id] ?? [:]
            let exceptedEntities = excepted[rule.id] ?? [:]
            var cases = ""
            var failures = 0
            var skipped = 0
            var passedEmpty = 0
            // A drift rule that could not look at everything of its scope: one skipped case says what it
            // did not read, and "no findings" is claimed only when it read something.
            let unassessed = rule.stage == .drift ? options.driftRun?.coverage?.notAssessed(rule.scope) : nil
            if let location = turnedOff[rule.id] {
                skipped += 1
                let reason = "not assessed: the policy turns this rule off (\(options.paths.display(location)))"
                cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"turned off\">\n      <skipped message=\"\(xml(TerminalText.escape(reason)))\"/>\n    </testcase>\n"
            } else {
                if let unassessed {
                    skipped += 1
                    cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"not assessed\">\n      <skipped message=\"\(xml(TerminalText.escape(unassessed.reason)))\"/>\n    </testcase>\n"
                }
                if entities.isEmpty && exceptedEntities.isEmpty && unassessed?.checkedNothing != true {
                    passedEmpty = 1
                    cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"no findings\"/>\n"
                }
            }
            for entity in exceptedEntities.keys.sorted() {
                let suppressed = exceptedEntities[entity] ?? []
                skipped += 1
                let first = suppressed[0]
                let reason = "excepted until \(first.expires), approved by \(first.approvedBy)\(first.ticket.map { " (\($0))" } ?? ""): \(suppressed.count) finding\(suppressed.count == 1 ? "" : "s") not assessed as failures"
                let body = suppressed.map { "\(TerminalText.escapeLineStart(options.paths.display($0.finding.location.file))):\($0.finding.location.line):\($0.finding.location.column): \($0.finding.severity.rawValue): \(TerminalText.escape($0.finding.message))" }
                    .joined(separator: "\n")
                cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"\(xml(TerminalText.escape(entity.text))) (excepted)\">\n"
                cases += "      <skipped message=\"\(xml(TerminalText.escape(reason)))\"/>\n      <system-out>\(xml(body))</system-out>\n    </testcase>\n"
            }
            for entity in entities.keys.sorted() {
                let findings = entities[entity] ?? []
                let worst = findings.map(\.severity).max() ?? .note
                // CI systems print these files into their logs: each registry value is made visible on one
                // line (TerminalText) before XML escaping, so no line of the report can start a workflow command.
                let body = findings.map { "\(TerminalText.escapeLineStart(options.paths.display($0.location.file))):\($0.location.line):\($0.location.column): \($0.severity.rawValue): \(TerminalText.escape($0.message))" }
                    .joined(separator: "\n")
                if options.failOn.map({ worst < $0 }) ?? true {
                    cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"\(xml(TerminalText.escape(entity.text)))\">\n      <system-out>\(xml(body))</system-out>\n    </testcase>\n"
                } else {
                    failures += 1
                    cases += "    <testcase classname=\"\(xml(rule.id))\" name=\"\(xml(TerminalText.escape(entity.text)))\">\n"
                    cases += "      <failure type=\"\(worst.rawValue)\" message=\"\(xml(TerminalText.escape(findings[0].message)))\">\(xml(body))</failure>\n"
                    cases += "    </testcase>\n"
                }
            }
            let tests = entities.count + skipped + passedEmpty
            totalTests += tests
            totalFailures += failures
            totalSkipped += skipped
            suites += "  <testsuite name=\"\(xml(rule.id))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n\(cases)  </testsuite>\n"
        }
        // A drift run's notes are not tests: a suite without cases carries them in its output.
        let replay = options.driftRun?.replayLine.map { ["info: \(TerminalText.escape($0))"] } ?? []
        if let notes = options.driftRun?.notes, !notes.isEmpty || !replay.isEmpty {
            let body = (replay + notes.map { "info: \(TerminalText.escape($0.message)) [\(TerminalText.escape($0.kind))]" }).joined(separator: "\n")
            suites += "  <testsuite name=\"drift notes\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <system-out>\(xml(body))</system-out>\n  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"audreg \(xml(options.command))\" tests=\"\(totalTests)\" failures=\"\(totalFailures)\" errors=\"0\" skipped=\"\(totalSkipped)\">\n\(suites)</testsuites>\n"
    }

    private static func caseName(_ finding: Finding) -> ExactString {
        ExactString(finding.entity?.description ?? finding.location.file)
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
