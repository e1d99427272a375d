/// Collects the classified changes of one entity.
struct ChangeRecorder {
    let entity: EntityRef
    var changes: [TrustChange] = []

    init(_ entity: EntityRef) { self.entity = entity }

    mutating func add(_ kind: TrustChangeKind, _ field: String, item: String? = nil, _ summary: String,
                      before: String? = nil, after: String? = nil, at location: SourceLocation? = nil,
                      spans: [SourceLocation?] = []) {
        changes.append(TrustChange(kind: kind, entity: entity, field: field, item: item, summary: summary,
                                   before: before, after: after, location: location ?? spans.compactMap { $0 }.first,
                                   spans: spans.compactMap { $0 }))
    }
}

enum DiffText {
    static let notSet = "(not set)"

    static func list(_ values: [String]?) -> String? {
        guard let values else { return nil }
        return values.isEmpty ? "[]" : values.joined(separator: ", ")
    }

    /// `a, b` for a set difference, in the order given.
    static func names(_ values: [String]) -> String { values.joined(separator: ", ") }
    static func names(_ values: [ExactString]) -> String { names(values.map(\.text)) }

    static func plural(_ count: Int, _ word: String) -> String { count == 1 ? word : word + "s" }

    /// One span from the first to the last located value.
    static func span<T>(_ values: [Located<T>]?) -> SourceLocation? {
        guard let first = values?.first, let last = values?.last else { return nil }
        return SourceLocation(file: first.location.file, line: first.location.line, column: first.location.column,
                              endLine: last.location.endLine, endColumn: last.location.endColumn)
    }

    /// Values in `after` not in `before`, in `after`'s order, and the reverse.
    /// Byte for byte: `\u{E9}` and `e\u{301}` are two values, as the enforcers compare them.
    static func added(_ before: [String], _ after: [String]) -> [String] {
        let old = Set(before.map { ExactString($0) })
        var seen = Set<ExactString>()
        return after.filter { !old.contains(ExactString($0)) && seen.insert(ExactString($0)).inserted }
    }

    /// Whether two texts differ by a single byte (Swift's `!=` calls canonically equivalent texts equal).
    static func differ(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): return false
        case (let a?, let b?): return !a.isExactly(b)
        default: return true
        }
    }

    static func differ(_ a: [String], _ b: [String]) -> Bool {
        a.count != b.count || zip(a, b).contains { !$0.isExactly($1) }
    }
}

enum MetadataDiff {
    /// Title, owner, description and labels are neutral; moving environment widens for services and issuers.
    static func changes(_ base: EntityMetadata, _ head: EntityMetadata, into recorder: inout ChangeRecorder, environmentWidens: Bool) {
        if DiffText.differ(base.environment?.value, head.environment?.value) {
            let kind: TrustChangeKind = environmentWidens ? .widening : .neutral
            recorder.add(kind, "environment", "moves from environment \(base.environment?.value ?? DiffText.notSet) to \(head.environment?.value ?? DiffText.notSet)",
                         before: base.environment?.value, after: head.environment?.value, spans: [head.environment?.location])
        }
        if DiffText.differ(base.owner?.value, head.owner?.value) {
            recorder.add(.neutral, "owner", "owner changes", before: base.owner?.value, after: head.owner?.value, spans: [head.owner?.location])
        }
        if DiffText.differ(base.title?.value, head.title?.value) {
            recorder.add(.neutral, "title", "title changes", before: base.title?.value, after: head.title?.value, spans: [head.title?.location])
        }
        if DiffText.differ(base.description?.value, head.description?.value) {
            recorder.add(.neutral, "description", "description changes", before: base.description?.value,
                         after: head.description?.value, spans: [head.description?.location])
        }
        let (oldLabels, newLabels) = (labelText(base.labels), labelText(head.labels))
        if DiffText.differ(oldLabels, newLabels) {
            recorder.add(.neutral, "labels", "labels change", before: oldLabels, after: newLabels)
        }
    }

