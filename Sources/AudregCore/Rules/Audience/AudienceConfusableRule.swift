/// Audiences that are different strings but look the same, or that lenient libraries treat as equal.
public struct AudienceConfusableRule: Rule {
    public static let description = RuleDescription(
        id: "audience-confusable",
        name: "Confusable audiences",
        defaultSeverity: .error,
        flagsAudienceValue: true, appliesWhen: .audiences,
        summary: "Audiences of different services differ only by letter case, a trailing slash, a default or zero-padded port, user info, an empty query or fragment, a trailing dot in the host, punycode, percent-encoding, dot segments, Unicode normalization, look-alike characters, or an http:// or https:// prefix.",
        rationale: """
            The standard compares audiences as exact strings, but some libraries do not (.NET ignores a trailing \
            slash by default, and Envoy drops an http:// or https:// prefix and a trailing slash before it compares) and reviewers cannot see a Cyrillic 'о' in place of a Latin 'o'. Near-identical \
            audiences either collide in a lenient consumer or hide a deliberate look-alike in review.
            """,
        remediation: "Rename one of the audiences so that the two differ in a way people and libraries both notice, and use one canonical spelling (lower-case host, no trailing slash, no default port).",
        references: ["RFC 7519 §2", "RFC 8414 §4", "Unicode UTS #39 §4"],
        controls: ["NHI6:2025", "NHI9:2025", "PR.AA-04", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-shadow}
                spec: {audiences: [↓https://orders.api.example.com/]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-bare}
                spec: {audiences: [↓orders.api.example.com]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: lookalike}
                spec: {audiences: [↓https://оrders.api.example.com]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://Orders.API.example.com:443/v1/../]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: other}
                spec: {audiences: [↓https://orders.api.example.com]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: bucher-api}
                spec: {audiences: [↓"https://b\\u00FCcher.example.com"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: bucher-shadow, description: The same text in decomposed form (NFD).}
                spec: {audiences: [↓"https://bu\\u0308cher.example.com"]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://orders.example.com/Api]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-shadow, description: "%41 is an unreserved A (RFC 3986 §2.3)."}
                spec: {audiences: [↓https://orders.example.com/%41pi]}
                """),
            // URL syntax that names the same host and port: user info, a zero-padded or empty port, an
            // empty fragment or query, the DNS root's trailing dot.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shadow-userinfo}
                spec: {audiences: [↓"https://svc@orders.api.example.com"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shadow-port}
                spec: {audiences: [↓"https://orders.api.example.com:0443"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shadow-empty-port}
                spec: {audiences: [↓"https://orders.api.example.com:"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shadow-fragment}
                spec: {audiences: [↓"https://orders.api.example.com#"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shadow-root-dot}
                spec: {audiences: [↓"https://orders.api.example.com."]}
                """),
            // The punycode of a host, and a look-alike of a URL delimiter (U+2010 HYPHEN).
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: bucher-api}
                spec: {audiences: [↓"https://b\\u00FCcher.example.com"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: bucher-idna}
                spec: {audiences: [↓"https://xn--bcher-kva.example.com"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓"https://orders-api.example.com"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-hyphen}
                spec: {audiences: [↓"https://orders\\u2010api.example.com"]}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-worker}
                spec: {audiences: [https://orders-worker.api.example.com]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: One service may list variants of its own audience.}
                spec: {audiences: [https://orders.api.example.com, https://orders.api.example.com/]}
                """),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        let keys = context.audiences.map { AudienceForms.confusableKey($0.text) }
        let repeated = keys.repeatedValues()
        guard !repeated.isEmpty else { return [] }
        var groups: [ExactString: [AudienceUse]] = [:]
        var order: [ExactString] = []
        for (entry, key) in zip(context.audiences, keys) where repeated.contains(key) {
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry)
        }
        var findings: [Finding] = []
        for key in order {
            guard let entries = groups[key], Set(entries.map(\.audience.value)).count > 1,
                  Set(entries.map(\.name)).count > 1 else { continue }
            // Entries grouped by exact spelling; each spelling's "others" are computed once and capped,
            // so a group of thousands costs thousands, not millions.
            var bySpelling: [ExactString: [AudienceUse]] = [:]
            for entry in entries { bySpelling[entry.audience.value, default: []].append(entry) }
            let spellings = bySpelling.keys.sorted()
            // Each spelling's first few by service name, sorted once: sorting a large bucket again for
            // every other spelling would cost spellings × bucket.
            var firstBySpelling: [ExactString: ArraySlice<AudienceUse>] = [:]
            for (spelling, uses) in bySpelling {
                firstBySpelling[spelling] = uses.sorted { ExactText.precedes($0.name, $1.name) }.prefix(RelatedLimit.locations + 1)
            }
            var othersBySpelling: [ExactString: [AudienceUse]] = [:]
            for spelling in spellings {
                var others: [AudienceUse] = []
                for other in spellings where other != spelling {
                    others.append(contentsOf: firstBySpelling[other]!)
                    if others.count > RelatedLimit.locations { break }
                }
                othersBySpelling[spelling] = others
            }
            for entry in entries {
                // Exact duplicates are audience-collision's finding; here only different spellings count.
                let others = (othersBySpelling[entry.audience.value] ?? []).capped { $0.name == entry.name }
                guard let first = others.first else { continue }
                let how = AudienceForms.differences(between: entry.text, and: first.text).map(\.rawValue)
                let description = how.isEmpty ? "spelling" : how.joined(separator: ", ")
                findings.append(finding(
                    "audience '\(entry.audience.value)' of service '\(entry.name)' differs from '\(first.audience.value)' of service '\(first.name)' only by \(description)",
                    at: entry.audience.location, entity: entry.ref,
                    related: others.map { RelatedLocation($0.audience.location, entity: $0.ref, message: "confusable audience '\($0.audience.value)'") }))
            }
        }
        return findings
    }
}
