import Foundation

/// When and how a drift run looked at the world. Written into `audreg drift --format json` as the
/// `drift` object, and read back by `audreg build --drift-report` to date the site's drift sections.
public struct DriftRun: Sendable, Equatable {
    public enum Mode: String, Sendable {
        /// Fetched from the network at `checkedAt`.
        case live
        /// Replayed from a `--save` folder; `checkedAt` is when those responses were taken.
        case offline
    }

    /// ISO 8601 UTC time, or nil for an offline folder without a manifest (its time is unknown).
    public var checkedAt: String?
    public var mode: Mode
    /// What the run checked; nil in reports that do not say (written by earlier versions), whose
    /// drift rules then count as not run for every service.
    public var coverage: DriftCoverage?
    /// `DriftIdentity.registryDigest` of the registry checked: `drift merge` combines only shards of
    /// one registry. nil in reports of earlier versions.
    public var registry: String?
    /// Set by `--shard K/N`: which part this report is, and the digest of the settings every shard of
    /// the run must share.
    public var shard: ShardRecord?
    /// Set by `drift merge --allow-partial` when shards were missing: the report covers only the rest,
    /// as its coverage lists.
    public var missingShards: MissingShards?
    /// What the run observed that is not a finding (`DriftNote`), sorted and each once; nothing
    /// counts them, no control depends on them.
    public var notes: [DriftNote] = []
    /// For a replay, what every output says of it: the issuer responses are the saved ones, not fetched
    /// now, so "read" means read from the save. nil for a live run.
    public var replayLine: String? {
        guard mode == .offline else { return nil }
        return "offline replay: issuer responses are the ones saved \(checkedAt.map { "at \($0)" } ?? "at an unknown time"), not fetched now"
    }

    /// Set by the command that reads a report for a registry (`build`, `export oscal`, `serve`) when
    /// the report is not of that registry's files, saying why: none of its coverage then counts, as
    /// deployments are matched by position and services by name. Never written to a report.
    public var notOfThisRegistry: String?

    public struct ShardRecord: Sendable, Equatable {
        public var shard: DriftShard
        public var options: String

        public init(shard: DriftShard, options: String) {
            self.shard = shard
            self.options = options
        }
    }

    public struct MissingShards: Sendable, Equatable {
        public var count: Int
        public var missing: [Int]

        public init(count: Int, missing: [Int]) {
            self.count = count
            self.missing = missing
        }
    }

    public init(checkedAt: String?, mode: Mode, coverage: DriftCoverage? = nil, registry: String? = nil, shard: ShardRecord? = nil) {
        self.checkedAt = checkedAt
        self.mode = mode
        self.coverage = coverage
        self.registry = registry
        self.shard = shard
    }

    /// The day of `checkedAt`, when it is a date.
    public var day: Day? { checkedAt.flatMap { Day(String($0.prefix(10))) } }

    /// A live run's time: now, or `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention),
    /// so scripted runs can produce byte-identical reports.
    public static func now(environment: [String: String]) -> String {
        let date: Date
        if let epoch = environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init) {
            date = Date(timeIntervalSince1970: epoch)
        } else {
            date = Date()
        }
        return timestamp(date)
    }

    /// Whether `text` is a time as drift writes one, `YYYY-MM-DDTHH:MM:SSZ` with a real date: a
    /// report's time goes into pages and OSCAL remarks, so nothing else is taken for one.
    public static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, Day(String(decoding: bytes[0..<10], as: UTF8.self)) != nil,
              bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z") else { return false }
        let digits = [11, 12, 14, 15, 17, 18].map { bytes[$0] }
        guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
        func number(_ at: Int) -> Int { Int(bytes[at] - UInt8(ascii: "0")) * 10 + Int(bytes[at + 1] - UInt8(ascii: "0")) }
        return number(11) < 24 && number(14) < 60 && number(17) < 60
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    /// Where deployment configs came from. A replay serves saved issuer responses only; local deployment
    /// files are read as they are in the working tree when the run is made, which the report says rather
    /// than dating them at the save.
    public var deploymentFiles: String {
        switch mode {
        case .live: return "read when checked"
        case .offline: return "read from the working tree at replay, not from the save"
        }
    }

    package var json: JSONValue {
        .compactObject([("checkedAt", checkedAt.map(JSONValue.string)), ("mode", .string(mode.rawValue)),
                        ("deploymentFiles", .string(deploymentFiles)), ("registry", registry.map(JSONValue.string)),
                        ("shard", shard.map { .object([("index", .int($0.shard.index)), ("count", .int($0.shard.count)), ("options", .string($0.options))]) }),
                        ("missingShards", missingShards.map { .object([("count", .int($0.count)), ("missing", .array($0.missing.map(JSONValue.int)))]) }),
                        ("coverage", coverage?.json), ("notes", .array(notes.map(\.json)))])
    }
}

