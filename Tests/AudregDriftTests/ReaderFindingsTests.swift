import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// Reader fixes seen through the whole drift run, as a rule example is: each example's ↓ markers are
/// where the rule must report, and nowhere else. (Kept here rather than in the rules' own examples,
/// which the committed site renders.)
@Suite("Drift: reader findings end to end")
struct ReaderFindingsTests {
    static func expectFindings(_ ruleID: String, _ example: RuleExample, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let expected = DriftRuleExampleTests.expected(for: example)
        let found = try await DriftRuleExampleTests.findings(for: example).filter { $0.ruleID == ruleID }
        let actual = found.map { "\($0.location.file):\($0.location.line):\($0.location.column)" }.sorted()
        #expect(actual == expected, "\(found.map(\.message))", sourceLocation: sourceLocation)
    }

    @Test("Envoy: a requirement in a form drift does not read is a config-value-unresolved note, not a verified route")
    func envoyUnknownRequirement() async throws {
        let example = RuleExample("""
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
                      audiences: [https://other.example.com]
                  rules:
                    - match: {prefix: /}
                      requires: ↓{provider_names: [corp]}
                """)
        try await Self.expectFindings("config-value-unresolved", example)
        let findings = try await DriftRuleExampleTests.findings(for: example)
        #expect(!findings.contains { $0.ruleID == "config-verification-skipped" })
        // The provider's settings are not compared where no route is known to enforce them.
        #expect(!findings.contains { $0.ruleID.hasPrefix("config-audience") || $0.ruleID == "config-issuer-mismatch" })
        // Nor is the deployment counted as compared.
        let scratch = DriftScratch()
        for section in DriftExample.sections(of: example) where !section.isURL { scratch.write(section.name, section.text) }
        let loaded = try RegistryLoader().load(directory: scratch.path)
        let coverage = await DriftRunner(options: DriftOptions(today: DriftTest.today)).check(loaded, registryDirectory: scratch.path, source: StaticDocumentSource([])).coverage
        #expect(coverage.services.isEmpty)
        #expect(coverage.deploymentsUnchecked?.first?.reason.contains("provider_names") == true, "\(String(describing: coverage.deploymentsUnchecked))")
    }

    @Test("Envoy: requires: {} is allow-all, reported as verifying no token for every path")
    func envoyEmptyRequires() async throws {
        let example = RuleExample("""
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
                      requires: ↓{}
                """)
        try await Self.expectFindings("config-verification-skipped", example)
        let skipped = try await DriftRuleExampleTests.findings(for: example).filter { $0.ruleID == "config-verification-skipped" }
        #expect(skipped.map(\.severity) == [.error])
    }

