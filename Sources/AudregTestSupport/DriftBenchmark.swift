import Foundation
import AudregCore
import AudregDrift

/// Material for timing drift: a registry of `count` issuers under one base URL and the documents each
/// publishes. Serve the documents on loopback (any HTTP server), write the registry, and time
/// `DriftRunner.run` (with `HTTPFetchOptions.network = .loopbackAllowed`), or `audreg drift DIR --allow-loopback --insecure-loopback`. Tests/AudregDriftTests/DriftBenchmarkTests
/// and integration/drift-nginx.sh do exactly that.
public enum DriftBenchmark {
    /// The issuer identifier of issuer `index`: `BASE/i/INDEX`.
    public static func issuer(_ index: Int, base: String) -> String { "\(base)/i/\(index)" }

    /// A multi-document registry file with `count` Issuers, each with discovery and JWKS URLs.
    public static func registry(count: Int, base: String, algorithms: [String] = ["RS256", "ES256"]) -> String {
        (0..<count).map { index in
            let issuer = issuer(index, base: base)
            return """
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: bench-\(index), owner: platform}
                spec:
                  issuer: \(issuer)
                  discoveryUrl: \(issuer)/.well-known/openid-configuration
                  jwksUri: \(issuer)/keys
                  algorithms: [\(algorithms.joined(separator: ", "))]

                """
        }.joined(separator: "---\n")
    }

    /// Path (below the base URL) and body of every document the registry's issuers publish.
    public static func documents(count: Int, base: String, jwks: [UInt8]) -> [(path: String, body: [UInt8])] {
        (0..<count).flatMap { index -> [(path: String, body: [UInt8])] in
            let issuer = issuer(index, base: base)
            let discovery = "{\"issuer\": \"\(issuer)\", \"jwks_uri\": \"\(issuer)/keys\", \"response_types_supported\": [\"code\"]}"
            return [("/i/\(index)/.well-known/openid-configuration", Array(discovery.utf8)), ("/i/\(index)/keys", jwks)]
        }
    }

    /// Times one drift run over `registryDirectory`, issuers only.
    public static func time(registryDirectory: String, source: any DocumentSource, today: Day) async throws -> (seconds: Double, report: ValidationReport) {
        let loaded = try RegistryLoader().load(directory: registryDirectory)
        var options = DriftOptions(today: today)
        options.checkDeployments = false
        let start = ContinuousClock.now
        let report = await DriftRunner(options: options).run(loaded, registryDirectory: registryDirectory, source: source)
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, report)
    }
}
