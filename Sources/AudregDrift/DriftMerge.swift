import Foundation
import AudregCore

/// `audreg drift merge`: the JSON reports of `drift --shard K/N` jobs combined into the report one
/// unsharded run writes. Shard reports come from other CI jobs, so they are read as hostile input:
/// bounded in size, parsed by `StrictJSON` (no duplicate members, valid UTF-8, bounded depth), every
/// member checked against the shape `drift --format json` writes, and every finding's fields re-read.
///
/// Why the merge equals the unsharded run: each job of a run (an issuer, a service's deployments)
/// falls in exactly one shard, and the registry's own findings appear in every shard; an unsharded run
/// lists each distinct finding once, so the merge keeps each distinct finding as often as the shard
/// listing it most often does, sorts in report order and applies the per-rule-per-file cap again
/// (adding up what shards cut by that cap left out).
/// `checkedAt` is the earliest of the shards' times: the evidence is as old as its oldest part. Notes are
/// the union of the shards', sorted, each once.
public enum DriftMerge {
    public struct Input: Sendable {
        public var path: String
        public var bytes: [UInt8]

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
        init(_ message: String) { self.message = message }
    }

    /// Reads each file within `DriftReport.sizeLimit`.
    public static func read(paths: [String]) throws(Failure) -> [Input] {
        var inputs: [Input] = []
        for path in paths {
            switch BoundedFile.read(path, limit: DriftReport.sizeLimit) {
            case .success(let bytes): inputs.append(Input(path: path, bytes: bytes))
            case .failure(.tooLarge): throw Failure("\(path): is larger than \(DriftReport.sizeLimit >> 20) MiB, more than any drift report audreg writes")
            case .failure(let failure): throw Failure("\(path): \(failure.message)")
            }
        }
        return inputs
    }