    static func labelText(_ labels: [(key: String, value: String)]) -> String? {
        labels.isEmpty ? nil : labels.sorted { ExactText.precedes($0.key, $1.key) }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}

enum ExceptionDiff {
    /// What a change to a service's or issuer's exceptions does to what is suppressed. On a known day
    /// (what `diff` always has), a rule's findings are suppressed until the latest expiry among its
    /// complete exceptions not yet expired: validation uses the first of them, and each next one takes
    /// over when the one before lapses. That end moving later, or appearing, widens; moving earlier, or
    /// going, narrows; which of the exceptions is in force changes nothing. Without a day, exceptions
    /// are compared as written.
    static func changes(_ base: [RuleException], _ head: [RuleException], today: Day? = nil, into recorder: inout ChangeRecorder) {
        guard let today else { return changesByFirstWritten(base, head, into: &recorder) }
        let complete = { (exception: RuleException) in exception.isInForce(on: today) }
        /// Per rule: the exceptions written, and the one whose expiry ends the suppression (nil: none in force).
        func byRule(_ exceptions: [RuleException]) -> [ExactString: (written: [RuleException], last: RuleException?)] {
            var result: [ExactString: (written: [RuleException], last: RuleException?)] = [:]
            for exception in exceptions {
                let key = ExactString(exception.rule.value)
                var entry = result[key] ?? ([], nil)
                entry.written.append(exception)
                if complete(exception), entry.last.map({ exception.expires!.value > $0.expires!.value }) ?? true { entry.last = exception }
                result[key] = entry
            }
            return result
        }
        let old = byRule(base)
        let new = byRule(head)
        for rule in Set(old.keys).union(new.keys).sorted() {
            let name = rule.text
            let before = old[rule], after = new[rule]
            switch (before?.last, after?.last) {
            case (nil, nil):
                continue
            case (nil, let last?):
                let end = last.expires!.value
                let verb = before == nil ? "added" : "in force from this change"
                let further = after!.written.first(where: complete).map { $0.location != last.location } ?? false
                recorder.add(.widening, "exceptions", item: name,
                             further ? "a further exception to rule \(name), expires \(end): validation uses the first complete one in force, and this one applies when the ones before it lapse"
                                     : "exception to rule \(name) \(verb), expires \(end)",
                             after: end.description, spans: [last.location])
            case (let last?, nil):
                let end = last.expires!.value
                recorder.add(.narrowing, "exceptions", item: name,
                             after == nil ? "exception to rule \(name) removed" : "exception to rule \(name) no longer in force on \(today)",
                             before: end.description, after: nil, at: nil)
            case (let from?, let to?):
                let (start, end) = (from.expires!.value, to.expires!.value)
                if end > start {
                    let further = after!.written.first(where: complete).map { $0.location != to.location } ?? false
                    recorder.add(.widening, "exceptions.expires", item: name,
                                 further ? "a further exception to rule \(name) extends what is suppressed to \(end): validation uses the first complete one in force, and this one applies when the ones before it lapse"
                                         : "exception to rule \(name) extended to \(end)",
                                 before: start.description, after: end.description, spans: [to.expires?.location ?? to.location])
                } else if end < start {
                    recorder.add(.narrowing, "exceptions.expires", item: name, "exception to rule \(name) shortened to \(end)",
                                 before: start.description, after: end.description, spans: [to.expires?.location ?? to.location])
                }
            }
            // Who approved the exception that is in force, and why, is for review, though it suppresses
            // nothing more.
            guard let inForceBefore = before?.written.first(where: complete), let inForceAfter = after?.written.first(where: complete) else { continue }
            for (field, a, b, location) in [("approvedBy", inForceBefore.approvedBy?.value, inForceAfter.approvedBy?.value, inForceAfter.approvedBy?.location),
                                            ("reason", inForceBefore.reason?.value, inForceAfter.reason?.value, inForceAfter.reason?.location),
                                            ("ticket", inForceBefore.ticket?.value, inForceAfter.ticket?.value, inForceAfter.ticket?.location)] where DiffText.differ(a, b) {
                recorder.add(.neutral, "exceptions.\(field)", item: name, "exception to rule \(name): \(field) changes", before: a, after: b, spans: [location])
            }
        }
    }

