/// A deployed config that trusts another issuer or other keys than the registry.
public struct ConfigIssuerMismatchRule: DeploymentRule {
    public static let description = RuleDescription(
        id: "config-issuer-mismatch",
        name: "Deployed config issuer mismatch",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "The config's issuer or JWKS URI differs from the registry's issuer, it accepts an issuer the registry does not list for the service, or it checks no issuer.",
        rationale: """
            Which issuer a service trusts is as important as which audience it accepts: a gateway that accepts \
            the staging issuer in production, or fetches keys from another URL, trusts tokens nobody reviewed.
            """,
        remediation: "Make the config's issuer and JWKS URI those of an issuer the service accepts in the registry.",
        references: ["RFC 7519 §4.1.1", "RFC 8725 §3.8"],
        controls: ["DE.CM-09", "PR.AA-04", "NHI6:2025"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: staging-idp}
                spec: {issuer: https://idp.staging.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: istio.yaml, provider: orders-api-jwt}
                #> istio.yaml
                apiVersion: security.istio.io/v1beta1
                kind: RequestAuthentication
                metadata: {name: orders-api-jwt}
                spec:
                  jwtRules:
                    - issuer: https://idp.example.com
                      audiences: [https://orders.example.com]
                    - issuer: ↓https://idp.staging.example.com
                      audiences: [https://orders.example.com]
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: nginx, source: nginx.conf, provider: orders.example.com}
                #> nginx.conf
                map $jwt_claim_aud $aud_ok { "https://orders.example.com" 1; }
                map $jwt_claim_iss $iss_ok { "https://idp.example.com" 1; }
                server {
                    server_name orders.example.com;
                    auth_jwt "orders";
                    auth_jwt_key_request /keys;
                    auth_jwt_key_request /legacy-keys;
                    auth_jwt_require $aud_ok $iss_ok;
                    location = /keys { proxy_pass https://idp.example.com/keys; }
                    location = /legacy-keys { proxy_pass ↓https://legacy-idp.example.com/keys; }
                }
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: istio.yaml, provider: orders-api-jwt}
                #> istio.yaml
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-api-jwt, namespace: orders}
                spec:
                  jwtRules:
                    - issuer: https://idp.example.com
                      jwksUri: https://idp.example.com/keys
                      audiences: [https://orders.example.com]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: orders-api-require-jwt, namespace: orders}
                spec:
                  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
                #> https://idp.example.com/keys
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "sig", "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
                """),
        ])

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        let accepted = deployment.accepted
        let registryIssuers = deployment.index.issuers.values.sorted { $0.name < $1.name }
        var findings: [Finding] = []
        for provider in deployment.enforcedProviders {
            let label = deployment.label(of: provider)
            let values = [provider.issuer].compactMap { $0 } + provider.extraIssuers
            let unresolved = provider.unresolved.contains { $0.setting == "issuer-uri" || $0.setting == "issuer" }
            if values.isEmpty, !unresolved {
                let message = provider.issuerCaveat.map { "\(label) \($0)" } ?? "\(label) checks no issuer, so a token from any issuer whose keys it holds is accepted"
                findings.append(deployment.finding(self, message, at: provider.location))
            }
            var matched: [Issuer] = []
            for value in values {
                if let match = accepted.first(where: { Self.issuerMatches(value.value, $0) }) {
                    matched.append(match)
                } else if let other = registryIssuers.first(where: { Self.issuerMatches(value.value, $0) }) {
                    findings.append(deployment.finding(self, "\(label) accepts tokens from '\(value.value)' (registry issuer '\(other.name)'), which the registry does not list in this service's accepts",
                                                       at: value.location, related: other.issuer.map { [RelatedLocation($0.location, entity: other.ref, message: "that issuer")] } ?? []))
                } else {
                    let list = accepted.compactMap { issuer in issuer.issuer.map { "'\($0.value)' (\(issuer.name))" } }
                    findings.append(deployment.finding(self, "\(label) accepts issuer '\(value.value)', which is not in the registry; the service accepts \(list.isEmpty ? "no registered issuer" : list.joined(separator: ", "))",
                                                       at: value.location, related: deployment.acceptedRelated))
                }
            }
            let known = (matched.isEmpty ? accepted : matched).compactMap { $0.jwksUri }
            for jwks in [provider.jwksUri].compactMap({ $0 }) + provider.extraJwksUris {
                if !known.isEmpty, !known.contains(where: { $0.value.isExactly(jwks.value) }) {
                    findings.append(deployment.finding(self, "\(label) fetches keys from \(jwks.value), the registry's JWKS URI is \(known.map(\.value).joined(separator: " or "))",
                                                       at: jwks.location, related: known.map { RelatedLocation($0.location, message: "the registry's jwksUri") }))
                }
            }
        }
        return findings
    }

    /// A config names an issuer by its identifier; Kong may name it by its discovery URL.
    /// Byte for byte, as the gateway compares `iss`.
    static func issuerMatches(_ value: String, _ issuer: Issuer) -> Bool {
        guard let identifier = issuer.issuer?.value.text else { return false }
        if value.isExactly(identifier) { return true }
        if let discovery = issuer.discoveryUrl?.value, value.isExactly(discovery) { return true }
        return value.isExactly(URLParts.discoveryURL(issuer: identifier)) || value.isExactly(URLParts.discoveryURL(issuer: identifier, document: "oauth-authorization-server"))
    }
}