    /// The merged report's JSON text, or why the shards cannot be merged. `allowPartial`: merge what is
    /// there when shards are missing; the report then lists them (`drift.missingShards`) and its coverage
    /// names only what the shards given checked.
    public static func merge(_ inputs: [Input], allowPartial: Bool = false, catalog: RuleCatalog = .builtIn) throws(Failure) -> String {
        guard !inputs.isEmpty else { throw Failure("no report to merge; give the JSON reports of 'audreg drift --shard K/N --format json'") }
        let known = Set(catalog.descriptions.map(\.id))
        var shards: [Shard] = []
        for input in inputs { shards.append(try Shard.parse(input, knownRules: known)) }

        // One registry, one run's settings, one N.
        let first = shards[0]
        for shard in shards.dropFirst() {
            if shard.registry != first.registry {
                throw Failure("\(first.path) and \(shard.path) checked different registries (\(first.registry) and \(shard.registry)); merge the shards of one run over one commit")
            }
            if shard.options != first.options || shard.mode != first.mode || shard.coverage.issuersSkipped != first.coverage.issuersSkipped
                || shard.coverage.deploymentsSkipped != first.coverage.deploymentsSkipped {
                throw Failure("\(first.path) and \(shard.path) come from runs with different settings (--today, --cert-warn-days, --skip-issuers, --skip-deployments, --offline or Spring properties); run every shard with the same options")
            }
            if shard.shard.count != first.shard.count {
                throw Failure("\(first.path) is shard \(first.shard) and \(shard.path) is shard \(shard.shard): the shards of one run share N")
            }
        }
        // Reports name each file twice: `file` (from the registry) and `path` (from where drift ran).
        // Shards run from different folders would list one finding under two paths, twice.
        var displayed: [[UInt8]: (path: String, report: String)] = [:]
        for shard in shards {
            for entry in shard.findings + shard.suppressed {
                for (file, path) in filePaths(entry.json) {
                    let key = Array(file.utf8)
                    if let known = displayed[key] {
                        guard known.path.utf8.elementsEqual(path.utf8) else {
                            throw Failure("\(known.report) and \(shard.path) name '\(TerminalText.escape(file))' differently ('\(TerminalText.escape(known.path))' and '\(TerminalText.escape(path))'); run every shard from the same folder with the same registry argument")
                        }
                    } else {
                        displayed[key] = (path, shard.path)
                    }
                }
            }
        }
        var byIndex: [Int: String] = [:]
        for shard in shards {
            if let other = byIndex[shard.shard.index] {
                throw Failure("shard \(shard.shard) is given twice: \(other) and \(shard.path)")
            }
            byIndex[shard.shard.index] = shard.path
        }
        let count = first.shard.count
        let missing = (1...count).filter { byIndex[$0] == nil }
        if !missing.isEmpty && !allowPartial {
            throw Failure("shard\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of \(count) missing (given: \(shards.sorted { $0.shard.index < $1.shard.index }.map { "\($0.shard) \($0.path)" }.joined(separator: ", "))); give every shard, or --allow-partial for a report that says which are missing")
        }

        // Count findings of shards cut at the per-rule-per-file limit are added up, not listed.
        let counts = shards.flatMap { $0.findings.filter { omittedCount($0) != nil } }
        let findings = capped(union(shards.map { $0.findings.filter { omittedCount($0) == nil } }), omitted: counts)
        let suppressed = union(shards.map(\.suppressed))
        let coverage = DriftCoverage(issuersSkipped: first.coverage.issuersSkipped, deploymentsSkipped: first.coverage.deploymentsSkipped,
                                     issuers: uniqueSorted(shards.flatMap(\.coverage.issuers)),
                                     services: uniqueSorted(shards.flatMap(\.coverage.services)),
                                     // A shard of an earlier audreg does not say what it could not compare, so neither does the merge.
                                     issuersUnchecked: shards.contains { $0.coverage.issuersUnchecked == nil } ? nil : shards.flatMap { $0.coverage.issuersUnchecked ?? [] },
                                     deploymentsUnchecked: shards.contains { $0.coverage.deploymentsUnchecked == nil } ? nil : shards.flatMap { $0.coverage.deploymentsUnchecked ?? [] })
        let times = shards.map(\.checkedAt)
        let checkedAt = times.contains(where: { $0 == nil }) ? nil : times.compactMap { $0 }.min(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        var run = DriftRun(checkedAt: checkedAt, mode: first.mode, coverage: coverage, registry: first.registry)
        if !missing.isEmpty { run.missingShards = DriftRun.MissingShards(count: count, missing: missing) }
        run.notes = DriftNote.normalized(shards.flatMap(\.notes))

        let summary = ReportSummary(findings: findings.map(\.finding), suppressed: suppressed.count)
        return JSONValue.object([
            ("findings", .array(findings.map(\.json))),
            ("summary", .object([
                ("errors", .int(summary.errors)), ("warnings", .int(summary.warnings)),
                ("notes", .int(summary.notes)), ("suppressed", .int(summary.suppressed)),
            ])),
            ("suppressed", .array(suppressed.map(\.json))),
            ("drift", run.json),
        ]).serialized()
    }

    /// A finding as read and as it will be written back.
    struct Entry {
        var finding: Finding
        var json: JSONValue
        /// The compact JSON text: two entries are the same finding when these bytes are. An `ExactString`,
        /// since a `String` key would merge two findings whose values differ only by normalization.
        var key: ExactString
    }

    /// Every distinct entry as many times as the list holding it most often has it, in report order;
    /// entries equal in report order are ordered by their bytes, so the output does not depend on the
    /// order shards were given in.
    static func union(_ lists: [[Entry]]) -> [Entry] {
        var most: [ExactString: (entry: Entry, count: Int)] = [:]
        for list in lists {
            var counts: [ExactString: (entry: Entry, count: Int)] = [:]
            for entry in list { counts[entry.key, default: (entry, 0)].count += 1 }
            for (key, value) in counts where value.count > most[key]?.count ?? 0 { most[key] = value }
        }
        var result: [Entry] = []
        for (_, value) in most { result.append(contentsOf: repeatElement(value.entry, count: value.count)) }
        return sorted(result)
    }

    /// The (file, path) pairs of a finding written by `Reader.finding`: its own, its related
    /// locations' and its exception's.
    static func filePaths(_ json: JSONValue) -> [(String, String)] {
        guard case .object(let members) = json else { return [] }
        func pair(_ members: [(String, JSONValue)]) -> (String, String)? {
            guard case .string(let file)? = members.first(where: { $0.0 == "file" })?.1,
                  case .string(let path)? = members.first(where: { $0.0 == "path" })?.1 else { return nil }
            return (file, path)
        }
        var result = [pair(members)].compactMap { $0 }
        for (name, value) in members {
            if name == "related", case .array(let items) = value {
                for case .object(let related) in items { if let found = pair(related) { result.append(found) } }
            } else if name == "exception", case .object(let exception) = value, let found = pair(exception) {
                result.append(found)
            }
        }
        return result
    }

    static func uniqueSorted(_ names: [String]) -> [String] {
        var seen = Set<[UInt8]>()
        return names.filter { seen.insert(Array($0.utf8)).inserted }.sorted(by: ExactText.precedes)
    }

    /// One shard report, checked.
    struct Shard {
        var path: String
        var shard: DriftShard
        var options: String
        var registry: String
        var mode: DriftRun.Mode
        var checkedAt: String?
        var coverage: DriftCoverage
        var findings: [Entry]
        var suppressed: [Entry]
        var notes: [DriftNote]

        static func parse(_ input: Input, knownRules: Set<String>) throws(Failure) -> Shard {
            let path = input.path
            func fail(_ problem: String) -> Failure {
                Failure("\(path): \(problem); merge the JSON reports of 'audreg drift --shard K/N --format json'")
            }
            let root: StrictJSON.Node
            switch StrictJSON.parse(input.bytes) {
            case .success(let node): root = node
            case .failure(let problem): throw fail("is not a drift report: \(problem.description.replacingOccurrences(of: "body", with: "the file"))")
            }
            let reader = Reader(fail: fail)
            let top = try reader.object(root, "the report", allowed: ["findings", "summary", "omitted", "suppressed", "drift"])
            guard top["omitted"] == nil else { throw fail("says it was cut by --max-findings (omitted): " + ReportSummary.cutAdvice) }
            let drift = try reader.object(top["drift"], "drift", allowed: ["checkedAt", "mode", "deploymentFiles", "registry", "shard", "missingShards", "coverage", "notes"])
            guard top["drift"] != nil else { throw fail("has no 'drift' object, so it is not the JSON output of 'audreg drift'") }
            guard drift["missingShards"] == nil else { throw fail("is itself a partial merge (drift.missingShards); merge the shard reports instead") }
            guard drift["shard"] != nil else { throw fail("has no drift.shard: it is not the report of a 'drift --shard K/N' run") }
            let shardObject = try reader.object(drift["shard"], "drift.shard", allowed: ["index", "count", "options"])
            guard let shard = DriftShard(index: try reader.int(shardObject["index"], "drift.shard.index"),
                                         count: try reader.int(shardObject["count"], "drift.shard.count")) else {
                throw fail("drift.shard is not K of N with 1 ≤ K ≤ N ≤ \(DriftShard.maxCount)")
            }
            let options = try reader.digest(shardObject["options"], "drift.shard.options")
            let registry = try reader.digest(drift["registry"], "drift.registry")
            guard let mode = DriftRun.Mode(rawValue: try reader.string(drift["mode"], "drift.mode")) else { throw fail("drift.mode must be \"live\" or \"offline\"") }
            let checkedAt = try drift["checkedAt"].map { node throws(Failure) in try reader.string(node, "drift.checkedAt") }
            if let checkedAt, !(1...64).contains(checkedAt.utf8.count) { throw fail("drift.checkedAt is not a time") }
            let deploymentFiles = try reader.string(drift["deploymentFiles"], "drift.deploymentFiles")
            guard deploymentFiles == DriftRun(checkedAt: nil, mode: mode).deploymentFiles else { throw fail("drift.deploymentFiles does not match drift.mode") }

            let coverageObject = try reader.object(drift["coverage"], "drift.coverage", allowed: ["issuers", "deployments"])
            let issuers = try reader.object(coverageObject["issuers"], "drift.coverage.issuers", allowed: ["skipped", "checked", "unchecked"])
            let deployments = try reader.object(coverageObject["deployments"], "drift.coverage.deployments", allowed: ["skipped", "services", "unchecked"])
            // Reports of versions before `unchecked` have none; the merge then says nothing about it either.
            func unchecked(_ node: StrictJSON.Node?, _ what: String, nameKey: String, deployment: Bool) throws(Failure) -> [DriftCoverage.Unchecked]? {
                guard let node else { return nil }
                var result: [DriftCoverage.Unchecked] = []
                for item in try reader.array(node, what) {
                    let entry = try reader.object(item, "\(what)[]", allowed: deployment ? [nameKey, "deployment", "source", "reason"] : [nameKey, "reason"])
                    var position: Int?
                    var source: String?
                    // A service without deployments is listed by name alone.
                    if deployment, let node = entry["deployment"], node != .null {
                        position = try reader.int(node, "\(what)[].deployment")
                        guard position! >= 0 else { throw fail("\(what)[].deployment must not be negative") }
                    }
                    if deployment, let node = entry["source"], node != .null {
                        source = try reader.string(node, "\(what)[].source")
                    }
                    result.append(DriftCoverage.Unchecked(name: try reader.string(entry[nameKey], "\(what)[].\(nameKey)"), deployment: position,
                                                          source: source, reason: try reader.string(entry["reason"], "\(what)[].reason")))
                }
                return result
            }
            let coverage = DriftCoverage(issuersSkipped: try reader.bool(issuers["skipped"], "drift.coverage.issuers.skipped"),
                                         deploymentsSkipped: try reader.bool(deployments["skipped"], "drift.coverage.deployments.skipped"),
                                         issuers: try reader.strings(issuers["checked"], "drift.coverage.issuers.checked"),
                                         services: try reader.strings(deployments["services"], "drift.coverage.deployments.services"),
                                         issuersUnchecked: try unchecked(issuers["unchecked"], "drift.coverage.issuers.unchecked", nameKey: "issuer", deployment: false),
                                         deploymentsUnchecked: try unchecked(deployments["unchecked"], "drift.coverage.deployments.unchecked", nameKey: "service", deployment: true))
            // A shard claims only what its own hash range holds: a report that lists another shard's
            // entity was written by another version's hash, or edited.
            for name in coverage.issuers where !shard.contains(.issuer, named: name) {
                throw fail("drift.coverage lists issuer '\(TerminalText.escape(name))', which is not in shard \(shard)")
            }
            for name in coverage.services where !shard.contains(.service, named: name) {
                throw fail("drift.coverage lists service '\(TerminalText.escape(name))', which is not in shard \(shard)")
            }
            for item in coverage.issuersUnchecked ?? [] where !shard.contains(.issuer, named: item.name) {
                throw fail("drift.coverage lists issuer '\(TerminalText.escape(item.name))', which is not in shard \(shard)")
            }
            for item in coverage.deploymentsUnchecked ?? [] where !shard.contains(.service, named: item.name) {
                throw fail("drift.coverage lists service '\(TerminalText.escape(item.name))', which is not in shard \(shard)")
            }

            var findings: [Entry] = []
            for (index, node) in try reader.array(top["findings"], "findings").enumerated() {
                findings.append(try reader.finding(node, "findings[\(index)]", knownRules: knownRules, suppressed: false))
            }
            var suppressed: [Entry] = []
            for (index, node) in try reader.array(top["suppressed"], "suppressed").enumerated() {
                suppressed.append(try reader.finding(node, "suppressed[\(index)]", knownRules: knownRules, suppressed: true))
            }
            // Reports of versions before notes have none.
            var notes: [DriftNote] = []
            if let list = drift["notes"] {
                for (index, node) in try reader.array(list, "drift.notes").enumerated() {
                    let at = "drift.notes[\(index)]"
                    let note = try reader.object(node, at, allowed: ["kind", "subject", "message"])
                    notes.append(DriftNote(kind: try reader.string(note["kind"], "\(at).kind"), subject: try reader.string(note["subject"], "\(at).subject"),
                                           message: try reader.string(note["message"], "\(at).message")))
                }
            }
            let summary = try reader.object(top["summary"], "summary", allowed: ["errors", "warnings", "notes", "suppressed"])
            let written = ReportSummary(errors: try reader.int(summary["errors"], "summary.errors"), warnings: try reader.int(summary["warnings"], "summary.warnings"),
                                        notes: try reader.int(summary["notes"], "summary.notes"), suppressed: try reader.int(summary["suppressed"], "summary.suppressed"))
            if let problem = written.mismatch(listing: findings.map(\.finding), suppressed: suppressed.count) { throw fail(problem) }
            return Shard(path: path, shard: shard, options: options, registry: registry, mode: mode, checkedAt: checkedAt,
                         coverage: coverage, findings: findings, suppressed: suppressed, notes: notes)
        }
    }

    /// Typed access to a report's members; every miss names the member.
    struct Reader {
        let fail: (String) -> Failure

        struct Object {
            var members: [(name: String, value: StrictJSON.Node)]
            subscript(_ name: String) -> StrictJSON.Node? {
                members.first { $0.name.utf8.elementsEqual(name.utf8) }?.value
            }
        }

        func object(_ node: StrictJSON.Node?, _ what: String, allowed: [String]) throws(Failure) -> Object {
            guard case .object(let members)? = node else { throw fail("\(what) must be an object") }
            for member in members where !allowed.contains(where: { $0.utf8.elementsEqual(member.name.utf8) }) {
                throw fail("\(what) has a member '\(TerminalText.escape(member.name))' that audreg does not write")
            }
            return Object(members: members)
        }

        func array(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> [StrictJSON.Node] {
            guard case .array(let items)? = node else { throw fail("\(what) must be a list") }
            return items
        }

        func string(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> String {
            guard case .string(let value)? = node else { throw fail("\(what) must be a string") }
            return value
        }

        func strings(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> [String] {
            var result: [String] = []
            for item in try array(node, what) { result.append(try string(item, "\(what)[]")) }
            return result
        }

        func int(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> Int {
            guard case .number(let text)? = node, let value = Int(text), String(value) == text else { throw fail("\(what) must be a whole number") }
            return value
        }

        func bool(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> Bool {
            guard case .bool(let value)? = node else { throw fail("\(what) must be true or false") }
            return value
        }

        func digest(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> String {
            let text = try string(node, what)
            let hex = text.utf8.dropFirst(7)
            guard text.hasBytePrefix("sha256:"), hex.count == 64, hex.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw fail("\(what) must be sha256: and 64 hex digits")
            }
            return text
        }

        func optionalString(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> String? {
            if case .null? = node { return nil }
            return try string(node, what)
        }

        /// A finding of `JSONReporter.json`, with `exception` for a suppressed one, re-read field by
        /// field and written back in the reporter's member order.
        func finding(_ node: StrictJSON.Node, _ what: String, knownRules: Set<String>, suppressed: Bool) throws(Failure) -> Entry {
            let names = ["rule", "severity", "message", "file", "path", "line", "column", "endLine", "endColumn", "entity", "related"]
            let object = try object(node, what, allowed: names + (suppressed ? ["exception"] : []))
            let rule = try string(object["rule"], "\(what).rule")
            guard knownRules.contains(rule) else { throw fail("\(what).rule '\(TerminalText.escape(rule))' is not a rule of this audreg (see 'audreg rules')") }
            guard let severity = Severity(rawValue: try string(object["severity"], "\(what).severity")) else {
                throw fail("\(what).severity must be error, warning or note")
            }
            let message = try string(object["message"], "\(what).message")
            let file = try string(object["file"], "\(what).file")
            let path = try string(object["path"], "\(what).path")
            let line = try int(object["line"], "\(what).line")
            let column = try int(object["column"], "\(what).column")
            let endLine = try int(object["endLine"], "\(what).endLine")
            let endColumn = try int(object["endColumn"], "\(what).endColumn")
            let entity = try entityRef(object["entity"], "\(what).entity")
            var related: [RelatedLocation] = []
            var relatedJSON: [JSONValue] = []
            for (index, item) in try array(object["related"], "\(what).related").enumerated() {
                let at = "\(what).related[\(index)]"
                let relatedObject = try self.object(item, at, allowed: ["file", "path", "line", "column", "entity", "message"])
                let location = SourceLocation(file: try string(relatedObject["file"], "\(at).file"), line: try int(relatedObject["line"], "\(at).line"),
                                              column: try int(relatedObject["column"], "\(at).column"))
                let relatedEntity = try entityRef(relatedObject["entity"], "\(at).entity")
                let relatedMessage = try relatedObject["message"].map { node throws(Failure) in try string(node, "\(at).message") }
                related.append(RelatedLocation(location, entity: relatedEntity, message: relatedMessage))
                relatedJSON.append(.compactObject([
                    ("file", .string(location.file)), ("path", .string(try string(relatedObject["path"], "\(at).path"))),
                    ("line", .int(location.line)), ("column", .int(location.column)),
                    ("entity", .optional(relatedEntity?.description)), ("message", relatedMessage.map(JSONValue.string)),
                ]))
            }
            var members: [(String, JSONValue)] = [
                ("rule", .string(rule)), ("severity", .string(severity.rawValue)), ("message", .string(message)),
                ("file", .string(file)), ("path", .string(path)), ("line", .int(line)), ("column", .int(column)),
                ("endLine", .int(endLine)), ("endColumn", .int(endColumn)), ("entity", .optional(entity?.description)),
                ("related", .array(relatedJSON)),
            ]
            if suppressed {
                let at = "\(what).exception"
                let exception = try self.object(object["exception"], at, allowed: ["file", "path", "line", "column", "expires", "approvedBy", "ticket"])
                let expires = try string(exception["expires"], "\(at).expires")
                guard Day(expires) != nil else { throw fail("\(at).expires must be a date (YYYY-MM-DD)") }
                members.append(("exception", .compactObject([
                    ("file", .string(try string(exception["file"], "\(at).file"))), ("path", .string(try string(exception["path"], "\(at).path"))),
                    ("line", .int(try int(exception["line"], "\(at).line"))), ("column", .int(try int(exception["column"], "\(at).column"))),
                    ("expires", .string(expires)), ("approvedBy", .string(try string(exception["approvedBy"], "\(at).approvedBy"))),
                    ("ticket", try exception["ticket"].map { node throws(Failure) in JSONValue.string(try string(node, "\(at).ticket")) }),
                ])))
            }
            let finding = Finding(ruleID: rule, severity: severity, message: message,
                                  location: SourceLocation(file: file, line: line, column: column, endLine: endLine, endColumn: endColumn),
                                  entity: entity, related: related)
            let json = JSONValue.object(members)
            return Entry(finding: finding, json: json, key: ExactString(json.serialized(pretty: false)))
        }

        func entityRef(_ node: StrictJSON.Node?, _ what: String) throws(Failure) -> EntityRef? {
            guard let text = try optionalString(node, what) else { return nil }
            guard let entity = EntityRef(parsing: text) else { throw fail("\(what) '\(TerminalText.escape(text))' is not Kind/name") }
            return entity
        }
    }
}

extension DriftMerge {
    /// A shard's own count finding ("N more R finding(s) in this file …"): how many it stands for.
    static func omittedCount(_ entry: Entry) -> Int? {
        let finding = entry.finding
        guard finding.entity == nil, finding.related.isEmpty else { return nil }
        let prefix = " more \(finding.ruleID) finding(s) in this file from here on are not listed (audreg lists at most \(Validator.maxFindingsPerRulePerFile) per rule per file); fix the ones listed and run again"
        guard let space = finding.message.firstIndex(of: " "), finding.message[space...] == prefix,
              let count = Int(finding.message[..<space]), count > 0 else { return nil }
        return count
    }

    struct RuleFile: Hashable {
        var rule: String
        var file: [UInt8]
    }

    /// `Validator.capped` over the union of shards that may each have been cut already. Each shard
    /// lists the first `limit` of its findings of a rule in a file, so the first `limit` of the whole
    /// run are among the ones listed; the count is what the shards left out plus what this cut leaves out.
    static func capped(_ entries: [Entry], omitted shardCounts: [Entry], limit: Int = Validator.maxFindingsPerRulePerFile) -> [Entry] {
        struct Left { var count: Int; var severity: Severity; var first: Entry }
        func earlier(_ a: Entry, _ b: Entry) -> Bool {
            (a.finding.location.line, a.finding.location.column) < (b.finding.location.line, b.finding.location.column)
        }
        var left: [RuleFile: Left] = [:]
        for entry in shardCounts {
            let key = RuleFile(rule: entry.finding.ruleID, file: Array(entry.finding.location.file.utf8))
            let count = omittedCount(entry) ?? 0
            if var known = left[key] {
                known.count += count
                known.severity = max(known.severity, entry.finding.severity)
                if earlier(entry, known.first) { known.first = entry }
                left[key] = known
            } else {
                left[key] = Left(count: count, severity: entry.finding.severity, first: entry)
            }
        }
        var counts: [RuleFile: Int] = [:]
        for entry in entries { counts[RuleFile(rule: entry.finding.ruleID, file: Array(entry.finding.location.file.utf8)), default: 0] += 1 }
        var listed: [RuleFile: Int] = [:]
        var result: [Entry] = []
        // `entries` is in report order, so the first one cut is the earliest.
        var cut: [RuleFile: Left] = [:]
        for entry in entries {
            let key = RuleFile(rule: entry.finding.ruleID, file: Array(entry.finding.location.file.utf8))
            let total = counts[key, default: 0] + (left[key]?.count ?? 0)
            let count = listed[key, default: 0]
            if count < limit || total <= limit + 1 {
                listed[key] = count + 1
                result.append(entry)
            } else if var known = cut[key] {
                known.count += 1
                known.severity = max(known.severity, entry.finding.severity)
                cut[key] = known
            } else {
                cut[key] = Left(count: 1, severity: entry.finding.severity, first: entry)
            }
        }
        for key in Set(cut.keys).union(left.keys) {
            let parts = [cut[key], left[key]].compactMap { $0 }
            let first = parts.map(\.first).min(by: earlier)!
            let count = parts.reduce(0) { $0 + $1.count }
            let severity = parts.map(\.severity).max()!
            let message = "\(count) more \(key.rule) finding(s) in this file from here on are not listed (audreg lists at most \(limit) per rule per file); fix the ones listed and run again"
            let finding = Finding(ruleID: first.finding.ruleID, severity: severity, message: message, location: first.finding.location)
            guard case .object(var members) = first.json else { continue }
            for index in members.indices {
                switch members[index].0 {
                case "severity": members[index].1 = .string(severity.rawValue)
                case "message": members[index].1 = .string(message)
                case "entity": members[index].1 = .null
                case "related": members[index].1 = .array([])
                default: break
                }
            }
            let json = JSONValue.object(members)
            result.append(Entry(finding: finding, json: json, key: ExactString(json.serialized(pretty: false))))
        }
        return sorted(result)
    }

    static func sorted(_ entries: [Entry]) -> [Entry] {
        entries.sorted { lhs, rhs in
            if Finding.reportOrder(lhs.finding, rhs.finding) { return true }
            if Finding.reportOrder(rhs.finding, lhs.finding) { return false }
            return lhs.key < rhs.key
        }
    }
}
