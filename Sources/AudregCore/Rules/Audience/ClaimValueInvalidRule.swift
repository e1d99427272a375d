/// An audience or issuer value that no token can match, or that some libraries read as "no check".
public struct ClaimValueInvalidRule: ServiceRule {
    public static let description = RuleDescription(
        id: "claim-value-invalid",
        name: "Invalid audience or issuer value",
        defaultSeverity: .error,
        summary: "An audience or issuer value is empty, has whitespace at its start or end, or contains ':' without being a URI; an audience contains ',' (a list to many configs).",
        rationale: """
            JWT libraries and gateways compare `aud` and `iss` byte for byte, with nothing trimmed. An empty \
            audience names no recipient, and several libraries skip the audience check altogether when the \
            configured audience is empty. A padded value matches no token that a correct issuer mints, so \
            someone will "fix" the outage by loosening the check. RFC 7519 §2 requires a StringOrURI value that \
            contains ':' to be a URI. An audience with a comma is one value to a JWT library but a list to \
            Spring's `audiences`, oauth2-proxy's flags and nginx's `$jwt_claim_aud`: a gateway configured from \
            it accepts each piece, which may be another service's audience.
            """,
        remediation: "Write the exact value that tokens carry: no surrounding spaces, and an absolute URI (scheme:...) whenever the value contains ':'.",
        references: ["RFC 7519 §2", "RFC 7519 §4.1.1", "RFC 7519 §4.1.3", "RFC 3986 §3.1"],
        controls: ["NHI6:2025", "PR.AA-05", "PR.AA-04"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓""]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences:
                    - https://orders.example.com
                    - ↓" https://orders.example.com "
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓"orders api:v1"]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: ↓"https://idp.example.com\\t"}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓"https://orders.example.com,https://billing.example.com"]}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: ["https://orders.example.com", "urn:example:orders-api", orders-api]}
                ---
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: "https://idp.example.com"}
                """),
        ])

    public init() {}

    /// What is wrong with a claim value, or nil. Checked on Unicode scalars: a no-break space or an
    /// ideographic space pads a value as well as an ASCII one does.
    public static func problem(with value: String) -> String? {
        let scalars = value.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else {
            return "is empty: it names no recipient, and several libraries skip the check when the configured value is empty"
        }
        if first.properties.isWhitespace || last.properties.isWhitespace {
            return "has whitespace at its start or end; no JWT library or gateway trims it, so no token will match"
        }
        if let colon = value.utf8.firstIndex(of: UInt8(ascii: ":")) {
            let validScheme = URLParts.isScheme(value.utf8[..<colon])
            let hasSpaceOrControl = Self.asciiHasSpaceOrControl(value.utf8)
                ?? scalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
            if !validScheme || hasSpaceOrControl {
                return "contains ':' but is not a URI; RFC 7519 §2 requires such a value to be one (scheme:...)"
            }
        }
        return nil
    }

    /// A comma in an audience: one value to a JWT library, a list to the configs gateways are set up with.
    static func listProblem(with value: String) -> String? {
        guard value.utf8.contains(UInt8(ascii: ",")) else { return nil }
        return "contains ',': Spring's audiences, oauth2-proxy and nginx's $jwt_claim_aud read it as a list, so a gateway configured with it accepts each piece as an audience"
    }

    /// The scalar test above for an all-ASCII value, over its bytes (Unicode's White_Space among ASCII
    /// is tab to carriage return and the space); nil when a byte is not ASCII, for the scalar test.
    static func asciiHasSpaceOrControl(_ bytes: String.UTF8View) -> Bool? {
        var found = false
        for byte in bytes {
            if byte >= 0x80 { return nil }
            if byte <= 0x20 || byte == 0x7F { found = true }
        }
        return found
    }

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        for audience in service.audiences {
            guard let problem = Self.problem(with: audience.value.text) ?? Self.listProblem(with: audience.value.text) else { continue }
            findings.append(finding("audience '\(audience.value)' of service '\(service.name)' \(problem)",
                                    at: audience.location, entity: service.ref))
        }
    }

    public func check(_ context: RuleContext) -> [Finding] {
        context.registry.issuers.compactMap { issuer in
            guard let value = issuer.issuer, let problem = Self.problem(with: value.value.text) else { return nil }
            return finding("issuer value '\(value.value)' of issuer '\(issuer.name)' \(problem)", at: value.location, entity: issuer.ref)
        }
    }
}
