import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

@Suite("Rendering: site builds", .serialized)
struct SiteBuildTests {
    func build(_ registry: String, out: String, templates: String? = nil, engine: TokenFlowGraph.Engine = .builtIn,
               drift: DriftReport? = nil, source: SourceEvidence = SourceEvidence()) throws -> SiteBuildResult {
        let report = try SiteTestSupport.report(directory: registry)
        var options = SiteBuildOptions(outputDirectory: out, templatesDirectory: templates, today: SiteTestSupport.today, engine: engine, drift: drift)
        options.source = source
        return try SiteBuilder.build(report: report, options: options)
    }

    func twoServices() throws -> String {
        try SiteTestSupport.registry([
            "alpha": SiteTestSupport.service("alpha", audience: "https://alpha.example.com"),
            "beta": SiteTestSupport.service("beta", audience: "https://beta.example.com"),
        ])
    }

    @Test func buildsBothTreesWithEveryPage() throws {
        let out = try SiteTestSupport.temporaryDirectory("out") + "/site"
        let result = try build(twoServices(), out: out)
        let tree = SiteTestSupport.tree(out)
        for page in ["index", "services/index", "services/alpha", "services/beta", "audiences", "issuers", "teams", "token-flow",
                     "rules/index", "rules/audience-collision", "controls/index", "findings", "exceptions", "search"] {
            #expect(tree[page + ".html"] != nil, "missing \(page).html")
            #expect(tree["markdown/docs/" + page + ".md"] != nil, "missing \(page).md")
        }
        for file in ["assets/style.css", "assets/print.css", "assets/search.js", "search-index.json", "search-index.js",
                     "markdown/mkdocs.yml", SiteBuilder.markerFile] {
            #expect(tree[file] != nil, "missing \(file)")
        }
        #expect(result.htmlPages == tree.keys.filter { $0.hasSuffix(".html") }.count)
        let mkdocs = String(decoding: tree["markdown/mkdocs.yml"]!, as: UTF8.self)
        #expect(mkdocs.contains("docs_dir: docs"))
        #expect(mkdocs.contains("\"Services\": services/index.md"))
    }