/// Which issuers and which services' deployments a drift run looked at. A control evidenced by a
/// drift rule is assessed for a service only when the run covered that service, so the report says so.
/// Covered means read: an issuer whose JWKS could not be fetched, or a config that is missing or holds
/// a value drift could not resolve, is listed as unchecked with why, whatever severity (or `off`) the
/// policy gives the finding that reports it.
public struct DriftCoverage: Sendable, Equatable {
    /// A comparison the run set out to make and could not.
    public struct Unchecked: Sendable, Equatable {
        /// The issuer's or the service's name.
        public var name: String
        /// For a deployment: its position in the service's `deployments` (from 0) and its `source`.
        public var deployment: Int?
        public var source: String?
        public var reason: String

        public init(name: String, deployment: Int? = nil, source: String? = nil, reason: String) {
            self.name = name
            self.deployment = deployment
            self.source = source
            self.reason = reason
        }

        /// Name bytes, then deployment position, then reason bytes: the same order on every machine.
        static func precedes(_ lhs: Unchecked, _ rhs: Unchecked) -> Bool {
            if !lhs.name.isExactly(rhs.name) { return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) }
            if lhs.deployment != rhs.deployment { return (lhs.deployment ?? -1) < (rhs.deployment ?? -1) }
            return lhs.reason.utf8.lexicographicallyPrecedes(rhs.reason.utf8)
        }
    }

    /// The run was told to skip them (`--skip-issuers`, `--skip-deployments`).
    public var issuersSkipped: Bool
    public var deploymentsSkipped: Bool
    /// The issuers whose JWKS was fetched and read as a key set (and discovery document, when the
    /// registry names one), by name.
    public var issuers: [String]
    /// The services every deployed config of which was read, with every value resolved, by name.
    public var services: [String]
    /// The issuers the run tried and could not read, with why; nil in reports of earlier versions,
    /// which listed what they tried under `issuers` whether it was read or not.
    public var issuersUnchecked: [Unchecked]?
    /// The deployments the run could not compare, one entry each; nil in reports of earlier versions.
    public var deploymentsUnchecked: [Unchecked]?

    public init(issuersSkipped: Bool, deploymentsSkipped: Bool, issuers: [String], services: [String],
                issuersUnchecked: [Unchecked]? = [], deploymentsUnchecked: [Unchecked]? = []) {
        self.issuersSkipped = issuersSkipped
        self.deploymentsSkipped = deploymentsSkipped
        self.issuers = issuers.sorted(by: ExactText.precedes)
        self.services = services.sorted(by: ExactText.precedes)
        self.issuersUnchecked = issuersUnchecked?.sorted(by: Unchecked.precedes)
        self.deploymentsUnchecked = deploymentsUnchecked?.sorted(by: Unchecked.precedes)
    }

    /// What the drift rules of `scope` did not assess in this run, or nil when they assessed everything
    /// the run set out to: machine-read outputs (JUnit, GitHub annotations, SARIF) say it, so that a
    /// rule without findings is not read as a pass for what was never read. `checkedNothing` is true
    /// when nothing of that scope was read at all.
    public func notAssessed(_ scope: EvidenceScope) -> (reason: String, checkedNothing: Bool)? {
        switch scope {
        case .issuer:
            if issuersSkipped { return ("not assessed: the drift run skipped issuer checks (--skip-issuers)", true) }
            guard let unread = issuersUnchecked else {
                return ("not assessed: the drift report does not say which issuers it could not read", true)
            }
            guard !unread.isEmpty else { return nil }
            return ("not assessed for \(unread.count) issuer\(unread.count == 1 ? "" : "s") the run could not read: "
                    + unread.map { "\($0.name) (\($0.reason))" }.joined(separator: "; "), issuers.isEmpty)
        case .deployment:
            if deploymentsSkipped { return ("not assessed: the drift run skipped deployment checks (--skip-deployments)", true) }
            guard let unmade = deploymentsUnchecked else {
                return ("not assessed: the drift report does not say which deployments it could not compare", true)
            }
            guard !unmade.isEmpty else { return nil }
            // A service without deployments had nothing to compare: said apart from a comparison that failed.
            let bare = unmade.filter { $0.deployment == nil && $0.source == nil }
            let failed = unmade.filter { $0.deployment != nil || $0.source != nil }
            var parts: [String] = []
            if !failed.isEmpty {
                parts.append("\(failed.count) deployment\(failed.count == 1 ? "" : "s") the run could not compare: "
                             + failed.map { "\($0.name)\($0.source.map { " \($0)" } ?? "") (\($0.reason))" }.joined(separator: "; "))
            }
            if !bare.isEmpty {
                parts.append("\(bare.count) service\(bare.count == 1 ? "" : "s") without deployments: " + bare.map(\.name).joined(separator: ", "))
            }
            return ("not assessed for " + parts.joined(separator: "; and for "), services.isEmpty)
        case .file, .service:
            return nil
        }
    }

    /// One line for a terminal: what was compared and what was not, so "0 errors" after a run that
    /// compared nothing does not read as a clean bill.
    public var summaryLine: String {
        var parts: [String] = []
        if issuersSkipped {
            parts.append("issuers: skipped (--skip-issuers)")
        } else {
            let unread = issuersUnchecked?.count ?? 0
            parts.append("issuers: \(issuers.count) read" + (unread > 0 ? ", \(unread) not read" : ""))
        }
        if deploymentsSkipped {
            parts.append("deployments: skipped (--skip-deployments)")
        } else {
            let bare = (deploymentsUnchecked ?? []).filter { $0.deployment == nil && $0.source == nil }.count
            let unmade = (deploymentsUnchecked?.count ?? 0) - bare
            parts.append("services: \(services.count) with every config compared" + (unmade > 0 ? ", \(unmade) deployment\(unmade == 1 ? "" : "s") not compared" : "")
                         + (bare > 0 ? ", \(bare) without deployments" : ""))
        }
        return "compared: " + parts.joined(separator: "; ")
    }

    /// Whether the report says what it could not compare (written by an audreg that records it).
    public var recordsUnchecked: Bool { issuersUnchecked != nil && deploymentsUnchecked != nil }

    package var json: JSONValue {
        var issuerFields: [(String, JSONValue)] = [("skipped", .bool(issuersSkipped)), ("checked", .array(issuers.map(JSONValue.string)))]
        if let issuersUnchecked {
            issuerFields.append(("unchecked", .array(issuersUnchecked.map { .object([("issuer", .string($0.name)), ("reason", .string($0.reason))]) })))
        }
        var deploymentFields: [(String, JSONValue)] = [("skipped", .bool(deploymentsSkipped)), ("services", .array(services.map(JSONValue.string)))]
        if let deploymentsUnchecked {
            deploymentFields.append(("unchecked", .array(deploymentsUnchecked.map { item in
                .compactObject([("service", .string(item.name)), ("deployment", item.deployment.map(JSONValue.int)),
                                ("source", item.source.map(JSONValue.string)), ("reason", .string(item.reason))])
            })))
        }
        return .object([("issuers", .object(issuerFields)), ("deployments", .object(deploymentFields))])
    }
}

