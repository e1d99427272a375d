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
        #expect(names.contains("orders-api.yaml") && names.allSatisfy { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }, "\(names)")
    }
}