    /// An added or extended exception widens (it hides findings for longer); a removed or shortened one narrows.
    static func changesByFirstWritten(_ base: [RuleException], _ head: [RuleException], into recorder: inout ChangeRecorder) {
        let old = firstByKey(base) { $0.rule.value }
        let new = firstByKey(head) { $0.rule.value }
        for exception in head where old[exception.rule.value] == nil && new[exception.rule.value]?.location == exception.location {
            let rule = exception.rule.value
            let expiry = exception.expires.map { ", expires \($0.value)" } ?? ""
            recorder.add(.widening, "exceptions", item: rule, "exception to rule \(rule) added\(expiry)",
                         after: exception.expires?.value.description ?? "added", spans: [exception.location])
        }
        for exception in base where new[exception.rule.value] == nil && old[exception.rule.value]?.location == exception.location {
            recorder.add(.narrowing, "exceptions", item: exception.rule.value, "exception to rule \(exception.rule.value) removed",
                         before: exception.expires?.value.description ?? "present", after: nil, at: nil)
        }
        // Validation uses the first complete exception in force for a rule, whichever it is: a further
        // one, added or changed, takes over when the first lapses, so it is reviewed like the first.
        let oldByRule = Dictionary(grouping: base, by: { ExactString($0.rule.value) })
        for (rule, exceptions) in Dictionary(grouping: head, by: { ExactString($0.rule.value) }).sorted(by: { $0.key < $1.key }) {
            let earlier = oldByRule[rule] ?? []
            for (position, exception) in exceptions.enumerated() where position > 0 {
                func same(_ other: RuleException) -> Bool {
                    ExactText.equal(other.expires?.value.description, exception.expires?.value.description)
                        && ExactText.equal(other.approvedBy?.value, exception.approvedBy?.value) && ExactText.equal(other.reason?.value, exception.reason?.value)
                }
                guard position >= earlier.count || !same(earlier[position]) else { continue }
                recorder.add(.widening, "exceptions", item: rule.text,
                             "a further exception to rule \(rule.text)\(exception.expires.map { ", expires \($0.value)" } ?? ""): validation uses the first complete one in force, so this one applies when the first lapses",
                             after: exception.expires?.value.description ?? "added", spans: [exception.location])
            }
        }
        for (rule, after) in new.sorted(by: { $0.key < $1.key }) {
            guard let before = old[rule] else { continue }
            let (from, to) = (before.expires?.value, after.expires?.value)
            if from != to {
                let widens: Bool
                switch (from, to) {
                case (let from?, let to?): widens = to > from
                case (nil, _?): widens = true // an exception without expiry suppresses nothing; now it does
                default: widens = false
                }
                let verb = widens ? "extended" : (to == nil ? "loses its expiry (no longer in force)" : "shortened")
                recorder.add(widens ? .widening : .narrowing, "exceptions.expires", item: rule,
                             "exception to rule \(rule) \(verb)" + (widens || to != nil ? " to \(to?.description ?? DiffText.notSet)" : ""),
                             before: from?.description, after: to?.description, spans: [after.expires?.location ?? after.location])
            }
            for (field, a, b, location) in [("approvedBy", before.approvedBy?.value, after.approvedBy?.value, after.approvedBy?.location),
                                            ("reason", before.reason?.value, after.reason?.value, after.reason?.location),
                                            ("ticket", before.ticket?.value, after.ticket?.value, after.ticket?.location)] where DiffText.differ(a, b) {
                // An exception needs a reason and an approver to suppress anything: supplying the missing
                // one puts it in force.
                let completes = (field == "approvedBy" || field == "reason") && a == nil && b != nil
                recorder.add(completes ? .widening : .neutral, "exceptions.\(field)", item: rule,
                             "exception to rule \(rule): \(field) " + (completes ? "added, which puts the exception in force" : "changes"),
                             before: a, after: b, spans: [location])
            }
        }
    }
}

func firstByKey<T>(_ values: [T], key: (T) -> String) -> [String: T] {
    var result: [String: T] = [:]
    for value in values where result[key(value)] == nil { result[key(value)] = value }
    return result
}

enum ServiceDiff {
    /// `basePolicy` gives what applied before a service set its own limit (allowed algorithms, the
    /// maximum lifetime), so setting one is compared with what it replaces.
    static func changes(base: Service?, head: Service?, audienceOwners: [ExactString: [String]], basePolicy: Policy = Policy(),
                        baseIssuers: EntityTable<Issuer>? = nil, today: Day? = nil) -> [TrustChange] {
        switch (base, head) {
        case (nil, let head?):
            var recorder = ChangeRecorder(head.ref)
            let audiences = head.audiences.map(\.value)
            let issuers = head.accepts.map(\.issuer.value)
            let passthrough = head.downstream.filter { $0.mode.value == .passthrough }.map(\.service.value)
            var parts: [String] = []
            if !audiences.isEmpty { parts.append("accepts \(DiffText.plural(audiences.count, "audience")) \(DiffText.names(audiences))") }
            if !issuers.isEmpty { parts.append("from \(DiffText.names(issuers))") }
            if !passthrough.isEmpty { parts.append("passes callers' tokens through to \(DiffText.names(passthrough))") }
            // A service that accepts issuers widens trust with or without audiences: without them it
            // checks no aud at all, the widest acceptance there is.
            let subjects = head.deployments.flatMap { $0.trust?.subjects ?? [] }
            let widens = !issuers.isEmpty || !passthrough.isEmpty || !head.exceptions.isEmpty || !subjects.isEmpty
            recorder.add(widens ? .widening : .neutral, "entity", "new service" + (parts.isEmpty ? "" : ": " + parts.joined(separator: " ")),
                         before: nil, after: audiences.isEmpty ? "added" : DiffText.names(audiences), at: head.origin.location)
            return recorder.changes
        case (let base?, nil):
            var recorder = ChangeRecorder(base.ref)
            let audiences = base.audiences.map(\.value)
            recorder.add(audiences.isEmpty ? .neutral : .narrowing, "entity",
                         "service removed" + (audiences.isEmpty ? "" : ": no longer accepts \(DiffText.names(audiences))"),
                         before: audiences.isEmpty ? "present" : DiffText.names(audiences), after: nil)
            return recorder.changes
        case (let base?, let head?):
            if base.isSameParse(as: head) { return [] }
            var recorder = ChangeRecorder(head.ref)
            MetadataDiff.changes(base.metadata, head.metadata, into: &recorder, environmentWidens: true)
            audiences(base, head, audienceOwners: audienceOwners, into: &recorder)
            accepts(base, head, policy: basePolicy, issuers: baseIssuers, into: &recorder)
            authorization(base, head, into: &recorder)
            downstream(base, head, into: &recorder)
            deployments(base, head, into: &recorder)
            ExceptionDiff.changes(base.exceptions, head.exceptions, today: today, into: &recorder)
            return recorder.changes
        case (nil, nil):
            return []
        }
    }

