import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregExport
import AudregTestHelpers

@Suite("Exports")
struct ExportTests {
    static let today = Day(year: 2026, month: 12, day: 1)!

    static func report() throws -> ValidationReport {
        try Validator(today: today).validate(directory: Paths.exampleRegistry)
    }

    @Test("UUIDs are RFC 9562 version 5, equal to Python's uuid.uuid5")
    func uuidV5() {
        #expect(StableUUID.namespace == "0fe3df77-bed2-52c5-84bb-290192296a78")
        #expect(StableUUID.v5(name: "component/orders-api") == "2e16e35b-2c1d-5404-b266-3060e616bb5a")
    }

    @Test("the OSCAL export is deterministic and carries every service as a component")
    func oscalShape() throws {
        let export = OSCALExport(report: try Self.report(), today: Self.today)
        let first = try export.componentDefinition().serialized()
        #expect(try first == OSCALExport(report: try Self.report(), today: Self.today).componentDefinition().serialized())
        let root = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let definition = try #require(root["component-definition"] as? [String: Any])
        let metadata = try #require(definition["metadata"] as? [String: Any])
        #expect(metadata["oscal-version"] as? String == "1.2.1")
        #expect(metadata["last-modified"] as? String == "2026-12-01T00:00:00Z")
        let components = try #require(definition["components"] as? [[String: Any]])
        #expect(components.count == 12)
        #expect(components.first?["uuid"] as? String == StableUUID.v5(name: "component/catalog-api"))
    }