/// A bad `--drift-report` file, with what to do about it.
public struct DriftReportError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let position: TextPosition
    public let problem: String
    public var description: String {
        "\(file):\(position.line):\(position.column): \(problem); write the report with 'audreg drift --format json > \((file as NSString).lastPathComponent)'"
    }
}

/// The findings of an earlier `audreg drift --format json` run, for the site.
public struct DriftReport: Sendable {
    public var run: DriftRun
    public var findings: [Finding]
    /// Findings the registry's exceptions suppressed in that run: the controls they evidence are
    /// excepted, not met.
    public var suppressed: [SuppressedFinding]

    public init(run: DriftRun, findings: [Finding], suppressed: [SuppressedFinding] = []) {
        self.run = run
        self.findings = findings.sorted(by: Finding.reportOrder)
        self.suppressed = suppressed.sorted { Finding.reportOrder($0.finding, $1.finding) }
    }

    /// At most this much is read: a drift report of 50,000 services is a few MiB.
    public static let sizeLimit = 64 << 20

    /// Reads a report and checks every field it uses; rule IDs must be ones this catalog knows,
    /// so every finding on the site links to its rule page. JSON is read by the registry's libyaml
    /// loader (a JSON document is YAML), so every problem has a line and column.
    public static func read(path: String, catalog: RuleCatalog = .builtIn) throws(DriftReportError) -> DriftReport {
        func fail(_ problem: String, at node: YAMLNode? = nil) -> DriftReportError {
            DriftReportError(file: path, position: node?.start ?? TextPosition(line: 1, column: 1), problem: problem)
        }
        let bytes: [UInt8]
        switch BoundedFile.read(path, limit: sizeLimit) {
        case .success(let contents): bytes = contents
        case .failure(.tooLarge): throw fail("is larger than \(sizeLimit >> 20) MiB")
        case .failure: throw fail("cannot be read")
        }
        let parsed = YAMLParser.parse(bytes: bytes, limits: YAMLLimits(maxFileBytes: sizeLimit))
        if let problem = parsed.diagnostics.first {
            throw DriftReportError(file: path, position: problem.position, problem: "is not valid JSON: \(problem.message)")
        }
        guard let root = parsed.documents.first?.root, root.mapping != nil else { throw fail("is not a JSON object", at: parsed.documents.first?.root) }
        /// A JSON string: a quoted scalar (a plain one is a number, `true`, `false` or `null`).
        func string(_ node: YAMLNode?) -> String? {
            guard let node, case .scalar(let value, let style) = node.content, style == .doubleQuoted || style == .singleQuoted else { return nil }
            return value
        }
        func integer(_ node: YAMLNode?) -> Int? {
            guard let node, case .scalar(let value, .plain) = node.content else { return nil }
            return Int(value)
        }
        guard let drift = root["drift"], drift.mapping != nil else {
            throw fail("has no 'drift' object, so it is not the JSON output of 'audreg drift' (validate's JSON is not a drift report)", at: root)
        }
        guard let modeText = string(drift["mode"]), let mode = DriftRun.Mode(rawValue: modeText) else {
            throw fail("drift.mode must be \"live\" or \"offline\"", at: drift["mode"] ?? drift)
        }
        let checkedAtNode = drift["checkedAt"]
        let checkedAt = string(checkedAtNode)
        guard checkedAtNode == nil || checkedAtNode!.isNull || checkedAt.map(DriftRun.isTimestamp) == true else {
            throw fail("drift.checkedAt must be a UTC time written as YYYY-MM-DDTHH:MM:SSZ", at: checkedAtNode)
        }
        var coverage: DriftCoverage?
        if let node = drift["coverage"], !node.isNull {
            func names(_ node: YAMLNode?, _ what: String) throws(DriftReportError) -> [String] {
                guard let list = node?.sequence else { throw fail("drift.coverage.\(what) must be a list of names", at: node ?? drift) }
                var result: [String] = []
                for item in list {
                    guard let name = string(item) else { throw fail("drift.coverage.\(what) must hold strings", at: item) }
                    result.append(name)
                }
                return result
            }
            func flag(_ node: YAMLNode?, _ what: String) throws(DriftReportError) -> Bool {
                guard let node, case .scalar(let value, .plain) = node.content, value == "true" || value == "false" else {
                    throw fail("drift.coverage.\(what) must be true or false", at: node ?? drift)
                }
                return value == "true"
            }
            // Absent in reports of earlier versions: nil, and then no drift rule counts as run.
            func unchecked(_ node: YAMLNode?, _ what: String, nameKey: String) throws(DriftReportError) -> [DriftCoverage.Unchecked]? {
                guard let node, !node.isNull else { return nil }
                guard let list = node.sequence else { throw fail("drift.coverage.\(what) must be a list", at: node) }
                var result: [DriftCoverage.Unchecked] = []
                for item in list {
                    guard item.mapping != nil, let name = string(item[nameKey]), let reason = string(item["reason"]) else {
                        throw fail("drift.coverage.\(what) entries need \(nameKey) and reason strings", at: item)
                    }
                    let position = item["deployment"]
                    guard position == nil || position!.isNull || integer(position).map({ $0 >= 0 }) == true else {
                        throw fail("drift.coverage.\(what)[].deployment must be a whole number", at: position)
                    }
                    let sourceNode = item["source"]
                    guard sourceNode == nil || sourceNode!.isNull || string(sourceNode) != nil else {
                        throw fail("drift.coverage.\(what)[].source must be a string", at: sourceNode)
                    }
                    result.append(DriftCoverage.Unchecked(name: name, deployment: integer(position), source: string(sourceNode), reason: reason))
                }
                return result
            }
            coverage = DriftCoverage(issuersSkipped: try flag(node["issuers"]?["skipped"], "issuers.skipped"),
                                     deploymentsSkipped: try flag(node["deployments"]?["skipped"], "deployments.skipped"),
                                     issuers: try names(node["issuers"]?["checked"], "issuers.checked"),
                                     services: try names(node["deployments"]?["services"], "deployments.services"),
                                     issuersUnchecked: try unchecked(node["issuers"]?["unchecked"], "issuers.unchecked", nameKey: "issuer"),
                                     deploymentsUnchecked: try unchecked(node["deployments"]?["unchecked"], "deployments.unchecked", nameKey: "service"))
        }
        var notes: [DriftNote] = []
        if let node = drift["notes"], !node.isNull {
            guard let list = node.sequence else { throw fail("drift.notes must be a list", at: node) }
            for item in list {
                guard item.mapping != nil, let kind = string(item["kind"]), let subject = string(item["subject"]), let message = string(item["message"]) else {
                    throw fail("drift.notes entries need kind, subject and message strings", at: item)
                }
                notes.append(DriftNote(kind: kind, subject: subject, message: message))
            }
        }
        guard let items = root["findings"]?.sequence else { throw fail("findings must be a list", at: root["findings"] ?? root) }
        let known = Set(catalog.descriptions.map(\.id))
        func finding(_ object: YAMLNode, at: String) throws(DriftReportError) -> Finding {
            guard object.mapping != nil else { throw fail("\(at) must be an object", at: object) }
            guard let rule = string(object["rule"]) else { throw fail("\(at).rule must be a string", at: object["rule"] ?? object) }
            guard known.contains(rule) else { throw fail("\(at).rule '\(rule)' is not a rule of this audreg (see 'audreg rules')", at: object["rule"]) }
            guard let severity = string(object["severity"]).flatMap(Severity.init(rawValue:)) else {
                throw fail("\(at).severity must be error, warning or note", at: object["severity"] ?? object)
            }
            guard let message = string(object["message"]) else { throw fail("\(at).message must be a string", at: object["message"] ?? object) }
            guard let file = string(object["file"]), let line = integer(object["line"]), let column = integer(object["column"]) else {
                throw fail("\(at) needs file, line and column", at: object)
            }
            var entity: EntityRef?
            if let node = object["entity"], !node.isNull {
                let text = string(node) ?? ""
                guard let parsed = EntityRef(parsing: text) else { throw fail("\(at).entity '\(text)' is not Kind/name", at: node) }
                entity = parsed
            }
            // The related locations say which deployment entry a config finding is about (the site's
            // enforcement points); reports that do not carry them read as having none.
            var related: [RelatedLocation] = []
            if let node = object["related"], !node.isNull {
                guard let list = node.sequence else { throw fail("\(at).related must be a list", at: node) }
                for item in list {
                    guard item.mapping != nil, let file = string(item["file"]), let line = integer(item["line"]), let column = integer(item["column"]) else {
                        throw fail("\(at).related entries need file, line and column", at: item)
                    }
                    let entity = string(item["entity"]).flatMap(EntityRef.init(parsing:))
                    related.append(RelatedLocation(SourceLocation(file: file, line: line, column: column), entity: entity, message: string(item["message"])))
                }
            }
            return Finding(ruleID: rule, severity: severity, message: message,
                           location: SourceLocation(file: file, line: line, column: column,
                                                    endLine: integer(object["endLine"]), endColumn: integer(object["endColumn"])),
                           entity: entity, related: related)
        }
        var findings: [Finding] = []
        findings.reserveCapacity(items.count)
        for (index, object) in items.enumerated() { findings.append(try finding(object, at: "findings[\(index)]")) }
        var suppressed: [SuppressedFinding] = []
        if let node = root["suppressed"], !node.isNull {
            guard let list = node.sequence else { throw fail("suppressed must be a list", at: node) }
            for (index, object) in list.enumerated() {
                let at = "suppressed[\(index)]"
                let found = try finding(object, at: at)
                guard let exception = object["exception"], exception.mapping != nil,
                      let file = string(exception["file"]), let line = integer(exception["line"]), let column = integer(exception["column"]),
                      let expires = string(exception["expires"]).flatMap(Day.init), let approvedBy = string(exception["approvedBy"]) else {
                    throw fail("\(at).exception needs file, line, column, expires (YYYY-MM-DD) and approvedBy", at: object["exception"] ?? object)
                }
                suppressed.append(SuppressedFinding(finding: found, exceptionLocation: SourceLocation(file: file, line: line, column: column),
                                                    expires: expires, approvedBy: approvedBy, ticket: string(exception["ticket"])))
            }
        }
        let registryNode = drift["registry"]
        let registry = string(registryNode)
        guard registryNode == nil || registryNode!.isNull || registry != nil else { throw fail("drift.registry must be a string", at: registryNode) }
        // A report cut by --max-findings lists fewer findings than it counts; controls judged on the listed
        // ones alone could read as met, so it is refused here, for every reader, as drift merge refuses it.
        if let omitted = root["omitted"], !omitted.isNull {
            throw fail("says it was cut by --max-findings (omitted): " + ReportSummary.cutAdvice, at: omitted)
        }
        guard let summaryNode = root["summary"], summaryNode.mapping != nil else {
            throw fail("has no summary object, so whether it lists every finding it counts cannot be checked", at: root["summary"] ?? root)
        }
        func count(_ key: String) throws(DriftReportError) -> Int {
            guard let value = integer(summaryNode[key]), value >= 0 else { throw fail("summary.\(key) must be a whole number", at: summaryNode[key] ?? summaryNode) }
            return value
        }
        let written = ReportSummary(errors: try count("errors"), warnings: try count("warnings"), notes: try count("notes"), suppressed: try count("suppressed"))
        if let problem = written.mismatch(listing: findings, suppressed: suppressed.count) { throw fail(problem, at: summaryNode) }
        var run = DriftRun(checkedAt: checkedAt, mode: mode, coverage: coverage, registry: registry)
        run.notes = DriftNote.normalized(notes)
        return DriftReport(run: run, findings: findings, suppressed: suppressed)
    }
}

