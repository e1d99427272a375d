/// Keys and metadata fetched over plain http can be replaced by anyone on the path.
public struct InsecureEndpointRule: Rule {
    public static let description = RuleDescription(
        id: "insecure-endpoint",
        name: "Insecure issuer endpoint",
        defaultSeverity: .error,
        summary: "An issuer, discovery or JWKS URL is not https (loopback excepted), is not a URL audreg can read, names no network host (a unix: socket, a placeholder), or has a query or fragment where the standard forbids it.",
        rationale: """
            Whoever can change the JWKS a service downloads can mint tokens it accepts, so keys and metadata \
            must come over TLS. The issuer identifier must be an https URL without query or fragment, or \
            discovery cannot be checked against it.
            """,
        remediation: "Use https URLs that name a network host (a DNS name or an IP address, not a unix: socket or a placeholder); drop the query and fragment from the issuer identifier and the fragment from discovery and JWKS URLs.",
        references: ["RFC 8414 §2", "OpenID Connect Discovery 1.0 §3", "RFC 8725 §3.8"],
        controls: ["NHI6:2025", "PR.AA-04", "PR.AA-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: ↓https://idp.example.com?realm=corp
                  discoveryUrl: ↓http://idp.example.com/.well-known/openid-configuration
                  jwksUri: ↓https://idp.example.com/keys#current
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: ↓"http://idp.example.com:${PORT}"
                  jwksUri: ↓"https://unix:/run/idp.sock:/keys"
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  discoveryUrl: https://idp.example.com/.well-known/openid-configuration
                  jwksUri: https://idp.example.com/keys?version=2
                ---
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: dev-idp, description: A local test issuer on loopback.}
                spec: {issuer: http://127.0.0.1:8080, jwksUri: http://localhost:8080/keys}
                """),
        ])

    public init() {}

    static func problem(with text: String, field: String, allowQuery: Bool) -> String? {
        guard let url = URLParts(text) else {
            // A discovery or JWKS URL is always fetched, and an issuer that starts like one is too: one
            // audreg cannot read (`http:/idp`, a `${PORT}` placeholder) is not passed as secure.
            let lowered = ASCII.lowercased(text)
            guard field != "issuer" || lowered.hasBytePrefix("http:") || lowered.hasBytePrefix("https:") else { return nil }
            return "\(field) '\(text)' is not a URL audreg can read (scheme://host[:port]/path, the port in digits), so whether it is fetched over https was not checked"
        }
        // An issuer identifier need not be a URL (StringOrURI); only an http(s) one is fetched from.
        if field == "issuer", !["http", "https"].contains(url.scheme.lowercased()) { return nil }
        // Every URL checked from here on is fetched: one that names a Unix socket (`https://unix:/run/x.sock:/keys`,
        // which nginx's proxy_pass connects to on the gateway host) or no host that can be looked up is
        // no endpoint whose TLS could be checked.
        if let problem = URLParts.networkHostProblem(text) { return "\(field) '\(text)' \(problem)" }
        if url.scheme.lowercased() != "https" && !url.isLoopback {
            return "\(field) '\(text)' uses \(url.scheme), not https"
        }
        if !allowQuery, url.query != nil { return "\(field) '\(text)' has a query, which an issuer identifier must not have" }
        if url.fragment != nil { return "\(field) '\(text)' has a fragment, which the standard forbids" }
        return nil
    }

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for issuer in context.registry.issuers {
            let fields: [(Located<String>?, String, Bool)] = [
                (issuer.issuer.map { Located($0.value.text, at: $0.location) }, "issuer", false), (issuer.discoveryUrl, "discoveryUrl", true), (issuer.jwksUri, "jwksUri", true),
            ]
            for (value, field, allowQuery) in fields {
                guard let value, let problem = Self.problem(with: value.value, field: field, allowQuery: allowQuery) else { continue }
                findings.append(finding("issuer '\(issuer.name)': \(problem)", at: value.location, entity: issuer.ref))
            }
        }
        return findings
    }
}
