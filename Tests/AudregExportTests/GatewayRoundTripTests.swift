import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregExport
import AudregTestHelpers

/// What the exporters write, the drift readers read back as drift-free; a hand-broadened copy is caught.
@Suite("Gateway export round trip")
struct GatewayRoundTripTests {
    static let today = Day(year: 2026, month: 12, day: 1)!

    /// The example registry, copied, with every service's deployments pointing at generated files.
    static func registryWithGeneratedDeployments(in directory: TemporaryDirectory) throws -> (registry: String, generated: String) {
        let registry = directory.path + "/registry"
        let generated = directory.path + "/gen"
        // A repository, as in real use: the generated configs beside the registry are inside its root.
        try FileManager.default.createDirectory(atPath: directory.path + "/.git", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let loaded = try RegistryLoader().load(directory: registry)
        let export = GatewayExport(registry: loaded.registry)
        for format in GatewayFormat.allCases where format != .nginx {
            for (name, contents) in try export.files(format) {
                directory.write("gen/\(format.rawValue)/\(name)", contents)
            }
        }
        // nginx pools every key set it fetches, so it refuses a service whose issuers have different
        // JWKS URIs; the others are exported one by one.
        var nginxServices = Set<String>()
        for service in loaded.registry.services where !service.accepts.isEmpty {
            guard let (name, contents) = try? export.files(.nginx, service: service.name).first else { continue }
            directory.write("gen/nginx/\(name)", contents)
            nginxServices.insert(service.name)
        }
        let deploymentsBlock = try Regex("(?m)^  deployments:\\n(?:(?:    .*)?\\n)*")
        for service in loaded.registry.services where !service.accepts.isEmpty {
            let file = registry + "/" + service.origin.file
            var text = try String(contentsOfFile: file, encoding: .utf8)
            text = text.replacing(deploymentsBlock, with: "")
            let depth = service.origin.file.split(separator: "/").count - 1
            let up = String(repeating: "../", count: depth + 1)
            if !text.hasSuffix("\n") { text += "\n" }
            text += """
                  deployments:
                    - kind: envoy-jwt-authn
                      source: \(up)gen/envoy/\(service.name).yaml
                    - kind: istio-request-authentication
                      source: \(up)gen/istio/\(service.name).yaml
                      provider: \(service.name)-jwt
                    - kind: envoy-gateway-security-policy
                      source: \(up)gen/envoy-gateway/\(service.name).yaml
                      provider: \(service.name)-jwt

                """
            if nginxServices.contains(service.name) {
                text += """
                        - kind: nginx
                          source: \(up)gen/nginx/\(service.name).conf

                    """
            }
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        return (registry, generated)
    }

    static func drift(_ registry: String) async throws -> ValidationReport {
        let loaded = try RegistryLoader().load(directory: registry)
        var options = DriftOptions(today: today)
        options.checkIssuers = false
        return await DriftRunner(options: options).run(loaded, registryDirectory: registry, source: StaticDocumentSource([]))
    }

    @Test("exported Envoy, Istio, Envoy Gateway and NGINX configuration reads back with zero drift")
    func zeroDrift() async throws {
        let directory = TemporaryDirectory()
        let (registry, _) = try Self.registryWithGeneratedDeployments(in: directory)
        let validation = try Validator(today: Self.today).validate(directory: registry)
        #expect(validation.findings.isEmpty, "\(validation.findings.map(\.message))")
        let report = try await Self.drift(registry)
        #expect(report.findings.map(\.message) == [])
        let deployments = try RegistryLoader().load(directory: registry).registry.services.flatMap(\.deployments)
        // shipping-api accepts two issuers with their own key sets, which nginx cannot keep apart.
        #expect(deployments.count == 12 * GatewayFormat.allCases.count - 1)
    }

    @Test("a hand-broadened export is caught at the line that broadened it")
    func broadenedCopyIsCaught() async throws {
        let directory = TemporaryDirectory()
        let (registry, generated) = try Self.registryWithGeneratedDeployments(in: directory)
        let file = generated + "/envoy/payments-api.yaml"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "        - \"https://payments.api.larkspur.example\"\n",
                                         with: "        - \"https://payments.api.larkspur.example\"\n        - \"https://shop.larkspur.example\"\n")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let istioFile = generated + "/istio/orders-api.yaml"
        let istio = try String(contentsOfFile: istioFile, encoding: .utf8)
        try istio.replacingOccurrences(of: "forwardOriginalToken: false", with: "forwardOriginalToken: true").write(toFile: istioFile, atomically: true, encoding: .utf8)

        let report = try await Self.drift(registry)
        let broadened = report.findings.filter { $0.ruleID == "config-audience-broadened" }
        #expect(broadened.count == 1)
        #expect(broadened.first?.entity == EntityRef(.service, "payments-api"))
        #expect(broadened.first?.message.contains("https://shop.larkspur.example") == true)
        let lineOfAddition = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("shop.larkspur.example") }.map { $0 + 1 }
        #expect(broadened.first?.location.line == lineOfAddition)
        #expect(report.findings.contains { $0.ruleID == "config-token-forwarded" && $0.entity == EntityRef(.service, "orders-api") })
    }
}
