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

    public init(checkedAt: String?, mode: Mode) {
        self.checkedAt = checkedAt
        self.mode = mode
    }

    /// A live run's time: now, or `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention),
    /// so scripted runs can produce byte-identical reports.
    public static func now(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let date: Date
        if let epoch = environment["SOURCE_DATE_EPOCH"].flatMap(TimeInterval.init) {
            date = Date(timeIntervalSince1970: epoch)
        } else {
            date = Date()
        }
        return timestamp(date)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    var json: JSONValue {
        .compactObject([("checkedAt", checkedAt.map(JSONValue.string)), ("mode", .string(mode.rawValue))])
    }
}

/// A bad `--drift-report` file, with what to do about it.
public struct DriftReportError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String
    public var description: String {
        "\(file): \(problem); write the report with 'audreg drift --format json > \((file as NSString).lastPathComponent)'"
    }
}

/// The findings of an earlier `audreg drift --format json` run, for the site.
public struct DriftReport: Sendable {
    public var run: DriftRun
    public var findings: [Finding]

    public init(run: DriftRun, findings: [Finding]) {
        self.run = run
        self.findings = findings.sorted(by: Finding.reportOrder)
    }

    /// At most this much is read: a drift report of 50,000 services is a few MiB.
    public static let sizeLimit = 64 << 20

    /// Reads a report and checks every field it uses; rule IDs must be ones this catalog knows,
    /// so every finding on the site links to its rule page.
    public static func read(path: String, catalog: RuleCatalog = .builtIn) throws(DriftReportError) -> DriftReport {
        func fail(_ problem: String) -> DriftReportError { DriftReportError(file: path, problem: problem) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw fail("cannot be read") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: sizeLimit + 1)) ?? Data()
        guard data.count <= sizeLimit else { throw fail("is larger than \(sizeLimit >> 20) MiB") }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw fail("is not a JSON object")
        }
        guard let drift = root["drift"] as? [String: Any] else {
            throw fail("has no 'drift' object, so it is not the JSON output of 'audreg drift' (validate's JSON is not a drift report)")
        }
        guard let modeText = drift["mode"] as? String, let mode = DriftRun.Mode(rawValue: modeText) else {
            throw fail("drift.mode must be \"live\" or \"offline\"")
        }
        let checkedAt = drift["checkedAt"]
        guard checkedAt == nil || checkedAt is String else { throw fail("drift.checkedAt must be a string") }
        guard let items = root["findings"] as? [Any] else { throw fail("findings must be a list") }
        let known = Set(catalog.descriptions.map(\.id))
        var findings: [Finding] = []
        findings.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            let at = "findings[\(index)]"
            guard let object = item as? [String: Any] else { throw fail("\(at) must be an object") }
            guard let rule = object["rule"] as? String else { throw fail("\(at).rule must be a string") }
            guard known.contains(rule) else { throw fail("\(at).rule '\(rule)' is not a rule of this audreg (see 'audreg rules')") }
            guard let severity = (object["severity"] as? String).flatMap(Severity.init(rawValue:)) else {
                throw fail("\(at).severity must be error, warning or note")
            }
            guard let message = object["message"] as? String else { throw fail("\(at).message must be a string") }
            guard let file = object["file"] as? String, let line = object["line"] as? Int, let column = object["column"] as? Int else {
                throw fail("\(at) needs file, line and column")
            }
            var entity: EntityRef?
            if let text = object["entity"] as? String {
                let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, let kind = EntityKind(rawValue: parts[0]) else {
                    throw fail("\(at).entity '\(text)' is not Kind/name")
                }
                entity = EntityRef(kind, parts[1])
            }
            findings.append(Finding(ruleID: rule, severity: severity, message: message,
                                    location: SourceLocation(file: file, line: line, column: column,
                                                             endLine: object["endLine"] as? Int, endColumn: object["endColumn"] as? Int),
                                    entity: entity))
        }
        return DriftReport(run: DriftRun(checkedAt: checkedAt as? String, mode: mode), findings: findings)
    }
}

extension ValidationReport {
    /// The same report with registry-relative paths put under `prefix` (`registry/`), so config files
    /// outside the registry (`../deploy/envoy.yaml`) get paths relative to the current directory
    /// (`deploy/envoy.yaml`) that SARIF viewers and GitHub annotations can open.
    public func rebased(under prefix: String) -> ValidationReport {
        func path(_ file: String) -> String {
            if file.hasPrefix("/") || file.hasPrefix("http://") || file.hasPrefix("https://") { return file }
            var parts: [Substring] = []
            for part in (prefix + file).split(separator: "/") {
                if part == "." { continue }
                if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
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
