import Foundation
import Testing
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

    @Test("a file an earlier export wrote for a service no longer in the registry is removed; the folder's other files stay")
    func staleFilesRemoved() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let first = try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/search-api.yaml"))
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: out + "/mine.yaml"))
        try Data("other format\n".utf8).write(to: URL(fileURLWithPath: out + "/kustomization.yaml"))

        // One service's export does not know which other files are stale: it leaves them.
        try FileManager.default.removeItem(atPath: registry + "/services/production/search-api.yaml")
        let one = try audreg("export", "envoy", registry, "--service", "orders-api", "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(one.status == 0, "\(one.stderr)")
        #expect(FileManager.default.fileExists(atPath: out + "/search-api.yaml"))

        let second = try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("removed 1 file an earlier export wrote that this one no longer makes"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/search-api.yaml"))
        #expect(FileManager.default.fileExists(atPath: out + "/orders-api.yaml"))
        #expect(try String(contentsOfFile: out + "/mine.yaml", encoding: .utf8) == "mine\n")
        #expect(try String(contentsOfFile: out + "/kustomization.yaml", encoding: .utf8) == "other format\n")
        let record = try String(contentsOfFile: out + "/.audreg-export-envoy", encoding: .utf8)
        #expect(record.hasPrefix("audreg-export 1\n") && record.contains("  orders-api.yaml\n") && !record.contains("search-api"), "\(record)")
    }

    @Test("a stale file edited since audreg wrote it, or a record naming a path outside the folder, stops the export and nothing is removed")
    func staleFileChangedRefuses() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry", out = directory.path + "/out"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        #expect(try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never").status == 0)
        try Data("edited\n".utf8).write(to: URL(fileURLWithPath: out + "/search-api.yaml"))
        let before = try String(contentsOfFile: out + "/orders-api.yaml", encoding: .utf8)
        try FileManager.default.removeItem(atPath: registry + "/services/production/search-api.yaml")
        try FileManager.default.removeItem(atPath: registry + "/services/production/orders-api.yaml")
        let refused = try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("search-api.yaml', which an earlier export wrote and this one no longer makes (its service left the registry): it changed since; remove or move it yourself"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: out + "/search-api.yaml", encoding: .utf8) == "edited\n")
        #expect(try String(contentsOfFile: out + "/orders-api.yaml", encoding: .utf8) == before)

        try FileManager.default.removeItem(atPath: out + "/search-api.yaml")
        try Data("keep\n".utf8).write(to: URL(fileURLWithPath: directory.path + "/outside.yaml"))
        let record = try String(contentsOfFile: out + "/.audreg-export-envoy", encoding: .utf8)
        try Data((record + "\(String(repeating: "0", count: 64))  ../outside.yaml\n").utf8).write(to: URL(fileURLWithPath: out + "/.audreg-export-envoy"))
        let damaged = try audreg("export", "envoy", registry, "--out", out, "--today", "2026-12-01", "--fail-on", "never")
        #expect(damaged.status != 0)
        #expect(damaged.stderr.contains(".audreg-export-envoy':14:1: expected a SHA-256 in hex, two spaces and a path inside the folder"), "\(damaged.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/outside.yaml"))
        #expect(FileManager.default.fileExists(atPath: out + "/orders-api.yaml"))
    }
}
