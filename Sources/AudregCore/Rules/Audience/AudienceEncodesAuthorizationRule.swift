/// Question 3 (what may the caller do) leaking into question 2 (is the token for me).
public struct AudienceEncodesAuthorizationRule: Rule {
    public static let description = RuleDescription(
        id: "audience-encodes-authorization",
        name: "Audience encodes authorization",
        defaultSeverity: .warning,
        flagsAudienceValue: true, appliesWhen: .audiences,
        summary: "An audience carries a role, scope, permission, privilege or tenant.",
        rationale: """
            `aud` says which service a token is for, not what the caller may do there. Audiences such as \
            `…/admin`, `orders:write` or `tenant-4711` multiply audiences per service, blur the recipient check, \
            and move authorization decisions into a claim that consumers only compare for equality.
            """,
        remediation: "Keep one audience per service and carry roles, scopes and tenants in their own claims (`scope`, `roles`, a tenant claim), checked by the service's authorization policy.",
        references: ["RFC 9068 §2.2.3", "RFC 8707 §2", "RFC 8693 §2.1"],
        controls: ["NHI5:2025", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences:
                    - ↓https://orders.api.example.com/admin
                    - ↓orders:write
                    - ↓https://orders.api.example.com?tenant=4711
                    - ↓tenant-4711
                    - ↓"https://orders.api.example.com#admin"
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com, "urn:example:orders", https://api.example.com/readings]
                  authorization: {scopes: [orders.read, orders.write], roles: [admin]}
                """),
        ])

    public init() {}

    static let authorizationWords: Set<String> = [
        "admin", "admins", "administrator", "root", "superuser", "su", "sudo", "owner", "owners", "editor", "viewer",
        "read", "write", "readonly", "readwrite", "rw", "ro", "delete", "manage", "full", "fullaccess",
        "role", "roles", "scope", "scopes", "permission", "permissions", "perm", "perms", "privilege", "privileges",
        "privileged", "tenant", "tenants", "tenantid", "tid", "org", "orgid", "customer", "customerid", "entitlement",
        "entitlements", "grant", "grants",
    ]

    static func reason(for audience: String, url: URLParts?) -> String? {
        let text: Substring
        if let url {
            if let query = url.query { return "it has a query ('?\(query)'), which carries parameters rather than naming a resource" }
            // A fragment names no resource a request reaches: in an audience it only labels the token.
            if let fragment = url.fragment { return "it has a fragment ('#\(fragment)'), which names no resource and only labels the token" }
            text = Substring(url.path)
        } else {
            text = Substring(audience)
            // `orders:write`, `api:admin`: scope-like pairs outside URIs.
            if !audience.lowercased().hasPrefix("urn:"), let colon = audience.lastIndex(of: ":") {
                let action = audience[audience.index(after: colon)...].lowercased()
                if authorizationWords.contains(action) { return "it ends in the scope-like ':\(action)'" }
            }
        }
        let tokens = text.lowercased().split(whereSeparator: { "/:._-=&?+,;".contains($0) }).map(String.init)
        for (index, token) in tokens.enumerated() where authorizationWords.contains(token) {
            let next = index + 1 < tokens.count ? tokens[index + 1] : ""
            if ["tenant", "tenants", "tenantid", "tid", "org", "orgid", "customer", "customerid"].contains(token) {
                return "it names a tenant or organization ('\(token)\(next.isEmpty ? "" : "-" + next)')"
            }
            return "it contains the authorization word '\(token)'"
        }
        return nil
    }

    public func check(_ context: RuleContext) -> [Finding] {
        context.audiences.compactMap { use in
            guard let reason = Self.reason(for: use.text, url: use.url) else { return nil }
            return finding("audience '\(use.value)' of service '\(use.name)' encodes authorization: \(reason); put it in scopes, roles or a tenant claim",
                           at: use.location, entity: use.ref)
        }
    }
}
