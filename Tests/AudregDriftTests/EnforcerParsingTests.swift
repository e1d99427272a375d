import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

/// Each reader must read a config as its enforcer does: where the two differ, a list audreg compares
/// is not the list enforced, and a broadened audience goes unreported. Each case here is an input on
/// which an earlier reader and the enforcer disagreed.
@Suite("Config readers read as their enforcers do")
struct EnforcerParsingTests {
    static func providers(_ reader: any DeploymentConfigReader, _ text: String, file: String = "config.yaml",
                          settings: DeploymentReadSettings = DeploymentReadSettings()) throws -> [DeployedProvider] {
        try reader.read(Array(text.utf8), file: file, settings: settings).providers
    }

    @Test("nginx: variables are case-insensitive, the last map for a variable is the one enforced, and set overrides a map")
    func nginxMaps() throws {
        let text = """
            map $jwt_claim_aud $aud_ok { "https://a.example.com" 1; }
            map $JWT_CLAIM_AUD $AUD_OK { default 1; }
            server {
                server_name api.example.com;
                auth_jwt api;
                auth_jwt_key_file keys.json;
                auth_jwt_require $aud_ok;
            }
            """
        let server = try #require(try Self.providers(NginxAuthJWTReader(), text, file: "n.conf").first)
        // The second map passes every audience: nginx runs it, so audreg must not report the first.
        #expect(server.audiences == nil)
        #expect(server.audienceCaveat?.value.contains("accepts for every audience") == true)
        #expect(server.audienceCaveat?.location.line == 2)

        let assigned = """
            map $jwt_claim_aud $aud_ok { "https://a.example.com" 1; }
            server {
                server_name api.example.com;
                auth_jwt api;
                auth_jwt_key_file keys.json;
                set $Aud_Ok 1;
                auth_jwt_require $aud_ok;
            }
            """
        let overridden = try #require(try Self.providers(NginxAuthJWTReader(), assigned, file: "n.conf").first)
        #expect(overridden.audiences == nil)
        #expect(overridden.unresolved.contains { $0.reason?.contains("set at line 6") == true })
    }

    @Test("YAML 1.1 booleans: y, N, False turn a route's JWT check or a Kong plugin off")
    func yamlBooleans() throws {
        let envoy = """
            static_resources:
              listeners:
                - filter_chains:
                    - filters:
                        - name: envoy.filters.network.http_connection_manager
                          typed_config:
                            route_config:
                              virtual_hosts:
                                - name: a
                                  routes:
                                    - match: {prefix: /open}
                                      typed_per_filter_config:
                                        envoy.filters.http.jwt_authn:
                                          "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                                          disabled: y
                            http_filters:
                              - name: envoy.filters.http.jwt_authn
                                typed_config:
                                  providers: {p: {issuer: i, audiences: [a]}}
                                  rules: [{match: {prefix: /}, requires: {provider_name: p}}]
            """
        let config = try EnvoyJWTAuthnReader().read(Array(envoy.utf8), file: "e.yaml", settings: DeploymentReadSettings())
        #expect(config.requirements.contains { $0.mode == .disabled })
        for (text, expected) in [("y", true), ("Y", true), ("ON", true), ("n", false), ("False", false), ("maybe", nil), ("\u{0130}", nil)] as [(String, Bool?)] {
            let node = try #require(YAMLParser.parse("v: \(text)\n").documents.first?.root["v"])
            #expect(ConfigYAML.bool(node, file: "x")?.value == expected, "\(text)")
        }

        let kong = """
            _format_version: "3.0"
            plugins:
              - name: openid-connect
                service: billing
                enabled: False
                config:
                  issuer: https://idp.example.com
                  audience_required: [https://billing.example.com]
            """
        #expect(try Self.providers(KongDeclarativeReader(), kong).isEmpty, "a disabled plugin verifies nothing")
    }

