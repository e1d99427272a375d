import AudregCore
/// OSCAL for governance tools: a component-definition with one component per service and, per framework,
/// one implemented requirement per control that audreg's rules evidence, carrying the current status.
/// Frameworks without an official OSCAL catalog (OWASP NHI, NIST AI RMF) are exported as catalogs too.
public struct OSCALExport: Sendable {
    public static let oscalVersion = "1.2.1"
    public static let namespace = "https://audreg.dev/ns/oscal"

    public var report: ValidationReport
    public var controls: ControlCatalog
    public var rules: RuleCatalog
    public var today: Day
    /// The last `audreg drift --format json` run: without it (or when it is older than
    /// `maxDriftAgeDays`) every control a drift rule evidences is exported as not assessed.
    public var drift: DriftReport?
    public var maxDriftAgeDays: Int
    /// Where the exported catalogs sit relative to the component definition.
    public var catalogDirectory = "catalogs"

    public init(report: ValidationReport, controls: ControlCatalog = .builtIn, rules: RuleCatalog = .builtIn, today: Day,
                drift: DriftReport? = nil, maxDriftAgeDays: Int = DriftEvidence.defaultMaxAgeDays) {
        self.report = report
        self.controls = controls
        self.rules = rules
        self.today = today
        self.drift = drift
        self.maxDriftAgeDays = maxDriftAgeDays
    }

    /// OSCAL control IDs are tokens (letters, digits, `.`, `-`, `_`): `NHI6:2025` becomes `nhi6-2025`,
    /// `GOVERN 1.6` becomes `govern-1.6`. Official catalogs' IDs (CSF's `PR.AA-05`) are kept as they are.
    /// Registry text (titles, descriptions, finding messages that quote registry values, who approved an
    /// exception) for OSCAL's markup-line and markup-multiline fields, which OSCAL tools render as
    /// Markdown: escaped as the site's Markdown pages are, so a value shows as written and never becomes
    /// a link, an image, HTML or a heading, and a line break becomes a space.
    static func markup(_ text: String) -> String { MarkdownEscaping.escape(text) }

    public static func oscalControlID(_ control: Control, framework: Framework) -> String {
        if framework.oscalCatalog != nil { return control.id }
        return control.id.lowercased().replacingAll([(":", "-"), (" ", "-")])
    }

    var timestamp: String { "\(today)T00:00:00Z" }

    /// audreg's own status, in the `audreg-status` property.
    public enum Status: String, Sendable {
        case satisfied, notSatisfied = "not-satisfied", excepted, notAssessed = "not-assessed"

        init(_ state: ControlState) {
            switch state {
            case .met: self = .satisfied
            case .failing: self = .notSatisfied
            case .excepted: self = .excepted
            case .notAssessed: self = .notAssessed
            }
        }

        /// OSCAL's implementation-status value (implemented, partial, planned, alternative,
        /// not-applicable). Every one of them states something about the implementation, and a control
        /// that was not assessed has none that is true: it carries no implementation-status at all,
        /// so no reader can take it for implemented.
        public var implementationStatus: String? {
            switch self {
            case .satisfied: return "implemented"
            // A finding shows a gap in a control the registry otherwise implements.
            case .notSatisfied: return "partial"
            // An approved exception is a dated plan: the remarks give its expiry and approver.
            case .excepted: return "planned"
            case .notAssessed: return nil
            }
        }
    }