    @Test func sameInputGivesByteIdenticalOutput() throws {
        let registry = try twoServices()
        let base = try SiteTestSupport.temporaryDirectory("det")
        _ = try build(registry, out: base + "/one")
        _ = try build(registry, out: base + "/two")
        let one = SiteTestSupport.tree(base + "/one")
        let two = SiteTestSupport.tree(base + "/two")
        #expect(one.count > 20)
        #expect(one.keys.sorted() == two.keys.sorted())
        for (path, data) in one { #expect(two[path] == data, "\(path) differs between two builds") }
    }

    @Test func overridingOneTemplateChangesOnlyThatPage() throws {
        let registry = try twoServices()
        let base = try SiteTestSupport.temporaryDirectory("override")
        _ = try build(registry, out: base + "/plain")
        let overrides = base + "/templates"
        let original = try #require(TemplateSet.builtIn.entry("html/audiences.mustache")).text
        try SiteTestSupport.write(["html/audiences.mustache": original.replacingOccurrences(of: "<h1>Audiences</h1>", with: "<h1>Audiences (ACME)</h1>")],
                                  under: overrides)
        _ = try build(registry, out: base + "/custom", templates: overrides)
        let plain = SiteTestSupport.tree(base + "/plain")
        let custom = SiteTestSupport.tree(base + "/custom")
        // The manifest records the template set, so it differs too; of the pages, only the one.
        let changed = plain.keys.filter { plain[$0] != custom[$0] }.sorted()
        #expect(changed == [SiteManifest.fileName, "audiences.html"])
        #expect(String(decoding: custom["audiences.html"]!, as: UTF8.self).contains("Audiences (ACME)"))

        // A partial override reaches every page that includes it, and `templates list` names the file.
        let set = try TemplateSet.resolve(overrides: overrides)
        #expect(set.entry("html/audiences.mustache")?.source == .file(overrides + "/html/audiences.mustache"))
        #expect(set.entry("html/service.mustache")?.source == .builtIn)
        let listing = TemplateListing.text(set)
        #expect(listing.contains("html/audiences.mustache (\(overrides)/html/audiences.mustache)"))
        #expect(listing.contains("1 from the override folder, 1 of them different from the built-in ones"))
        // The repository's templates/ folder holds exact copies of the built-in templates.
        let repository = TemplateListing.text(try TemplateSet.resolve(overrides: SiteTestSupport.packageRoot + "/templates"))
        #expect(repository.contains(", 0 of them different from the built-in ones"), "templates/ and the embedded copies differ: run python3 scripts/embed-resources.py")
    }

    @Test func aFailedBuildLeavesThePreviousSiteUntouched() throws {
        let registry = try twoServices()
        let base = try SiteTestSupport.temporaryDirectory("atomic")
        let out = base + "/site"
        _ = try build(registry, out: out)
        let before = SiteTestSupport.tree(out)
        let broken = base + "/templates"
        try SiteTestSupport.write(["html/rule.mustache": "{{#page}}unclosed"], under: broken)
        #expect(throws: SiteBuildError.self) { try build(registry, out: out, templates: broken) }
        let after = SiteTestSupport.tree(out)
        #expect(after == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty)
    }

    @Test func foldersOfKilledBuildsAreRemoved() throws {
        let registry = try twoServices()
        let base = try SiteTestSupport.temporaryDirectory("abandoned")
        // pid_max is at most 4194304 on Linux, so these processes cannot exist.
        for name in ["site.tmp-99999999", "site.tmp-99999999-old"] {
            try SiteTestSupport.write(["index.html": "half written"], under: base + "/" + name)
        }
        // A folder of a build that is still running (this test's own parent process, pid 1) stays.
        try SiteTestSupport.write(["index.html": "in progress"], under: base + "/site.tmp-1")
        try SiteTestSupport.write(["keep.txt": "not ours"], under: base + "/site.tmp-notes")
        _ = try build(registry, out: base + "/site")
        let names = try FileManager.default.contentsOfDirectory(atPath: base).sorted()
        #expect(names == ["site", "site.tmp-1", "site.tmp-notes"])
    }

    @Test func pagesOfDeletedServicesDisappear() throws {
        let registry = try twoServices()
        let base = try SiteTestSupport.temporaryDirectory("stale")
        let out = base + "/site"
        _ = try build(registry, out: out)
        #expect(FileManager.default.fileExists(atPath: out + "/services/beta.html"))
        try FileManager.default.removeItem(atPath: registry + "/services/beta.yaml")
        _ = try build(registry, out: out)
        #expect(!FileManager.default.fileExists(atPath: out + "/services/beta.html"))
        #expect(!FileManager.default.fileExists(atPath: out + "/markdown/docs/services/beta.md"))
        #expect(FileManager.default.fileExists(atPath: out + "/services/alpha.html"))
    }

    @Test func refusesToReplaceAFolderItDidNotBuild() throws {
        let registry = try twoServices()
        let base = try SiteTestSupport.temporaryDirectory("refuse")
        let precious = base + "/docs"
        try SiteTestSupport.write(["notes.txt": "keep me"], under: precious)
        #expect(throws: SiteBuildError.self) { try build(registry, out: precious) }
        #expect(FileManager.default.contents(atPath: precious + "/notes.txt") == Data("keep me".utf8))
    }

    /// A pull request can replace the committed site folder with a link; the build must not delete or
    /// read through it.
    @Test("a symbolic link as the output folder is refused, and what it points to is left alone")
    func refusesALinkedOutputFolder() throws {
        let registry = try twoServices()
        let base = try SiteTestSupport.temporaryDirectory("linked")
        let target = base + "/production-site"
        _ = try build(registry, out: target)
        try SiteTestSupport.write(["services/keep.html": "keep me"], under: target)
        try FileManager.default.createSymbolicLink(atPath: base + "/site", withDestinationPath: target)
        #expect { try build(registry, out: base + "/site") } throws: { "\($0)".contains("is a symbolic link") }
        #expect(FileManager.default.contents(atPath: target + "/services/keep.html") == Data("keep me".utf8))
        #expect(FileManager.default.fileExists(atPath: target + "/services/alpha.html"))
    }

    @Test("a marker that is a link does not make a folder a site; the registry is never the output")
    func refusesTheRegistryAsOutput() throws {
        let registry = try twoServices()
        // A marker committed into the registry folder does not make it replaceable.
        try Data().write(to: URL(fileURLWithPath: registry + "/" + SiteBuilder.markerFile))
        let report = try SiteTestSupport.report(directory: registry)
        for out in [registry, registry + "/.."] {
            var options = SiteBuildOptions(outputDirectory: out, templatesDirectory: nil, today: SiteTestSupport.today, engine: .builtIn)
            options.registryDirectory = registry
            #expect { try SiteBuilder.build(report: report, options: options) } throws: { "\($0)".contains("is or holds the registry") }
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: registry)
        #expect(left.contains { $0.hasSuffix(".yaml") }, "the registry files are still there: \(left)")
        let other = try SiteTestSupport.temporaryDirectory("linked-marker")
        try SiteTestSupport.write(["notes.txt": "keep me"], under: other + "/docs")
        try FileManager.default.createSymbolicLink(atPath: other + "/docs/" + SiteBuilder.markerFile, withDestinationPath: "/etc/hostname")
        #expect(throws: SiteBuildError.self) { try build(registry, out: other + "/docs") }
        #expect(FileManager.default.contents(atPath: other + "/docs/notes.txt") == Data("keep me".utf8))
    }

    @Test("a committed manifest that links to /dev/zero costs a full build, never all the memory")
    func manifestIsReadWithABound() throws {
        let registry = try twoServices()
        let out = try SiteTestSupport.temporaryDirectory("zero") + "/site"
        _ = try build(registry, out: out)
        try FileManager.default.removeItem(atPath: out + "/" + SiteManifest.fileName)
        try FileManager.default.createSymbolicLink(atPath: out + "/" + SiteManifest.fileName, withDestinationPath: "/dev/zero")
        let result = try build(registry, out: out)
        #expect(result.fullBuildReason == "no manifest", "\(result.fullBuildReason ?? "incremental")")
    }

    @Test("the swap records that the new site is in place, so an interrupt after it is not reported as leaving the previous site")
    func swapIsCommitted() throws {
        let cleanup = InterruptCleanup()
        #expect(!cleanup.isCommitted)
        cleanup.critical { cleanup.setCommittedLocked(true) }
        #expect(cleanup.isCommitted)
        let base = try SiteTestSupport.temporaryDirectory("swap")
        try SiteTestSupport.write(["index.html": "new"], under: base + "/site.tmp")
        try SiteBuilder.swap(URL(fileURLWithPath: base + "/site.tmp"), into: URL(fileURLWithPath: base + "/site"))
        #expect(InterruptCleanup.shared.isCommitted)
        #expect(FileManager.default.contents(atPath: base + "/site/index.html") == Data("new".utf8))
        // The next build starts uncommitted.
        _ = try build(try twoServices(), out: base + "/next")
        #expect(InterruptCleanup.shared.isCommitted, "committed again by its own swap")
    }

    @Test func fileNamesComeOnlyFromValidatedNames() throws {
        // An invalid name is a schema finding and gets no page; nothing is written outside the output.
        let registry = try SiteTestSupport.registry([
            "bad": SiteTestSupport.service("../../escape", audience: "https://bad.example.com"),
            "good": SiteTestSupport.service("good", audience: "https://good.example.com"),
        ])
        let base = try SiteTestSupport.temporaryDirectory("names")
        _ = try build(registry, out: base + "/site")
        #expect(try FileManager.default.contentsOfDirectory(atPath: base) == ["site"])
        let pages = SiteTestSupport.tree(base + "/site").keys.filter { $0.hasPrefix("services/") }.sorted()
        #expect(pages == ["services/good.html", "services/index.html"])
    }

    /// `site/` is the example registry's site with its drift from the example offline responses and its
    /// scripted history (scripts/example-history.sh), committed. Regenerate with scripts/build-site.sh.
    @Test func committedSiteEqualsAFreshBuild() async throws {
        let root = SiteTestSupport.packageRoot
        try #require(TokenFlowGraph.findDot() != nil, "the committed site is drawn with Graphviz: install graphviz (scripts/install-deps.sh build)")
        let out = try SiteTestSupport.temporaryDirectory("committed") + "/site"
        // As scripts/build-site.sh: the registry in its scripted repository, every commit after the first
        // in the history, links to the project's main branch and none to the scripted commits.
        let (repository, commits) = try Self.exampleHistory()
        let registry = repository + "/registry"
        var links = try #require(SourceLinks(repoURL: "https://github.com/audreg/audreg", ref: "main", prefix: "registry"))
        links.commitsOnHost = false
        let report = try SiteTestSupport.report(directory: registry)
        var options = SiteBuildOptions(outputDirectory: out, templatesDirectory: root + "/templates", today: SiteTestSupport.today,
                                       engine: .auto, drift: try await DriftOnSiteTests.exampleDrift())
        options.source = SourceEvidence(links: links, lastChange: GitSource.lastChanges(directory: registry))
        options.registryRevision = try #require(RegistryRevision.read(directory: registry))
        options.history = try #require(try TrustHistoryReader.read(directory: registry, limit: commits - 1, today: SiteTestSupport.today))
        _ = try SiteBuilder.build(report: report, options: options)
        // Without the record of the files' stamps (`tree` leaves it out): it differs on every build, and the
        // site's .gitignore keeps it out of git, though scripts/build-site.sh leaves one in the working tree.
        let fresh = SiteTestSupport.tree(out)
        let committed = SiteTestSupport.tree(root + "/site")
        #expect(FileManager.default.fileExists(atPath: out + "/" + SiteFileStamps.fileName))
        let missing = fresh.keys.filter { committed[$0] == nil }.sorted()
        let extra = committed.keys.filter { fresh[$0] == nil }.sorted()
        let different = fresh.keys.filter { committed[$0] != nil && committed[$0] != fresh[$0] }.sorted()
        #expect(missing.isEmpty && extra.isEmpty && different.isEmpty,
                "site/ is out of date (missing \(missing.prefix(5)), extra \(extra.prefix(5)), different \(different.prefix(5))): run scripts/build-site.sh")
    }

