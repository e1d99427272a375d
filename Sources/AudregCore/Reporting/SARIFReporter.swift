/// SARIF 2.1.0 as GitHub code scanning accepts it: every rule described, every result located, and
/// fingerprints that do not change when unrelated lines move.
public enum SARIFReporter {
    public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

    public static func render(_ report: ValidationReport, options: ReportOptions) -> String {
        let rules = report.rules
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        // Keyed by bytes: two findings that quote the NFC and NFD forms of one value are different
        // results, and a `String` key would number them as one's first and second occurrence.
        var occurrences: [ExactString: Int] = [:]
        // Excepted findings are results too, marked as suppressed by the exception: code scanning then
        // shows them as dismissed, with the reason, instead of not at all.
        let entries: [(finding: Finding, suppressed: SuppressedFinding?)] = report.findings.map { ($0, nil) } + report.suppressed.map { ($0.finding, $0) }
        let results: [JSONValue] = entries.map { finding, suppressed in
            let base = fingerprintBase(finding)
            let key = ExactString(base)
            occurrences[key, default: 0] += 1
            let occurrence = occurrences[key]!
            var members: [(String, JSONValue)] = [("ruleId", .string(finding.ruleID))]
            if let index = ruleIndex[finding.ruleID] { members.append(("ruleIndex", .int(index))) }
            members += [
                ("level", .string(finding.severity.rawValue)),
                ("message", .object([("text", .string(messageText(finding)))])),
                ("locations", .array([location(finding.location, entity: finding.entity, options: options)])),
            ]
            if !finding.related.isEmpty {
                members.append(("relatedLocations", .array(finding.related.enumerated().map { index, related in
                    var related = related
                    let message = related.message ?? related.entity?.description ?? "related"
                    related.message = nil
                    return .object([
                        ("id", .int(index + 1)),
                        ("physicalLocation", physical(related.location, options: options)),
                        ("message", .object([("text", .string(message))])),
                    ])
                })))
            }
            members.append(("partialFingerprints", .object([
                ("primaryLocationLineHash", .string("\(StableHash.hex(base)):\(occurrence)")),
            ])))
            if let suppressed {
                var justification = suppressed.reason ?? "exception"
                justification += " (approved by \(suppressed.approvedBy.isEmpty ? "unknown" : suppressed.approvedBy), expires \(suppressed.expires)"
                justification += (suppressed.ticket.map { ", \($0)" } ?? "") + ")"
                members.append(("suppressions", .array([.object([
                    ("kind", "external"),
                    ("status", "accepted"),
                    ("justification", .string(justification)),
                    ("location", .object([("physicalLocation", physical(suppressed.exceptionLocation, options: options))])),
                ])])))
            }
            return .object(members)
        }
        let driver: JSONValue = .object([
            ("name", "audreg"),
            ("informationUri", .string(AudregVersion.informationURI)),
            ("semanticVersion", .string(AudregVersion.current)),
            ("rules", .array(rules.map(rule))),
        ])
        // A drift run's notes are tool execution notifications (SARIF §3.20.21), not results: code
        // scanning shows no alert for them.
        let notes = options.driftRun?.notes ?? []
        // A rule the policy turns off ran for nothing: SARIF says so with a configuration override
        // (§3.20.5), so a viewer does not read its empty result list as a pass.
        let off = report.turnedOff
        var invocation: [(String, JSONValue)] = [("executionSuccessful", .bool(true))]
        if !off.isEmpty {
            invocation.append(("ruleConfigurationOverrides", .array(off.map { rule in
                .object([
                    ("descriptor", .object([
                        ("id", .string(rule.ruleID)),
                        ("index", .int(rules.firstIndex { $0.id == rule.ruleID } ?? 0)),
                    ])),
                    ("configuration", .object([("enabled", .bool(false))])),
                ])
            })))
        }
        // What a drift run could not read: a warning notification per kind of check (§3.58), so an empty
        // result list for those rules is not read as a pass.
        var gaps: [JSONValue] = []
        if let replay = options.driftRun?.replayLine {
            gaps.append(.object([
                ("level", "note"),
                ("message", .object([("text", .string(escapedText(replay)))])),
                ("descriptor", .object([("id", .string("offline-replay"))])),
            ]))
        }
        if let coverage = options.driftRun?.coverage {
            for scope in [EvidenceScope.issuer, .deployment] {
                guard let gap = coverage.notAssessed(scope) else { continue }
                gaps.append(.object([
                    ("level", "warning"),
                    ("message", .object([("text", .string(escapedText(gap.reason)))])),
                    ("descriptor", .object([("id", .string(scope == .issuer ? "issuers-not-assessed" : "deployments-not-assessed"))])),
                ]))
            }
        }
        if !notes.isEmpty || !gaps.isEmpty {
            invocation.append(("toolExecutionNotifications", .array(gaps + notes.map { note in
                .object([
                    ("level", "note"),
                    ("message", .object([("text", .string(escapedText(note.message)))])),
                    ("descriptor", .object([("id", .string(note.kind))])),
                    ("properties", .object([("subject", .string(note.subject))])),
                ])
            })))
        }
        let invocations: [(String, JSONValue)] = notes.isEmpty && off.isEmpty && gaps.isEmpty ? [] : [("invocations", .array([.object(invocation)]))]
        // Code scanning replaces the alerts of an upload with the same category: each shard of a drift
        // run is its own, or every upload would close the other shards' alerts.
        let shard = options.driftRun?.shard.map { "shard-\($0.shard.index)-of-\($0.shard.count)/" } ?? ""
        let run: JSONValue = .object([
            ("tool", .object([("driver", driver)])),
        ] + invocations + [
            ("automationDetails", .object([("id", .string("audreg/\(options.command)/\(shard)"))])),
            ("columnKind", "unicodeCodePoints"),
            ("results", .array(results)),
        ] + (options.paths.sourceRootURI.map { [("originalUriBaseIds", JSONValue.object([(ReportPaths.sourceRootID, .object([("uri", .string($0))]))]))] } ?? []))
        return JSONValue.object([
            ("$schema", .string(schemaURI)),
            ("version", "2.1.0"),
            ("runs", .array([run])),
        ]).serialized()
    }

