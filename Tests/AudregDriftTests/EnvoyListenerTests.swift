import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// A jwt_authn filter protects the HTTP connection manager it is in and nothing else: a second
/// listener of the same bootstrap without one serves its routes with no token check.
@Suite("Drift: Envoy listeners without jwt_authn")
struct EnvoyListenerTests {
    static let registry = """
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

        """

    static let hcmType = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"

    /// The jwt_authn filter entry of `http_filters`, indented for `listener`.
    static let jwtFilter = """
                          - name: envoy.filters.http.jwt_authn
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
                              providers: {corp: {issuer: https://idp.example.com, audiences: [https://payments.example.com]}}
                              rules: [{match: {prefix: /}, requires: {provider_name: corp}}]
        """

    /// One item of `static_resources.listeners`, named `name` (written `↓name` with `marked`), whose
    /// connection manager routes `routes` (a flow list) and has jwt_authn when `jwt`.
    static func listener(_ name: String, jwt: Bool, marked: Bool = false,
                         routes: String = "[{match: {prefix: /}, route: {cluster: payments}}]") -> String {
        """
            - \(marked ? "↓" : "")name: \(name)
              filter_chains:
                - filters:
                    - name: envoy.filters.network.http_connection_manager
                      typed_config:
                        "@type": \(hcmType)
                        route_config:
                          virtual_hosts: [{name: \(name), domains: ["*"], routes: \(routes)}]
                        http_filters:
        \(jwt ? jwtFilter + "\n" : "")                  - name: envoy.filters.http.router

        """
    }

    static func bootstrap(_ listeners: String...) -> String {
        "static_resources:\n  listeners:\n" + listeners.joined()
    }

    static func example(_ config: String) -> RuleExample {
        RuleExample(registry + config)
    }

    static func read(_ config: String) throws -> DeployedConfig {
        try EnvoyJWTAuthnReader().read(Array(config.utf8), file: "envoy.yaml")
    }

    /// The requirements the listeners add (every requirement not of a jwt_authn rule).
    static func listenerRequirements(_ config: String) throws -> [DeployedRequirement] {
        try read(config).requirements.filter { !$0.label.hasPrefix("rule ") }
    }

    @Test("a second listener without jwt_authn is config-verification-skipped at its name, an error naming the shared cluster")
    func secondListener() async throws {
        let example = Self.example(Self.bootstrap(Self.listener("public", jwt: true), Self.listener("internal", jwt: false, marked: true)))
        try await ReaderFindingsTests.expectFindings("config-verification-skipped", example)
        let findings = try await DriftRuleExampleTests.findings(for: example)
        let skipped = findings.filter { $0.ruleID == "config-verification-skipped" }
        #expect(skipped.map(\.severity) == [.error])
        let message = try #require(skipped.first?.message)
        #expect(message.contains("listener 'internal' of envoy.yaml has an HTTP connection manager without a jwt_authn filter"), "\(message)")
        #expect(message.contains("cluster 'payments'"), "\(message)")
        #expect(!findings.contains { $0.ruleID == "config-value-unresolved" })
        // Compared, and reported: not "not compared".
        #expect(try await ReaderFindingsTests.coverage(example).services == ["payments-api"])
    }

    @Test("one listener with jwt_authn, or two, add nothing")
    func protectedListeners() async throws {
        for config in [Self.bootstrap(Self.listener("public", jwt: true)),
                       Self.bootstrap(Self.listener("public", jwt: true), Self.listener("internal", jwt: true))] {
            let example = Self.example(config)
            let findings = try await DriftRuleExampleTests.findings(for: example)
            #expect(!findings.contains { $0.ruleID == "config-verification-skipped" || $0.ruleID == "config-value-unresolved" }, "\(findings.map(\.message))")
            #expect(try await ReaderFindingsTests.coverage(example).services == ["payments-api"])
            #expect(try Self.listenerRequirements(config).isEmpty)
        }
    }

