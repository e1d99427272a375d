import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

@Suite("Drift: config readers")
struct DeploymentReaderTests {
    static func read(_ reader: any DeploymentConfigReader, _ text: String, file: String = "config.yaml") throws -> DeployedConfig {
        try reader.read(Array(text.utf8), file: file)
    }

    static func position(_ location: AudregCore.SourceLocation?) -> String {
        location.map { "\($0.line):\($0.column)" } ?? "-"
    }

    @Test("Envoy static bootstrap in the repository: provider, issuer, audiences and their positions")
    func envoyStatic() throws {
        let config = try EnvoyJWTAuthnReader().read(DriftFixtures.bytes("../../../deploy/envoy/storefront-gateway.yaml"), file: "envoy.yaml")
        #expect(config.providers.count == 1)
        let provider = try #require(config.providers.first)
        #expect(provider.name?.value == "corp_idp")
        #expect(provider.issuer?.value == "https://id.larkspur.example")
        #expect(provider.jwksUri?.value == "https://id.larkspur.example/oauth2/keys")
        #expect(provider.audiences?.map(\.value) == ["https://shop.larkspur.example", "https://orders.api.larkspur.example"])
        #expect(provider.audiences?.map { Self.position($0.location) } == ["30:31", "33:31"])
        #expect(provider.forwardsToken?.value == false)
    }

    @Test("Envoy admin /config_dump JSON: the filter inside dynamic listeners is found")
    func envoyConfigDump() throws {
        let dump = """
            {"configs": [
              {"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
               "dynamic_listeners": [{"name": "ingress", "active_state": {"listener": {
                 "filter_chains": [{"filters": [{"name": "envoy.filters.network.http_connection_manager",
                   "typed_config": {"http_filters": [
                     {"name": "envoy.filters.http.jwt_authn", "typed_config": {
                       "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
                       "providers": {"idp": {"issuer": "https://idp.example.com", "forward": true,
                         "remote_jwks": {"http_uri": {"uri": "https://idp.example.com/keys", "cluster": "idp", "timeout": "5s"}}}}}}]}}]}]}}}]}
            ]}
            """
        let config = try Self.read(EnvoyJWTAuthnReader(), dump, file: "dump.json")
        let provider = try #require(config.providers.first)
        #expect(provider.name?.value == "idp")
        #expect(provider.audiences == nil)
        #expect(provider.forwardsToken?.value == true)
        #expect(Self.position(provider.forwardsToken?.location) == "8:82")
    }

    @Test("Istio: multi-document, v1 and v1beta1, other kinds skipped, other API versions refused")
    func istio() throws {
        let text = """
            apiVersion: v1
            kind: Service
            metadata: {name: orders}
            ---
            apiVersion: security.istio.io/v1beta1
            kind: RequestAuthentication
            metadata: {name: orders-jwt}
            spec:
              jwtRules:
                - issuer: https://idp.example.com
                  audiences: [a, b]
                  forwardOriginalToken: true
                - issuer: https://other.example.com
            """
        let config = try Self.read(IstioRequestAuthenticationReader(), text)
        #expect(config.providers.count == 2)
        #expect(config.providers.allSatisfy { $0.isNamed("orders-jwt") })
        #expect(config.providers[0].audiences?.map(\.value) == ["a", "b"])
        #expect(Self.position(config.providers[0].audiencesLocation) == "11:7")
        #expect(config.providers[0].forwardsToken?.value == true)
        #expect(config.providers[1].audiences == nil)
        #expect(throws: DeploymentReadError.self) {
            try Self.read(IstioRequestAuthenticationReader(), "apiVersion: security.istio.io/v1alpha1\nkind: RequestAuthentication\n")
        }
    }

    @Test("Spring Boot: nested YAML, dotted keys, relaxed names, properties with comma lists and indexes")
    func spring() throws {
        let yaml = """
            spring:
              security.oauth2.resourceserver:
                jwt:
                  issuerUri: https://idp.example.com
                  audiences: "https://a.example.com, https://b.example.com"
            """
        let fromYAML = try #require(try Self.read(SpringBootResourceServerReader(), yaml, file: "application.yml").providers.first)
        #expect(fromYAML.issuer?.value == "https://idp.example.com")
        #expect(fromYAML.audiences?.map(\.value) == ["https://a.example.com", "https://b.example.com"])
        #expect(fromYAML.audiences?.map { Self.position($0.location) } == ["5:19", "5:42"])

        let properties = """
            # payments
            spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example.com
            spring.security.oauth2.resourceserver.jwt.audiences[0]=https://a.example.com
            spring.security.oauth2.resourceserver.jwt.audiences[1]=https://b.example.com
            spring.security.oauth2.resourceserver.jwt.jwk-set-uri = https://idp.example.com/keys
            """
        let fromProperties = try #require(try Self.read(SpringBootResourceServerReader(), properties, file: "application.properties").providers.first)
        #expect(fromProperties.audiences?.map(\.value) == ["https://a.example.com", "https://b.example.com"])
        #expect(fromProperties.audiences?.map { Self.position($0.location) } == ["3:56", "4:56"])
        #expect(fromProperties.jwksUri?.value == "https://idp.example.com/keys")
        #expect(Self.position(fromProperties.jwksUri?.location) == "5:57")

        let none = try Self.read(SpringBootResourceServerReader(), "server:\n  port: 8080\n", file: "application.yml")
        #expect(none.providers.isEmpty)
    }

    @Test("Kong: audience_required is the check; audience alone and the jwt plugin check nothing")
    func kong() throws {
        let text = """
            _format_version: "3.0"
            services:
              - name: shipping-api
                routes:
                  - name: shipping-public
                    plugins:
                      - name: openid-connect
                        config:
                          issuer: https://idp.example.com/.well-known/openid-configuration
                          audience: [https://shipping.example.com]
              - name: legacy
                plugins:
                  - name: jwt
            plugins:
              - name: openid-connect
                service: billing
                config:
                  issuer: https://idp.example.com
                  audience_required: [https://billing.example.com]
            """
        let config = try Self.read(KongDeclarativeReader(), text)
        #expect(config.providers.count == 3)
        let shipping = try #require(config.providers.first { $0.isNamed("shipping-api") })
        #expect(shipping.name?.value == "shipping-public")
        #expect(shipping.audiences == nil)
        #expect(shipping.audienceCaveat?.value.contains("not validated") == true)
        #expect(Self.position(shipping.audienceCaveat?.location) == "10:15")
        let legacy = try #require(config.providers.first { $0.isNamed("legacy") })
        #expect(legacy.audienceCaveat?.value.contains("jwt plugin") == true)
        #expect(shipping.forwardsToken?.value == true, "openid-connect forwards the access token by default")
        let billing = try #require(config.providers.first { $0.isNamed("billing") })
        #expect(billing.audiences?.map(\.value) == ["https://billing.example.com"])
    }

    @Test("config paths are relative to the registry file that names them")
    func paths() {
        #expect(DeploymentChecker.configPath(source: "../../../deploy/envoy/x.yaml", registryFile: "services/production/a.yaml") == "../deploy/envoy/x.yaml")
        #expect(DeploymentChecker.configPath(source: "envoy.yaml", registryFile: "example.yaml") == "envoy.yaml")
        #expect(DeploymentChecker.configPath(source: "./a/../b.yaml", registryFile: "s/x.yaml") == "s/b.yaml")
    }
}
