import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// An organization's own framework, added as a file with --controls: no code, no rebuild.
@Suite("--controls (CLI)")
struct ControlsOptionTests {
    static func catalogDirectory(_ directory: TemporaryDirectory) -> String {
        directory.write("controls/soc2.yaml", """
            framework: {id: soc2-2017, title: SOC 2 Trust Services Criteria, version: "2017"}
            controls:
              - id: CC6.1
                title: Logical access security
                text: The entity implements logical access security software, infrastructure, and architectures.
                rules: [audience-collision, gateway-passthrough]
            """)
        return directory.path + "/controls"
    }

    @Test("build and export oscal include a framework given as a file")
    func addedFramework() throws {
        let directory = TemporaryDirectory()
        let controls = Self.catalogDirectory(directory)
        let build = try audreg("build", Paths.exampleRegistry, "--out", directory.path + "/site", "--today", "2026-12-01", "--controls", controls)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/site/controls/soc2-2017"))
        let export = try audreg("export", "oscal", Paths.exampleRegistry, "--today", "2026-12-01", "--controls", controls, "--out", directory.path + "/oscal")
        #expect(export.status == 0, "\(export.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/oscal/catalogs/soc2-2017.json"))
    }

    @Test("a broken catalog file is exit 2 with its file, line and column, and the site is not touched")
    func brokenCatalog() throws {
        let directory = TemporaryDirectory()
        let controls = Self.catalogDirectory(directory)
        directory.write("controls/broken.yaml", "framework: {title: No id}\ncontrols: []\n")
        let result = try audreg("build", Paths.exampleRegistry, "--out", directory.path + "/site", "--today", "2026-12-01", "--controls", controls)
        #expect(result.status == 2)
        #expect(result.stderr.contains("controls/broken.yaml:1:12: missing 'id'"))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/site"))
    }
}
