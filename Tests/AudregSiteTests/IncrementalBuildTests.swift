import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
import AudregTestHelpers

/// `build` takes unchanged pages from the previous site (Incremental/): after every kind of change the
/// incremental result must be the same bytes as a full build of the same registry in a fresh folder.
@Suite("Rendering: incremental builds", .serialized)
struct IncrementalBuildTests {
    let base: String
    let registry: String
    let site: String
    var count = 0

    init() throws {
        base = try SiteTestSupport.temporaryDirectory("incremental")
        var services: [String: String] = [:]
        for name in ["alpha", "beta", "gamma", "delta", "epsilon"] {
            services[name] = SiteTestSupport.service(name, audience: "https://\(name).example.com")
        }
        registry = try SiteTestSupport.registry(services)
        site = base + "/site"
    }

    func options(out: String, templates: String?, reuse: SiteBuildReuse, version: String?) -> SiteBuildOptions {
        var options = SiteBuildOptions(outputDirectory: out, templatesDirectory: templates, today: SiteTestSupport.today, engine: .builtIn)
        options.reuse = reuse
        if let version { options.version = version }
        return options
    }

    /// Builds `site` again (reusing what it can), then the same registry in full into a fresh folder, and
    /// requires both trees to be equal byte for byte. Returns the incremental build's result.
    @discardableResult
    mutating func rebuildAndCompare(templates: String? = nil, version: String? = nil,
                                    sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> SiteBuildResult {
        let report = try SiteTestSupport.report(directory: registry)
        let result = try SiteBuilder.build(report: report, options: options(out: site, templates: templates, reuse: .output, version: version))
        count += 1
        let fresh = base + "/full-\(count)"
        let full = try SiteBuilder.build(report: report, options: options(out: fresh, templates: templates, reuse: .none, version: version))
        #expect(full.reusedPages == 0 && full.fullBuildReason == "--full", sourceLocation: sourceLocation)
        let different = Self.differences(site, fresh)
        #expect(different.isEmpty, "differs from a full build: \(different.prefix(5))", sourceLocation: sourceLocation)
        #expect(FileManager.default.fileExists(atPath: site + "/" + SiteManifest.fileName), sourceLocation: sourceLocation)
        return result
    }

    /// The files that differ between two folders, or are in only one of them.
    static func differences(_ one: String, _ other: String) -> [String] {
        let left = SiteTestSupport.tree(one), right = SiteTestSupport.tree(other)
        return Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
    }

    func edit(_ name: String, _ yaml: String) throws {
        try SiteTestSupport.write(["services/\(name).yaml": yaml], under: registry)
    }

    @Test mutating func editsAdditionsRemovalsAndIssuerChangesGiveAFullBuildsBytes() throws {
        let first = try rebuildAndCompare()
        #expect(first.fullBuildReason == "no earlier site")

        let unchanged = try rebuildAndCompare()
        #expect(unchanged.fullBuildReason == nil)
        #expect(unchanged.reusedPages == unchanged.htmlPages)

        try edit("alpha", SiteTestSupport.service("alpha", audience: "https://alpha-moved.example.com"))
        let edited = try rebuildAndCompare()
        #expect(edited.fullBuildReason == nil)
        #expect(edited.reusedPages > 0 && edited.reusedPages < edited.htmlPages)
        #expect(String(decoding: SiteTestSupport.tree(site)["services/alpha.html"] ?? Data(), as: UTF8.self).contains("alpha-moved.example.com"))

        try edit("zeta", SiteTestSupport.service("zeta", audience: "https://zeta.example.com"))
        let added = try rebuildAndCompare()
        #expect(added.fullBuildReason == nil && added.reusedPages > 0)
        #expect(FileManager.default.fileExists(atPath: site + "/services/zeta.html"))

        try FileManager.default.removeItem(atPath: registry + "/services/beta.yaml")
        let removed = try rebuildAndCompare()
        #expect(removed.fullBuildReason == nil && removed.reusedPages > 0)
        #expect(!FileManager.default.fileExists(atPath: site + "/services/beta.html"))
        #expect(!FileManager.default.fileExists(atPath: site + "/markdown/docs/services/beta.md"))

        // Every service accepts this issuer, so every service page shows the new URL.
        let moved = SiteTestSupport.issuerAndTeam.replacingOccurrences(of: "https://id.example.com/keys", with: "https://id.example.com/jwks-2")
        try SiteTestSupport.write(["base.yaml": moved], under: registry)
        let issuer = try rebuildAndCompare()
        #expect(issuer.fullBuildReason == nil)

        // Only the description: a field of the service page alone.
        try edit("gamma", SiteTestSupport.service("gamma", audience: "https://gamma.example.com", description: "Now described."))
        let described = try rebuildAndCompare()
        #expect(described.reusedPages > 0 && described.reusedPages < described.htmlPages)
    }

    @Test mutating func templatesAndVersionForceAFullBuild() throws {
        try rebuildAndCompare()
        let templates = base + "/templates"
        try SiteTestSupport.write(["html/service.mustache": "{{#page}}<p>{{chrome.pageTitle}}</p>{{/page}}\n"], under: templates)
        let changed = try rebuildAndCompare(templates: templates)
        #expect(changed.fullBuildReason == "the templates changed" && changed.reusedPages == 0)
        #expect(try rebuildAndCompare(templates: templates).reusedPages > 0)

        // An asset is part of the template set too.
        try SiteTestSupport.write(["assets/style.css": "body { color: black }\n"], under: templates)
        #expect(try rebuildAndCompare(templates: templates).fullBuildReason == "the templates changed")

        let upgraded = try rebuildAndCompare(templates: templates, version: "audreg 99.0.0 (test)")
        #expect(upgraded.fullBuildReason == "the site was built by \(AudregVersion.long)" && upgraded.reusedPages == 0)
        #expect(try rebuildAndCompare(templates: templates, version: "audreg 99.0.0 (test)").reusedPages > 0)
    }

    @Test mutating func aDamagedManifestOrMissingPageIsRebuilt() throws {
        try rebuildAndCompare()
        let manifest = site + "/" + SiteManifest.fileName
        try Data("audreg-site-manifest 1\nversion x\n".utf8).write(to: URL(fileURLWithPath: manifest))
        let corrupt = try rebuildAndCompare()
        #expect(corrupt.fullBuildReason == "the manifest is unreadable" && corrupt.reusedPages == 0)

        try FileManager.default.removeItem(atPath: manifest)
        #expect(try rebuildAndCompare().fullBuildReason == "no manifest")

        // A manifest is trusted only to skip work: a page whose file is gone is rendered again, and one
        // whose fingerprint the manifest gets wrong is rendered too.
        try FileManager.default.removeItem(atPath: site + "/services/alpha.html")
        try FileManager.default.removeItem(atPath: site + "/markdown/docs/services/gamma.md")
        var text = try String(contentsOfFile: manifest, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasSuffix(" services/delta") })
        text = text.replacingOccurrences(of: line, with: String(repeating: "0", count: 32) + " services/delta")
        try Data(text.utf8).write(to: URL(fileURLWithPath: manifest))
        let repaired = try rebuildAndCompare()
        #expect(repaired.fullBuildReason == nil && repaired.reusedPages == repaired.htmlPages - 3)
    }

