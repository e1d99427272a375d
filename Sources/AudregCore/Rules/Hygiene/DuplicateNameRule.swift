/// Names are how entities refer to each other; two definitions of one name make every reference ambiguous.
public struct DuplicateNameRule: Rule {
    public static let description = RuleDescription(
        id: "duplicate-name",
        name: "Duplicate name",
        defaultSeverity: .error,
        summary: "The same name is defined twice for one kind, or a service lists one issuer twice under accepts.",
        rationale: """
            Owners, issuers and hops refer to entities by name, and the site and exports use names as page and \
            file names. A second definition under the same name would silently shadow or merge with the first, \
            so audreg keeps the first and reports both. An exception cannot suppress this finding: exceptions \
            are found by name, so a second definition could carry the exception that hides it, and exports \
            refuse a registry that defines a name twice whatever --fail-on says. An issuer listed twice under one service's accepts, with \
            different lifetimes or algorithms, leaves which settings apply to the exporter, the gateway and the reader.
            """,
        remediation: "Rename one of the two entities, or merge them into one document.",
        references: [],
        controls: ["GOVERN 1.6", "PR.AA-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                ↓kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                ↓kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders-v2.api.example.com]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts:
                    - {issuer: corp-idp, maxLifetime: 15m}
                    - ↓{issuer: corp-idp, maxLifetime: 1h}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders}
                spec: {audiences: [https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Team
                metadata: {name: orders, description: The same name under another kind is fine.}
                """),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings = repeatedIssuers(context.registry.services)
        // The index already found the repeated names while it was built, so only their entities are
        // gathered here, in registry order (services, issuers, teams, policies).
        let registry = context.registry
        let index = context.index
        var byRef: [EntityRef: [EntityOrigin]] = [:]
        var order: [EntityRef] = []
        func gather(_ ref: EntityRef, _ origin: EntityOrigin) {
            if byRef[ref] == nil { order.append(ref) }
            byRef[ref, default: []].append(origin)
        }
        func gather<Entity>(_ entities: [Entity], repeated: Set<ExactString>, _ entry: (Entity) -> (ref: EntityRef, origin: EntityOrigin)) {
            guard !repeated.isEmpty else { return }
            for entity in entities {
                let (ref, origin) = entry(entity)
                if repeated.contains(ExactString(ref.name)) { gather(ref, origin) }
            }
        }
        gather(registry.services, repeated: index.services.repeatedNames) { ($0.ref, $0.origin) }
        gather(registry.issuers, repeated: index.issuers.repeatedNames) { ($0.ref, $0.origin) }
        gather(registry.teams, repeated: index.teams.repeatedNames) { ($0.ref, $0.origin) }
        // Policies are few and not in the index.
        let policies = registry.policies.compactMap { policy -> (ref: EntityRef, origin: EntityOrigin)? in
            guard let metadata = policy.metadata, let origin = policy.origin else { return nil }
            return (EntityRef(.policy, metadata.name.value), origin)
        }
        let repeatedPolicies = policies.lazy.map(\.ref).repeatedValues()
        for policy in policies where repeatedPolicies.contains(policy.ref) { gather(policy.ref, policy.origin) }
        guard !order.isEmpty else { return findings }
        for ref in order {
            guard let origins = byRef[ref], origins.count > 1 else { continue }
            for (index, origin) in origins.enumerated() {
                let others = Array(origins.enumerated().lazy.filter { $0.offset != index }.prefix(RelatedLimit.locations).map(\.element))
                let role = index == 0 ? "is defined again" : "repeats an earlier definition"
                let places = RelatedLimit.list(others.map(\.location.description))
                let more = origins.count - 1 > others.count ? " and \(origins.count - 1 - others.count) more" : ""
                findings.append(finding("\(ref) \(role) at \(places)\(more); names must be unique per kind",
                                        at: origin.location, entity: ref,
                                        related: others.map { RelatedLocation($0.location, entity: ref, message: "other definition") }))
            }
        }
        return findings
    }

    /// Each repeat of an issuer in one service's accepts, at the repeat, with the first as related.
    private func repeatedIssuers(_ services: [Service]) -> [Finding] {
        var findings: [Finding] = []
        for service in services where service.accepts.count > 1 {
            var first: [ExactString: AcceptedIssuer] = [:]
            for accepted in service.accepts {
                let key = ExactString(accepted.issuer.value)
                guard let earlier = first[key] else { first[key] = accepted; continue }
                findings.append(finding("service '\(service.name)' lists issuer '\(accepted.issuer.value)' under accepts again (first at line \(earlier.location.line), column \(earlier.location.column)); keep one entry with the settings it needs",
                                        at: accepted.location, entity: service.ref,
                                        related: [RelatedLocation(earlier.location, entity: service.ref, message: "first entry")]))
            }
        }
        return findings
    }
}