    /// Audiences are compared byte for byte, as gateways compare them: a change of normalization form
    /// is a new audience (and the old one no longer accepted), not "no change".
    static func audiences(_ base: Service, _ head: Service, audienceOwners: [ExactString: [String]], into recorder: inout ChangeRecorder) {
        let old = Set(base.audiences.map(\.value))
        let new = Set(head.audiences.map(\.value))
        var seen = Set<ExactString>()
        for audience in head.audiences where !old.contains(audience.value) && seen.insert(audience.value).inserted {
            let others = (audienceOwners[audience.value] ?? []).filter { $0 != head.name }
            let also = others.isEmpty ? "" : " (also accepted by \(DiffText.names(others)))"
            recorder.add(.widening, "audiences", item: audience.value.text, "accepts a new audience \(audience.value)\(also)",
                         before: nil, after: audience.value.text, spans: [audience.location])
        }
        seen = []
        // Removing the last audience of a service that still accepts issuers leaves it checking no aud:
        // every audience passes (audience-missing), which is the opposite of narrowing.
        let emptied = head.audiences.isEmpty && !base.audiences.isEmpty && !head.accepts.isEmpty
        for audience in base.audiences where !new.contains(audience.value) && seen.insert(audience.value).inserted {
            recorder.add(emptied ? .widening : .narrowing, "audiences", item: audience.value.text,
                         emptied ? "no longer lists audience \(audience.value), and lists none: with no audience to check, a token for any audience passes"
                                 : "no longer accepts audience \(audience.value)",
                         before: audience.value.text, after: nil)
        }
    }

    static func accepts(_ base: Service, _ head: Service, policy: Policy, issuers: EntityTable<Issuer>? = nil, into recorder: inout ChangeRecorder) {
        let old = firstByKey(base.accepts) { $0.issuer.value }
        let new = firstByKey(head.accepts) { $0.issuer.value }
        for accepted in head.accepts where old[accepted.issuer.value] == nil && new[accepted.issuer.value]?.location == accepted.location {
            recorder.add(.widening, "accepts", item: accepted.issuer.value, "trusts tokens from issuer \(accepted.issuer.value)",
                         before: nil, after: accepted.issuer.value, spans: [accepted.location])
        }
        for accepted in base.accepts where new[accepted.issuer.value] == nil && old[accepted.issuer.value]?.location == accepted.location {
            recorder.add(.narrowing, "accepts", item: accepted.issuer.value, "no longer trusts tokens from issuer \(accepted.issuer.value)",
                         before: accepted.issuer.value, after: nil)
        }
        for accepted in head.accepts {
            let issuer = accepted.issuer.value
            guard let before = old[issuer], new[issuer]?.location == accepted.location else { continue }
            // What applied before the service set its own list: the issuer's, else the policy's.
            let issuerAlgorithms = issuers?[issuer]?.algorithms.map(\.value) ?? []
            algorithms(before, accepted, policy: policy, applied: issuerAlgorithms.isEmpty ? policy.effectiveAllowedAlgorithms : issuerAlgorithms,
                       into: &recorder)
            lifetime(before, accepted, policy: policy, into: &recorder)
            tokenTypes(before, accepted, into: &recorder)
            requiredClaims(before, accepted, into: &recorder)
        }
    }

    static func algorithms(_ base: AcceptedIssuer, _ head: AcceptedIssuer, policy: Policy, applied: [String]? = nil, into recorder: inout ChangeRecorder) {
        let applied = applied ?? policy.effectiveAllowedAlgorithms
        let issuer = head.issuer.value
        let (from, to) = (base.algorithms?.map(\.value), head.algorithms?.map(\.value))
        let span = DiffText.span(head.algorithms) ?? head.location
        switch (from, to) {
        case (let from?, nil):
            recorder.add(.widening, "accepts.algorithms", item: issuer,
                         "no longer restricts the algorithms of \(issuer)'s tokens (the issuer's and the policy's apply)",
                         before: DiffText.list(from), after: DiffText.notSet, spans: [span])
        case (nil, let to?):
            // Compared with what applied before (the issuer's list, else the policy's): an algorithm it did not allow is new.
            let outside = to.filter { value in !applied.contains { $0.isExactly(value) } }
            if outside.isEmpty {
                recorder.add(.narrowing, "accepts.algorithms", item: issuer, "restricts \(issuer)'s tokens to \(DiffText.names(to))",
                             before: DiffText.notSet, after: DiffText.list(to), spans: [span])
            } else {
                recorder.add(.widening, "accepts.algorithms", item: issuer,
                             "accepts \(DiffText.names(outside)) from \(issuer), which the algorithms that applied before (the issuer's, else the policy's) did not include",
                             before: DiffText.notSet, after: DiffText.list(to), spans: [span])
            }
        case (let from?, let to?):
            let added = DiffText.added(from, to)
            let removed = DiffText.added(to, from)
            if !added.isEmpty {
                recorder.add(.widening, "accepts.algorithms", item: issuer,
                             "accepts \(DiffText.names(added)) from \(issuer)" + (removed.isEmpty ? "" : "; drops \(DiffText.names(removed))"),
                             before: DiffText.list(from), after: DiffText.list(to), spans: [span])
            } else if !removed.isEmpty {
                recorder.add(.narrowing, "accepts.algorithms", item: issuer, "no longer accepts \(DiffText.names(removed)) from \(issuer)",
                             before: DiffText.list(from), after: DiffText.list(to), spans: [span])
            }
        case (nil, nil):
            break
        }
    }