    /// A new repository made by scripts/example-history.sh, and its number of commits.
    static func exampleHistory() throws -> (root: String, commits: Int) {
        let repository = try SiteTestSupport.temporaryDirectory("example-history") + "/repository"
        let result = try run("/bin/bash", [SiteTestSupport.packageRoot + "/scripts/example-history.sh", repository])
        try #require(result.status == 0, "scripts/example-history.sh failed: \(result.stderr)")
        return (repository, try #require(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))))
    }

    @Test("the example's scripted history has the same commits on every run and ends in registry/ with git evidence on the site")
    func exampleHistoryIsDeterministic() throws {
        let (first, commits) = try Self.exampleHistory()
        let (second, _) = try Self.exampleHistory()
        let log = { (repository: String) throws -> String in try PRSupport.git(["log", "--format=%H %an %cI %s"], in: repository).stdout }
        #expect(try log(first) == log(second))
        #expect(try log(first).split(separator: "\n").count == commits && commits >= 4)
        #expect(SiteTestSupport.tree(first + "/registry") == SiteTestSupport.tree(SiteTestSupport.exampleRegistry))
        let history = try #require(try TrustHistoryReader.read(directory: first + "/registry", limit: commits - 1, today: SiteTestSupport.today))
        let kinds = Set(history.commits.flatMap { $0.diff.changes.map(\.kind) })
        #expect(kinds.isSuperset(of: [.widening, .narrowing]))
        #expect(history.commits.allSatisfy { $0.author.hasSuffix("(scripted example)") })
    }

    @Test("a history that is not the code host's links to files at the build's ref and to no commit")
    func noCommitLinks() throws {
        var links = try #require(SourceLinks(repoURL: "https://github.com/org/repo", ref: "main", prefix: "registry"))
        #expect(links.commit("abc123") == "https://github.com/org/repo/commit/abc123")
        links.commitsOnHost = false
        #expect(links.commit("abc123") == nil)
        #expect(links.blob("services/a.yaml", line: 3) == "https://github.com/org/repo/blob/main/registry/services/a.yaml#L3")
        let site = SiteTestSupport.tree(SiteTestSupport.packageRoot + "/site")
        let pages = site.filter { $0.key.hasSuffix(".html") || $0.key.hasSuffix(".md") }.map { String(decoding: $0.value, as: UTF8.self) }
        #expect(pages.contains { $0.contains("scripted example") }, "the committed site shows the scripted history")
        #expect(!pages.contains { $0.contains("/commit/") }, "no page links to a scripted commit")
        #expect(!pages.contains { $0.replacingOccurrences(of: "/blob/main/", with: "").contains("/blob/") },
                "every file link is at the main branch, none at a scripted commit")
    }
}
