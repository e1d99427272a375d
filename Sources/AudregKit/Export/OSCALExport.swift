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
    /// Where the exported catalogs sit relative to the component definition.
    public var catalogDirectory = "catalogs"

    public init(report: ValidationReport, controls: ControlCatalog = .builtIn, rules: RuleCatalog = .builtIn, today: Day) {
        self.report = report
        self.controls = controls
        self.rules = rules
        self.today = today
    }

    /// OSCAL control IDs are tokens (letters, digits, `.`, `-`, `_`): `NHI6:2025` becomes `nhi6-2025`,
    /// `GOVERN 1.6` becomes `govern-1.6`. Official catalogs' IDs (CSF's `PR.AA-05`) are kept as they are.
    public static func oscalControlID(_ control: Control, framework: Framework) -> String {
        if framework.oscalCatalog != nil { return control.id }
        return control.id.lowercased().replacingAll([(":", "-"), (" ", "-")])
    }

    var timestamp: String { "\(today)T00:00:00Z" }

    public enum Status: String, Sendable {
        case satisfied, notSatisfied = "not-satisfied", excepted
    }

    /// The status of one control for one service, and the findings behind it.
    func status(of control: Control, for service: Service, findingsByEntity: [EntityRef: [Finding]],
                suppressedByEntity: [EntityRef: [SuppressedFinding]]) -> (Status, [Finding], Day?) {
        let ruleIDs = Set(controls.rules(evidencing: control, in: rules))
        let failing = (findingsByEntity[service.ref] ?? []).filter { ruleIDs.contains($0.ruleID) }
        if !failing.isEmpty { return (.notSatisfied, failing, nil) }
        let excepted = (suppressedByEntity[service.ref] ?? []).filter { ruleIDs.contains($0.finding.ruleID) }
        if let until = excepted.map(\.expires).min() { return (.excepted, excepted.map(\.finding), until) }
        return (.satisfied, [], nil)
    }

    public func componentDefinition(title: String = "JWT audience registry") -> JSONValue {
        let findingsByEntity = Dictionary(grouping: report.findings.filter { $0.entity != nil }, by: { $0.entity! })
        let suppressedByEntity = Dictionary(grouping: report.suppressed.filter { $0.finding.entity != nil }, by: { $0.finding.entity! })
        let frameworks = controls.frameworks.compactMap { framework -> (Framework, [Control])? in
            let evidenced = framework.controls.filter { !controls.rules(evidencing: $0, in: rules).isEmpty }
            return evidenced.isEmpty ? nil : (framework, evidenced)
        }
        let components: [JSONValue] = report.registry.services.sorted { $0.name < $1.name }.map { service in
            let implementations: [JSONValue] = frameworks.map { framework, evidenced in
                let requirements: [JSONValue] = evidenced.map { control in
                    let (status, findings, until) = status(of: control, for: service, findingsByEntity: findingsByEntity, suppressedByEntity: suppressedByEntity)
                    let ruleIDs = controls.rules(evidencing: control, in: rules)
                    var props: [JSONValue] = [
                        prop("implementation-status", status == .satisfied ? "implemented" : status == .excepted ? "partial" : "planned"),
                        prop("audreg-status", status.rawValue),
                        prop("label", control.id),
                    ]
                    if let until { props.append(prop("excepted-until", until.description)) }
                    for finding in findings.prefix(50) {
                        props.append(prop("finding", "\(finding.ruleID) at \(finding.location)"))
                    }
                    var description = "Evidenced by audreg rules \(ruleIDs.joined(separator: ", ")), run over the registry entry for \(service.ref). "
                    switch status {
                    case .satisfied: description += "No rule reports a finding for this service."
                    case .notSatisfied: description += "\(findings.count) finding\(findings.count == 1 ? "" : "s") open: " + findings.prefix(5).map(\.message).joined(separator: "; ")
                    case .excepted: description += "Findings are suppressed by an approved exception until \(until!)."
                    }
                    return .object([
                        ("uuid", .string(StableUUID.v5(name: "requirement/\(service.name)/\(framework.id)/\(control.id)"))),
                        ("control-id", .string(Self.oscalControlID(control, framework: framework))),
                        ("description", .string(description)),
                        ("props", .array(props)),
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
            if let environment = service.metadata.environment?.value { props.append(prop("environment", environment)) }
            if let owner = service.metadata.owner?.value { props.append(prop("owner", owner)) }
            for audience in service.audiences { props.append(prop("audience", audience.value.text)) }
            var members: [(String, JSONValue)] = [
                ("uuid", .string(StableUUID.v5(name: "component/\(service.name)"))),
                ("type", "service"),
                ("title", .string(service.metadata.title?.value ?? service.name)),
                ("description", .string(service.metadata.description?.value ?? "Service \(service.name) as recorded in the JWT audience registry.")),
                ("purpose", "Accepts JWT access tokens issued for its own audience."),
            ]
            if !props.isEmpty { members.append(("props", .array(props))) }
            if !implementations.isEmpty { members.append(("control-implementations", .array(implementations))) }
            return .object(members)
        }
        var definition: [(String, JSONValue)] = [
            ("uuid", .string(StableUUID.v5(name: "component-definition/\(title)"))),
            ("metadata", .object([
                ("title", .string(title)),
                ("last-modified", .string(timestamp)),
                ("version", .string(AudregVersion.current)),
                ("oscal-version", .string(Self.oscalVersion)),
                ("remarks", .string("Generated by audreg from the registry; statuses as of \(today).")),
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
    public var catalogsToExport: [Framework] { controls.frameworks.filter { $0.oscalCatalog == nil } }

    func prop(_ name: String, _ value: String, ns: String? = OSCALExport.namespace) -> JSONValue {
        JSONValue.compactObject([("name", .string(name)), ("ns", ns.map(JSONValue.string)), ("value", .string(value))])
    }
}