    /// OSCAL tools render description and title fields as Markdown.
    @Test("registry text in OSCAL's markup fields is escaped: no link, image, HTML or heading from a description")
    func oscalMarkupIsEscaped() throws {
        let loaded = RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Service
            metadata:
              name: orders-api
              title: "Orders [x](javascript:alert(1))"
              description: "Orders. <img src=x onerror=alert(1)>\\n\\n# Approved by CISO"
            spec:
              audiences: [https://orders.example.com]
            """)
        let report = Validator(today: Self.today).validate(loaded)
        let text = try OSCALExport(report: report, today: Self.today).componentDefinition().serialized()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let component = try #require(((root["component-definition"] as? [String: Any])?["components"] as? [[String: Any]])?.first)
        #expect(component["title"] as? String == "Orders \\[x\\]\\(javascript:alert\\(1\\)\\)")
        let description = try #require(component["description"] as? String)
        #expect(description == "Orders. &lt;img src=x onerror=alert\\(1\\)&gt;  \\# Approved by CISO")
        #expect(!description.contains("\n") && !description.contains("<img"))
    }

    /// OSCAL's `string` is `^\\S(.*\\S)?$`: no whitespace at either end, no line break.
    @Test("a prop value OSCAL's string type cannot hold is refused at its place, never trimmed or escaped", arguments: [
        ("audiences: [\" https://orders.example.com\"]", "audience", "whitespace at its start or end (U+0020)", 7),
        ("audiences: [\"https://orders.example.com\\t\"]", "audience", "whitespace at its start or end (U+0009)", 7),
        ("audiences: [\"https://orders.example.com\\nx\"]", "audience", "a line break (U+000A)", 7),
        ("audiences: [\"https://orders.example.com\\u2028x\"]", "audience", "a line break (U+2028)", 7),
        ("audiences: [\"\"]", "audience", "it is empty", 7),
    ])
    func oscalPropValueRefused(spec: String, name: String, reason: String, line: Int) throws {
        let report = Validator(today: Self.today).validate(RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Service
            metadata:
              name: orders-api
              environment: production
            spec:
              \(spec)
            """))
        #expect { try OSCALExport(report: report, today: Self.today).componentDefinition() } throws: { error in
            guard case .propValue(let service, let prop, _, let why, let location) = error as? OSCALExportError else { return false }
            return service == "orders-api" && prop == name && why.contains(reason) && location.line == line
        }
    }

    @Test("a padded environment is refused at its place; a finding's file name is written escaped, on one line")
    func oscalEnvironmentAndFindingFile() throws {
        let report = Validator(today: Self.today).validate(RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api, environment: " production"}
            spec: {audiences: [https://orders.example.com]}
            """))
        #expect { try OSCALExport(report: report, today: Self.today).componentDefinition() } throws: { error in
            guard case .propValue(_, "environment", " production", _, let location) = error as? OSCALExportError else { return false }
            return location.line == 3
        }
        // A registry file named with a line break: its findings' props name it escaped.
        let named = Validator(today: Self.today).validate(RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec: {audiences: [" https://orders.example.com", https://orders.example.com/v2]}
            """, file: "a\nb.yaml"))
        #expect(named.findings.contains { $0.ruleID == "claim-value-invalid" })
        #expect(throws: OSCALExportError.self) { try OSCALExport(report: named, today: Self.today).componentDefinition() }
        let other = Validator(today: Self.today).validate(RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec: {audiences: ["https://orders.example.com"], accepts: [{issuer: nobody}]}
            """, file: "a\nb.yaml"))
        let text = try OSCALExport(report: other, today: Self.today).componentDefinition().serialized()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let components = try #require((root["component-definition"] as? [String: Any])?["components"] as? [[String: Any]])
        var values: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let props = object["props"] as? [[String: Any]] { values += props.compactMap { $0["value"] as? String } }
                object.values.forEach(collect)
            } else if let array = value as? [Any] { array.forEach(collect) }
        }
        components.forEach(collect)
        #expect(values.contains { $0.contains(" at a\\nb.yaml:") }, "\(values)")
        let pattern = try Regex("^\\S(.*\\S)?$")
        #expect(values.allSatisfy { $0.wholeMatch(of: pattern) != nil && !$0.contains("\n") }, "\(values)")
    }

    @Test("statuses: the excepted rule makes orders-api's controls excepted until the expiry; others are satisfied")
    func statuses() async throws {
        // With the example's drift: orders-api and payments-api have deployments the run checked.
        let export = OSCALExport(report: try Self.report(), today: Self.today, drift: try await DriftTest.exampleDrift(today: Self.today))
        let data = Data(try export.componentDefinition().serialized().utf8)
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let components = ((root?["component-definition"] as? [String: Any])?["components"] as? [[String: Any]]) ?? []
        func requirements(_ service: String) -> [String: [String: String]] {
            let component = components.first { $0["uuid"] as? String == StableUUID.v5(name: "component/\(service)") }
            var result: [String: [String: String]] = [:]
            for implementation in (component?["control-implementations"] as? [[String: Any]]) ?? [] {
                for requirement in (implementation["implemented-requirements"] as? [[String: Any]]) ?? [] {
                    let props = (requirement["props"] as? [[String: String]]) ?? []
                    result[requirement["control-id"] as! String] = Dictionary(props.map { ($0["name"]!, $0["value"]!) }, uniquingKeysWith: { a, _ in a })
                }
            }
            return result
        }
        let orders = requirements("orders-api")
        #expect(orders["PR.AA-05"]?["audreg-status"] == "excepted")
        #expect(orders["PR.AA-05"]?["excepted-until"] == "2027-06-30")
        #expect(orders["nhi5-2025"]?["audreg-status"] == "excepted")
        #expect(orders["nhi4-2025"]?["audreg-status"] == "satisfied")
        #expect(requirements("payments-api")["PR.AA-05"]?["audreg-status"] == "satisfied")
    }

    @Test("OSCAL control IDs are tokens; official catalogs keep their own IDs")
    func controlIDs() throws {
        let catalog = ControlCatalog.builtIn
        let nhi = try #require(catalog.framework("owasp-nhi-2025"))
        let csf = try #require(catalog.framework("nist-csf-2.0"))
        let rmf = try #require(catalog.framework("nist-ai-rmf-1.0"))
        #expect(OSCALExport.oscalControlID(catalog.control("NHI6:2025")!, framework: nhi) == "nhi6-2025")
        #expect(OSCALExport.oscalControlID(catalog.control("PR.AA-05")!, framework: csf) == "PR.AA-05")
        #expect(OSCALExport.oscalControlID(catalog.control("GOVERN 1.6")!, framework: rmf) == "govern-1.6")
        let token = try Regex("^[A-Za-z_][A-Za-z0-9_.-]*$")
        for framework in catalog.frameworks {
            for control in framework.controls {
                #expect(OSCALExport.oscalControlID(control, framework: framework).wholeMatch(of: token) != nil)
            }
        }
    }

    @Test("gateway exports keep the registry's audiences exactly and never leave them empty")
    func gatewayExports() throws {
        let registry = try RegistryLoader().load(directory: Paths.exampleRegistry).registry
        let export = GatewayExport(registry: registry)
        let envoy = try export.files(.envoy, service: "orders-api")
        #expect(envoy.map(\.0) == ["orders-api.yaml"])
        let parsed = YAMLParser.parse(envoy[0].1)
        #expect(parsed.diagnostics.isEmpty)
        let provider = parsed.documents.first?.root["typed_config"]?["providers"]?["corp-idp"]
        #expect(provider?["audiences"]?.sequence?.compactMap(\.scalar) == ["https://orders.api.larkspur.example", "https://orders-legacy.api.larkspur.example"])
        #expect(provider?["forward"]?.scalar == "false")
        #expect(provider?["max_lifetime"]?.scalar == "900s")
        let istio = try export.files(.istio)
        #expect(istio.count == 12)
        for (_, text) in istio {
            let documents = YAMLParser.parse(text).documents
            #expect(documents.map { $0.root["kind"]?.scalar } == ["RequestAuthentication", "AuthorizationPolicy"])
            for rule in documents[0].root["spec"]?["jwtRules"]?.sequence ?? [] {
                #expect((rule["audiences"]?.sequence ?? []).isEmpty == false)
            }
        }
        #expect(throws: GatewayExportError.self) { try export.files(.envoy, service: "orders-apii") }
    }

    static func twoServices(issuerSpec: String = "{issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}",
                            first: String = "[https://orders.example.com]", second: String = "[https://payments.example.com]",
                            secondAccepts: String = "[{issuer: idp}]") -> Registry {
        RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: idp}
            spec: \(issuerSpec)
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec: {audiences: \(first), accepts: [{issuer: idp}]}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: payments-api}
            spec: {audiences: \(second), accepts: \(secondAccepts)}
            """).registry
    }

    static func refusal(_ registry: Registry, _ format: GatewayFormat, service: String? = nil) -> String? {
        do {
            _ = try GatewayExport(registry: registry).files(format, service: service)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("an issuer without iss, an undefined issuer or one without keys refuses the export, whatever the rules said")
    func unboundIssuersRefused() throws {
        for format in GatewayFormat.allCases {
            let noIss = Self.refusal(Self.twoServices(issuerSpec: "{jwksUri: https://idp.example.com/keys}"), format)
            #expect(noIss?.contains("accepted issuer 'idp' cannot be exported: it states no iss value audreg could read") == true, "\(format): \(noIss ?? "exported")")
            let empty = Self.refusal(Self.twoServices(issuerSpec: "{issuer: '', jwksUri: https://idp.example.com/keys}"), format)
            #expect(empty?.contains("states no iss value") == true, "\(format): \(empty ?? "exported")")
            let undefined = Self.refusal(Self.twoServices(secondAccepts: "[{issuer: other-idp}]"), format)
            #expect(undefined?.contains("accepted issuer 'other-idp' cannot be exported: the registry defines no Issuer of that name") == true, "\(format): \(undefined ?? "exported")")
            // Each refusal names where the value is written.
            #expect(undefined?.hasPrefix("registry.yaml:14:") == true && noIss?.hasPrefix("registry.yaml:") == true, "\(undefined ?? "") | \(noIss ?? "")")
            let keyless = Self.refusal(Self.twoServices(issuerSpec: "{issuer: https://idp.example.com, discoveryUrl: https://idp.example.com/.well-known/openid-configuration}"), format)
            // Istio discovers an issuer's keys from the issuer itself.
            #expect((keyless == nil) == (format == .istio), "\(format): \(keyless ?? "exported")")
            #expect(format == .istio || keyless?.contains("it has no jwksUri") == true)
            let twice = Self.refusal(Self.twoServices(secondAccepts: "[{issuer: idp, maxLifetime: 15m}, {issuer: idp, maxLifetime: 1h}]"), format)
            #expect(twice?.contains("it is listed twice under accepts") == true, "\(format): \(twice ?? "exported")")
        }
    }

    @Test("a service with audiences but no accepted issuer refuses the export; one with neither is left out")
    func serviceWithoutIssuers() throws {
        let registry = Self.twoServices(secondAccepts: "[]")
        for format in GatewayFormat.allCases {
            #expect(Self.refusal(registry, format)?.contains("service 'payments-api': its accepted issuers cannot be exported: it lists none") == true)
        }
        let neither = Self.twoServices(second: "[]", secondAccepts: "[]")
        #expect(try GatewayExport(registry: neither).files(.envoy).map(\.0) == ["orders-api.yaml"])
        #expect(Self.refusal(neither, .envoy, service: "payments-api") != nil)
    }

    @Test("Envoy's scheme- and slash-blind audience check, and nginx's case-blind map, refuse audiences of two services they would merge")
    func gatewayLenientAudiences() throws {
        for (second, envoyMerges, nginxMerges) in [("[orders.example.com]", true, false), ("[http://orders.example.com/]", true, false),
                                                   ("[https://ORDERS.example.com]", false, true), ("[https://orders.example.com]", false, false),
                                                   ("[HTTPS://orders.example.com]", false, true)] {
            let registry = Self.twoServices(second: second)
            for format in [GatewayFormat.envoy, .envoyGateway] {
                let refusal = Self.refusal(registry, format)
                #expect((refusal != nil) == envoyMerges, "\(second) \(format): \(refusal ?? "exported")")
                #expect(!envoyMerges || refusal?.contains("so this config would also admit tokens for service") == true)
            }
            #expect((Self.refusal(registry, .nginx) != nil) == nginxMerges, "\(second) nginx")
            #expect(Self.refusal(registry, .istio) == nil, "Istio compares audiences exactly")
        }
    }

    @Test("a service whose audiences audreg could not read refuses Envoy's and nginx's export of every other service, at that service's audiences")
    func gatewayLenientAudiencesUnread() throws {
        for second in ["http://orders.example.com/", "[http://orders.example.com/, {aud: x}]", "{aud: ORDERS.example.com}"] {
            let registry = Self.twoServices(second: second)
            #expect(!registry.services.first { $0.name == "payments-api" }!.audiencesAreKnown, "\(second)")
            for format in [GatewayFormat.envoy, .envoyGateway, .nginx] {
                let refusal = Self.refusal(registry, format, service: "orders-api")
                #expect(refusal?.hasPrefix("registry.yaml:14:8: ") == true, "\(second) \(format): \(refusal ?? "exported")")
                #expect(refusal?.contains("service 'orders-api': its audiences cannot be exported: service 'payments-api' states its audiences in a form audreg could not read") == true,
                        "\(second) \(format): \(refusal ?? "exported")")
            }
            #expect(Self.refusal(registry, .istio, service: "orders-api") == nil, "Istio compares audiences exactly")
        }
    }

    @Test("Istio: the AuthorizationPolicy requires the exact iss, and a '*' at either end of an iss or audience refuses the export")
    func istioExactIssuer() throws {
        let text = try GatewayExport(registry: Self.twoServices()).files(.istio, service: "orders-api")[0].1
        #expect(text.contains("        - key: request.auth.claims[iss]\n          values:\n            - \"https://idp.example.com\"\n"), "\(text)")
        #expect(Self.refusal(Self.twoServices(first: "['https://orders.example.com/*']"), .istio)?.contains("wildcard") == true)
        #expect(Self.refusal(Self.twoServices(issuerSpec: "{issuer: '*.example.com', jwksUri: https://idp.example.com/keys}"), .istio)?.contains("wildcard") == true)
    }

    @Test("a pass-through hop is the only thing that turns token forwarding on")
    func forwarding() throws {
        let loaded = RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: idp}
            spec: {issuer: "https://idp.example.com", jwksUri: "https://idp.example.com/keys"}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: edge}
            spec:
              audiences: [https://edge.example.com]
              accepts: [{issuer: idp}]
              downstream: [{service: edge, mode: passthrough}]
            """)
        let text = try GatewayExport(registry: loaded.registry).files(.istio)[0].1
        #expect(text.contains("forwardOriginalToken: true"))
    }
}