    @Test("a listener whose connection manager comes over xDS (config_discovery) is not compared, never verified")
    func discoveredConnectionManager() async throws {
        let ecds = """
                - ↓name: edge
                  filter_chains:
                    - filters:
                        - name: envoy.filters.network.http_connection_manager
                          config_discovery:
                            config_source: {ads: {}}
                            type_urls: [\(Self.hcmType)]

            """
        let example = Self.example(Self.bootstrap(Self.listener("public", jwt: true), ecds))
        try await ReaderFindingsTests.expectFindings("config-value-unresolved", example)
        let findings = try await DriftRuleExampleTests.findings(for: example)
        #expect(!findings.contains { $0.ruleID == "config-verification-skipped" })
        #expect(findings.first { $0.ruleID == "config-value-unresolved" }?.message.contains("listener 'edge' of envoy.yaml gets its HTTP connection manager over xDS") == true)
        let coverage = try await ReaderFindingsTests.coverage(example)
        #expect(coverage.services.isEmpty)
        #expect(coverage.deploymentsUnchecked?.first?.reason.contains("config_discovery") == true, "\(String(describing: coverage.deploymentsUnchecked))")
    }

    @Test("listeners from LDS are not compared, unless a config dump lists the listeners Envoy serves")
    func listenersOverLDS() throws {
        let lds = Self.bootstrap(Self.listener("public", jwt: true)) + "dynamic_resources:\n  lds_config: {ads: {}}\n  ads_config: {api_type: GRPC}\n"
        let unknown = try Self.listenerRequirements(lds)
        #expect(unknown.map(\.mode) == [.unknown])
        #expect(unknown.first?.label == "the listeners Envoy fetches over LDS (dynamic_resources lds_config)")
        #expect(unknown.map { "\($0.location.line):\($0.location.column)" } == ["\(lds.split(separator: "\n").count - 1):3"])
    }

    @Test("a listener to other clusters is a warning; one whose forwarding routes are all narrow is a warning; one that forwards nothing is not reported")
    func severities() throws {
        let other = try Self.listenerRequirements(Self.bootstrap(Self.listener("public", jwt: true),
                                                                 Self.listener("metrics", jwt: false, routes: "[{match: {prefix: /}, route: {cluster: stats}}]")))
        #expect(other.map(\.mode) == [.disabled])
        #expect(other.first?.coversEveryPath == false)
        #expect(other.first?.explanation?.contains("reach only cluster 'stats', which no listener with jwt_authn routes to") == true, "\(String(describing: other.first?.explanation))")

        let narrow = try Self.listenerRequirements(Self.bootstrap(Self.listener("public", jwt: true),
                                                                  Self.listener("probe", jwt: false, routes: "[{match: {path: /healthz}, route: {cluster: payments}}]")))
        #expect(narrow.map(\.mode) == [.disabled])
        #expect(narrow.first?.coversEveryPath == false)

        let fixed = try Self.listenerRequirements(Self.bootstrap(Self.listener("public", jwt: true),
                                                                 Self.listener("ready", jwt: false, routes: "[{match: {prefix: /}, direct_response: {status: 200}}]")))
        #expect(fixed.isEmpty, "a listener that only answers itself reaches no upstream")

        // Routes over RDS may go anywhere: every path, an error.
        let rds = """
                - name: internal
                  filter_chains:
                    - filters:
                        - name: envoy.filters.network.http_connection_manager
                          typed_config:
                            "@type": \(Self.hcmType)
                            rds: {route_config_name: internal, config_source: {ads: {}}}
                            http_filters: [{name: envoy.filters.http.router}]

            """
        let overRDS = try Self.listenerRequirements(Self.bootstrap(Self.listener("public", jwt: true), rds))
        #expect(overRDS.map(\.mode) == [.disabled])
        #expect(overRDS.first?.coversEveryPath == true)
    }

    @Test("a jwt_authn filter without providers on the second listener verifies nothing there")
    func emptyFilter() throws {
        // No providers, so no rule may name one (Envoy refuses the config otherwise).
        let empty = Self.listener("internal", jwt: true).replacingOccurrences(
            of: "providers: {corp: {issuer: https://idp.example.com, audiences: [https://payments.example.com]}}", with: "providers: {}")
            .replacingOccurrences(of: "rules: [{match: {prefix: /}, requires: {provider_name: corp}}]", with: "rules: []")
        let found = try Self.listenerRequirements(Self.bootstrap(Self.listener("public", jwt: true), empty))
        #expect(found.map(\.label) == ["listener 'internal'"])
        #expect(found.first?.explanation?.contains("jwt_authn filter defines no providers") == true)
    }

