import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// A jwt_authn entry of `http_filters` with `disabled: true` runs only on the routes whose
/// `typed_per_filter_config` enables it: the others pass with no token check.
@Suite("Drift: Envoy jwt_authn disabled by default")
struct EnvoyFilterOffByDefaultTests {
    typealias Listeners = EnvoyListenerTests

    /// `FilterConfig {disabled: false}` wrapping a PerRouteConfig that selects requirement_map entry `corp`.
    static let enable = """
        {envoy.filters.http.jwt_authn: {"@type": type.googleapis.com/envoy.config.route.v3.FilterConfig, disabled: false, \
        config: {"@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig, requirement_name: corp}}}
        """

    /// One listener whose jwt_authn filter is off by default (`↓disabled` with `marked`), routing `routes`.
    static func listener(marked: Bool = false, routes: String) -> String {
        Listeners.listener("public", jwt: true, routes: routes)
            .replacingOccurrences(of: "- name: envoy.filters.http.jwt_authn\n", with: "- name: envoy.filters.http.jwt_authn\n                    \(marked ? "↓" : "")disabled: true\n")
            .replacingOccurrences(of: "rules: [{match: {prefix: /}, requires: {provider_name: corp}}]",
                                  with: "rules: [{match: {prefix: /}, requires: {provider_name: corp}}]\n                      requirement_map: {corp: {provider_name: corp}}")
    }

    static func skipped(_ config: String) async throws -> [Finding] {
        try await DriftRuleExampleTests.findings(for: Listeners.example(config)).filter { $0.ruleID == "config-verification-skipped" }
    }

    @Test("a filter off by default that no route enables: an error at its disabled key, naming the listener")
    func noRouteEnables() async throws {
        let config = Listeners.bootstrap(Self.listener(marked: true, routes: "[{match: {prefix: /}, route: {cluster: payments}}]"))
        try await ReaderFindingsTests.expectFindings("config-verification-skipped", Listeners.example(config))
        let found = try await Self.skipped(config)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.message.contains("listener 'public' of envoy.yaml has its jwt_authn filter disabled by default (http_filters disabled: true) and no route enables it") == true,
                "\(found.map(\.message))")
        #expect(try await ReaderFindingsTests.coverage(Listeners.example(config)).services == ["payments-api"])
    }

    @Test("a filter off by default that only some routes enable: the others are reported at their match key, a warning when narrow")
    func someRoutesEnable() async throws {
        let config = Listeners.bootstrap(Self.listener(routes: """
            [{match: {prefix: /api}, route: {cluster: payments}, typed_per_filter_config: \(Self.enable)}, {↓match: {path: /healthz}, route: {cluster: payments}}, {match: {prefix: /old}, redirect: {path_redirect: /api}}]
            """))
        try await ReaderFindingsTests.expectFindings("config-verification-skipped", Listeners.example(config))
        let found = try await Self.skipped(config)
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.message.contains("route 2 (path /healthz) of virtual host 'public' of listener 'public' of envoy.yaml does not enable jwt_authn") == true, "\(found.map(\.message))")
        // A catch-all route left off is an error.
        let wide = Listeners.bootstrap(Self.listener(routes: """
            [{match: {prefix: /api}, route: {cluster: payments}, typed_per_filter_config: \(Self.enable)}, {↓match: {prefix: /}, route: {cluster: payments}}]
            """))
        try await ReaderFindingsTests.expectFindings("config-verification-skipped", Listeners.example(wide))
        #expect(try await Self.skipped(wide).map(\.severity) == [.error])
    }

    @Test("every route enables the filter (on the route or its virtual host): nothing is reported")
    func everyRouteEnables() async throws {
        let onRoutes = Listeners.bootstrap(Self.listener(routes: """
            [{match: {prefix: /api}, route: {cluster: payments}, typed_per_filter_config: \(Self.enable)}, {match: {prefix: /}, route: {cluster: payments}, typed_per_filter_config: \(Self.enable)}]
            """))
        let onHost = Listeners.bootstrap(Self.listener(routes: "[{match: {prefix: /}, route: {cluster: payments}}]")
            .replacingOccurrences(of: "domains: [\"*\"], routes:", with: "domains: [\"*\"], typed_per_filter_config: \(Self.enable), routes:"))
        for config in [onRoutes, onHost] {
            let findings = try await DriftRuleExampleTests.findings(for: Listeners.example(config))
            #expect(!findings.contains { $0.ruleID == "config-verification-skipped" || $0.ruleID == "config-value-unresolved" }, "\(findings.map(\.message))")
            #expect(try await ReaderFindingsTests.coverage(Listeners.example(config)).services == ["payments-api"])
            #expect(try Listeners.read(config).requirements.allSatisfy { $0.mode == .required })
        }
    }

    @Test("a filter off by default whose routes come over RDS, or a bare filter entry, is not compared, never verified")
    func routesNotInTheFile() async throws {
        let rds = Listeners.bootstrap(Self.listener(marked: true, routes: "[]"))
            .replacingOccurrences(of: "route_config:\n", with: "rds: {route_config_name: public, config_source: {ads: {}}}\n                unused_route_config:\n")
        let example = Listeners.example(rds)
        try await ReaderFindingsTests.expectFindings("config-value-unresolved", example)
        let findings = try await DriftRuleExampleTests.findings(for: example)
        #expect(!findings.contains { $0.ruleID == "config-verification-skipped" })
        #expect(findings.first { $0.ruleID == "config-value-unresolved" }?.message.contains("its routes, which Envoy fetches over RDS, are not in this file") == true)
        #expect(try await ReaderFindingsTests.coverage(example).services.isEmpty)

        let bare = """
            name: envoy.filters.http.jwt_authn
            disabled: true
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
              providers: {corp: {issuer: https://idp.example.com, audiences: [https://payments.example.com]}}
              rules: [{match: {prefix: /}, requires: {provider_name: corp}}]
            """
        let unknown = try Listeners.read(bare).requirements.filter { $0.mode != .required }
        #expect(unknown.map(\.mode) == [.unknown])
        #expect(unknown.map { "\($0.location.line):\($0.location.column)" } == ["2:1"])
    }
}