extension ValidationReport {
    /// The same report with registry-relative paths put under `prefix` (`registry/`), so config files
    /// outside the registry (`../deploy/envoy.yaml`) get paths relative to the current directory
    /// (`deploy/envoy.yaml`) that SARIF viewers and GitHub annotations can open.
    public func rebased(under prefix: String) -> ValidationReport {
        func path(_ file: String) -> String {
            if file.hasBytePrefix("/") || file.hasBytePrefix("http://") || file.hasBytePrefix("https://") { return file }
            var parts: [String] = []
            for part in (prefix + file).splitOnScalar("/") {
                if part.isExactly(".") { continue }
                if part.isExactly(".."), let last = parts.last, !last.isExactly("..") { parts.removeLast() } else { parts.append(part) }
            }
            return parts.joined(separator: "/")
        }
        func location(_ location: SourceLocation) -> SourceLocation {
            var copy = location
            copy.file = path(location.file)
            return copy
        }
        func finding(_ finding: Finding) -> Finding {
            var copy = finding
            copy.location = location(finding.location)
            copy.related = finding.related.map { RelatedLocation(location($0.location), entity: $0.entity, message: $0.message) }
            return copy
        }
        let suppressed = self.suppressed.map { item -> SuppressedFinding in
            var copy = item
            copy.finding = finding(item.finding)
            copy.exceptionLocation = location(item.exceptionLocation)
            return copy
        }
        return ValidationReport(findings: findings.map(finding), suppressed: suppressed, rules: rules, registry: registry)
    }
}