    @Test("tcp_proxy: reported when it forwards to a cluster a listener with jwt_authn routes to, not otherwise")
    func tcpProxy() throws {
        func proxy(_ cluster: String) -> String {
            """
                - name: raw
                  filter_chains:
                    - filters:
                        - name: envoy.filters.network.tcp_proxy
                          typed_config:
                            "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                            stat_prefix: raw
                            cluster: \(cluster)

            """
        }
        let same = try Self.listenerRequirements(Self.bootstrap(Self.listener("public", jwt: true), proxy("payments")))
        #expect(same.map(\.label) == ["listener 'raw'"])
        #expect(same.first?.mode == .disabled)
        #expect(same.first?.coversEveryPath == true)
        #expect(same.first?.explanation?.contains("tcp_proxy to cluster 'payments'") == true)
        #expect(try Self.listenerRequirements(Self.bootstrap(Self.listener("public", jwt: true), proxy("postgres"))).isEmpty)
    }

    @Test("a listener with several filter chains: the chain without jwt_authn is named and found at its filter entry")
    func filterChains() throws {
        let config = Self.bootstrap(Self.listener("public", jwt: true)).replacingOccurrences(of: """
                  filter_chains:
                    - filters:
            """, with: """
                  filter_chains:
                    - name: plain
                      filter_chain_match: {destination_port: 8080}
                      filters:
                        - name: envoy.filters.network.http_connection_manager
                          typed_config:
                            "@type": \(Self.hcmType)
                            route_config: {virtual_hosts: [{name: plain, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: payments}}]}]}
                            http_filters: [{name: envoy.filters.http.router}]
                    - filters:
            """)
        let found = try Self.listenerRequirements(config)
        #expect(found.map(\.label) == ["filter chain 'plain' of listener 'public'"])
        #expect(found.map { "\($0.location.line):\($0.location.column)" } == ["8:15"])
    }

    @Test("config dump: a dynamic listener without jwt_authn is reported; a refused one (error_state) is not")
    func configDump() throws {
        func listener(_ name: String, jwt: Bool) -> String {
            let filter = jwt ? """
                {"name": "envoy.filters.http.jwt_authn", "typed_config": {
                  "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
                  "providers": {"idp": {"issuer": "https://idp.example.com"}},
                  "rules": [{"match": {"prefix": "/"}, "requires": {"provider_name": "idp"}}]}},
                """ : ""
            return """
                {"name": "\(name)", "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager",
                  "typed_config": {"@type": "\(Self.hcmType)",
                    "rds": {"route_config_name": "\(name)"},
                    "http_filters": [\(filter){"name": "envoy.filters.http.router"}]}}]}]}
                """
        }
        let dump = """
            {"configs": [
              {"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump", "bootstrap": {"dynamic_resources": {"lds_config": {"ads": {}}}}},
              {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
               "dynamic_listeners": [
                 {"name": "ingress", "active_state": {"listener": \(listener("ingress", jwt: true))}},
                 {"name": "admin", "active_state": {"listener": \(listener("admin", jwt: false))}},
                 {"name": "broken", "error_state": {"failed_configuration": \(listener("broken", jwt: false))}}]}
            ]}
            """
        let found = try Self.listenerRequirements(dump)
        #expect(found.map(\.label) == ["listener 'admin'"], "the dump lists the listeners LDS gave, so LDS is not 'not compared'")
        // A dump cut down to the bootstrap (`?resource=`) lists none of them.
        let bootstrapOnly = """
            {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump", "bootstrap": {
              "static_resources": {"listeners": [\(listener("ingress", jwt: true))]},
              "dynamic_resources": {"lds_config": {"ads": {}}}}}]}
            """
        #expect(try Self.listenerRequirements(bootstrapOnly).map(\.mode) == [.unknown])
        #expect(found.first?.mode == .disabled)
        let line = dump.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("{\"name\": \"admin\", \"active_state\"") }
        #expect(found.first?.location.line == line.map { $0 + 1 })
    }

    @Test("the routes of a listener without jwt_authn are not held against the other listener's rules, nor reported twice")
    func routesStayWithTheirListener() throws {
        let config = Self.bootstrap(
            Self.listener("public", jwt: true, routes: "[{match: {prefix: /api}, route: {cluster: payments}}]")
                .replacingOccurrences(of: "rules: [{match: {prefix: /}", with: "rules: [{match: {prefix: /api}"),
            Self.listener("internal", jwt: false, routes: """
                [{match: {prefix: /metrics}, route: {cluster: payments}, typed_per_filter_config: {envoy.filters.http.jwt_authn: {"@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig, disabled: true}}}]
                """))
        let requirements = try Self.read(config).requirements
        #expect(requirements.filter { $0.mode != .required }.map(\.label) == ["listener 'internal'"])
    }
}
