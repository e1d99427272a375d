import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Real-world-shaped configs (Tests/Fixtures/drift-corpus, each citing where its shape
/// comes from) run through `audreg drift --skip-issuers` behind one small registry. A new construct is
/// one fixture and one row. Nothing here opens a socket: issuers are skipped and every config is a file.
@Suite("audreg drift over the config corpus (CLI)")
struct DriftCorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var fixture: String
        var kind: String
        var provider: String? = nil
        /// Extra arguments; `{corpus}` is the copied corpus folder.
        var arguments: [String] = []
        /// `rule@line`, sorted, of every finding.
        var expected: [String]
        /// Text some finding's message must contain.
        var mentions: [String] = []
        /// Text no finding's message may contain.
        var never: [String] = []
        /// `rule@line` to the severity that finding must have, where it differs from the rule's default.
        var levels: [String: String] = [:]
        /// The registry Issuer's `issuer` and `jwksUri`.
        var issuer = "https://idp.example.com/realms/corp"
        var jwksUri = "https://idp.example.com/realms/corp/keys"
        /// The registry Service's audience, and the deployment's `trust.subjects` when set.
        var audience = "https://orders.example.com"
        var subjects: [String]? = nil
        var testDescription: String { fixture + (arguments.isEmpty ? "" : " " + arguments.joined(separator: " ")) }
    }

    static let cases: [Case] = [
        // Envoy: camelCase names (problem 2).
        Case(fixture: "envoy-gateway-camelcase.yaml", kind: "envoy-jwt-authn",
             expected: ["config-issuer-mismatch@22", "config-verification-skipped@15"], mentions: ["fetches keys from https://keys.attacker.example/jwks.json", "no route in this file selects an entry"],
             levels: ["config-verification-skipped@15": "warning"]),
        Case(fixture: "envoy-typedconfig-without-type.yaml", kind: "envoy-jwt-authn", expected: []),
        // Envoy: verification modes (problem 5).
        Case(fixture: "envoy-extract-only.yaml", kind: "envoy-jwt-authn",
             expected: ["config-verification-skipped@14"], mentions: ["extract_only_without_validation"],
             never: ["other-idp.example.com"]),
        Case(fixture: "envoy-no-rules.yaml", kind: "envoy-jwt-authn",
             expected: ["config-verification-skipped@9"], mentions: ["no rules and no requirement_map"],
             never: ["other-idp.example.com"]),
        // The shape of istio/istio#15854's generated requirement, as config_dump JSON in camelCase.
        Case(fixture: "envoy-allow-missing-or-failed.json", kind: "envoy-jwt-authn",
             expected: ["config-verification-skipped@7"], mentions: ["allow_missing_or_failed"]),
        Case(fixture: "envoy-allow-missing.yaml", kind: "envoy-jwt-authn",
             expected: ["config-verification-skipped@11", "config-verification-skipped@12", "config-verification-skipped@18"],
             mentions: ["rule 2 (prefix /api)", "allow_missing", "requests that no rule matches"],
             levels: ["config-verification-skipped@11": "warning", "config-verification-skipped@12": "warning", "config-verification-skipped@18": "error"]),
        // Envoy: a rule without requires disables verification for its match.
        Case(fixture: "envoy-rule-without-requires.yaml", kind: "envoy-jwt-authn",
             expected: ["config-verification-skipped@15"], mentions: ["rule 1 (prefix /health) of ", "has no requires"],
             levels: ["config-verification-skipped@15": "warning"]),
        Case(fixture: "envoy-rule-without-requires-catch-all.yaml", kind: "envoy-jwt-authn",
             expected: ["config-verification-skipped@14"], mentions: ["rule 1 (prefix /) of "],
             levels: ["config-verification-skipped@14": "error"]),
        // Envoy: per-route typed_per_filter_config, on a route and on a virtual host; requirement_name
        // selects the requirement whose audiences are compared.
        Case(fixture: "envoy-per-route-config.yaml", kind: "envoy-jwt-authn",
             expected: ["config-audience-broadened@65", "config-audience-narrowed@65", "config-verification-skipped@23", "config-verification-skipped@48"],
             mentions: ["route 1 (prefix /health) of virtual host 'orders' of ", "route 1 (prefix /) of virtual host 'internal' of ",
                        "set on the virtual host", "requirement_map entry 'orders-admin' (selected by route 2 (prefix /admin) of virtual host 'orders')"],
             levels: ["config-verification-skipped@23": "warning", "config-verification-skipped@48": "error"]),
        // Envoy: the filter protects its own listener only; a second listener to the same upstream, over
        // HTTP without jwt_authn or over tcp_proxy, does not check a token. Envoy's own readiness answer does
        // not reach the upstream.
        Case(fixture: "envoy-second-listener.yaml", kind: "envoy-jwt-authn",
             expected: ["config-verification-skipped@40", "config-verification-skipped@80"],
             mentions: ["listener 'internal_http' of ", "without a jwt_authn filter", "listener 'orders_tcp' of ", "tcp_proxy to cluster 'orders'"],
             never: ["'probes'"],
             levels: ["config-verification-skipped@40": "error", "config-verification-skipped@80": "error"]),
        // Envoy: requirement-level audiences (problem 6).
        Case(fixture: "envoy-requirement-audiences.yaml", kind: "envoy-jwt-authn",
             expected: ["config-audience-broadened@16", "config-audience-narrowed@16", "config-verification-skipped@7"],
             mentions: ["requirement_map entry 'orders-admin'", "'https://admin.example.com'"],
             levels: ["config-verification-skipped@7": "warning"]),
        // Only /orders has a rule: every other path matches none and passes unverified.
        Case(fixture: "envoy-requires-provider-and-audiences.yaml", kind: "envoy-jwt-authn", expected: ["config-verification-skipped@11"],
             mentions: ["requests that no rule matches"], levels: ["config-verification-skipped@11": "warning"]),
        // Envoy Gateway SecurityPolicy: providers selected by their name, the policy's or a target's;
        // omitted audiences are unchecked; jwt.optional lets requests without a token through.
        Case(fixture: "envoy-gateway-security-policy.yaml", kind: "envoy-gateway-security-policy", expected: []),
        Case(fixture: "envoy-gateway-security-policy.yaml", kind: "envoy-gateway-security-policy", provider: "orders-route", expected: []),
        Case(fixture: "envoy-gateway-security-policy.yaml", kind: "envoy-gateway-security-policy", provider: "payments-route",
             expected: ["config-provider-missing@17"], mentions: ["'payments-route' is not in"]),
        Case(fixture: "envoy-gateway-security-policy-no-audiences.yaml", kind: "envoy-gateway-security-policy",
             expected: ["config-audience-unchecked@15"], mentions: ["SecurityPolicy JWT provider 'corp' sets no audiences"]),
        Case(fixture: "envoy-gateway-security-policy-optional.yaml", kind: "envoy-gateway-security-policy",
             expected: ["config-verification-skipped@17"], mentions: ["SecurityPolicy 'orders-jwt' of ", "jwt.optional: true"]),
        // NGINX auth_jwt: audiences and issuers only through auth_jwt_require with a map on
        // $jwt_claim_aud / $jwt_claim_iss; none means unchecked; auth_jwt off on a narrower location.
        Case(fixture: "nginx-auth-jwt-aud-map.conf", kind: "nginx",
             expected: ["config-verification-skipped@35"], mentions: ["location /healthz of server 'orders.example.com' of ", "sets auth_jwt off"],
             levels: ["config-verification-skipped@35": "warning"]),
        Case(fixture: "nginx-auth-jwt-aud-map.conf", kind: "nginx", provider: "orders.example.com", expected: ["config-verification-skipped@35"]),
        Case(fixture: "nginx-auth-jwt-aud-map.conf", kind: "nginx", provider: "payments.example.com",
             expected: ["config-provider-missing@24"], mentions: ["nginx auth_jwt 'payments.example.com' is not in"]),
        Case(fixture: "nginx-auth-jwt-no-aud-map.conf", kind: "nginx",
             expected: ["config-audience-unchecked@10", "config-issuer-mismatch@10"],
             mentions: ["nginx auth_jwt 'orders.example.com /' sets no audiences: auth_jwt checks only the signature and exp/nbf"]),
        Case(fixture: "nginx-auth-jwt-map-default.conf", kind: "nginx",
             expected: ["config-audience-unchecked@8", "config-value-unresolved@12"],
             mentions: ["gives '1' by default", "'~^https://idp\\.example\\.com/' is a regular expression"]),
        Case(fixture: "nginx-auth-jwt-snippet.conf", kind: "nginx",
             expected: ["config-value-unresolved@9", "config-value-unresolved@9"],
             mentions: ["auth_jwt_require $jwt_aud_ok, whose map is not in this file (drift does not follow include /etc/nginx/conf.d/jwt-maps.conf)"],
             never: ["sets no audiences", "checks no issuer"]),
        // oauth2-proxy: client_id plus oidc_extra_audiences, and per extra_jwt_issuers pair its audience;
        // bearer tokens only with skip_jwt_bearer_tokens; flags in a Deployment's args, client id from a Secret.
        Case(fixture: "oauth2-proxy-bearer.cfg", kind: "oauth2-proxy",
             expected: ["config-audience-broadened@13", "config-audience-broadened@19", "config-issuer-mismatch@19"],
             mentions: ["oauth2-proxy 'oauth2-proxy' accepts audience 'orders-web'",
                        "oauth2-proxy 'oauth2-proxy (extra_jwt_issuers https://partner-idp.example.net)' accepts audience 'orders-partner'"]),
        Case(fixture: "oauth2-proxy-login-only.cfg", kind: "oauth2-proxy",
             expected: ["config-value-unresolved@9"], mentions: ["skip_jwt_bearer_tokens is not true, so oauth2-proxy accepts no bearer token"],
             never: ["sets no audiences"]),
        Case(fixture: "oauth2-proxy-deployment.yaml", kind: "oauth2-proxy",
             expected: ["config-value-unresolved@29"], mentions: ["client_id comes from OAUTH2_PROXY_CLIENT_ID from Secret 'orders-oauth2-proxy' key 'client-id'"]),
        Case(fixture: "oauth2-proxy-deployment.yaml", kind: "oauth2-proxy", provider: "oauth2-proxy", expected: ["config-value-unresolved@29"]),
        // Kubernetes: AuthenticationConfiguration jwt[] authenticators (audiences required), and projected
        // service-account tokens, whose omitted audience is the API server's.
        Case(fixture: "kubernetes-authentication-configuration.yaml", kind: "kubernetes",
             expected: ["config-audience-broadened@20", "config-issuer-mismatch@17"], mentions: ["accepts audience 'sts.amazonaws.com'"]),
        Case(fixture: "kubernetes-authentication-configuration.yaml", kind: "kubernetes", provider: "https://idp.example.com/realms/corp", expected: []),
        Case(fixture: "kubernetes-authentication-configuration.yaml", kind: "kubernetes", provider: "'jwt[0]'", expected: []),
        Case(fixture: "kubernetes-authentication-no-audiences.yaml", kind: "kubernetes",
             expected: ["config-provider-missing@9"], mentions: ["the API server requires at least one"]),
        Case(fixture: "kubernetes-projected-token.yaml", kind: "kubernetes", provider: "orders-client",
             expected: ["config-value-unresolved@25"], mentions: ["--service-account-issuer"], never: ["checks no issuer"]),
        Case(fixture: "kubernetes-projected-token.yaml", kind: "kubernetes", provider: "nightly-report/api-token",
             expected: ["config-audience-unchecked@43", "config-value-unresolved@43"], mentions: ["the token gets the API server's (--api-audiences)"]),
        // AWS API Gateway HTTP API JWT authorizers: CloudFormation (YAML and JSON), SAM and OpenAPI;
        // intrinsic functions are never compared; an authorizer without Audience is one AWS refuses.
        Case(fixture: "aws-apigateway-cfn-jwt.yaml", kind: "aws-apigateway-jwt-authorizer", expected: []),
        Case(fixture: "aws-apigateway-cfn-jwt.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "orders-jwt", expected: []),
        Case(fixture: "aws-apigateway-cfn-jwt.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "OrdersHttpApi", expected: []),
        Case(fixture: "aws-apigateway-cfn-jwt.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "PaymentsJwtAuthorizer",
             expected: ["config-provider-missing@13"], mentions: ["API Gateway JWT authorizer 'PaymentsJwtAuthorizer' is not in", "found: OrdersJwtAuthorizer"]),
        Case(fixture: "aws-apigateway-cfn-broadened.json", kind: "aws-apigateway-jwt-authorizer",
             expected: ["config-audience-broadened@16"], mentions: ["'OrdersJwtAuthorizer' accepts audience 'https://admin.example.com'"]),
        Case(fixture: "aws-apigateway-cfn-intrinsics.yaml", kind: "aws-apigateway-jwt-authorizer",
             expected: ["config-value-unresolved@22", "config-value-unresolved@24", "config-value-unresolved@34"],
             mentions: ["audiences use the CloudFormation intrinsic !Ref OrdersAudience", "!Sub https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}",
                        "Fn::GetAtt: [UserPool, ProviderURL]"],
             never: ["checks no issuer", "sets no audiences"]),
        Case(fixture: "aws-apigateway-cfn-no-audience.yaml", kind: "aws-apigateway-jwt-authorizer",
             expected: ["config-provider-missing@15"], mentions: ["has no JwtConfiguration.Audience: AWS requires it on a JWT authorizer"]),
        Case(fixture: "aws-apigateway-openapi.yaml", kind: "aws-apigateway-jwt-authorizer", expected: []),
        Case(fixture: "aws-apigateway-openapi.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "orders-http-api", expected: []),
        Case(fixture: "aws-apigateway-sam-httpapi.yaml", kind: "aws-apigateway-jwt-authorizer",
             expected: ["config-audience-broadened@17"], mentions: ["'OrdersOAuth2' accepts audience 'orders-mobile'"]),
        // Routes decide where an authorizer checks tokens: open routes beside it, and one no route uses,
        // whose settings are then not compared (they enforce nothing).
        Case(fixture: "aws-apigateway-cfn-routes.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "OrdersJwtAuthorizer",
             expected: ["config-verification-skipped@37", "config-verification-skipped@42"],
             mentions: ["route 'GET /healthz' of ../corpus/aws-apigateway-cfn-routes.yaml has no authorization, so API Gateway passes its requests on without a token"],
             levels: ["config-verification-skipped@37": "warning", "config-verification-skipped@42": "error"]),
        Case(fixture: "aws-apigateway-cfn-routes.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "ReportsJwtAuthorizer",
             expected: ["config-verification-skipped@20"],
             mentions: ["JWT authorizer 'ReportsJwtAuthorizer' of ../corpus/aws-apigateway-cfn-routes.yaml is used by no route in this file"],
             never: ["accepts audience 'https://reports.example.com'"],
             levels: ["config-verification-skipped@20": "warning"]),
        Case(fixture: "aws-apigateway-openapi-routes.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "orders-jwt",
             expected: ["config-verification-skipped@16"], mentions: ["operation 'GET /healthz'"],
             levels: ["config-verification-skipped@16": "warning"]),
        Case(fixture: "aws-apigateway-openapi-routes.yaml", kind: "aws-apigateway-jwt-authorizer", provider: "partner-jwt",
             expected: ["config-verification-skipped@30"], mentions: ["neither the document's security nor any operation's names the scheme"],
             never: ["accepts audience"]),
        Case(fixture: "aws-apigateway-sam-routes.yaml", kind: "aws-apigateway-jwt-authorizer",
             expected: ["config-verification-skipped@29"], mentions: ["route 'GET /ping' of function 'OrdersFunction'"],
             levels: ["config-verification-skipped@29": "warning"]),
        // Azure API Management policies (XML): validate-jwt with audiences, extra audiences, none, and
        // values APIM resolves itself; validate-azure-ad-token without audiences.
        Case(fixture: "azure-apim-validate-jwt.xml", kind: "azure-apim-policy", expected: []),
        Case(fixture: "azure-apim-validate-jwt.xml", kind: "azure-apim-policy", provider: "orders-jwt", expected: []),
        Case(fixture: "azure-apim-validate-jwt-broadened.xml", kind: "azure-apim-policy",
             expected: ["config-audience-broadened@14"], mentions: ["API Management policy 'validate-jwt[0]' accepts audience 'api://legacy-orders'"],
             never: ["checks no issuer"]),
        Case(fixture: "azure-apim-validate-jwt-no-audiences.xml", kind: "azure-apim-policy",
             expected: ["config-audience-unchecked@9"], mentions: ["'validate-jwt[0]' sets no audiences: every audience passes"]),
        Case(fixture: "azure-apim-validate-jwt-expressions.xml", kind: "azure-apim-policy",
             expected: ["config-value-unresolved@10", "config-value-unresolved@14", "config-value-unresolved@17"],
             mentions: ["audiences use @(context.Request.OriginalUrl.Host), a policy expression", "issuer uses {{orders-issuer}}, an API Management named value",
                        "the inline <issuer-signing-keys>, which drift does not compare"],
             never: ["checks no issuer", "sets no audiences"]),
        Case(fixture: "azure-apim-validate-jwt-choose.xml", kind: "azure-apim-policy",
             expected: ["config-verification-skipped@11"],
             mentions: ["validate-jwt[0] inside <when condition=\"@(context.Request.Headers.ContainsKey(\"Authorization\"))\">", "pass without a token"]),
        Case(fixture: "azure-apim-validate-jwt-rawxml.xml", kind: "azure-apim-policy",
             expected: ["config-value-unresolved@13"],
             mentions: ["audiences use @(context.Variables.GetValueOrDefault<string>(\"extra-audience\", \"\") + \"\"), a policy expression"]),
        Case(fixture: "azure-apim-validate-azure-ad-token.xml", kind: "azure-apim-policy",
             expected: ["config-audience-unchecked@9", "config-value-unresolved@9"],
             mentions: ["'validate-azure-ad-token[0]' sets no audiences: only the tenant and client-application-ids", "Microsoft Entra tenant '{{aad-tenant-id}}'"]),
        // Istio without jwtRules (problem 4): one true finding, no "checks no issuer".
        Case(fixture: "istio-no-jwtrules.yaml", kind: "istio-request-authentication",
             expected: ["config-verification-skipped@8"], mentions: ["has no jwtRules"], never: ["checks no issuer", "sets no audiences"]),
        // Kong jwt: the issuer through consumers (problem 6).
        Case(fixture: "kong-jwt-consumers.yaml", kind: "kong", expected: ["config-audience-unchecked@9"], never: ["checks no issuer"]),
        Case(fixture: "kong-jwt-foreign-key.yaml", kind: "kong",
             expected: ["config-audience-unchecked@8", "config-issuer-mismatch@11"], mentions: ["accepts issuer 'https://partner-idp.example.net'"]),
        // Spring placeholders (problem 1) and properties continuations (problem 6).
        Case(fixture: "spring-placeholder-same-file.yml", kind: "spring-boot", expected: []),
        Case(fixture: "spring-placeholder-default.properties", kind: "spring-boot", expected: []),
        Case(fixture: "spring-placeholder-unresolved.yml", kind: "spring-boot",
             expected: ["config-value-unresolved@8"], mentions: ["issuer-uri uses ${mockwebserver.url}"], never: ["checks no issuer"]),
        Case(fixture: "spring-placeholder-unresolved.yml", kind: "spring-boot",
             arguments: ["--spring-property", "mockwebserver.url=https://idp.example.com"], expected: []),
        Case(fixture: "spring-placeholder-env.yml", kind: "spring-boot",
             arguments: ["--spring-env-file", "{corpus}/spring-placeholder-env.env"], expected: []),
        Case(fixture: "spring-placeholder-env.yml", kind: "spring-boot",
             arguments: ["--spring-env-file", "{corpus}/spring-placeholder-env.env", "--spring-property", "ISSUER_URI=https://evil.example.com"],
             expected: ["config-issuer-mismatch@4"], mentions: ["'https://evil.example.com'"]),
        Case(fixture: "spring-placeholder-env.yml", kind: "spring-boot",
             expected: ["config-value-unresolved@4", "config-value-unresolved@5"]),
        // Spring profiles: documents apply only for their profile; with no profile known, what a
        // profile document sets is a note, never a guess.
        Case(fixture: "spring-profile-documents.yml", kind: "spring-boot",
             expected: ["config-value-unresolved@17"], mentions: ["issuer-uri is set by the document for profile 'prod' (line 12), and no active profile is known"],
             never: ["checks no issuer"]),
        Case(fixture: "spring-profile-documents.yml", kind: "spring-boot", arguments: ["--spring-profile", "prod"], expected: []),
        Case(fixture: "spring-profile-documents.yml", kind: "spring-boot", arguments: ["--spring-profile", "dev"],
             expected: ["config-issuer-mismatch@7"], mentions: ["checks no issuer"]),
        Case(fixture: "spring-profile-active.yml", kind: "spring-boot", expected: []),
        Case(fixture: "spring-profile-active.yml", kind: "spring-boot", arguments: ["--spring-profile", "staging"],
             expected: ["config-audience-broadened@23", "config-audience-narrowed@23", "config-issuer-mismatch@19"],
             mentions: ["'https://staging-idp.example.com'", "'https://dev.example.com'"]),
        Case(fixture: "spring-profile-active.yml", kind: "spring-boot", arguments: ["--spring-property", "spring.profiles.active=qa,eu"], expected: []),
        Case(fixture: "spring-profile-documents.properties", kind: "spring-boot",
             expected: ["config-value-unresolved@10"], mentions: ["no active profile is known"]),
        Case(fixture: "spring-profile-documents.properties", kind: "spring-boot", arguments: ["--spring-property", "SPRING_PROFILES_ACTIVE=prod"], expected: []),
        Case(fixture: "spring-profile-documents.properties", kind: "spring-boot", arguments: ["--spring-profile", "dev"],
             expected: ["config-issuer-mismatch@10"], mentions: ["'http://localhost:8180/realms/dev'"]),
        // Issuers that are not URLs (problem 3): registered and matched byte for byte.
        // Istio's sample has no AuthorizationPolicy beside it: tokens are optional there (a warning).
        Case(fixture: "istio-non-url-issuer.yaml", kind: "istio-request-authentication", expected: ["config-verification-skipped@4"],
             mentions: ["has no AuthorizationPolicy beside it"], levels: ["config-verification-skipped@4": "warning"], issuer: "testing@secure.istio.io", jwksUri: "https://raw.githubusercontent.com/istio/istio/release-1.24/security/tools/jwt/samples/jwks.json"),
        Case(fixture: "istio-non-url-issuer.yaml", kind: "istio-request-authentication",
             expected: ["config-issuer-mismatch@13", "config-verification-skipped@4"], mentions: ["accepts issuer 'testing@secure.istio.io'"], issuer: "testing@secure.istio.io.evil",
             jwksUri: "https://raw.githubusercontent.com/istio/istio/release-1.24/security/tools/jwt/samples/jwks.json"),
        Case(fixture: "spring-properties-continuation.properties", kind: "spring-boot",
             expected: ["config-audience-broadened@6"], mentions: ["'https://other.example.com'"]),
        // AWS IAM role trust policies for OIDC providers: the issuer from Principal.Federated, aud and sub
        // from the Condition keys; a trust without sub, or with a wildcard repository, admits any workload.
        Case(fixture: "aws-iam-trust-github.json", kind: "aws-iam-trust-policy", expected: [],
             issuer: Self.github, audience: "sts.amazonaws.com"),
        Case(fixture: "aws-iam-trust-github.json", kind: "aws-iam-trust-policy", provider: "GitHubActionsDeploy", expected: [],
             issuer: Self.github, audience: "sts.amazonaws.com", subjects: ["repo:octo-org/octo-repo:*"]),
        Case(fixture: "aws-iam-trust-github.json", kind: "aws-iam-trust-policy",
             expected: ["config-trust-subject-mismatch@16", "config-trust-subject-mismatch@16"],
             mentions: ["admits subject 'repo:octo-org/octo-repo:*', which the registry does not state", "does not admit subject 'repo:octo-org/octo-repo:ref:refs/heads/main'"],
             issuer: Self.github, audience: "sts.amazonaws.com", subjects: ["repo:octo-org/octo-repo:ref:refs/heads/main"]),
        Case(fixture: "aws-iam-trust-github-wildcard.json", kind: "aws-iam-trust-policy",
             expected: ["config-trust-subject-unpinned@17"], mentions: ["admits sub 'repo:octo-org/*'", "a wildcard stands in the repository part"],
             never: ["refs/heads/main"], issuer: Self.github, audience: "sts.amazonaws.com"),
        Case(fixture: "aws-iam-trust-no-sub.json", kind: "aws-iam-trust-policy",
             expected: ["config-trust-subject-unpinned@10"],
             mentions: ["IAM role trust 'aws-iam-trust-no-sub' has no condition on token.actions.githubusercontent.com:sub", "any repository on GitHub"],
             issuer: Self.github, audience: "sts.amazonaws.com"),
        Case(fixture: "aws-iam-trust-no-aud.json", kind: "aws-iam-trust-policy",
             expected: ["config-audience-unchecked@13"], mentions: ["sets no audiences: any audience registered on the IAM OIDC provider passes"],
             never: ["has no condition on"]),
        Case(fixture: "aws-iam-get-role-eks.json", kind: "aws-iam-trust-policy", provider: "orders-irsa", expected: [],
             issuer: "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", audience: "sts.amazonaws.com",
             subjects: ["system:serviceaccount:orders:orders-api"]),
        Case(fixture: "aws-iam-get-role-eks.json", kind: "aws-iam-trust-policy", provider: "orders-irsa",
             expected: ["config-audience-broadened@19", "config-audience-narrowed@19", "config-issuer-mismatch@14"]),
        Case(fixture: "aws-cloudformation-github-oidc.yaml", kind: "aws-iam-trust-policy", provider: "Role",
             expected: ["config-value-unresolved@30"], mentions: ["uses a CloudFormation substitution (repo:${GitHubOrg}/${RepositoryName}:*)"],
             never: ["GithubOidc", "checks no issuer"], issuer: Self.github, audience: "sts.amazonaws.com"),
        Case(fixture: "aws-cloudformation-github-oidc.yaml", kind: "aws-iam-trust-policy", provider: "octo-deploy", expected: [],
             issuer: Self.github, audience: "sts.amazonaws.com", subjects: ["repo:octo-org/octo-repo:environment:production"]),
        // Vault JWT roles: bound_audiences; the issuer from the auth method's config when the file holds it.
        Case(fixture: "vault-jwt-role-github.json", kind: "vault-jwt-role",
             expected: ["config-value-unresolved@6"], mentions: ["issuer is the auth method's (bound_issuer or oidc_discovery_url of auth/<mount>/config)"],
             issuer: Self.github, audience: "https://github.com/octo-org", subjects: ["repo:octo-org/octo-repo:ref:refs/heads/main"]),
        Case(fixture: "vault-jwt-roles.yaml", kind: "vault-jwt-role", provider: "orders-ci", expected: []),
        Case(fixture: "vault-jwt-roles.yaml", kind: "vault-jwt-role", provider: "any-project",
             expected: ["config-audience-unchecked@24", "config-trust-subject-unpinned@27"],
             mentions: ["Vault JWT role 'any-project' sets no audiences: tokens without an aud claim pass", "admits project_path 'platform/*'"]),
    ]

    static let github = "https://token.actions.githubusercontent.com"

    static func registry(kind: String, source: String, provider: String?,
                         issuer: String = "https://idp.example.com/realms/corp", jwksUri: String = "https://idp.example.com/realms/corp/keys",
                         audience: String = "https://orders.example.com", subjects: [String]? = nil) -> String {
        let trust = subjects.map { ", trust: {subjects: [\($0.map { "\"\($0)\"" }.joined(separator: ", "))]}" } ?? ""
        return """
        apiVersion: audreg/v1
        kind: Team
        metadata: {name: platform}
        ---
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: corp-idp, owner: platform}
        spec:
          issuer: "\(issuer)"
          jwksUri: "\(jwksUri)"
        ---
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: orders-api, owner: platform}
        spec:
          audiences: ["\(audience)"]
          accepts: [{issuer: corp-idp}]
          deployments:
            - {kind: \(kind), source: \(source)\(provider.map { ", provider: \($0)" } ?? "")\(trust)}

        """
    }

    @Test("each corpus config gives its expected drift findings", arguments: cases)
    func corpus(_ row: Case) throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n") // the repository root holds both folders
        let corpus = directory.path + "/corpus"
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Tests/Fixtures/drift-corpus", toPath: corpus)
        directory.write("registry/orders.yaml", Self.registry(kind: row.kind, source: "../corpus/" + row.fixture, provider: row.provider,
                                                                   issuer: row.issuer, jwksUri: row.jwksUri, audience: row.audience, subjects: row.subjects))
        let arguments = ["drift", directory.path + "/registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", "--fail-on", "note"]
            + row.arguments.map { $0.replacingOccurrences(of: "{corpus}", with: corpus) }
        let result = try run(Paths.executable, arguments)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
        let findings = object["findings"] as? [[String: Any]] ?? []
        let actual = findings.map { "\($0["rule"] as? String ?? "?")@\($0["line"] as? Int ?? 0)" }.sorted()
        let messages = findings.compactMap { $0["message"] as? String }
        #expect(actual == row.expected, "\(messages)")
        #expect(result.status == (row.expected.isEmpty ? 0 : 1), "\(result.stderr)")
        for text in row.mentions {
            #expect(messages.contains { $0.contains(text) }, "no message mentions \(text): \(messages)")
        }
        for text in row.never {
            #expect(!messages.contains { $0.contains(text) }, "a message mentions \(text): \(messages)")
        }
        for finding in findings {
            #expect((finding["file"] as? String)?.hasSuffix(row.fixture) == true, "\(finding)")
        }
        for (key, level) in row.levels {
            let matching = findings.filter { "\($0["rule"] as? String ?? "?")@\($0["line"] as? Int ?? 0)" == key }
            #expect(!matching.isEmpty && matching.allSatisfy { $0["severity"] as? String == level }, "\(key) is not \(level): \(matching)")
        }
    }

    @Test("a registry whose issuer is not a URL validates clean")
    func nonURLIssuerValidates() throws {
        let directory = TemporaryDirectory()
        directory.write("registry/orders.yaml", Self.registry(kind: "istio-request-authentication", source: "ra.yaml", provider: nil,
                                                              issuer: "testing@secure.istio.io"))
        let result = try audreg("validate", directory.path + "/registry", "--today", "2026-06-01", "--format", "json")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rules = (object?["findings"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } ?? ["unparsed: \(result.stdout)"]
        #expect(!rules.contains("schema") && !rules.contains("insecure-endpoint") && !rules.contains("claim-value-invalid"), "\(result.stdout)")
    }

    @Test("a --spring-property without '=' is refused with what to write")
    func badProperty() throws {
        let directory = TemporaryDirectory()
        directory.write("registry/orders.yaml", Self.registry(kind: "spring-boot", source: "application.yml", provider: nil))
        let result = try audreg("drift", directory.path + "/registry", "--skip-issuers", "--spring-property", "ISSUER_URI")
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not KEY=VALUE"))
    }
}