    @Test mutating func aFailedIncrementalBuildLeavesThePreviousSiteUntouched() throws {
        try rebuildAndCompare()
        try edit("alpha", SiteTestSupport.service("alpha", audience: "https://alpha-2.example.com"))
        let before = SiteTestSupport.tree(site)
        let broken = base + "/broken"
        try SiteTestSupport.write(["html/rule.mustache": "{{#page}}unclosed"], under: broken)
        let report = try SiteTestSupport.report(directory: registry)
        #expect(throws: SiteBuildError.self) {
            try SiteBuilder.build(report: report, options: options(out: site, templates: broken, reuse: .output, version: nil))
        }
        #expect(SiteTestSupport.tree(site) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.contains(".tmp-") }.isEmpty)
    }

    /// As `serve` rebuilds: into a new folder, taking pages from the one being shown, which stays as it was.
    @Test mutating func anotherFoldersPagesAreReusedAndThatFolderIsLeftAlone() throws {
        try rebuildAndCompare()
        let shown = SiteTestSupport.tree(site)
        try edit("alpha", SiteTestSupport.service("alpha", audience: "https://alpha-3.example.com"))
        let report = try SiteTestSupport.report(directory: registry)
        let next = base + "/next"
        let result = try SiteBuilder.build(report: report, options: options(out: next, templates: nil, reuse: .folder(site), version: nil))
        #expect(result.fullBuildReason == nil && result.reusedPages > 0)
        #expect(SiteTestSupport.tree(site) == shown)
        let full = base + "/next-full"
        _ = try SiteBuilder.build(report: report, options: options(out: full, templates: nil, reuse: .none, version: nil))
        let different = Self.differences(next, full)
        #expect(different.isEmpty, "differs from a full build: \(different.prefix(5))")
    }

    @Test func manifestTextRoundTripsAndRefusesOtherText() throws {
        let manifest = SiteManifest(version: "audreg 1 (x)", templates: String(repeating: "a", count: 32),
                                    pages: [("index", String(repeating: "b", count: 32)), ("services/a b", String(repeating: "c", count: 32))])
        #expect(SiteManifest(text: manifest.text) == manifest)
        for bad in ["", "audreg-site-manifest 2\nversion x\ntemplates y\n", manifest.text.replacingOccurrences(of: "bbbb", with: "BBBB"),
                    manifest.text + "zz index\n", String(manifest.text.dropLast())] {
            #expect(SiteManifest(text: bad) == nil)
        }
    }
}
