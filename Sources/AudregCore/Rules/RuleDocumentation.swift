/// Renders the catalog for `audreg rules` and `audreg rules show`. The site's rule pages and SARIF read
/// the same descriptions; nothing here is written twice.
public enum RuleDocumentation {
    public static func table(_ catalog: RuleCatalog) -> String {
        let rows = catalog.descriptions.map { [$0.id, $0.defaultSeverity.rawValue, $0.summary, $0.controls.joined(separator: ", ")] }
        let header = ["ID", "SEVERITY", "SUMMARY", "CONTROLS"]
        let idWidth = max(header[0].count, rows.map { $0[0].count }.max() ?? 0)
        let severityWidth = max(header[1].count, rows.map { $0[1].count }.max() ?? 0)
        var output = ""
        for row in [header] + rows {
            let id = row[0].padding(to: idWidth)
            let severity = row[1].padding(to: severityWidth)
            output += "\(id)  \(severity)  \(row[2])"
            output += row[3].isEmpty ? "\n" : "  [\(row[3])]\n"
        }
        output += "\n\(catalog.rules.count) rules. 'audreg rules show ID' explains one.\n"
        return output
    }

    public static func json(_ catalog: RuleCatalog) -> JSONValue {
        .object([("rules", .array(catalog.descriptions.map { rule in
            .object(json(rule))
        }))])
    }

    static func json(_ rule: RuleDescription) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = [
            ("id", .string(rule.id)),
            ("name", .string(rule.name)),
            ("severity", .string(rule.defaultSeverity.rawValue)),
            ("stage", .string(rule.stage.rawValue)),
            ("summary", .string(rule.summary)),
            ("rationale", .string(rule.rationale)),
            ("remediation", .string(rule.remediation)),
            ("references", .array(rule.references.map(JSONValue.string))),
            ("controls", .array(rule.controls.map(JSONValue.string))),
        ]
        if !rule.enforcers.isEmpty { fields.append(("enforcers", EnforcerTable.json(rule.enforcers))) }
        return fields
    }

    public static func detail(_ rule: RuleDescription, controls: ControlCatalog) -> String {
        var output = "\(rule.id): \(rule.name)\n"
        output += "Severity: \(rule.defaultSeverity.rawValue) (override per rule in the Policy's severity map)\n"
        output += "Stage: \(rule.stage.rawValue)\n\n"
        output += "\(rule.summary)\n\n"
        output += "Why it matters:\n\(indent(rule.rationale))\n\n"
        output += "How to fix:\n\(indent(rule.remediation))\n"
        if !rule.references.isEmpty {
            output += "\nReferences:\n" + rule.references.map { "  - \($0)\n" }.joined()
        }
        if !rule.controls.isEmpty {
            output += "\nControls:\n"
            for id in rule.controls {
                let control = controls.control(id)
                output += "  - \(id)" + (control.map { ": \($0.title)" } ?? "") + "\n"
            }
        }
        if !rule.enforcers.isEmpty {
            output += "\nEnforcers (where each holds the audiences, and what it does when they are left out):\n"
            output += EnforcerTable.text(rule.enforcers)
        }
        for (title, examples) in [("Triggering examples (↓ marks each finding)", rule.triggeringExamples), ("Non-triggering examples", rule.nonTriggeringExamples)] {
            output += "\n\(title):\n"
            for (index, example) in examples.enumerated() {
                if index > 0 { output += "\n" }
                output += example.yaml.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(separator: "\n") + "\n"
            }
        }
        return output
    }

    public static func suggestion(for id: String, in known: [String]) -> String {
        Suggestion.closest(to: id, in: known).map { "; did you mean '\($0)'?" } ?? ""
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }.joined(separator: "\n")
    }
}

extension String {
    package func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
