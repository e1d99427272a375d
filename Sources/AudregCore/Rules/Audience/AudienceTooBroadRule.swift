/// Generic audiences name a population of services rather than one resource.
public struct AudienceTooBroadRule: Rule {
    public static let description = RuleDescription(
        id: "audience-too-broad",
        name: "Audience too broad",
        defaultSeverity: .warning,
        flagsAudienceValue: true, appliesWhen: .audiences,
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
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: A trust domain and a generic App ID URI.}
                spec: {audiences: [↓"spiffe://prod.example.org", ↓"api://internal"]}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com, "urn:example:orders-api", orders-api]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: invoices-api, description: An App ID URI and a SPIFFE ID name one application each.}
                spec: {audiences: ["api://invoices-api", "spiffe://prod.example.org/ns/billing/sa/invoices-api"]}
                """),
        ])

    public init() {}

    static let genericWords: Set<String> = [
        "api", "apis", "internal", "default", "all", "any", "everyone", "services", "service", "backend",
        "backends", "microservices", "public", "private", "gateway", "web", "app", "apps", "resource",
        "resources", "server", "servers", "audience", "aud", "*",
    ]

    /// Why an audience names no single resource, or nil when it does. Works on UTF-8 bytes and lower-cases
    /// only the parts it compares, since the rule looks at every audience of the registry.
    static func reason(for audience: String, url: URLParts?, generic: Set<String>, longestGeneric: Int) -> String? {
        // Lower-casing leaves an ASCII string's length alone, so an ASCII audience longer than every
        // generic word cannot be one.
        let isASCII = audience.utf8.allSatisfy { $0 < 0x80 }
        if !isASCII || audience.utf8.count <= longestGeneric, generic.contains(audience.lowercased()) {
            return "'\(audience)' is a generic word"
        }
        if let url {
            let labels = Self.runs(of: url.host, between: UInt8(ascii: "."))
            let segments = Self.runs(of: url.path, between: UInt8(ascii: "/"))
            switch url.scheme.lowercased() {
            case "http", "https":
                if segments.count == 0, labels.count <= 2, url.host.utf8.first != UInt8(ascii: "["), !url.isLoopback {
                    return "'\(audience)' is a bare organization domain"
                }
                if segments.count == 0, let first = labels.first.map({ $0.lowercased() }), labels.count > 1, generic.contains(first) {
                    return "its host begins with the generic label '\(first)'"
                }
            case "spiffe":
                // A SPIFFE ID without a path is the trust domain itself: every workload in it.
                if segments.count == 0 {
                    return "'\(audience)' names a whole SPIFFE trust domain, not one workload"
                }
            default:
                // `api://name` (an App ID URI) and other schemes name an application by their host, whatever
                // its number of labels: only a generic host is too broad.
                if segments.count == 0, generic.contains(url.host.lowercased()) {
                    return "it names the generic application '\(url.host)'"
                }
            }
            if let last = segments.last, segments.count == 1, labels.count <= 2, generic.contains(last.lowercased()) {
                return "its only path segment is the generic word '\(last)'"
            }
            return nil
        }
        let lowered = audience.lowercased()
        if lowered.hasPrefix("urn:"), let last = Self.runs(of: lowered, between: UInt8(ascii: ":")).last, generic.contains(String(last)) {
            return "it ends in the generic word '\(last)'"
        }
        return nil
    }

    /// The non-empty runs of `text` between `separator` bytes, as `split(separator:)` gives them: how
    /// many, the first and the last, without making an array of them.
    static func runs(of text: String, between separator: UInt8) -> (count: Int, first: Substring?, last: Substring?) {
        let bytes = text.utf8
        var count = 0
        var first: Range<String.Index>?
        var last: Range<String.Index>?
        var start: String.Index?
        var position = bytes.startIndex
        while position < bytes.endIndex {
            if bytes[position] == separator {
                if let runStart = start {
                    count += 1
                    first = first ?? runStart..<position
                    last = runStart..<position
                    start = nil
                }
            } else if start == nil {
                start = position
            }
            position = bytes.index(after: position)
        }
        if let runStart = start {
            count += 1
            first = first ?? runStart..<bytes.endIndex
            last = runStart..<bytes.endIndex
        }
        return (count, first.map { text[$0] }, last.map { text[$0] })
    }

    public func check(_ context: RuleContext) -> [Finding] {
        let generic = Self.genericWords.union(context.policy.genericAudiences.map { $0.lowercased() })
        let longestGeneric = generic.map(\.utf8.count).max() ?? 0
        return context.audiences.compactMap { use in
            guard let reason = Self.reason(for: use.text, url: use.url, generic: generic, longestGeneric: longestGeneric) else { return nil }
            return finding("audience '\(use.value)' of service '\(use.name)' names no single resource: \(reason)",
                           at: use.location, entity: use.ref)
        }
    }
}
