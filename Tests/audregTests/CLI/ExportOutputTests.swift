import Foundation
import Testing
import AudregExport
import AudregTestHelpers

/// `export … --out`: a folder that is applied as a whole must never hold half an export.
@Suite("audreg export --out (CLI)")
struct ExportOutputTests {
    @Test("a target that is a folder refuses the export before any file is written, and says what to do")
    func allOrNone() throws {
        let directory = TemporaryDirectory()
        let out = directory.path + "/out"
        // orders-api sorts after billing-api and others: the old writer wrote those before it failed.
        try FileManager.default.createDirectory(atPath: out + "/orders-api.yaml", withIntermediateDirectories: true)
        let result = try audreg("export", "envoy", Paths.exampleRegistry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(result.status != 0)
        #expect(result.stderr.contains("orders-api.yaml': it is a folder; remove it or choose another --out. Nothing was written"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["orders-api.yaml"])

        try FileManager.default.removeItem(atPath: out + "/orders-api.yaml")
        let written = try audreg("export", "envoy", Paths.exampleRegistry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(written.status == 0, "\(written.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names.contains("orders-api.yaml") && names.allSatisfy { ($0.hasSuffix(".yaml") && !$0.hasPrefix(".")) || $0 == ".audreg-export-envoy" }, "\(names)")
    }

    /// A pull request that only adds a file: a second `corp-idp` (first in path order) pointing at the
    /// attacker's keys, carrying an exception for the duplicate. Before, validate was clean and every
    /// gateway config took the attacker's JWKS URI.
    @Test("a second definition of a name cannot except itself, and every export refuses it whatever --fail-on says")
    func shadowDefinitionRefused() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let shadow = try String(contentsOfFile: registry + "/issuers/corp-idp.yaml", encoding: .utf8)
            .replacingOccurrences(of: "jwksUri: https://id.larkspur.example/oauth2/keys",
                                  with: "jwksUri: https://attacker.example/keys\n  exceptions:\n    - {rule: duplicate-name, reason: key rotation, approvedBy: security-architecture, expires: 2099-06-30}")
        #expect(shadow.contains("attacker.example"))
        try Data(shadow.utf8).write(to: URL(fileURLWithPath: registry + "/issuers/aaa-corp-idp.yaml"))

        let validated = try audreg("validate", registry, "--today", "2026-12-01", "--format", "json")
        #expect(validated.status == 1, "\(validated.stderr)")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])["findings"] as? [[String: Any]]
        let duplicates = findings?.filter { $0["rule"] as? String == "duplicate-name" } ?? []
        #expect(duplicates.count == 2 && duplicates.allSatisfy { $0["severity"] as? String == "error" }, "\(validated.stdout.prefix(2000))")

        for format in ["envoy", "istio", "nginx", "oscal"] {
            let exported = try audreg("export", format, registry, "--out", out + "-" + format, "--today", "2026-12-01", "--fail-on", "never")
            #expect(exported.status != 0, "\(format): \(exported.stderr)")
            #expect(exported.stderr.contains("issuers/corp-idp.yaml:3:1 defines Issuer/corp-idp again (first at \(registry)/issuers/aaa-corp-idp.yaml:3:1)"), "\(format): \(exported.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + "-" + format), "\(format) wrote files")
        }
    }

    /// A pull request that only adds `a.yaml`, a Policy that sorts before `policy.yaml`, allows HS256 and
    /// day-long tokens and turns off `schema` (the rule that reports a second Policy) and
    /// `duplicate-name`. Before, it replaced the committed policy and validate was clean.
    @Test("a second Policy, whichever sorts first, puts none in force, and its overrides cannot hide the error that says so")
    func secondPolicyRefused() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        try Data("""
            apiVersion: audreg/v1
            kind: Policy
            metadata: {name: aaa}
            spec:
              maxTokenLifetime: 24h
              allowedAlgorithms: [HS256, RS256]
              severity: {schema: "off", duplicate-name: "off", algorithm-not-allowed: "off"}

            """.utf8).write(to: URL(fileURLWithPath: registry + "/a.yaml"))
        let validated = try audreg("validate", registry, "--today", "2026-12-01", "--format", "json")
        #expect(validated.status == 1, "\(validated.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])
        let findings = json["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["rule"] as? String == "schema" && ($0["message"] as? String)?.contains("none of them is in force, and the defaults apply") == true },
                "\(validated.stdout.prefix(3000))")
        #expect((json["rulesTurnedOff"] as? [Any] ?? []).isEmpty, "no override of either Policy is in force")
        let exported = try audreg("export", "istio", registry, "--out", directory.path + "/out", "--today", "2026-12-01", "--fail-on", "never")
        #expect(exported.status != 0 && exported.stderr.contains("registry/policy.yaml:4:1 is a second Policy (the first is at \(registry)/a.yaml:2:1)"), "\(exported.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/out"))
    }

    @Test("the one Policy cannot turn duplicate-name off or down: the override is ignored and reported")
    func duplicateNameSeverityFixed() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let policy = try String(contentsOfFile: registry + "/policy.yaml", encoding: .utf8)
        try Data(policy.replacingOccurrences(of: "    audience-overlap: error\n", with: "    audience-overlap: error\n    duplicate-name: \"off\"\n").utf8)
            .write(to: URL(fileURLWithPath: registry + "/policy.yaml"))
        let orders = try String(contentsOfFile: registry + "/services/production/orders-api.yaml", encoding: .utf8)
        try Data(orders.replacingOccurrences(of: "https://orders.api.larkspur.example", with: "https://evil.example.com").utf8)
            .write(to: URL(fileURLWithPath: registry + "/services/aaa.yaml"))
        let validated = try audreg("validate", registry, "--today", "2026-12-01", "--format", "json")
        #expect(validated.status == 1, "\(validated.stderr)")
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])["findings"] as? [[String: Any]] ?? []
        #expect(findings.filter { $0["rule"] as? String == "duplicate-name" && $0["severity"] as? String == "error" }.count == 2, "\(validated.stdout.prefix(3000))")
        #expect(findings.contains { $0["rule"] as? String == "schema" && ($0["message"] as? String)?.contains("cannot change the severity of 'duplicate-name'") == true })
    }

    @Test("a folder below --out that is a symbolic link refuses the export before anything is written; --out itself may be one")
    func linkedFolderBelowOutRefuses() throws {
        let directory = TemporaryDirectory()
        let out = directory.path + "/oscal", elsewhere = directory.path + "/elsewhere"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        // As a pull request can commit it: a relative link out of the folder.
        try FileManager.default.createSymbolicLink(atPath: out + "/catalogs", withDestinationPath: "../elsewhere")
        let refused = try audreg("export", "oscal", Paths.exampleRegistry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cannot write '\(out)/catalogs/"), "\(refused.stderr)")
        #expect(refused.stderr.contains("'\(out)/catalogs' is a symbolic link; replace the link with a folder, as audreg writes only inside the folder it is given. Nothing was written"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["catalogs"])

        // A link as --out is the place the caller named: written through, with real folders below it.
        try FileManager.default.removeItem(atPath: out + "/catalogs")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/named", withDestinationPath: "oscal")
        let written = try audreg("export", "oscal", Paths.exampleRegistry, "--out", directory.path + "/named", "--today", "2026-12-01", "--fail-on", "never")
        #expect(written.status == 0, "\(written.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/component-definition.json"))
        #expect(try !(FileManager.default.contentsOfDirectory(atPath: out + "/catalogs").isEmpty))
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
    }

    @Test("a stale file is only listed without --prune; with it, removed; the folder's other files stay")
    func staleFilesRemoved() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let first = try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/search-api.yaml"))
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: out + "/mine.yaml"))
        try Data("other format\n".utf8).write(to: URL(fileURLWithPath: out + "/kustomization.yaml"))

        // Removing a gateway file removes the token requirement of a workload that may still run: opt-in.
        try FileManager.default.removeItem(atPath: registry + "/services/production/search-api.yaml")
        let listed = try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("1 stale file an earlier export wrote for what the registry no longer defines, left in place: '\(out)/search-api.yaml' (Service/search-api); export again with --prune to remove it"), "\(listed.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/search-api.yaml"))
        #expect(try String(contentsOfFile: out + "/.audreg-export-envoy", encoding: .utf8).contains("  search-api.yaml\n"))

        let one = try audreg("export", "envoy", registry, "--service", "orders-api", "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(one.status == 0, "\(one.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/search-api.yaml") && FileManager.default.fileExists(atPath: out + "/payments-api.yaml"))

        let second = try audreg("export", "envoy", registry, "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("removed 1 stale file an earlier export wrote for what the registry no longer defines: '\(out)/search-api.yaml' (Service/search-api)"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/search-api.yaml"))
        #expect(FileManager.default.fileExists(atPath: out + "/orders-api.yaml"))
        #expect(try String(contentsOfFile: out + "/mine.yaml", encoding: .utf8) == "mine\n")
        #expect(try String(contentsOfFile: out + "/kustomization.yaml", encoding: .utf8) == "other format\n")
        let record = try String(contentsOfFile: out + "/.audreg-export-envoy", encoding: .utf8)
        #expect(record.hasPrefix("audreg-export 1\n") && record.contains("  orders-api.yaml\n") && !record.contains("search-api"), "\(record)")
    }

    @Test("--prune refuses a registry with a file it could not read or with errors: what failed to load would look removed")
    func pruneNeedsAWholeRegistry() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let first = try audreg("export", "istio", registry, "--out", out, "--today", "2026-12-01")
        #expect(first.status == 0, "\(first.stderr)")
        let before = try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8)
        let source = registry + "/services/production/search-api.yaml"
        let good = try String(contentsOfFile: source, encoding: .utf8)
        // A typo that stops the parse: the service is then not in the registry at all.
        try Data((good + "\n  broken: [\n").utf8).write(to: URL(fileURLWithPath: source))
        let unread = try audreg("export", "istio", registry, "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(unread.status != 0)
        // Named as it opens from the current directory, as findings are: here the registry was given absolute.
        #expect(unread.stderr.contains("--prune needs a registry that loaded whole, and '\(source)' did not load"), "\(unread.stderr)")
        #expect(try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8) == before)
        // An invalid name: the file parses, but the service is not built.
        try Data(good.replacingOccurrences(of: "name: search-api", with: "name: Search-API").utf8).write(to: URL(fileURLWithPath: source))
        let invalid = try audreg("export", "istio", registry, "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("--prune needs a registry that loaded whole, and '\(source)' did not load"), "\(invalid.stderr)")
        #expect(try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8) == before)
        // Envoy's lenient audience comparison cannot be checked against a service that did not load.
        let envoy = try audreg("export", "envoy", registry, "--service", "orders-api", "--today", "2026-12-01", "--fail-on", "never")
        #expect(envoy.status != 0 && envoy.stdout.isEmpty)
        #expect(envoy.stderr.contains("export envoy needs a registry that loaded whole, whatever --fail-on says, and '\(source)' did not load"), "\(envoy.stderr)")
        // A file that loaded one service but not another: the loader's error says so, even excepted.
        try Data((good + "---\napiVersion: audreg/v1\nkind: Service\nmetadata: {name: Bad-Name, owner: search}\nspec: {audiences: [\"https://orders.example.com/\"]}\n").utf8)
            .write(to: URL(fileURLWithPath: source))
        let partly = try audreg("export", "nginx", registry, "--service", "orders-api", "--today", "2026-12-01", "--fail-on", "never")
        #expect(partly.status != 0 && partly.stdout.isEmpty)
        #expect(partly.stderr.contains("export nginx needs a registry that loaded whole, whatever --fail-on says, and \(source):"), "\(partly.stderr)")
        #expect(partly.stderr.contains("has a loader error (schema)"), "\(partly.stderr)")
        // Given relative to the working directory, the registry's files are named from there too.
        let relative = try audreg("export", "nginx", "registry", "--service", "orders-api", "--today", "2026-12-01", "--fail-on", "never",
                                  in: directory.path)
        #expect(relative.status != 0 && relative.stdout.isEmpty)
        #expect(relative.stderr.contains("and registry/services/production/search-api.yaml:"), "\(relative.stderr)")
        try Data(good.replacingOccurrences(of: "name: search-api", with: "name: Search-API").utf8).write(to: URL(fileURLWithPath: source))
        // Without --prune an Istio export (exact comparison) goes on.
        let listed = try audreg("export", "istio", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8) == before)
    }

    @Test("a registry file whose name holds \\r\\n, '::' and a bidi control is named once escaped, on one line")
    func unloadedFileNameEscapedOnce() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let name = "a\r\n::error::b\u{202E}.yaml"
        try Data("apiVersion: audreg/v1\nkind: Service\nmetadata: {name: x\n".utf8).write(to: URL(fileURLWithPath: registry + "/services/" + name))
        let refused = try audreg("export", "envoy", registry, "--today", "2026-12-01", "--fail-on", "never")
        #expect(refused.status != 0 && refused.stdout.isEmpty)
        #expect(refused.stderr.contains("'\(registry)/services/a\\r\\n::error::b\\u{202E}.yaml' did not load"), "\(refused.stderr)")
        #expect(!refused.stderr.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\r" })
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }

    @Test("a record line added for a file audreg did not write, with its right SHA-256, removes nothing, even with --prune")
    func forgedRecordRemovesNothing() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        #expect(try audreg("export", "istio", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never").status == 0)
        let orders = try String(contentsOfFile: out + "/orders-api.yaml", encoding: .utf8)
        // A hand-written policy, a file of the right shape with another's header, and one in a folder.
        let handWritten: [(String, String)] = [
            ("00-deny-all.yaml", "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny-all\nspec: {}\n"),
            ("old-api.yaml", orders),
            ("base/gone-api.yaml", orders.replacingOccurrences(of: "Service/orders-api", with: "Service/gone-api")),
        ]
        var record = try String(contentsOfFile: out + "/.audreg-export-istio", encoding: .utf8)
        try FileManager.default.createDirectory(atPath: out + "/base", withIntermediateDirectories: true)
        for (name, text) in handWritten {
            try Data(text.utf8).write(to: URL(fileURLWithPath: out + "/" + name))
            record += "\(ExportRecord.digest(text.utf8))  \(name)\n"
        }
        try Data(record.utf8).write(to: URL(fileURLWithPath: out + "/.audreg-export-istio"))
        let pruned = try audreg("export", "istio", registry, "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(!pruned.stderr.contains("stale"), "\(pruned.stderr)")
        for (name, text) in handWritten {
            #expect(try String(contentsOfFile: out + "/" + name, encoding: .utf8) == text, "\(name)")
        }
    }

    @Test("a stale file edited since audreg wrote it, or a record naming a path outside the folder, stops the export and nothing is removed")
    func staleFileChangedRefuses() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        #expect(try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never").status == 0)
        let edited = try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8) + "# edited\n"
        try Data(edited.utf8).write(to: URL(fileURLWithPath: out + "/search-api.yaml"))
        let before = try String(contentsOfFile: out + "/reporting-api.yaml", encoding: .utf8)
        try FileManager.default.removeItem(atPath: registry + "/services/production/search-api.yaml")
        try FileManager.default.removeItem(atPath: registry + "/services/production/reporting-api.yaml")
        let refused = try audreg("export", "envoy", registry, "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("search-api.yaml', which an earlier export wrote for Service/search-api, no longer in the registry: it changed since; remove or move it yourself"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8) == edited)
        #expect(try String(contentsOfFile: out + "/reporting-api.yaml", encoding: .utf8) == before)

        try FileManager.default.removeItem(atPath: out + "/search-api.yaml")
        try Data("keep\n".utf8).write(to: URL(fileURLWithPath: directory.path + "/outside.yaml"))
        let record = try String(contentsOfFile: out + "/.audreg-export-envoy", encoding: .utf8)
        try Data((record + "\(String(repeating: "0", count: 64))  ../outside.yaml\n").utf8).write(to: URL(fileURLWithPath: out + "/.audreg-export-envoy"))
        let damaged = try audreg("export", "envoy", registry, "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(damaged.status != 0)
        #expect(damaged.stderr.contains(".audreg-export-envoy':14:1: expected a SHA-256 in hex, two spaces and a path inside the folder"), "\(damaged.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/outside.yaml"))
        #expect(FileManager.default.fileExists(atPath: out + "/reporting-api.yaml"))
    }

    @Test("an export stopped after its record went in still finds each file's earlier bytes accepted; one that finishes records only the new")
    func interruptedExportRecord() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        #expect(try audreg("export", "istio", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never").status == 0)
        let recordPath = out + "/.audreg-export-istio"
        let before = try String(contentsOfFile: recordPath, encoding: .utf8)
        let oldText = try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8)
        // Every file changes; a finished export's record lists each path once, with its new bytes.
        let moved = try audreg("export", "istio", registry, "--namespace", "shop", "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(moved.status == 0, "\(moved.stderr)")
        let after = try String(contentsOfFile: recordPath, encoding: .utf8)
        let search = try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8)
        #expect(after.split(separator: "\n").count == before.split(separator: "\n").count && after.contains("\(ExportRecord.digest(search.utf8))  search-api.yaml\n"), "\(after)")

        // What the first record of an export stopped before replacing search-api.yaml holds: the new
        // digest and the one of the bytes still there.
        let old = try #require(before.split(separator: "\n").first { $0.hasSuffix("  search-api.yaml") })
        let new = try #require(after.split(separator: "\n").first { $0.hasSuffix("  search-api.yaml") })
        let interrupted = after.replacingOccurrences(of: new + "\n", with: new + "\n" + old + "\n")
        try Data(interrupted.utf8).write(to: URL(fileURLWithPath: recordPath))
        try Data(oldText.utf8).write(to: URL(fileURLWithPath: out + "/search-api.yaml"))

        try FileManager.default.removeItem(atPath: registry + "/services/production/search-api.yaml")
        let pruned = try audreg("export", "istio", registry, "--namespace", "shop", "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(pruned.status == 0, "\(pruned.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/search-api.yaml"))
    }

    @Test("a record that lists a path again is damaged: the export stops, naming the line, instead of hashing the file once per line")
    func repeatedPathRefuses() throws {
        let directory = TemporaryDirectory()
        let out = directory.path + "/out"
        #expect(try audreg("export", "envoy", Paths.exampleRegistry, "--out", out, "--today", "2026-12-01", "--fail-on", "never").status == 0)
        let record = try String(contentsOfFile: out + "/.audreg-export-envoy", encoding: .utf8)
        let line = try #require(record.split(separator: "\n").first { $0.hasSuffix("  orders-api.yaml") })
        try Data((record + line + "\n").utf8).write(to: URL(fileURLWithPath: out + "/.audreg-export-envoy"))
        let lines = record.split(separator: "\n").count + 1
        let damaged = try audreg("export", "envoy", Paths.exampleRegistry, "--out", out, "--prune", "--today", "2026-12-01", "--fail-on", "never")
        #expect(damaged.status != 0)
        #expect(damaged.stderr.contains(".audreg-export-envoy':\(lines):1: 'orders-api.yaml' is listed again"), "\(damaged.stderr)")
    }
}
