import Foundation
@testable import AudregCore
@testable import AudregDrift

package enum DriftFixtures {
    package static let repositoryRoot = Paths.packageRoot
    package static let directory = Paths.fixture("drift")

    package static func bytes(_ relative: String) -> [UInt8] {
        [UInt8](FileManager.default.contents(atPath: directory + "/" + relative)!)
    }

    package static func text(_ relative: String) -> String {
        String(decoding: bytes(relative), as: UTF8.self)
    }

    /// The JSON of one fixture JWKS, as an object.
    package static func jwks(_ name: String) -> [String: Any] {
        try! JSONSerialization.jsonObject(with: Data(bytes("jwks/\(name).json"))) as! [String: Any]
    }
}

/// A scratch directory removed when the value is released.
package final class DriftScratch: @unchecked Sendable {
    package let path: String

    package init() {
        path = NSTemporaryDirectory() + "audreg-drift-" + UUID().uuidString
        // A repository, as in real use: configs beside the registry folder are inside its root.
        try! FileManager.default.createDirectory(atPath: path + "/.git", withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    package func write(_ relative: String, _ text: String) {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
    }
}

package enum DriftTest {
    package static let today = Day(year: 2026, month: 6, day: 1)!

    /// The example registry's drift, as `audreg drift registry --offline … --format json` reports it.
    package static func exampleDrift(today: Day) async throws -> DriftReport {
        let offline = try OfflineDocumentSource(directory: Paths.fixture("drift/example-offline"))
        let loaded = try RegistryLoader().load(directory: Paths.exampleRegistry)
        let outcome = await DriftRunner(options: DriftOptions(today: today)).check(loaded, registryDirectory: Paths.exampleRegistry, source: offline)
        return DriftReport(run: DriftRun(checkedAt: offline.takenAt, mode: .offline, coverage: outcome.coverage), findings: outcome.report.findings)
    }

    /// Runs drift over a registry directory with a given source.
    package static func run(directory: String, source: any DocumentSource, today: Day = today, warnDays: Int = 30) async throws -> ValidationReport {
        let loaded = try RegistryLoader().load(directory: directory)
        var options = DriftOptions(today: today)
        options.certificateWarnDays = warnDays
        return await DriftRunner(options: options).run(loaded, registryDirectory: directory, source: source)
    }

    /// A registry with one issuer whose URLs point at `base`.
    package static func issuerRegistry(base: String, name: String = "corp-idp", issuer: String? = nil, algorithms: [String] = ["RS256", "ES256"],
                               discovery: Bool = true, jwksPath: String = "/keys") -> String {
        """
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: \(name), owner: platform}
        spec:
          issuer: \(issuer ?? base)
        \(discovery ? "  discoveryUrl: \(base)/.well-known/openid-configuration\n" : "")  jwksUri: \(base)\(jwksPath)
          algorithms: [\(algorithms.joined(separator: ", "))]

        """
    }

    package static func discovery(issuer: String, jwks: String) -> String {
        "{\"issuer\": \"\(issuer)\", \"jwks_uri\": \"\(jwks)\", \"response_types_supported\": [\"code\"]}"
    }
}