    /// Refuses a registry value that OSCAL's `string` type (`^\\S(.*\\S)?$`) cannot hold, rather than
    /// change it: an audience is compared byte for byte, so a trimmed or escaped one would be another
    /// audience, and an auditor reading the document takes a prop's value as the registry's.
    public func componentDefinition(title: String = "JWT audience registry") throws(OSCALExportError) -> JSONValue {
        let assessment = ControlAssessment(report: report, drift: drift, controls: controls, rules: rules, today: today,
                                           maxDriftAgeDays: maxDriftAgeDays)
        let frameworks = controls.frameworks.compactMap { framework -> (Framework, [Control])? in
            let evidenced = framework.controls.filter { !assessment.evidence.entries(for: $0).isEmpty }
            return evidenced.isEmpty ? nil : (framework, evidenced)
        }
        let registrySource = "the registry as exported on \(today)"
        let driftSource = "the drift run of \(assessment.drift.summary)"
        let components: [JSONValue] = try report.registry.services.firstOfEachName(\.name).sorted { $0.name < $1.name }.map { service throws(OSCALExportError) in
            let implementations: [JSONValue] = frameworks.map { framework, evidenced in
                let requirements: [JSONValue] = evidenced.map { control in
                    let result = assessment.assess(control, for: service)!
                    let status = Status(result.state)
                    let controlID = Self.oscalControlID(control, framework: framework)
                    var props: [JSONValue] = []
                    if let implementation = status.implementationStatus { props.append(prop("implementation-status", implementation, ns: nil)) }
                    props.append(prop("audreg-status", status.rawValue))
                    props.append(prop("label", control.id))
                    if let until = result.exceptedUntil, status == .excepted { props.append(prop("excepted-until", until.description)) }
                    for finding in result.failing.prefix(50) {
                        // audreg's own words for where: a file name's line break or bidi control is
                        // written escaped (`\n`, `\u{202E}`), as on the terminal.
                        props.append(prop("finding", "\(finding.ruleID) at \(TerminalText.escape(finding.location.description))"))
                    }
                    let gaps = Dictionary(result.gaps.map { ($0.rule, $0.reason) }, uniquingKeysWith: { first, _ in first })
                    let statements: [JSONValue] = assessment.evidence.entries(for: control).map { entry in
                        let id = entry.ruleID
                        let open = result.failing.filter { $0.ruleID == id }
                        let suppressed = result.excepted.filter { $0.finding.ruleID == id }
                        let isDrift = entry.scope == .issuer || entry.scope == .deployment
                        let ruleResult: String
                        var text = "audreg rule \(id) (\(entry.scope?.label ?? "unknown rule"))"
                        if let reason = gaps[id] {
                            ruleResult = "not-run"
                            text += " did not run for this service: \(Self.markup(reason))."
                        } else if !open.isEmpty {
                            ruleResult = "finding"
                            text += ", run on \(isDrift ? driftSource : registrySource), reports \(open.count) finding\(open.count == 1 ? "" : "s"): "
                                + open.prefix(3).map { Self.markup($0.message) }.joined(separator: "; ")
                        } else if let until = suppressed.map(\.expires).min() {
                            ruleResult = "excepted"
                            text += ", run on \(isDrift ? driftSource : registrySource), reports findings suppressed by an approved exception until \(until)"
                                + (suppressed.first.map { " (approved by \(Self.markup($0.approvedBy))\($0.ticket.map { ", ticket \(Self.markup($0))" } ?? ""))" } ?? "") + "."
                        } else {
                            ruleResult = "no-finding"
                            text += ", run on \(isDrift ? driftSource : registrySource), reports no finding for this service."
                        }
                        return .object([
                            ("statement-id", .string("\(controlID)_stmt.\(id)")),
                            ("uuid", .string(StableUUID.v5(name: "statement/\(service.name)/\(framework.id)/\(control.id)/\(id)"))),
                            ("description", .string(text)),
                            ("props", .array([prop("rule", id), prop("rule-result", ruleResult)])),
                        ])
                    }
                    let ruleIDs = assessment.evidence.ruleIDs(for: control)
                    var description = "Evidenced by audreg rules \(ruleIDs.joined(separator: ", ")), run over the registry entry for \(service.ref). "
                    switch status {
                    case .satisfied:
                        // A rule with nothing to check in this service did not run for it: say so, not "every rule ran".
                        if result.gaps.isEmpty {
                            description += "Every evidencing rule ran for this service and none reports a finding."
                        } else {
                            description += "Every evidencing rule with something to check in this service ran and none reports a finding; "
                                + result.gaps.map { "\($0.rule) had nothing to check (\(Self.markup($0.reason)))" }.joined(separator: "; ") + "."
                        }
                    case .notSatisfied: description += "\(result.failing.count) finding\(result.failing.count == 1 ? "" : "s") open: " + result.failing.prefix(5).map { Self.markup($0.message) }.joined(separator: "; ")
                    case .excepted: description += "Findings are suppressed by an approved exception until \(result.exceptedUntil!)."
                    case .notAssessed: description += "Not assessed: " + result.gaps.map { "\($0.rule) did not run (\(Self.markup($0.reason)))" }.joined(separator: "; ") + "."
                    }
                    return .object([
                        ("uuid", .string(StableUUID.v5(name: "requirement/\(service.name)/\(framework.id)/\(control.id)"))),
                        ("control-id", .string(controlID)),
                        ("description", .string(description)),
                        ("props", .array(props)),
                        ("statements", .array(statements)),
                    ])
                }
                return .object([
                    ("uuid", .string(StableUUID.v5(name: "implementation/\(service.name)/\(framework.id)"))),
                    ("source", .string(framework.oscalCatalog ?? "\(catalogDirectory)/\(framework.id).json")),
                    ("description", .string("How the JWT audience registry evidences \(framework.title) for \(service.name).")),
                    ("implemented-requirements", .array(requirements)),
                ])
            }
            var props: [JSONValue] = []
            if let environment = service.metadata.environment { props.append(try registryProp("environment", environment, of: service)) }
            if let owner = service.metadata.owner { props.append(try registryProp("owner", owner, of: service)) }
            for audience in service.audiences {
                props.append(try registryProp("audience", Located(audience.value.text, at: audience.location), of: service))
            }
            var members: [(String, JSONValue)] = [
                ("uuid", .string(StableUUID.v5(name: "component/\(service.name)"))),
                ("type", "service"),
                ("title", .string(Self.markup(service.metadata.title?.value ?? service.name))),
                ("description", .string(service.metadata.description.map { Self.markup($0.value) } ?? "Service \(service.name) as recorded in the JWT audience registry.")),
                ("purpose", "Accepts JWT access tokens issued for its own audience."),
            ]
            if !props.isEmpty { members.append(("props", .array(props))) }
            if !implementations.isEmpty { members.append(("control-implementations", .array(implementations))) }
            return .object(members)
        }
        var remarks = "Generated by audreg from the registry; statuses as of \(today). "
        remarks += drift == nil
            ? "No drift report was given, so controls evidenced by drift rules are not assessed."
            : "Drift evidence: \(assessment.drift.summary)" + (assessment.drift.reportGap.map { "; not used for status: \($0)" } ?? "") + "."
        var definition: [(String, JSONValue)] = [
            ("uuid", .string(StableUUID.v5(name: "component-definition/\(title)"))),
            ("metadata", .object([
                ("title", .string(title)),
                ("last-modified", .string(timestamp)),
                ("version", .string(AudregVersion.current)),
                ("oscal-version", .string(Self.oscalVersion)),
                ("remarks", .string(remarks)),
            ])),
        ]
        if !components.isEmpty { definition.append(("components", .array(components))) }
        return .object([("component-definition", .object(definition))])
    }

