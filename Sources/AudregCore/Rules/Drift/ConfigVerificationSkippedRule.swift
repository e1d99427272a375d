/// A route or resource of the deployed config that lets requests through without a verified token,
/// while the registry says the service requires tokens.
public struct ConfigVerificationSkippedRule: DeploymentRule {
    public static let description = RuleDescription(
        id: "config-verification-skipped",
        name: "Deployed config skips token verification",
        defaultSeverity: .error,
        stage: .drift,
        summary: "A route verifies no token or accepts requests without one (Envoy allow_missing, allow_missing_or_failed, extract_only_without_validation, a rule without requires, a route whose typed_per_filter_config disables jwt_authn, a listener whose HTTP connection manager has no jwt_authn; Istio RequestAuthentication without jwtRules; an API Gateway route without authorization, or a JWT authorizer no route uses) although the registry says the service accepts tokens from its issuers.",
        rationale: """
            The registry's audiences and issuers protect a service only where the gateway enforces them. \
            Envoy's `allow_missing` lets requests without a token through, `allow_missing_or_failed` also \
            lets through tokens that fail verification, and `extract_only_without_validation` never verifies; \
            an Istio RequestAuthentication without jwtRules validates no JWT. An Envoy rule without \
            `requires`, or a route whose per-route config disables jwt_authn, verifies nothing either; \
            nor does a second listener of the same bootstrap whose HTTP connection manager has no \
            jwt_authn filter, however well the first one's is set: \
            that is a warning when only some paths are exempt (a health check) and an error when the \
            exemption takes in every path. API Gateway checks a token only on routes that use the \
            authorizer (`AuthorizationType: JWT` and `AuthorizerId`, SAM's `Auth.Authorizer` or \
            `DefaultAuthorizer`, OpenAPI `security`), so an authorizer no route in the file uses is \
            reported too, as a warning, since its routes may be in another template. The issuer, key and audience settings of a provider that no \
            route enforces are then not compared: they enforce nothing.
            """,
        remediation: "Require the provider on the route (Envoy `requires: {provider_name: …}`; Istio jwtRules plus an AuthorizationPolicy requiring a principal), or remove the service's accepts if it really takes anonymous calls.",
        references: ["RFC 8725 §3.1", "RFC 6750 §3"],
        controls: ["NHI6:2025", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: envoy-jwt-authn, source: envoy.yaml}
                #> envoy.yaml
                name: envoy.filters.http.jwt_authn
                typed_config:
                  providers:
                    corp:
                      issuer: https://idp.example.com
                      audiences: [https://payments.example.com]
                  rules:
                    - match: {prefix: /}
                      requires:
                        requires_any:
                          requirements:
                            - provider_name: corp
                            - ↓allow_missing: {}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: ra.yaml}
                #> ra.yaml
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: payments}
                ↓spec:
                  selector: {matchLabels: {app: payments}}
                """),
            // A RequestAuthentication without an AuthorizationPolicy requiring a principal: a warning,
            // since the policy may be in a file drift was not given.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: ra.yaml}
                #> ra.yaml
                apiVersion: security.istio.io/v1
                kind: ↓RequestAuthentication
                metadata: {name: payments, namespace: shop}
                spec:
                  selector: {matchLabels: {app: payments}}
                  jwtRules: [{issuer: https://idp.example.com, audiences: [https://payments.example.com]}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: payments-reports-only, namespace: shop}
                spec:
                  selector: {matchLabels: {app: payments, part: reports}}
                  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
                """),
            // A health-check exemption: a warning, since only that path is left open.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: envoy-jwt-authn, source: envoy.yaml}
                #> envoy.yaml
                name: envoy.filters.http.jwt_authn
                typed_config:
                  providers:
                    corp:
                      issuer: https://idp.example.com
                      audiences: [https://payments.example.com]
                  rules:
                    - ↓match: {prefix: /healthz}
                    - match: {prefix: /}
                      requires: {provider_name: corp}
                """),
            // An authorizer that no route uses checks nothing, whatever its audiences say.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: aws-apigateway-jwt-authorizer, source: api.yaml}
                #> api.yaml
                Resources:
                  PaymentsApi:
                    Type: AWS::ApiGatewayV2::Api
                    Properties: {Name: payments, ProtocolType: HTTP}
                  ↓PaymentsJwt:
                    Type: AWS::ApiGatewayV2::Authorizer
                    Properties:
                      ApiId: !Ref PaymentsApi
                      AuthorizerType: JWT
                      JwtConfiguration: {Audience: [https://payments.example.com], Issuer: https://idp.example.com}
                  PaymentsRoute:
                    Type: AWS::ApiGatewayV2::Route
                    Properties: {ApiId: !Ref PaymentsApi, RouteKey: GET /payments, AuthorizationType: AWS_IAM}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: envoy-jwt-authn, source: envoy.yaml}
                #> envoy.yaml
                name: envoy.filters.http.jwt_authn
                typed_config:
                  providers:
                    corp:
                      issuer: https://idp.example.com
                      audiences: [https://payments.example.com]
                  rules:
                    - match: {prefix: /}
                      requires: {provider_name: corp}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: aws-apigateway-jwt-authorizer, source: api.yaml}
                #> api.yaml
                Resources:
                  PaymentsApi:
                    Type: AWS::ApiGatewayV2::Api
                    Properties: {Name: payments, ProtocolType: HTTP}
                  PaymentsJwt:
                    Type: AWS::ApiGatewayV2::Authorizer
                    Properties:
                      ApiId: !Ref PaymentsApi
                      AuthorizerType: JWT
                      JwtConfiguration: {Audience: [https://payments.example.com], Issuer: https://idp.example.com}
                  PaymentsRoute:
                    Type: AWS::ApiGatewayV2::Route
                    Properties: {ApiId: !Ref PaymentsApi, RouteKey: "ANY /{proxy+}", AuthorizationType: JWT, AuthorizerId: !Ref PaymentsJwt}
                """),
        ])

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        guard deployment.requiresTokens else { return [] }
        let accepted = deployment.acceptedNames
        var findings: [Finding] = []
        // An unknown form is config-value-unresolved's note: calling it skipped would claim what drift did not read.
        for requirement in deployment.requirements where requirement.mode != .required && requirement.mode != .unknown {
            var skipped = deployment.finding(self, "\(requirement.label) of \(deployment.file) \(requirement.explained), although the registry says this service requires tokens from \(accepted.isEmpty ? "its accepted issuers" : accepted)",
                                             at: requirement.location, related: deployment.acceptedRelated)
            // Exempting some paths (health checks) is common practice and worth a look, not a
            // failure; a weaker mode, or an exemption of every path, leaves the service open.
            if requirement.mode == .disabled, !requirement.coversEveryPath, skipped.severity == .error { skipped.severity = .warning }
            // drift reads the one file the entry names; what it lacks may be in another.
            if requirement.inferredFromAbsence, skipped.severity == .error { skipped.severity = .warning }
            findings.append(skipped)
        }
        for provider in deployment.providers {
            guard let nothing = provider.verifiesNothing else { continue }
            findings.append(deployment.finding(self, "\(deployment.label(of: provider)) \(nothing.value): no token from the registry's accepted issuers (\(accepted)) is validated there",
                                               at: nothing.location, related: deployment.acceptedRelated))
        }
        return findings
    }
}
