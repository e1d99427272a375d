import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// decK files may list `routes:` and `plugins:` at the top level, bound to services and routes by name
/// or id, instead of nesting them; what they bind to may be in another decK file.
@Suite("Drift: Kong top-level routes and plugins")
struct KongTopLevelTests {
    static func example(_ kong: String) -> RuleExample {
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

            """ + kong)
    }

    /// An openid-connect plugin's fields, the second line indented by `indent`.
    static func plugin(_ indent: Int) -> String {
        "name: openid-connect\n" + String(repeating: " ", count: indent) + "config: {issuer: https://idp.example.com, audience_required: [https://shipping.example.com]}"
    }

    static func findings(_ kong: String) async throws -> [Finding] {
        try await DriftRuleExampleTests.findings(for: Self.example(kong))
    }

    @Test("top-level routes of a service in the file: a plugin on one route leaves the other open, reported at it")
    func topLevelRoutes() async throws {
        let nestedPlugin = """
            services:
              - {name: shipping-api, url: http://shipping.internal}
            routes:
              - ↓name: shipping-api-public
                service: shipping-api
                paths: [/]
              - name: shipping-api-admin
                service: {name: shipping-api}
                paths: [/v1]
                plugins:
                  - \(Self.plugin(8))
            """
        // The same, with the plugin at the top level bound to the admin route by name.
        let topPlugin = """
            services:
              - {name: shipping-api, url: http://shipping.internal}
            routes:
              - ↓name: shipping-api-public
                service: shipping-api
                paths: [/]
              - {name: shipping-api-admin, service: shipping-api, paths: [/v1]}
            plugins:
              - route: shipping-api-admin
                \(Self.plugin(4))
            """
        for kong in [nestedPlugin, topPlugin] {
            try await ReaderFindingsTests.expectFindings("config-verification-skipped", Self.example(kong))
            let found = try await Self.findings(kong)
            let skipped = found.filter { $0.ruleID == "config-verification-skipped" }
            #expect(skipped.map(\.severity) == [.error], "\(found.map(\.message))")
            #expect(skipped.first?.message.contains("route 'shipping-api-public' (paths /) of Kong service 'shipping-api'") == true, "\(skipped.map(\.message))")
            // The plugin is selected by its route's service, as a nested one is, and compared.
            #expect(!found.contains { $0.ruleID == "config-provider-missing" || $0.ruleID == "config-value-unresolved" }, "\(found.map(\.message))")
        }
        // A service-scoped top-level plugin covers every route of the service, top-level ones included.
        let covered = """
            services:
              - {name: shipping-api, url: http://shipping.internal}
            routes:
              - {name: shipping-api-public, service: shipping-api, paths: [/]}
              - {name: shipping-api-admin, service: shipping-api, paths: [/v1]}
            plugins:
              - service: shipping-api
                \(Self.plugin(4))
            """
        let found = try await Self.findings(covered)
        #expect(found.isEmpty, "\(found.map(\.message))")
        #expect(try await ReaderFindingsTests.coverage(Self.example(covered)).services == ["shipping-api"])
    }

    @Test("routes of a service that is not in the file: their coverage is not compared, never reported at full severity")
    func serviceElsewhere() async throws {
        let kong = """
            routes:
              - ↓name: shipping-api-public
                service: shipping-api
                paths: [/]
              - name: shipping-api-admin
                service: shipping-api
                paths: [/v1]
                plugins:
                  - \(Self.plugin(8))
            """
        try await ReaderFindingsTests.expectFindings("config-value-unresolved", Self.example(kong))
        let found = try await Self.findings(kong)
        #expect(!found.contains { $0.ruleID == "config-verification-skipped" }, "\(found.map(\.message))")
        #expect(found.first { $0.ruleID == "config-value-unresolved" }?.message.contains("its service is not in this file") == true, "\(found.map(\.message))")
        #expect(try await ReaderFindingsTests.coverage(Self.example(kong)).services.isEmpty)
    }

    @Test("a top-level plugin bound to a route or service not in the file may be the open route's: not compared")
    func pluginBoundElsewhere() async throws {
        for scope in ["route: shipping-api-public-v2", "service: 3f1c1a0e-0000-4000-8000-000000000000"] {
            let example = ReaderFindingsTests.kongRoutePlugin(publicPaths: "[/]", marked: true, extra: "plugins:\n  - name: jwt\n    \(scope)\n")
            try await ReaderFindingsTests.expectFindings("config-value-unresolved", example)
            let found = try await DriftRuleExampleTests.findings(for: example)
            #expect(!found.contains { $0.ruleID == "config-verification-skipped" }, "\(scope): \(found.map(\.message))")
        }
        // Bound to a route the file defines with an id of its own, it cannot be the open route.
        let pinned = ReaderFindingsTests.kongRoutePlugin(publicPaths: "[/]", marked: true, extra: "plugins:\n  - name: jwt\n    route: shipping-api-public-v2\n")
        let withID = RuleExample(pinned.yaml.replacingOccurrences(of: "paths: [/]\n", with: "paths: [/]\n        id: 0b6f7d0e-0000-4000-8000-000000000001\n"))
        try await ReaderFindingsTests.expectFindings("config-verification-skipped", withID)
    }
}