    /// An OSCAL catalog for a framework that has no official one.
    public func catalog(_ framework: Framework) -> JSONValue {
        .object([("catalog", .object([
            ("uuid", .string(StableUUID.v5(name: "catalog/\(framework.id)"))),
            ("metadata", .object([
                ("title", .string(framework.title)),
                ("last-modified", .string(timestamp)),
                ("version", .string(framework.version.isEmpty ? "1" : framework.version)),
                ("oscal-version", .string(Self.oscalVersion)),
                ("remarks", "Authored by the audreg project from the framework's published text; not an official catalog."),
            ])),
            ("controls", .array(framework.controls.map { control in
                var props: [JSONValue] = [prop("label", control.id, ns: nil)]
                for alias in control.aliases { props.append(prop("alias", alias)) }
                var members: [(String, JSONValue)] = [
                    ("id", .string(Self.oscalControlID(control, framework: framework))),
                    ("title", .string(control.title)),
                    ("props", .array(props)),
                ]
                if let url = control.url { members.append(("links", .array([.object([("href", .string(url)), ("rel", "reference")])]))) }
                members.append(("parts", .array([.object([
                    ("id", .string(Self.oscalControlID(control, framework: framework) + "_stmt")),
                    ("name", "statement"),
                    ("prose", .string(control.text)),
                ])])))
                return .object(members)
            })),
        ]))])
    }

