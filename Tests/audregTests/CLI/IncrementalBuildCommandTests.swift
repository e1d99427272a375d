import Foundation
import Testing
import AudregTestHelpers

@Suite("build: the summary line of an incremental build")
struct IncrementalBuildCommandTests {
    @Test("a page file edited since the last build is rendered again, and the last line says so")
    func editedPageFileIsCounted() throws {
        let directory = TemporaryDirectory()
        let site = directory.path + "/site"
        let build = { try audreg("build", Paths.exampleRegistry, "--out", site, "--today", "2026-12-01", in: directory.path) }
        let first = try build()
        #expect(first.status == 0, "\(first.stderr)")
        let unchanged = try build()
        #expect(unchanged.stderr.contains(" rendered, ") && unchanged.stderr.contains(" unchanged),"), "\(unchanged.stderr)")
        #expect(!unchanged.stderr.contains("re-rendered"), "\(unchanged.stderr)")

        let page = site + "/audiences.html"
        let original = try String(contentsOfFile: page, encoding: .utf8)
        try (original + "<!-- added by hand -->\n").write(toFile: page, atomically: false, encoding: .utf8)
        let rebuilt = try build()
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stderr.contains("; 1 re-rendered because their file changed since the last build)"), "\(rebuilt.stderr)")
        #expect(try String(contentsOfFile: page, encoding: .utf8) == original)
    }
}