    /// A registry that selects `provider: corp_idp` in an Envoy file whose only rule is `requires`;
    /// legacy_idp (another issuer, no audiences) is marked where `marking` reports it.
    static func envoyAlternatives(_ requires: String, marking: String? = nil) -> RuleExample {
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
                - {kind: envoy-jwt-authn, source: envoy.yaml, provider: corp_idp}
            #> envoy.yaml
            name: envoy.filters.http.jwt_authn
            typed_config:
              providers:
                corp_idp:
                  issuer: https://idp.example.com
                  audiences: [https://payments.example.com]
                \(marking == "config-audience-unchecked" ? "↓" : "")legacy_idp:
                  issuer: \(marking == "config-issuer-mismatch" ? "↓" : "")https://legacy.example.com
                audit_idp:
                  issuer: https://idp.example.com
              rules:
                - match: {prefix: /}
                  requires: \(requires)
            """)
    }

    @Test("Envoy: a provider that requires_any accepts instead of the selected one has its issuer and audiences compared")
    func envoyRequiresAnyAlternative() async throws {
        let requiresAny = "{requires_any: {requirements: [{provider_name: corp_idp}, {provider_name: legacy_idp}]}}"
        for rule in ["config-audience-unchecked", "config-issuer-mismatch"] {
            try await Self.expectFindings(rule, Self.envoyAlternatives(requiresAny, marking: rule))
        }
        let findings = try await DriftRuleExampleTests.findings(for: Self.envoyAlternatives(requiresAny))
        let unchecked = try #require(findings.first { $0.ruleID == "config-audience-unchecked" })
        #expect(unchecked.message.contains("'legacy_idp' (which rule 1 (prefix /) accepts instead of 'corp_idp')"), "\(unchecked.message)")

        // A branch of requires_any that is itself a requires_all with the selected provider: the other
        // provider there lets nothing through alone, so only legacy_idp is compared.
        let nested = "{requires_any: {requirements: [{requires_all: {requirements: [{provider_name: corp_idp}, {provider_name: audit_idp}]}}, {provider_name: legacy_idp}]}}"
        for rule in ["config-audience-unchecked", "config-issuer-mismatch"] {
            try await Self.expectFindings(rule, Self.envoyAlternatives(nested, marking: rule))
        }
    }

    @Test("Envoy: a provider that requires_all needs beside the selected one admits nothing alone and is not compared")
    func envoyRequiresAllIsNoAlternative() async throws {
        // audit_idp has no audiences; its presence in requires_all does not let its tokens in alone.
        let example = Self.envoyAlternatives("{requires_all: {requirements: [{provider_name: corp_idp}, {provider_name: audit_idp}]}}")
        let findings = try await DriftRuleExampleTests.findings(for: example)
        #expect(findings.isEmpty, "\(findings.map(\.message))")
    }

    @Test("Kong: config.anonymous lets requests without a valid token through, so its settings are not taken as enforced")
    func kongAnonymous() async throws {
        let example = RuleExample("""
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
                - {kind: kong, source: kong.yaml}
            #> kong.yaml
            _format_version: "3.0"
            services:
              - name: payments
                url: http://payments.internal
                plugins:
                  - name: openid-connect
                    config:
                      issuer: https://idp.example.com
                      audience_required: [https://other.example.com]
                      ↓anonymous: guest
            """)
        try await Self.expectFindings("config-verification-skipped", example)
        let findings = try await DriftRuleExampleTests.findings(for: example)
        #expect(!findings.contains { $0.ruleID.hasPrefix("config-audience") }, "\(findings.map(\.message))")
    }

    /// The registry selects Kong service shipping-api, whose openid-connect plugin sits on route
    /// shipping-api-admin only; `publicPaths` are the other route's, `extra` is added to the file.
    static func kongRoutePlugin(publicPaths: String, marked: Bool, audiences: String = "[https://shipping.example.com]", extra: String = "") -> RuleExample {
        RuleExample("""
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://idp.example.com}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: shipping-api}
            spec:
              audiences: [https://shipping.example.com]
              accepts: [{issuer: corp-idp}]
              deployments:
                - {kind: kong, source: kong.yaml, provider: shipping-api}
            #> kong.yaml
            _format_version: "3.0"
            services:
              - name: shipping-api
                url: http://shipping.internal
                routes:
                  - \(marked ? "↓" : "")name: shipping-api-public
                    paths: \(publicPaths)
                  - name: shipping-api-admin
                    paths: [/v1]
                    plugins:
                      - name: openid-connect
                        config:
                          issuer: https://idp.example.com
                          audience_required: \(audiences)
            \(extra)
            """)
    }

    @Test("Kong: a plugin on one route leaves the service's other routes unverified: an error for every path, a warning for fewer")
    func kongRoutePluginLeavesSiblingsOpen() async throws {
        let everyPath = Self.kongRoutePlugin(publicPaths: "[/]", marked: true)
        try await Self.expectFindings("config-verification-skipped", everyPath)
        let findings = try await DriftRuleExampleTests.findings(for: everyPath)
        let skipped = findings.filter { $0.ruleID == "config-verification-skipped" }
        #expect(skipped.map(\.severity) == [.error])
        #expect(skipped.first?.message.contains("route 'shipping-api-public' (paths /) of Kong service 'shipping-api'") == true, "\(skipped.map(\.message))")
        // The admin route's plugin still enforces there, so its settings are still compared.
        #expect(findings.count == 1, "\(findings.map(\.message))")
        let broadened = try await DriftRuleExampleTests.findings(for: Self.kongRoutePlugin(publicPaths: "[/]", marked: false, audiences: "[https://shipping.example.com, https://other.example.com]"))
        #expect(broadened.contains { $0.ruleID == "config-audience-broadened" }, "\(broadened.map(\.message))")
        // With anonymous on the admin route's plugin, no route enforces it: both are reported, nothing compared.
        let anonymous = try await DriftRuleExampleTests.findings(for: Self.kongRoutePlugin(publicPaths: "[/]", marked: false, audiences: "[https://other.example.com]\n              anonymous: guest"))
        #expect(anonymous.filter { $0.ruleID == "config-verification-skipped" }.count == 2, "\(anonymous.map(\.message))")
        #expect(!anonymous.contains { $0.ruleID.hasPrefix("config-audience") }, "\(anonymous.map(\.message))")

        let narrower = Self.kongRoutePlugin(publicPaths: "[/health]", marked: true)
        try await Self.expectFindings("config-verification-skipped", narrower)
        #expect(try await DriftRuleExampleTests.findings(for: narrower).filter { $0.ruleID == "config-verification-skipped" }.map(\.severity) == [.warning])
        // A route without paths takes in every path.
        let noPaths = Self.kongRoutePlugin(publicPaths: "[]", marked: true)
        try await Self.expectFindings("config-verification-skipped", noPaths)
        #expect(try await DriftRuleExampleTests.findings(for: noPaths).filter { $0.ruleID == "config-verification-skipped" }.map(\.severity) == [.error])
    }

    @Test("Kong: a global, service-scoped or route-scoped top-level plugin covers the route without one")
    func kongTopLevelPluginCoversSiblings() async throws {
        for scope in ["", "    service: shipping-api\n", "    route: shipping-api-public\n"] {
            let extra = "plugins:\n  - name: jwt\n" + scope
            let example = Self.kongRoutePlugin(publicPaths: "[/]", marked: false, extra: extra)
            let findings = try await DriftRuleExampleTests.findings(for: example)
            #expect(!findings.contains { $0.ruleID == "config-verification-skipped" }, "\(scope): \(findings.map(\.message))")
        }
        // A disabled one covers nothing.
        let disabled = Self.kongRoutePlugin(publicPaths: "[/]", marked: true, extra: "plugins:\n  - name: jwt\n    enabled: false\n")
        try await Self.expectFindings("config-verification-skipped", disabled)
    }

    @Test("AWS IAM: a subject condition under an IfExists operator is reported as pinning no workload")
    func awsIfExistsSubject() async throws {
        let example = RuleExample("""
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: github-actions}
            spec: {issuer: https://token.actions.githubusercontent.com}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: deploy-role}
            spec:
              audiences: [sts.amazonaws.com]
              accepts: [{issuer: github-actions}]
              deployments:
                - {kind: aws-iam-trust-policy, source: trust.json, trust: {subjects: ["repo:acme/deploy:*"]}}
            #> trust.json
            {
              "Version": "2012-10-17",
              "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                  "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                  "StringLikeIfExists": {↓"token.actions.githubusercontent.com:sub": "repo:acme/deploy:*"}
                }
              }]
            }
            """)
        try await Self.expectFindings("config-trust-subject-unpinned", example)
        let unpinned = try await DriftRuleExampleTests.findings(for: example).filter { $0.ruleID == "config-trust-subject-unpinned" }
        #expect(unpinned.first?.message.contains("passes when the key is absent") == true)
    }

    /// The services the run counted as "every config compared", and why each deployment was not.
    static func coverage(_ example: RuleExample) async throws -> DriftCoverage {
        let scratch = DriftScratch()
        for section in DriftExample.sections(of: example) where !section.isURL { scratch.write(section.name, section.text) }
        let loaded = try RegistryLoader().load(directory: scratch.path)
        return await DriftRunner(options: DriftOptions(today: DriftTest.today)).check(loaded, registryDirectory: scratch.path, source: StaticDocumentSource([])).coverage
    }

    static func localKeysExample(kind: String, source: String, _ config: String) -> RuleExample {
        RuleExample("""
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: payments-api}
            spec:
              audiences: [https://payments.example.com]
              accepts: [{issuer: corp-idp}]
              deployments:
                - {kind: \(kind), source: \(source)}
            #> \(source)
            \(config)
            """)
    }

    @Test("Envoy: a provider's local_jwks (inline_string, filename, environment_variable, either spelling) is said not compared, and the service is not counted as compared")
    func envoyLocalJWKS() async throws {
        for source in ["local_jwks: {inline_string: '{\"keys\": []}'}", "local_jwks: {filename: /etc/envoy/jwks.json}",
                       "localJwks: {environmentVariable: JWKS}", "local_jwks: {inline_bytes: e30=}"] {
            let example = Self.localKeysExample(kind: "envoy-jwt-authn", source: "envoy.yaml", """
                name: envoy.filters.http.jwt_authn
                typed_config:
                  providers:
                    corp:
                      issuer: https://idp.example.com
                      audiences: [https://payments.example.com]
                      ↓\(source)
                  rules:
                    - match: {prefix: /}
                      requires: {provider_name: corp}
                """)
            try await Self.expectFindings("config-value-unresolved", example)
            let unresolved = try await DriftRuleExampleTests.findings(for: example).filter { $0.ruleID == "config-value-unresolved" }
            #expect(unresolved.first?.message.contains("local_jwks") == true, "\(unresolved.map(\.message))")
            let coverage = try await Self.coverage(example)
            #expect(coverage.services.isEmpty, "\(source): keys never compared, so not every config was compared")
            #expect(coverage.deploymentsUnchecked?.first?.reason.contains("local_jwks") == true, "\(String(describing: coverage.deploymentsUnchecked))")
        }
    }

    @Test("Spring: public-key-location without jwk-set-uri or issuer-uri is said not compared; beside either, Spring ignores it")
    func springPublicKeyLocation() async throws {
        let local = Self.localKeysExample(kind: "spring-boot", source: "application.properties", """
            ↓spring.security.oauth2.resourceserver.jwt.public-key-location=classpath:idp.pub
            spring.security.oauth2.resourceserver.jwt.audiences=https://payments.example.com
            """)
        try await Self.expectFindings("config-value-unresolved", local)
        let coverage = try await Self.coverage(local)
        #expect(coverage.services.isEmpty)
        #expect(coverage.deploymentsUnchecked?.first?.reason.contains("public-key-location") == true, "\(String(describing: coverage.deploymentsUnchecked))")

        // YAML, relaxed spelling.
        let yaml = Self.localKeysExample(kind: "spring-boot", source: "application.yml", """
            spring.security.oauth2.resourceserver.jwt:
              ↓publicKeyLocation: file:/etc/keys/idp.pub
              audiences: [https://payments.example.com]
            """)
        try await Self.expectFindings("config-value-unresolved", yaml)

        // Spring Boot's KeyValueCondition: with issuer-uri (or jwk-set-uri) set, the local key is not used,
        // and the config is compared as before, even when the location is a placeholder nothing defines.
        for remote in ["issuer-uri=https://idp.example.com", "jwk-set-uri=https://idp.example.com/keys"] {
            let ignored = Self.localKeysExample(kind: "spring-boot", source: "application.properties", """
                spring.security.oauth2.resourceserver.jwt.\(remote)
                spring.security.oauth2.resourceserver.jwt.public-key-location=${IDP_KEY}
                spring.security.oauth2.resourceserver.jwt.audiences=https://payments.example.com
                """)
            try await Self.expectFindings("config-value-unresolved", ignored)
            #expect(try await Self.coverage(ignored).services == ["payments-api"], "\(remote)")
        }
    }
}