    /// Frameworks that need an exported catalog.
    /// The catalogs `catalog` writes: `catalogs/ID.json` for a framework this export does not make,
    /// starting with the catalog's UUID, which is derived from ID.
    public func staleFiles() -> StaleFiles {
        let exported = Set(catalogsToExport.map { ExactString($0.id) })
        let folder = catalogDirectory
        func id(_ path: String) -> String? {
            guard path.utf8.starts(with: (folder + "/").utf8) else { return nil }
            let name = String(decoding: path.utf8.dropFirst(folder.utf8.count + 1), as: UTF8.self)
            guard let id = StaleFiles.stem(name, extension: "json"), EntityName.isValid(String(decoding: id.utf8.map { $0 == UInt8(ascii: ".") ? UInt8(ascii: "-") : $0 }, as: UTF8.self)) else { return nil }
            return id
        }
        return StaleFiles(owner: { path in
            guard let id = id(path), !exported.contains(ExactString(id)) else { return nil }
            return "framework \(id)"
        }, isGenerated: { path, contents in
            guard let id = id(path) else { return false }
            let uuid = StableUUID.v5(name: "catalog/\(id)")
            // Up to the UUID's closing quote: what follows depends on the framework.
            let start = Array(JSONValue.object([("catalog", .object([("uuid", .string(uuid))]))]).serialized().utf8)
            guard let quote = start.lastIndex(of: UInt8(ascii: "\"")) else { return false }
            return contents.starts(with: start[...quote])
        })
    }

    public var catalogsToExport: [Framework] { controls.frameworks.filter { $0.oscalCatalog == nil } }

    /// A prop holding a registry value as written; see `componentDefinition`.
    func registryProp(_ name: String, _ value: Located<String>, of service: Service) throws(OSCALExportError) -> JSONValue {
        if let reason = OSCALString.problem(value.value) {
            throw .propValue(service: service.name, name: name, value: value.value, reason: reason, at: value.location)
        }
        return prop(name, value.value)
    }

    func prop(_ name: String, _ value: String, ns: String? = OSCALExport.namespace) -> JSONValue {
        JSONValue.compactObject([("name", .string(name)), ("ns", ns.map(JSONValue.string)), ("value", .string(value))])
    }
}

/// A registry value the OSCAL export cannot carry as written. Raw text: the CLI escapes the message for
/// the terminal once, where it prints it.
public enum OSCALExportError: RegistryLocatedError, Equatable {
    case propValue(service: String, name: String, value: String, reason: String, at: SourceLocation)

    public var location: SourceLocation? {
        switch self {
        case .propValue(_, _, _, _, let location): location
        }
    }

    public var message: String {
        switch self {
        case .propValue(let service, let name, let value, let reason, _):
            return "service '\(service)': \(name) '\(value)' cannot be exported to OSCAL: \(reason), and an OSCAL prop value must start and end with a character that is not whitespace and hold no line break; audreg does not trim or escape it, as it would then name another value (claim-value-invalid reports such an audience); write it without, then export again. Nothing was written"
        }
    }
}