    static func lifetime(_ base: AcceptedIssuer, _ head: AcceptedIssuer, policy: Policy, into recorder: inout ChangeRecorder) {
        let issuer = head.issuer.value
        let (from, to) = (base.maxLifetime?.value, head.maxLifetime?.value)
        guard from != to else { return }
        let span = head.maxLifetime?.location ?? head.location
        switch (from, to) {
        case (let from?, nil):
            recorder.add(.widening, "accepts.maxLifetime", item: issuer,
                         "maxLifetime for \(issuer) removed (the policy's maximum applies)",
                         before: from.description, after: DiffText.notSet, spans: [span])
        case (nil, let to?):
            let applied = policy.effectiveMaxTokenLifetime
            recorder.add(to > applied ? .widening : .narrowing, "accepts.maxLifetime", item: issuer,
                         "maxLifetime for \(issuer) set to \(to)" + (to > applied ? ", longer than the policy's \(applied) that applied" : ""),
                         before: DiffText.notSet, after: to.description, spans: [span])
        case (let from?, let to?):
            recorder.add(to > from ? .widening : .narrowing, "accepts.maxLifetime", item: issuer,
                         "maxLifetime for \(issuer) \(to > from ? "grows" : "shrinks") from \(from) to \(to)",
                         before: from.description, after: to.description, spans: [span])
        case (nil, nil):
            break
        }
    }

    static func tokenTypes(_ base: AcceptedIssuer, _ head: AcceptedIssuer, into recorder: inout ChangeRecorder) {
        let issuer = head.issuer.value
        let from = base.tokenTypes.map { $0.map(\.value) }.flatMap { $0.isEmpty ? nil : $0 }
        let to = head.tokenTypes.map { $0.map(\.value) }.flatMap { $0.isEmpty ? nil : $0 }
        let span = DiffText.span(head.tokenTypes) ?? head.location
        switch (from, to) {
        case (let from?, nil):
            recorder.add(.widening, "accepts.tokenTypes", item: issuer,
                         "tokenTypes dropped for \(issuer): typ is no longer checked, so ID tokens and other JWT kinds pass",
                         before: DiffText.list(from), after: DiffText.notSet, spans: [span])
        case (nil, let to?):
            recorder.add(.narrowing, "accepts.tokenTypes", item: issuer, "requires typ \(DiffText.names(to)) from \(issuer)",
                         before: DiffText.notSet, after: DiffText.list(to), spans: [span])
        case (let from?, let to?):
            let added = DiffText.added(from, to)
            let removed = DiffText.added(to, from)
            if !added.isEmpty {
                recorder.add(.widening, "accepts.tokenTypes", item: issuer, "accepts token type \(DiffText.names(added)) from \(issuer)",
                             before: DiffText.list(from), after: DiffText.list(to), spans: [span])
            } else if !removed.isEmpty {
                recorder.add(.narrowing, "accepts.tokenTypes", item: issuer, "no longer accepts token type \(DiffText.names(removed)) from \(issuer)",
                             before: DiffText.list(from), after: DiffText.list(to), spans: [span])
            }
        case (nil, nil):
            break
        }
    }

    static func requiredClaims(_ base: AcceptedIssuer, _ head: AcceptedIssuer, into recorder: inout ChangeRecorder) {
        let issuer = head.issuer.value
        let from = base.requiredClaims?.map(\.value) ?? []
        let to = head.requiredClaims?.map(\.value) ?? []
        let dropped = DiffText.added(to, from)
        let added = DiffText.added(from, to)
        let span = DiffText.span(head.requiredClaims) ?? head.location
        if !dropped.isEmpty {
            recorder.add(.widening, "accepts.requiredClaims", item: issuer,
                         "no longer requires \(DiffText.names(dropped)) in \(issuer)'s tokens",
                         before: DiffText.list(from), after: to.isEmpty ? DiffText.notSet : DiffText.list(to), spans: [span])
        } else if !added.isEmpty {
            recorder.add(.narrowing, "accepts.requiredClaims", item: issuer, "requires \(DiffText.names(added)) in \(issuer)'s tokens",
                         before: from.isEmpty ? DiffText.notSet : DiffText.list(from), after: DiffText.list(to), spans: [span])
        }
    }

    static func authorization(_ base: Service, _ head: Service, into recorder: inout ChangeRecorder) {
        for (field, from, to, span) in [("scopes", base.scopes.map(\.value), head.scopes.map(\.value), DiffText.span(head.scopes)),
                                        ("roles", base.roles.map(\.value), head.roles.map(\.value), DiffText.span(head.roles))] {
            let added = DiffText.added(from, to)
            let removed = DiffText.added(to, from)
            guard !added.isEmpty || !removed.isEmpty else { continue }
            var parts: [String] = []
            if !added.isEmpty { parts.append("adds \(DiffText.names(added))") }
            if !removed.isEmpty { parts.append("removes \(DiffText.names(removed))") }
            recorder.add(.neutral, field, "\(field): \(parts.joined(separator: "; "))",
                         before: from.isEmpty ? nil : DiffText.list(from), after: to.isEmpty ? nil : DiffText.list(to), spans: [span])
        }
    }