    static func rule(_ rule: RuleDescription) -> JSONValue {
        let help = "\(rule.rationale)\n\nHow to fix: \(rule.remediation)"
        var markdown = "**\(rule.name)** (`\(rule.id)`)\n\n\(rule.rationale)\n\n**How to fix:** \(rule.remediation)"
        if !rule.controls.isEmpty { markdown += "\n\n**Controls:** \(rule.controls.joined(separator: ", "))" }
        if !rule.references.isEmpty { markdown += "\n\n**References:** \(rule.references.joined(separator: ", "))" }
        return .object([
            ("id", .string(rule.id)),
            ("name", .string(rule.name.split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())),
            ("shortDescription", .object([("text", .string(String(rule.summary.prefix(1024))))])),
            ("fullDescription", .object([("text", .string(String(rule.rationale.prefix(1024))))])),
            ("help", .object([("text", .string(help)), ("markdown", .string(markdown))])),
            ("defaultConfiguration", .object([("level", .string(rule.defaultSeverity.rawValue))])),
            ("properties", .object([
                ("tags", .array((["security"] + rule.controls).prefix(20).map(JSONValue.string))),
                ("precision", "very-high"),
                ("security-severity", .string(securitySeverity(rule.defaultSeverity))),
            ])),
        ])
    }

    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .error: return "8.0"
        case .warning: return "5.0"
        case .note: return "2.0"
        }
    }

    static func location(_ location: SourceLocation, entity: EntityRef?, options: ReportOptions) -> JSONValue {
        var members: [(String, JSONValue)] = [("physicalLocation", physical(location, options: options))]
        if let entity {
            members.append(("logicalLocations", .array([.object([
                ("fullyQualifiedName", .string(entity.description)),
                ("kind", "object"),
            ])])))
        }
        return .object(members)
    }

    static func physical(_ location: SourceLocation, options: ReportOptions) -> JSONValue {
        // SARIF regions end after the last character; keep the end at or after the start.
        let endLine = max(location.endLine, location.line)
        let endColumn = endLine == location.line ? max(location.endColumn, location.column + 1) : max(location.endColumn, 1)
        return .object([
            ("artifactLocation", artifact(location.file, options: options)),
            ("region", .object([
                ("startLine", .int(location.line)),
                ("startColumn", .int(location.column)),
                ("endLine", .int(endLine)),
                ("endColumn", .int(endColumn)),
            ])),
        ])
    }

    static func artifact(_ file: String, options: ReportOptions) -> JSONValue {
        let (uri, baseID) = options.paths.sarif(file)
        return .object([("uri", .string(uri))] + (baseID.map { [("uriBaseId", JSONValue.string($0))] } ?? []))
    }

    /// The message, with links to its related locations (`[text](id)`, SARIF §3.11.6) so code scanning
    /// can take the reader to the other service of a collision. Brackets in the message itself are
    /// escaped so they cannot form links of their own.
    static func messageText(_ finding: Finding) -> String {
        let text = escapedText(finding.message)
        guard !finding.related.isEmpty else { return text }
        let links = finding.related.indices.map { index in
            let related = finding.related[index]
            let label = (related.entity?.description ?? related.message ?? "related location")
                .unicodeScalars.filter { $0 != "[" && $0 != "]" && $0 != "\\" }
            return "[\(String(String.UnicodeScalarView(label)))](\(index + 1))"
        }
        return text + " (see " + links.joined(separator: ", ") + ")"
    }

    /// Brackets and backslashes escaped, so that no text forms a link of its own.
    static func escapedText(_ message: String) -> String {
        var text = ""
        for scalar in message.unicodeScalars {
            if scalar == "[" || scalar == "]" || scalar == "\\" { text.unicodeScalars.append("\\") }
            text.unicodeScalars.append(scalar)
        }
        return text
    }

    /// Rule, entity, file and the message without positions: moving lines around leaves it unchanged.
    static func fingerprintBase(_ finding: Finding) -> String {
        "\(finding.ruleID)|\(finding.entity?.description ?? "")|\(finding.location.file)|\(withoutPositions(finding.message))"
    }

    /// The message without the positions it quotes (`line 12`, `:4:57`), so a finding keeps its
    /// fingerprint when unrelated lines move. Only ASCII digits are positions: the message is read as
    /// scalars, so a quoted value's other digits (`１２`, `٣`) and its combining marks stay, and two
    /// values that differ there keep different fingerprints.
    static func withoutPositions(_ message: String) -> String {
        var output = String.UnicodeScalarView()
        var digitsFollowPosition = false
        var previous: Unicode.Scalar = " "
        for scalar in message.unicodeScalars {
            if ("0"..."9").contains(scalar) && (digitsFollowPosition || previous == ":") {
                continue
            }
            digitsFollowPosition = false
            output.append(scalar)
            if output.hasScalarSuffix("line ") || output.hasScalarSuffix("column ") { digitsFollowPosition = true }
            previous = scalar
        }
        return String(output)
    }
}

private extension String.UnicodeScalarView {
    func hasScalarSuffix(_ suffix: String) -> Bool {
        var own = reversed().makeIterator()
        for scalar in suffix.unicodeScalars.reversed() where own.next() != scalar { return false }
        return true
    }
}
