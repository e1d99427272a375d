/// Generic audiences name a population of services rather than one resource.
public struct AudienceTooBroadRule: Rule {
    public static let description = RuleDescription(
        id: "audience-too-broad",
        name: "Audience too broad",
        defaultSeverity: .warning,
        summary: "An audience is generic (api, internal, default, all, services, a bare organization domain) and names no single resource.",
        rationale: """
            An audience like `internal` or `https://example.com` describes many services at once. Sooner or later \
            a second service accepts it too, and tokens meant for one reach all of them. An audience should name \
            exactly one resource.
            """,
        remediation: "Replace the generic audience with one that names this service, such as https://orders.api.example.com.",
        references: ["RFC 8707 §3", "RFC 9068 §3"],
        controls: ["NHI5:2025", "NHI6:2025", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓internal]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://example.com, ↓"urn:example:services"]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Policy
                metadata: {name: default}
                spec: {genericAudiences: [platform]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://platform.example.com]}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com, "urn:example:orders-api", orders-api]}
                """),
        ])

    public init() {}

    static let genericWords: Set<String> = [
        "api", "apis", "internal", "default", "all", "any", "everyone", "services", "service", "backend",
        "backends", "microservices", "public", "private", "gateway", "web", "app", "apps", "resource",
        "resources", "server", "servers", "audience", "aud", "*",
    ]

    /// Why an audience names no single resource, or nil when it does.
    static func reason(for audience: String, url: URLParts?, generic: Set<String>) -> String? {
        let lowered = audience.lowercased()
        if generic.contains(lowered) { return "'\(audience)' is a generic word" }
        if let url {
            let labels = url.host.lowercased().split(separator: ".").map(String.init)
            let segments = url.path.split(separator: "/").map(String.init)
            if segments.isEmpty, labels.count <= 2, !url.host.hasPrefix("["), !url.isLoopback {
                return "'\(audience)' is a bare organization domain"
            }
            if segments.isEmpty, let first = labels.first, labels.count > 1, generic.contains(first) {
                return "its host begins with the generic label '\(first)'"
            }
            if let last = segments.last, generic.contains(last.lowercased()), segments.count == 1, labels.count <= 2 {
                return "its only path segment is the generic word '\(last)'"
            }
            return nil
        }
        if lowered.hasPrefix("urn:"), let last = lowered.split(separator: ":").last, generic.contains(String(last)) {
            return "it ends in the generic word '\(last)'"
        }
        return nil
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let generic = Self.genericWords.union(context.policy.genericAudiences.map { $0.lowercased() })
        return context.audiences.compactMap { use in
            guard let reason = Self.reason(for: use.value, url: use.url, generic: generic) else { return nil }
            return finding("audience '\(use.value)' of service '\(use.name)' names no single resource: \(reason)",
                           at: use.location, entity: use.ref)
        }
    }
}