    /// Replaying the caller's token, or exchanging it (acting on the caller's behalf), extends the caller's reach.
    static func modeRank(_ mode: HopMode) -> Int {
        switch mode {
        case .newToken: return 0
        case .tokenExchange: return 1
        case .passthrough: return 2
        }
    }

    static func downstream(_ base: Service, _ head: Service, into recorder: inout ChangeRecorder) {
        let old = widestByTarget(base.downstream)
        let new = widestByTarget(head.downstream)
        for hop in head.downstream where new[hop.service.value]?.location == hop.location {
            let target = hop.service.value
            guard let before = old[target] else {
                switch hop.mode.value {
                case .passthrough:
                    recorder.add(.widening, "downstream", item: target, "new hop to \(target) passes the caller's token through",
                                 before: nil, after: hop.mode.value.rawValue, spans: [hop.location])
                case .tokenExchange:
                    recorder.add(.widening, "downstream", item: target, "new hop to \(target) exchanges callers' tokens (acts on their behalf)",
                                 before: nil, after: hop.mode.value.rawValue, spans: [hop.location])
                case .newToken:
                    recorder.add(.neutral, "downstream", item: target, "new hop to \(target) with the service's own credentials",
                                 before: nil, after: hop.mode.value.rawValue, spans: [hop.location])
                }
                continue
            }
            let (from, to) = (before.mode.value, hop.mode.value)
            if from != to {
                let widens = modeRank(to) > modeRank(from)
                let summary: String
                if to == .passthrough {
                    summary = "hop to \(target) becomes passthrough: the caller's token is replayed instead of \(from == .tokenExchange ? "exchanged" : "a new token")"
                } else if from == .passthrough {
                    summary = "hop to \(target) no longer passes the caller's token through (\(to.rawValue))"
                } else {
                    summary = "hop to \(target) switches from \(from.rawValue) to \(to.rawValue)"
                }
                recorder.add(widens ? .widening : .narrowing, "downstream.mode", item: target, summary,
                             before: from.rawValue, after: to.rawValue, spans: [hop.location])
            }
            if DiffText.differ(before.description, hop.description) {
                recorder.add(.neutral, "downstream.description", item: target, "hop to \(target): description changes",
                             before: before.description, after: hop.description, spans: [hop.location])
            }
        }
        for hop in base.downstream where new[hop.service.value] == nil && old[hop.service.value]?.location == hop.location {
            let kind: TrustChangeKind = hop.mode.value == .newToken ? .neutral : .narrowing
            recorder.add(kind, "downstream", item: hop.service.value, "hop to \(hop.service.value) removed",
                         before: hop.mode.value.rawValue, after: nil)
        }
    }

    /// Per target, the hop that gives it the most (the export forwards the caller's token when any hop to
    /// a target passes it through): a second hop to one target is compared, not hidden behind the first.
    static func widestByTarget(_ hops: [DownstreamHop]) -> [String: DownstreamHop] {
        var result: [String: DownstreamHop] = [:]
        for hop in hops {
            if let kept = result[hop.service.value], modeRank(kept.mode.value) >= modeRank(hop.mode.value) { continue }
            result[hop.service.value] = hop
        }
        return result
    }

    /// `kind source (provider)`: how a deployment is named in changes, and what tells two apart.
    static func label(_ deployment: Deployment) -> String {
        "\(deployment.kind.value.rawValue) \(deployment.source.value)" + (deployment.provider.map { " (\($0.value))" } ?? "")
    }

    static func deployments(_ base: Service, _ head: Service, into recorder: inout ChangeRecorder) {
        let (from, to) = (base.deployments.map(label), head.deployments.map(label))
        if DiffText.differ(from, to) {
            recorder.add(.neutral, "deployments", "deployments change", before: from.isEmpty ? nil : DiffText.list(from),
                         after: to.isEmpty ? nil : DiffText.list(to), spans: [DiffText.span(head.deployments.map { Located($0.kind.value.rawValue, at: $0.location) })])
        }
        trustSubjects(base, head, into: &recorder)
    }