    @Test("Envoy: a route's FilterConfig turns jwt_authn off by the filter's own name, whatever that name is")
    func envoyCustomFilterName() throws {
        let text = """
            route_config:
              virtual_hosts:
                - name: a
                  routes:
                    - match: {prefix: /open}
                      typed_per_filter_config:
                        jwt:
                          "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                          disabled: true
                    - match: {prefix: /other}
                      typed_per_filter_config:
                        cors:
                          "@type": type.googleapis.com/envoy.config.route.v3.FilterConfig
                          disabled: true
            http_filters:
              - name: jwt
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
                  providers: {p: {issuer: i, audiences: [a]}}
                  rules: [{match: {prefix: /}, requires: {provider_name: p}}]
            """
        let config = try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml", settings: DeploymentReadSettings())
        let disabled = config.requirements.filter { $0.mode == .disabled }
        #expect(disabled.map(\.location.line) == [5], "the jwt filter is off on /open (line 5); turning cors off changes nothing")
    }

    @Test("Envoy: one field under its proto and its JSON name is refused, since protobuf merges the two")
    func envoyDoubleSpelling() {
        let text = """
            providers:
              p:
                issuer: https://idp.example.com
                remote_jwks: {http_uri: {uri: https://idp.example.com/keys}}
                remoteJwks: {http_uri: {uri: https://elsewhere.example.com/keys}}
            """
        #expect {
            _ = try EnvoyJWTAuthnReader().read(Array(text.utf8), file: "e.yaml", settings: DeploymentReadSettings())
        } throws: { error in
            (error as? DeploymentReadError)?.message.contains("'remote_jwks' is also written as 'remoteJwks'") == true
        }
    }

    @Test("oauth2-proxy: `--` ends the flags, a value flag takes the next word, env names are upper case, --alpha-config and unread sources")
    func oauth2ProxyArguments() throws {
        func manifest(args: [String], env: String = "", extra: String = "") -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: proxy}
            spec:
              template:
                spec:
                  containers:
                    - name: auth
                      image: quay.io/oauth2-proxy/oauth2-proxy:v7
                      args: [\(args.map { "\"\($0)\"" }.joined(separator: ", "))]
            \(env.isEmpty ? "" : "          env: [\(env)]")
            \(extra)
            """
        }
        let common = ["--skip-jwt-bearer-tokens", "--oidc-issuer-url=https://idp.example.com"]
        let reader = OAuth2ProxyReader()
        let terminated = try #require(try Self.providers(reader, manifest(args: common + ["--client-id=enforced", "--", "--client-id=ignored"])).first)
        #expect(terminated.audiences?.map(\.value.text) == ["enforced"])

        let swallowed = try #require(try Self.providers(reader, manifest(args: common + ["--client-id=orders", "--oidc-extra-audience", "--client-id=x"])).first)
        #expect(swallowed.audiences?.map(\.value.text) == ["orders", "--client-id=x"])

        let lower = try #require(try Self.providers(reader, manifest(args: common, env: "{name: OAUTH2_PROXY_CLIENT_ID, value: enforced}, {name: OAUTH2_PROXY_client_id, value: ignored}")).first)
        #expect(lower.audiences?.map(\.value.text) == ["enforced"])

        let alpha = try #require(try Self.providers(reader, manifest(args: common + ["--client-id=orders", "--alpha-config=/etc/alpha.yaml"])).first)
        #expect(alpha.audiences == nil)
        #expect(alpha.unresolved.contains { $0.reason?.contains("the alpha config /etc/alpha.yaml") == true })

        let unread = try #require(try Self.providers(reader, manifest(args: common + ["--client-id=orders", "--config=/etc/oauth2-proxy.cfg"])).first)
        #expect(unread.audiences == nil, "oidc_extra_audiences may be in the config file drift does not read")
        #expect(unread.unresolved.contains { $0.reason?.contains("the config file /etc/oauth2-proxy.cfg") == true })

        let shell = manifest(args: ["oauth2-proxy --client-id=evil"], env: "{name: OAUTH2_PROXY_CLIENT_ID, value: orders}, {name: OAUTH2_PROXY_SKIP_JWT_BEARER_TOKENS, value: \"true\"}")
            .replacingOccurrences(of: "args: [", with: "command: [/bin/sh, -c]\n          args: [")
        let wrapped = try #require(try Self.providers(reader, shell).first)
        #expect(wrapped.audiences == nil)
        #expect(wrapped.unresolved.contains { $0.reason?.contains("shell command run by /bin/sh") == true })

        let referenced = try #require(try Self.providers(reader, manifest(args: common + ["--client-id=orders", "--oidc-extra-audience=$(EXTRA)"])).first)
        #expect(referenced.audiences == nil)
        #expect(referenced.unresolved.contains { $0.reason?.contains("Kubernetes reference in '$(EXTRA)'") == true })

        let secret = manifest(args: common + ["--client-id=orders"],
                              env: "{name: OAUTH2_PROXY_OIDC_EXTRA_AUDIENCES, valueFrom: {secretKeyRef: {name: s, key: k}}}, {name: OAUTH2_PROXY_EXTRA_JWT_ISSUERS, valueFrom: {secretKeyRef: {name: s, key: j}}}")
        let fromSecret = try #require(try Self.providers(reader, secret).first)
        #expect(fromSecret.audiences == nil, "extra audiences from a Secret are unknown, not none")
        #expect(fromSecret.unresolved.map(\.setting).sorted() == ["audiences", "extra_jwt_issuers"])

        let file = "Client_ID = \"orders\"\nskip_jwt_bearer_tokens = true\nOIDC_EXTRA_AUDIENCES = [\"payments-api\"]\n"
        let fromFile = try #require(try Self.providers(reader, file, file: "o.cfg").first)
        #expect(fromFile.audiences?.map(\.value.text) == ["orders", "payments-api"])
        #expect(throws: DeploymentReadError.self) {
            try Self.providers(reader, "client_id = \"a\"\nCLIENT_ID = \"b\"\n", file: "o.cfg")
        }
    }

    @Test("Spring: a resource-server setting in --spring-property or the environment overrides the file")
    func springExternalOverrides() throws {
        let yaml = "spring.security.oauth2.resourceserver.jwt:\n  issuer-uri: https://idp.example.com\n  audiences: orders-api\n"
        let reader = SpringBootResourceServerReader()
        var settings = DeploymentReadSettings()
        settings.springProperties = ["SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES": "orders-api,payments-api"]
        let fromEnvironment = try #require(try Self.providers(reader, yaml, file: "application.yml", settings: settings).first)
        #expect(fromEnvironment.audiences?.map(\.value.text) == ["orders-api", "payments-api"])
        #expect(fromEnvironment.audiences?.first?.location.line == 3, "shown at the setting the environment overrides")

        settings.springProperties = ["spring.security.oauth2.resourceserver.jwt.audiences[0]": "a", "spring.security.oauth2.resourceserver.jwt.audiences[1]": "b"]
        let indexed = try #require(try Self.providers(reader, yaml, file: "application.yml", settings: settings).first)
        #expect(indexed.audiences?.map(\.value.text) == ["a", "b"])

        settings.springProperties = ["spring.security.oauth2.resourceserver.jwt.audiences": "a", "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_AUDIENCES": "b"]
        let both = try #require(try Self.providers(reader, yaml, file: "application.yml", settings: settings).first)
        #expect(both.audiences == nil)
        #expect(both.unresolved.first?.reason?.contains("outside the file under 2 spellings") == true)
        #expect(both.issuer?.value == "https://idp.example.com")
    }

    @Test("AWS IAM: Action patterns match sts:AssumeRoleWithWebIdentity as IAM does, and NotAction admits what it leaves out")
    func iamActions() throws {
        for pattern in ["sts:AssumeRoleWithWebIdentity", "STS:*", "*", "sts:AssumeRole*", "sts:Assume?oleWithWebIdentity", "sts:*Web*"] {
            #expect(AWSIAMTrustPolicyReader.actionMatches(pattern: pattern), "\(pattern)")
        }
        for pattern in ["sts:AssumeRole", "sts:TagSession", "s3:*", "sts:AssumeRoleWithWebIdentity?", "", "sts:Assume\u{212A}"] {
            #expect(!AWSIAMTrustPolicyReader.actionMatches(pattern: pattern), "\(pattern)")
        }
        func providers(_ action: String) throws -> [DeployedProvider] {
            let text = """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                  "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                  \(action)}]}
                """
            return try AWSIAMTrustPolicyReader().read(Array(text.utf8), file: "role.json", settings: DeploymentReadSettings()).providers
        }
        #expect(try providers("\"Action\": \"sts:AssumeRole*\"").count == 1, "a wildcard action admits web identities, with no condition at all")
        #expect(try providers("\"NotAction\": \"sts:TagSession\"").count == 1)
        #expect(try providers("\"NotAction\": [\"sts:AssumeRoleWith*\"]").isEmpty)
        #expect(try providers("\"Action\": \"sts:AssumeRole\"").isEmpty)
    }

    @Test("Kong: audience_claim other than [aud] checks another claim; API Management expressions are found on bytes")
    func kongAudienceClaimAndAPIMExpressions() throws {
        func kong(_ claim: String) throws -> DeployedProvider? {
            try Self.providers(KongDeclarativeReader(), """
                _format_version: "3.0"
                plugins:
                  - name: openid-connect
                    service: billing
                    config:
                      issuer: https://idp.example.com
                      audience_required: [https://billing.example.com]
                \(claim)
                """).first
        }
        let other = try #require(try kong("      audience_claim: [sub]"))
        #expect(other.audiences == nil)
        #expect(other.audienceCaveat?.value.contains("'sub' claim, not aud") == true)
        #expect(other.audienceCaveat?.location.line == 8)
        let aud = try #require(try kong("      audience_claim: [aud]"))
        #expect(aud.audiences?.map(\.value.text) == ["https://billing.example.com"])
        #expect(aud.audienceCaveat == nil)

        #expect(AzureAPIManagementReader.isUnresolved("@(\u{301}context.Request.Headers)"))
        #expect(AzureAPIManagementReader.isUnresolved("https://{{\u{301}name}}"))
        #expect(!AzureAPIManagementReader.isUnresolved("https://api.example.com"))
    }

    @Test("Envoy: a TypedStruct-wrapped JwtAuthentication is read; a filter loaded over ECDS is not compared")
    func envoyTypedStructAndDiscovery() throws {
        let text = """
            http_filters:
              - name: envoy.filters.http.jwt_authn
                typed_config:
                  "@type": type.googleapis.com/xds.type.v3.TypedStruct
                  type_url: type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
                  value:
                    providers: {wrapped: {issuer: https://idp.example.com, audiences: [orders-api, payments-api]}}
                    rules: [{match: {prefix: /}, requires: {provider_name: wrapped}}]
              - name: remote-jwt
                config_discovery:
                  config_source: {ads: {}}
                  type_urls: [type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication]
            """
        let providers = try Self.providers(EnvoyJWTAuthnReader(), text)
        let wrapped = try #require(providers.first { $0.isNamed("wrapped") })
        #expect(wrapped.audiences?.map(\.value.text) == ["orders-api", "payments-api"])
        let remote = try #require(providers.first { $0.isNamed("remote-jwt") })
        #expect(remote.audiences == nil)
        #expect(remote.unresolved.first?.reason?.contains("config_discovery") == true)
    }

    /// Where the enforcer takes its keys from decides who can sign: a key source drift does not compare
    /// is said to be not compared, never passed over.
    @Test("key sources: Istio jwks, Vault's order, Envoy Gateway localJWKS, Kubernetes discoveryURL, API Management")
    func keySources() throws {
        let istio = """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: orders}
            spec:
              jwtRules:
                - issuer: https://idp.example.com
                  jwksUri: https://idp.example.com/keys
                  jwks: '{"keys": []}'
            """
        let inline = try #require(try Self.providers(IstioRequestAuthenticationReader(), istio).first)
        #expect(inline.jwksUri == nil, "Istio never fetches jwksUri when jwks is set")
        #expect(inline.unresolved.map(\.setting) == ["keys"] && inline.unresolved.first?.location.line == 8)

        let vault = VaultJWTRoleReader()
        let discovery = "data: {oidc_discovery_url: https://other.example.com, bound_issuer: https://idp.example.com}\n---\ndata: {role_type: jwt, bound_audiences: [a]}\n"
        #expect(try vault.read(Array(discovery.utf8), file: "v.yaml").providers.first?.issuer?.value == "https://other.example.com",
                "with discovery Vault checks the discovery document's issuer and never reads bound_issuer")
        let keyed = "data: {jwt_validation_pubkeys: [\"-----BEGIN PUBLIC KEY-----\"], bound_issuer: https://idp.example.com}\n---\ndata: {role_type: jwt, bound_audiences: [a]}\n"
        let staticKeys = try #require(try vault.read(Array(keyed.utf8), file: "v.yaml").providers.first)
        #expect(staticKeys.issuer?.value == "https://idp.example.com" && staticKeys.unresolved.map(\.setting) == ["keys"])
        #expect(throws: DeploymentReadError.self) {
            try vault.read(Array("data: {jwks_url: https://a/keys, oidc_discovery_url: https://a}\n---\ndata: {role_type: jwt, bound_audiences: [a]}\n".utf8), file: "v.yaml")
        }

        let gateway = """
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: SecurityPolicy
            metadata: {name: orders}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: orders}]
              jwt:
                providers:
                  - name: idp
                    issuer: https://idp.example.com
                    audiences: [orders-api]
                    localJWKS: {type: Inline, inline: '{"keys": []}'}
            """
        let local = try #require(try Self.providers(EnvoyGatewaySecurityPolicyReader(), gateway).first)
        #expect(local.jwksUri == nil && local.unresolved.map(\.setting) == ["keys"])

        func kubernetes(_ discovery: String) throws -> DeployedProvider? {
            try Self.providers(KubernetesAuthenticationReader(), """
                apiVersion: apiserver.config.k8s.io/v1
                kind: AuthenticationConfiguration
                jwt:
                  - issuer:
                      url: https://idp.example.com
                      audiences: [a]
                \(discovery)
                """).first
        }
        #expect(try kubernetes("      discoveryURL: https://other.example.com/.well-known/openid-configuration")?.unresolved.map(\.setting) == ["keys"])
        #expect(try kubernetes("      discoveryURL: https://idp.example.com/.well-known/openid-configuration")?.unresolved.isEmpty == true)

        func apim(_ attributes: String, _ body: String) throws -> DeployedProvider? {
            try Self.providers(AzureAPIManagementReader(), """
                <policies><inbound><validate-jwt header-name="Authorization"\(attributes)>
                <audiences><audience>orders-api</audience></audiences>
                <issuers><issuer>https://idp.example.com</issuer></issuers>
                \(body)
                </validate-jwt></inbound></policies>
                """, file: "policy.xml").first
        }
        #expect(try apim(" require-signed-tokens=\"false\"", "")?.verifiesNothing?.value.contains("unsigned tokens") == true)
        #expect(try apim("", "<openid-config url=\"https://other.example.com/.well-known/openid-configuration\" />")?.unresolved.map(\.setting) == ["keys"])
        let own = try #require(try apim("", "<openid-config url=\"https://idp.example.com/.well-known/openid-configuration\" />"))
        #expect(own.unresolved.isEmpty && own.verifiesNothing == nil)
    }

    @Test("Istio: a principal is required only when every ALLOW rule's every source lists one, or a DENY rule covers every path")
    func istioPrincipalRequirement() throws {
        func optional(_ policy: String) throws -> Bool {
            let text = """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders, namespace: shop}
                spec:
                  selector: {matchLabels: {app: orders}}
                  jwtRules: [{issuer: https://idp.example.com, audiences: [orders-api]}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: p, namespace: shop}
                spec:
                  selector: {matchLabels: {app: orders}}
                \(policy)
                """
            let config = try IstioRequestAuthenticationReader().read(Array(text.utf8), file: "istio.yaml", settings: DeploymentReadSettings())
            return config.requirements.contains { $0.mode == .optional }
        }
        #expect(try !optional("  rules: [{from: [{source: {requestPrincipals: [\"*\"]}}]}]"))
        #expect(try optional("  rules: [{from: [{source: {requestPrincipals: [\"*\"]}}]}, {to: [{operation: {paths: [\"/*\"]}}]}]"),
                "the second rule admits any request to any path, token or not")
        #expect(try optional("  rules: [{from: [{source: {requestPrincipals: [\"*\"]}}, {source: {namespaces: [shop]}}]}]"))
        #expect(try !optional("  action: DENY\n  rules: [{from: [{source: {notRequestPrincipals: [\"*\"]}}]}]"))
        #expect(try optional("  action: DENY\n  rules: [{from: [{source: {notRequestPrincipals: [\"*\"]}}], to: [{operation: {paths: [/admin]}}]}]"),
                "a DENY on /admin only leaves the other paths open")
        #expect(try optional("  targetRefs: [{kind: Gateway, name: ingress}]\n  rules: [{from: [{source: {requestPrincipals: [\"*\"]}}]}]"))
    }

    @Test("Istio: an AuthorizationPolicy covers a RequestAuthentication only in the same namespace, both named or both left out, and only Istio's apiVersion")
    func istioPolicyNamespaceAndVersion() throws {
        func optional(raNamespace: String?, policyNamespace: String?, policyVersion: String = "security.istio.io/v1") throws -> Bool {
            let text = """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders\(raNamespace.map { ", namespace: \($0)" } ?? "")}
                spec:
                  selector: {matchLabels: {app: orders}}
                  jwtRules: [{issuer: https://idp.example.com, audiences: [orders-api]}]
                ---
                apiVersion: \(policyVersion)
                kind: AuthorizationPolicy
                metadata: {name: p\(policyNamespace.map { ", namespace: \($0)" } ?? "")}
                spec:
                  selector: {matchLabels: {app: orders}}
                  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
                """
            let config = try IstioRequestAuthenticationReader().read(Array(text.utf8), file: "istio.yaml", settings: DeploymentReadSettings())
            return config.requirements.contains { $0.mode == .optional }
        }
        #expect(try !optional(raNamespace: nil, policyNamespace: nil))
        #expect(try !optional(raNamespace: "shop", policyNamespace: "shop"))
        #expect(try optional(raNamespace: nil, policyNamespace: "shop"), "the RequestAuthentication goes wherever kubectl applies it")
        #expect(try optional(raNamespace: "shop", policyNamespace: nil))
        #expect(try optional(raNamespace: "shop", policyNamespace: "\"sho\\u0070\u{200B}\""))
        #expect(try !optional(raNamespace: nil, policyNamespace: "\"\""), "an empty namespace is unset")
        #expect(try !optional(raNamespace: "shop", policyNamespace: "shop", policyVersion: "security.istio.io/v1beta1"))
        #expect(try optional(raNamespace: "shop", policyNamespace: "shop", policyVersion: "policy.linkerd.io/v1alpha1"))

        // ALLOW policies are ORed: one that may apply and admits requests without a principal (its
        // namespace left to kubectl apply, or a selector picking some of the same pods) spoils the claim.
        func spoiled(_ spoiler: String) throws -> Bool {
            let text = """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  jwtRules: [{issuer: https://idp.example.com, audiences: [orders-api]}]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: p, namespace: orders}
                spec:
                  selector: {matchLabels: {app: orders}}
                  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
                ---
                \(spoiler)
                """
            let config = try IstioRequestAuthenticationReader().read(Array(text.utf8), file: "istio.yaml", settings: DeploymentReadSettings())
            return config.requirements.contains { $0.mode == .optional }
        }
        let open = "rules: [{from: [{source: {namespaces: [frontend]}}]}]"
        #expect(try spoiled("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: q}\nspec: {\(open)}"))
        #expect(try spoiled("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: q, namespace: orders}\nspec: {selector: {matchLabels: {version: v1}}, \(open)}"))
        #expect(try !spoiled("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: q, namespace: billing}\nspec: {\(open)}"))
        #expect(try !spoiled("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: q, namespace: orders}\nspec: {selector: {matchLabels: {app: billing}}, \(open)}"))
    }

    @Test("Kong: anonymous accepts failures; openid-connect verify_signature: false verifies nothing, verify_claims: false checks no issuer or audience")
    func kongVerificationSwitches() throws {
        let text = """
            _format_version: "3.0"
            services:
              - name: orders
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [orders], anonymous: guest}
              - name: billing
                plugins:
                  - name: jwt
                    config: {anonymous: 3b2c5d7e-0000-4000-8000-000000000000}
              - name: shop
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [shop], verify_signature: false}
              - name: cart
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [cart], verify_claims: "off"}
              - name: plain
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [plain], anonymous: null, verify_signature: true}
            """
        let config = try KongDeclarativeReader().read(Array(text.utf8), file: "kong.yaml", settings: DeploymentReadSettings())
        #expect(config.requirements.map(\.mode) == [.failureAccepted, .failureAccepted])
        #expect(config.requirements.map { $0.providers.map(\.name.value) } == [["orders"], ["billing"]])
        #expect(config.requirements.map(\.location.line) == [6, 10])
        let byName = Dictionary(config.providers.compactMap { p in p.name.map { ($0.value, p) } }, uniquingKeysWith: { a, _ in a })
        #expect(byName["shop"]?.verifiesNothing != nil)
        #expect(byName["cart"]?.issuer == nil && byName["cart"]?.audiences == nil && byName["cart"]?.audienceCaveat != nil)
        #expect(byName["plain"]?.verifiesNothing == nil && byName["plain"]?.audiences?.count == 1 && byName["plain"]?.issuer != nil)
    }

    @Test("Kong openid-connect: auth_methods without bearer verifies no caller's JWT as configured, so the plugin's settings are not taken as enforced")
    func kongAuthMethodsWithoutBearer() throws {
        let text = """
            _format_version: "3.0"
            services:
              - name: orders
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [orders], auth_methods: [authorization_code, session]}
              - name: billing
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [billing], auth_methods: [introspection]}
              - name: shop
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [shop], auth_methods: [bearer, session], ignore_signature: [session]}
              - name: cart
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [cart]}
              - name: odd
                plugins:
                  - name: openid-connect
                    config: {issuer: https://idp.example.com, audience_required: [odd], auth_methods: {bearer: true}}
            """
        let config = try KongDeclarativeReader().read(Array(text.utf8), file: "kong.yaml", settings: DeploymentReadSettings())
        let byName = Dictionary(config.providers.compactMap { p in p.name.map { ($0.value, p) } }, uniquingKeysWith: { a, _ in a })
        let orders = try #require(byName["orders"]?.unresolved.first)
        #expect(orders.setting == "auth_methods" && orders.location.line == 6)
        #expect(orders.reason?.contains("does not include bearer") == true && orders.reason?.contains("callers authenticate with authorization_code, session instead") == true, "\(orders.reason ?? "")")
        #expect(byName["billing"]?.unresolved.first?.reason?.contains("checked by introspection at the issuer, whose answer drift does not see") == true)
        #expect(byName["odd"]?.unresolved.first?.reason?.contains("written in a form drift does not read") == true)
        #expect(byName["shop"]?.unresolved.isEmpty == true && byName["cart"]?.unresolved.isEmpty == true, "bearer listed, or auth_methods left at its default (all)")
    }

    @Test("Envoy Gateway: a route's SecurityPolicy without jwt replaces the Gateway's, so that route checks no token")
    func envoyGatewayRouteOverride() throws {
        let gateway = """
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: SecurityPolicy
            metadata: {name: gateway-jwt}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: eg}]
              jwt:
                providers: [{name: idp, issuer: https://idp.example.com, audiences: [orders-api], remoteJWKS: {uri: https://idp.example.com/keys}}]
            """
        let route = """
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: SecurityPolicy
            metadata: {name: orders-cors}
            spec:
              targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: orders}]
              cors: {allowOrigins: ["https://shop.example.com"]}
            """
        let alone = try EnvoyGatewaySecurityPolicyReader().read(Array(gateway.utf8), file: "eg.yaml", settings: DeploymentReadSettings())
        #expect(alone.requirements.isEmpty)
        let both = try EnvoyGatewaySecurityPolicyReader().read(Array((gateway + "\n" + route).utf8), file: "eg.yaml", settings: DeploymentReadSettings())
        let disabled = try #require(both.requirements.first)
        #expect(both.requirements.count == 1 && disabled.mode == .disabled && !disabled.coversEveryPath)
        #expect(disabled.label == "SecurityPolicy 'orders-cors' on HTTPRoute 'orders'" && disabled.location.line == 10)
    }
}
