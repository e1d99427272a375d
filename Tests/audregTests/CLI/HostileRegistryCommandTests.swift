import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Issue 21, attacks 5 and 7, against the built binary: a pull request that points audreg at files outside
/// the repository, and one built to flood CI with findings.
@Suite("Hostile registry (CLI): paths and output bounds")
struct HostileRegistryCommandTests {
    /// Text no registry file holds; if it shows up in any output, a file outside the root was read.
    static let secret = "SECRETMARKER7f3a"

    /// repo/.git, repo/registry with a service whose deployments point out of the repo (relative, absolute,
    /// /etc/passwd) and a link to a file outside, shaped like a registry file so a read would echo it.
    static func hostileRepository() throws -> (directory: TemporaryDirectory, registry: String) {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/repo/.git", withIntermediateDirectories: true)
        let outside = directory.write("outside/secret.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: \(secret.lowercased()), owner: nobody}
            spec: {audiences: [https://\(secret).example.com], \(secret): 1}
            """)
        directory.write("repo/registry/team.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: platform}\n")
        directory.write("repo/registry/services/orders.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api, owner: platform}
            spec:
              audiences: [https://orders.example.com]
              deployments:
                - {kind: envoy-jwt-authn, source: ../../../../../../../../../../etc/passwd}
                - {kind: kong, source: \(outside)}
                - {kind: istio-request-authentication, source: ../../../outside/secret.yaml}
            """)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/repo/registry/services/leak.yaml", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/repo/registry/passwd.yaml", withDestinationPath: "/etc/passwd")
        return (directory, directory.path + "/repo/registry")
    }

    static func assertNothingLeaked(_ result: ProcessResult) {
        let output = result.stdout + result.stderr
        #expect(!output.lowercased().contains(secret.lowercased()), "a byte of the outside file reached the output")
        #expect(!output.contains("root:x:0:0") && !output.contains("/bin/"), "a byte of /etc/passwd reached the output")
    }

    @Test("validate: links out of the repository are findings at 1:1 and are not read")
    func validateLinks() throws {
        let (directory, registry) = try Self.hostileRepository()
        for format in ["text", "json", "github", "sarif"] {
            let result = try audreg("validate", registry, "--today", "2026-12-01", "--format", format, environment: ["NO_COLOR": "1"])
            #expect(result.status == 1, "\(format): \(result.stderr)")
            Self.assertNothingLeaked(result)
            if format == "text" {
                #expect(result.stdout.contains("services/leak.yaml:1:1: error:"), "\(result.stdout)")
                #expect(result.stdout.contains("passwd.yaml:1:1: error:"), "\(result.stdout)")
                #expect(result.stdout.contains("[source-outside-root]"))
            }
        }
        _ = directory
    }

    @Test("drift: relative, absolute and /etc/passwd sources are source-outside-root findings, never read")
    func driftSources() throws {
        let (directory, registry) = try Self.hostileRepository()
        let result = try audreg("drift", registry, "--skip-issuers", "--today", "2026-12-01", "--format", "json")
        #expect(result.status == 1, "\(result.stderr)")
        Self.assertNothingLeaked(result)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let findings = (object?["findings"] as? [[String: Any]]) ?? []
        let outside = findings.filter { $0["rule"] as? String == "source-outside-root" }
        #expect(outside.count == 5, "\(findings)") // 3 sources + 2 links
        #expect(!findings.contains { $0["rule"] as? String == "config-provider-missing" })
        _ = directory
    }

    @Test("--root widens the fence on purpose, and a registry outside --root is exit 2")
    func explicitRoot() throws {
        let (directory, registry) = try Self.hostileRepository()
        let widened = try audreg("validate", registry, "--root", directory.path, "--today", "2026-12-01", environment: ["NO_COLOR": "1"])
        #expect(widened.stdout.contains("services/leak.yaml"), "with the whole folder as root the link is followed and read")
        #expect(widened.stdout.contains("passwd.yaml:1:1: error:"), "/etc/passwd is outside even the widened root")
        let elsewhere = try audreg("validate", registry, "--root", directory.path + "/outside")
        #expect(elsewhere.status == 2)
        #expect(elsewhere.stderr.contains("outside the repository root"))
    }

    @Test("a sparse 400 MB registry file is a finding, and peak memory stays far below its size")
    func hugeFile() throws {
        let directory = TemporaryDirectory()
        directory.write("team.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: platform}\n")
        let big = directory.write("big.yaml", "")
        #expect(truncate(big, 400 << 20) == 0)
        let result = try audreg("validate", directory.path, "--today", "2026-12-01", environment: ["NO_COLOR": "1", "AUDREG_TIMING": "1"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("big.yaml:1:1: error: file is 419430400 bytes, larger than the limit of 16777216 bytes"), "\(result.stdout)")
        let peaks = result.stderr.matches(of: /peak (\d+) MiB/).compactMap { Int($0.1) }
        #expect(!peaks.isEmpty, "AUDREG_TIMING printed no memory figures: \(result.stderr)")
        #expect((peaks.max() ?? .max) < 100, "peak \(peaks.max() ?? -1) MiB")
    }

    @Test("200,000 duplicate keys: 1,000 findings and one that counts the rest; bounded output")
    func duplicateKeyFlood() throws {
        let directory = TemporaryDirectory()
        var text = "apiVersion: audreg/v1\nkind: Team\nmetadata:\n  name: platform\n"
        text += String(repeating: "  name: x\n", count: 200_000)
        directory.write("flood.yaml", text)
        let started = Date()
        let result = try audreg("validate", directory.path, "--today", "2026-12-01", "--format", "json")
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(result.status == 1)
        #expect(result.stdout.utf8.count < 1_000_000, "\(result.stdout.utf8.count) bytes of output")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let findings = ((object?["findings"] as? [[String: Any]]) ?? []).filter { $0["rule"] as? String == "duplicate-key" }
        #expect(findings.count == 1_001)
        #expect(findings.contains { ($0["message"] as? String)?.hasPrefix("199000 more duplicate key(s)") == true })
    }

    @Test("--max-findings lists the most severe first, says what it left out, and keeps the exit status")
    func maxFindings() throws {
        let directory = TemporaryDirectory()
        var text = "apiVersion: audreg/v1\nkind: Team\nmetadata:\n  name: platform\n"
        text += String(repeating: "  name: x\n", count: 50)
        directory.write("flood.yaml", text)
        let result = try audreg("validate", directory.path, "--today", "2026-12-01", "--max-findings", "10", environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").filter { $0.contains("[duplicate-key]") }.count == 10)
        #expect(result.stdout.contains("50 errors"), "the summary counts every finding: \(result.stdout)")
        #expect(result.stderr.contains("listed 10 of 50 findings (--max-findings 10); 40 more not listed (40 errors"), "\(result.stderr)")
        #expect(try audreg("validate", directory.path, "--max-findings", "0").status == 2)
    }
}