    /// A federation trust's subjects, per deployment kind (the AWS role, the Vault role): a subject added
    /// admits another workload, which is widening; one removed is narrowing. Byte for byte.
    static func trustSubjects(_ base: Service, _ head: Service, into recorder: inout ChangeRecorder) {
        // Per deployment (kind, source, provider), as drift compares them: a subject moved from the dev
        // role to the production role admits it where it was not admitted.
        func byDeployment(_ service: Service) -> [ExactString: [Located<ExactString>]] {
            var result: [ExactString: [Located<ExactString>]] = [:]
            for deployment in service.deployments {
                result[ExactString(label(deployment)), default: []] += deployment.trust?.subjects ?? []
            }
            return result
        }
        let (old, new) = (byDeployment(base), byDeployment(head))
        for key in Set(old.keys).union(new.keys).sorted() {
            let kind = key.text
            let before = Set((old[key] ?? []).map(\.value)), after = Set((new[key] ?? []).map(\.value))
            var seen = Set<ExactString>()
            for subject in new[key] ?? [] where !before.contains(subject.value) && seen.insert(subject.value).inserted {
                recorder.add(.widening, "trust.subjects", item: subject.value.text, "\(kind) trust admits a new subject \(subject.value)",
                             before: nil, after: subject.value.text, spans: [subject.location])
            }
            seen = []
            for subject in old[key] ?? [] where !after.contains(subject.value) && seen.insert(subject.value).inserted {
                recorder.add(.narrowing, "trust.subjects", item: subject.value.text, "\(kind) trust no longer admits subject \(subject.value)",
                             before: subject.value.text, after: nil)
            }
        }
    }
}

enum IssuerDiff {
    /// `acceptedBy`: the head services that accept the issuer by name (still, when it was removed).
    static func changes(base: Issuer?, head: Issuer?, acceptedBy: [String] = [], basePolicy: Policy = Policy(), headPolicy: Policy = Policy(),
                        today: Day? = nil) -> [TrustChange] {
        switch (base, head) {
        case (nil, let head?):
            var recorder = ChangeRecorder(head.ref)
            // A new issuer some service already accepts by name is trusted at once: removing an issuer in
            // one change and adding it back with another iss and keys in the next replaces who signs.
            if acceptedBy.isEmpty {
                recorder.add(.neutral, "entity", "new issuer \(head.issuer?.value.text ?? "")" + " (no service trusts it until one accepts it)",
                             before: nil, after: head.issuer?.value.text ?? "added", at: head.origin.location)
            } else {
                recorder.add(.widening, "entity", "new issuer \(head.issuer?.value.text ?? ""), trusted at once by \(DiffText.names(acceptedBy))",
                             before: nil, after: head.issuer?.value.text ?? "added", at: head.origin.location)
            }
            return recorder.changes
        case (let base?, nil):
            var recorder = ChangeRecorder(base.ref)
            if acceptedBy.isEmpty {
                recorder.add(.neutral, "entity", "issuer removed", before: base.issuer?.value.text ?? "present", after: nil)
            } else {
                // Not neutral: those services stop accepting its tokens, and their accepts name nothing
                // until an Issuer takes the name again (which the next change reports as widening).
                recorder.add(.narrowing, "entity", "issuer removed while \(DiffText.names(acceptedBy)) still accept it by name: they accept none of its tokens, and the next Issuer given that name is trusted at once",
                             before: base.issuer?.value.text ?? "present", after: nil)
            }
            return recorder.changes
        case (let base?, let head?):
            var recorder = ChangeRecorder(head.ref)
            MetadataDiff.changes(base.metadata, head.metadata, into: &recorder, environmentWidens: true)
            if base.issuer?.value != head.issuer?.value {
                recorder.add(.widening, "issuer", "iss changes: services that trust \(head.name) accept tokens from another issuer",
                             before: base.issuer?.value.text, after: head.issuer?.value.text, spans: [head.issuer?.location])
            }
            // Byte for byte: `/t/\u{E9}/jwks` and `/t/e\u{301}/jwks` are two resources.
            if !ExactText.equal(base.jwksUri?.value, head.jwksUri?.value) {
                recorder.add(.widening, "jwksUri", "keys come from another JWKS",
                             before: base.jwksUri?.value, after: head.jwksUri?.value, spans: [head.jwksUri?.location])
            }
            if !ExactText.equal(base.discoveryUrl?.value, head.discoveryUrl?.value) {
                // The discovery document names the issuer's metadata, and its keys when there is no
                // jwksUri; Kong configs are matched against it.
                recorder.add(.widening, "discoveryUrl", "metadata\(head.jwksUri == nil ? " and keys" : "") come from another discovery document",
                             before: base.discoveryUrl?.value, after: head.discoveryUrl?.value, spans: [head.discoveryUrl?.location])
            }
            // An empty list means the policy's: compared as what is accepted on each side.
            let from = base.algorithms.isEmpty ? basePolicy.effectiveAllowedAlgorithms : base.algorithms.map(\.value)
            let to = head.algorithms.isEmpty ? headPolicy.effectiveAllowedAlgorithms : head.algorithms.map(\.value)
            let added = DiffText.added(from, to)
            let removed = DiffText.added(to, from)
            if !added.isEmpty {
                recorder.add(.widening, "algorithms", "signs with \(DiffText.names(added))", before: DiffText.list(from),
                             after: DiffText.list(to), spans: [DiffText.span(head.algorithms)])
            } else if !removed.isEmpty {
                recorder.add(.narrowing, "algorithms", "no longer signs with \(DiffText.names(removed))", before: DiffText.list(from),
                             after: DiffText.list(to), spans: [DiffText.span(head.algorithms)])
            }
            ExceptionDiff.changes(base.exceptions, head.exceptions, today: today, into: &recorder)
            return recorder.changes
        case (nil, nil):
            return []
        }
    }
}

enum TeamDiff {
    static func changes(base: Team?, head: Team?) -> [TrustChange] {
        switch (base, head) {
        case (nil, let head?):
            var recorder = ChangeRecorder(head.ref)
            recorder.add(.neutral, "entity", "new team", before: nil, after: head.metadata.title?.value ?? head.name, at: head.origin.location)
            return recorder.changes
        case (let base?, nil):
            var recorder = ChangeRecorder(base.ref)
            recorder.add(.neutral, "entity", "team removed", before: base.metadata.title?.value ?? base.name, after: nil)
            return recorder.changes
        case (let base?, let head?):
            var recorder = ChangeRecorder(head.ref)
            MetadataDiff.changes(base.metadata, head.metadata, into: &recorder, environmentWidens: false)
            if DiffText.differ(base.contact?.value, head.contact?.value) {
                recorder.add(.neutral, "contact", "contact changes", before: base.contact?.value, after: head.contact?.value,
                             spans: [head.contact?.location])
            }
            return recorder.changes
        case (nil, nil):
            return []
        }
    }
}

enum PolicyDiff {
    static func changes(base: Policy?, head: Policy?, catalog: RuleCatalog) -> [TrustChange] {
        let old = base ?? Policy()
        let new = head ?? Policy()
        let name = new.metadata?.name.value ?? old.metadata?.name.value ?? "default"
        var recorder = ChangeRecorder(EntityRef(.policy, name))
        if let from = old.metadata, let to = new.metadata {
            MetadataDiff.changes(from, to, into: &recorder, environmentWidens: false)
        }
        let (fromLifetime, toLifetime) = (old.effectiveMaxTokenLifetime, new.effectiveMaxTokenLifetime)
        if fromLifetime != toLifetime {
            recorder.add(toLifetime > fromLifetime ? .widening : .narrowing, "maxTokenLifetime",
                         "the longest token lifetime any service may accept \(toLifetime > fromLifetime ? "grows" : "shrinks")",
                         before: fromLifetime.description, after: toLifetime.description, spans: [new.maxTokenLifetime?.location])
        }
        let (fromAlgorithms, toAlgorithms) = (old.effectiveAllowedAlgorithms, new.effectiveAllowedAlgorithms)
        let addedAlgorithms = DiffText.added(fromAlgorithms, toAlgorithms)
        let removedAlgorithms = DiffText.added(toAlgorithms, fromAlgorithms)
        if !addedAlgorithms.isEmpty || !removedAlgorithms.isEmpty {
            recorder.add(addedAlgorithms.isEmpty ? .narrowing : .widening, "allowedAlgorithms",
                         addedAlgorithms.isEmpty ? "disallows \(DiffText.names(removedAlgorithms))" : "allows \(DiffText.names(addedAlgorithms))",
                         before: DiffText.list(fromAlgorithms), after: DiffText.list(toAlgorithms), spans: [DiffText.span(new.allowedAlgorithms)])
        }
        for (field, from, to, location) in [
            ("maxAudiencesPerService", old.effectiveMaxAudiencesPerService, new.effectiveMaxAudiencesPerService, new.maxAudiencesPerService?.location),
            ("maxExceptionDays", old.effectiveMaxExceptionDays, new.effectiveMaxExceptionDays, new.maxExceptionDays?.location),
        ] where from != to {
            recorder.add(to > from ? .widening : .narrowing, field, "\(field) \(to > from ? "grows" : "shrinks")",
                         before: String(from), after: String(to), spans: [location])
        }
        let removedGeneric = DiffText.added(new.genericAudiences, old.genericAudiences)
        let addedGeneric = DiffText.added(old.genericAudiences, new.genericAudiences)
        if !removedGeneric.isEmpty || !addedGeneric.isEmpty {
            recorder.add(removedGeneric.isEmpty ? .narrowing : .widening, "genericAudiences",
                         removedGeneric.isEmpty ? "flags \(DiffText.names(addedGeneric)) as generic audiences" : "no longer flags \(DiffText.names(removedGeneric)) as generic",
                         before: DiffText.list(old.genericAudiences), after: DiffText.list(new.genericAudiences))
        }
        let rules = Set(old.severityOverrides.keys).union(new.severityOverrides.keys).sorted()
        for rule in rules {
            let defaultSeverity = catalog.rule(id: rule)?.defaultSeverity.rawValue ?? "error"
            let from = old.severityOverrides[rule]?.value ?? defaultSeverity
            let to = new.severityOverrides[rule]?.value ?? defaultSeverity
            guard DiffText.differ(from, to) else { continue }
            let relaxed = severityRank(to) < severityRank(from)
            recorder.add(relaxed ? .widening : .narrowing, "severity", item: rule,
                         "rule \(rule) \(relaxed ? "relaxed" : "tightened") from \(from) to \(to)",
                         before: from, after: to, spans: [new.severityOverrides[rule]?.location])
        }
        return recorder.changes
    }

    static func severityRank(_ text: String) -> Int {
        switch text {
        case "error": return 3
        case "warning": return 2
        case "note": return 1
        default: return 0 // off
        }
    }
}
