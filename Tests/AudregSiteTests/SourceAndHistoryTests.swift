import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
import AudregTestHelpers

@Suite("Rendering: source links, trust history, site title, token-flow legend")
struct SourceAndHistoryTests {
    // MARK: source links

    @Test("git remotes map to web URLs; credentials are dropped; unknown forms give no links")
    func remotes() {
        #expect(SourceLinks.webURL(remote: "git@github.com:org/repo.git\n") == "https://github.com/org/repo")
        #expect(SourceLinks.webURL(remote: "https://github.com/org/repo.git") == "https://github.com/org/repo")
        #expect(SourceLinks.webURL(remote: "https://user:token@gitlab.example.com/group/sub/repo") == "https://gitlab.example.com/group/sub/repo")
        #expect(SourceLinks.webURL(remote: "ssh://git@git.example.com:2222/org/repo.git") == "https://git.example.com/org/repo")
        #expect(SourceLinks.webURL(remote: "http://git.internal/org/repo/") == "http://git.internal/org/repo")
        for unknown in ["/srv/git/repo.git", "../repo", "git://example.com/org/repo.git", "file:///srv/repo", "github.com", "git@github.com:repo.git"] {
            #expect(SourceLinks.webURL(remote: unknown) == nil, "\(unknown)")
        }
    }

    @Test("links point at the file and line in the repository, each path segment encoded")
    func links() throws {
        let links = try #require(SourceLinks(repoURL: "https://github.com/org/repo.git", ref: "release/1.0", prefix: "registry"))
        #expect(links.blob("services/a b.yaml", line: 12) == "https://github.com/org/repo/blob/release/1.0/registry/services/a%20b.yaml#L12")
        #expect(links.edit("services/x.yaml") == "https://github.com/org/repo/edit/release/1.0/registry/services/x.yaml")
        #expect(links.blob("../deploy/envoy.yaml", line: 3) == "https://github.com/org/repo/blob/release/1.0/deploy/envoy.yaml#L3")
        #expect(links.blob("../../../outside.yaml") == nil, "a path that leaves the repository gets no link")
        #expect(links.blob("https://id.example.com/keys") == nil, "a finding on a URL is not a file of the repository")
        #expect(links.commit("abc123") == "https://github.com/org/repo/commit/abc123")
    }

    static let hostileURLs = ["javascript:alert(1)//github.com/org/repo", "JAVASCRIPT:alert(1)", "data:text/html,<script>x</script>",
                              "https://user:pw@github.com/org/repo", "https://github.com/org/repo?x=\"onmouseover=alert(1)",
                              "https://github.com/org/repo#\"", "https://git\"hub.com/org/repo", "https://github.com\n/org/repo",
                              "//github.com/org/repo", "ftp://github.com/org/repo", ""]

    @Test("a hostile repository URL gives no links, and quotes or line breaks in its path are percent-encoded")
    func hostileRepositoryURLs() throws {
        for url in Self.hostileURLs {
            #expect(SourceLinks(repoURL: url, ref: "main") == nil, "\(url)")
        }
        #expect(SourceLinks(repoURL: "https://github.com/org/repo", ref: "main\n<script>") == nil)
        let odd = try #require(SourceLinks(repoURL: "https://github.com/o\"r'g/re<p>o%0A", ref: "ma\"in"))
        let blob = try #require(odd.blob("services/\"x\".yaml", line: 1))
        #expect(blob == "https://github.com/o%22r%27g/re%3Cp%3Eo%250A/blob/ma%22in/services/%22x%22.yaml#L1")

        // Through a whole build: nothing of the URL leaves an attribute, in HTML or in Markdown.
        let registry = try SiteTestSupport.registry([
            "alpha": SiteTestSupport.service("alpha", audience: "https://alpha.example.com"),
            "beta": SiteTestSupport.service("beta", audience: "https://alpha.example.com"),
        ])
        var options = SiteBuildOptions(outputDirectory: try SiteTestSupport.temporaryDirectory("hostile-links") + "/site", templatesDirectory: nil,
                                       today: SiteTestSupport.today, engine: .builtIn)
        options.source = SourceEvidence(links: odd, lastChange: ["services/alpha.yaml": FileCommit(commit: "\"><script>", date: "<b>")])
        _ = try SiteBuilder.build(report: try SiteTestSupport.report(directory: registry), options: options)
        let tree = SiteTestSupport.tree(options.outputDirectory)
        let page = String(decoding: try #require(tree["services/alpha.html"]), as: UTF8.self)
        #expect(page.contains("<a href=\"https://github.com/o%22r%27g/re%3Cp%3Eo%250A/blob/ma%22in/services/alpha.yaml#L2\">"), "the kind: line")
        #expect(page.contains("Edit this file"))
        #expect(page.contains("&lt;b&gt; in commit") && !page.contains("<script>") && !page.contains("<b>"))
        let findings = String(decoding: try #require(tree["findings.html"]), as: UTF8.self)
        #expect(findings.contains("href=\"https://github.com/o%22r%27g/re%3Cp%3Eo%250A/blob/ma%22in/services/"), "findings link to their file")
        for (path, data) in tree where path.hasSuffix(".html") || path.hasSuffix(".md") {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("o\"r'g") && !text.contains("re<p>o"), "\(path)")
        }
    }

    // MARK: site title

    @Test("--title names the site in every page's <title> and header and in mkdocs.yml, escaped for each")
    func siteTitle() throws {
        let title = "Acme \"trust\" <b>&</b>\n---\nsite_name: x"
        let report = try SiteTestSupport.report(directory: try SiteTestSupport.registry(["alpha": SiteTestSupport.service("alpha", audience: "https://a.example.com")]))
        let model = SiteModel.build(report: report, today: SiteTestSupport.today,
                                    tokenFlow: TokenFlowGraph.picture(services: report.registry.services, engine: .builtIn), siteTitle: title)
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let escaped = "Acme &quot;trust&quot; &lt;b&gt;&amp;&lt;/b&gt;\n---\nsite_name: x"
        for (path, text) in files where path.hasSuffix(".html") {
            #expect(text.contains("· \(escaped)</title>") && text.contains(">\(escaped)</a></p>"), "\(path)")
            #expect(!text.contains("Audience registry"), "\(path)")
        }
        let mkdocs = try #require(files["markdown/mkdocs.yml"])
        #expect(mkdocs.contains("\nsite_name: \"Acme \\\"trust\\\" <b>&</b>\\u000A---\\u000Asite_name: x\"\n"))
        #expect(mkdocs.split(separator: "\n").filter { $0.hasPrefix("site_name:") }.count == 1, "the title cannot add a key")
        let parsed = YAMLParser.parse(bytes: Array(mkdocs.utf8), limits: .default)
        #expect(parsed.diagnostics.isEmpty && parsed.documents.count == 1)

        let plain = try SiteBuilder.renderAll(model: SiteTestSupport.model(report), templates: .builtIn)
        #expect(plain["index.html"]!.contains("<title>Overview · Audience registry</title>"))
        #expect(plain["markdown/mkdocs.yml"]!.contains("site_name: \"Audience registry\""))
    }

    // MARK: token-flow legend

    @Test("the token-flow legend describes the lines both layouts draw, from the same table")
    func legendMatchesDrawing() throws {
        let report = SiteTestSupport.report(yaml: """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: a, owner: t, environment: production}
            spec:
              audiences: [https://a.example.com]
              downstream:
                - {service: b, mode: token-exchange}
                - {service: c, mode: new-token}
                - {service: d, mode: passthrough}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: b, owner: t, environment: production}
            spec: {audiences: [https://b.example.com]}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: c, owner: t, environment: production}
            spec: {audiences: [https://c.example.com]}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: d, owner: t, environment: production}
            spec: {audiences: [https://a.example.com]}
            """)
        let page = try #require(try SiteBuilder.renderAll(model: SiteTestSupport.model(report), templates: .builtIn)["token-flow.html"])
        let builtIn = TokenFlowGraph.picture(services: report.registry.services, engine: .builtIn).svg
        var widths: [String: Double] = [:]
        for mode in HopMode.allCases {
            let style = TokenFlowGraph.style(mode)
            // The legend row, as rendered.
            let row = try #require(page.components(separatedBy: "<li data-mode=\"\(mode.rawValue)\">").dropFirst().first?.components(separatedBy: "</li>").first)
            #expect(row.contains(": \(style.legend)"))
            // The line the built-in layout draws for that hop.
            let line = try #require(builtIn.components(separatedBy: "<line class=\"hop \(mode.rawValue)\"").dropFirst().first?.components(separatedBy: ">").first)
            let widthText = line.components(separatedBy: "stroke-width=\"").dropFirst().first?.prefix { $0 != "\"" } ?? ""
            let width = try #require(Double(widthText))
            widths[mode.rawValue] = width
            #expect(line.contains("stroke=\"\(style.color)\""))
            #expect(line.contains("stroke-dasharray") == row.contains("dashed"))
            #expect(row.contains(style.colorName))
            // Graphviz gets the same thickness, relative to its default pen.
            let dot = TokenFlowGraph.edgeStyle(mode)
            let penText = dot.components(separatedBy: "penwidth=").dropFirst().first?.prefix { $0 != "," } ?? ""
            let pen = try #require(Double(penText))
            #expect((pen >= 2) == row.contains("thick"))
            #expect(dot.contains("style=dashed") == row.contains("dashed"))
        }
        let thinnest = widths.values.min()!
        for (mode, width) in widths {
            let row = page.components(separatedBy: "<li data-mode=\"\(mode)\">")[1]
            #expect((width >= 2 * thinnest) == row.prefix(while: { $0 != "\n" }).contains("thick"), "\(mode)")
        }
        #expect(page.contains(": thick solid red arrow</li>"), "passthrough is the thick one")
        // The Markdown legend describes Mermaid's arrows: only passthrough's `==>` is thick.
        let mermaid = TokenFlowGraph.mermaid(sorted: report.registry.services.firstOfEachName(\.name)).text
        #expect(mermaid.contains("==>|passthrough|") && mermaid.contains("-.->|new token|") && mermaid.contains("-->|exchange|"))
        #expect(TokenFlowGraph.mermaidLegend.contains("thick arrows passthrough") && TokenFlowGraph.mermaidLegend.contains("dotted arrows a new token"))
    }

    // MARK: trust history

    /// A git repository with a registry and four commits: the registry added, a widening, a neutral
    /// change, a narrowing. Author names and subjects are hostile.
    static func historyRepository() throws -> (root: String, registry: String) {
        let root = try SiteTestSupport.temporaryDirectory("history")
        let registry = root + "/registry"
        func git(_ arguments: String...) throws {
            let result = try PRSupport.git(["-c", "core.hooksPath=/dev/null"] + arguments, in: root)
            guard result.status == 0 else { throw GitBaseError("git \(arguments): \(result.stderr)") }
        }
        func commit(_ message: String, author: String, date: String) throws {
            try git("add", "-A")
            try git("commit", "-q", "-m", message, "--author", author, "--date", date)
        }
        try git("init", "-q")
        try SiteTestSupport.write([
            "base.yaml": SiteTestSupport.issuerAndTeam,
            "services/alpha.yaml": SiteTestSupport.service("alpha", audience: "https://alpha.example.com"),
            "services/beta.yaml": SiteTestSupport.service("beta", audience: "https://beta.example.com"),
        ], under: registry)
        try commit("Add the registry", author: "Ada <ada@example.com>", date: "2026-11-01T10:00:00Z")
        try SiteTestSupport.write(["services/alpha.yaml": SiteTestSupport.service("alpha", audience: "https://alpha.example.com, https://beta.example.com")], under: registry)
        try commit("<script>alert('widen')</script>", author: "Eve \"the\" & Co <eve@example.com>", date: "2026-11-02T10:00:00Z")
        try SiteTestSupport.write([
            "services/beta.yaml": SiteTestSupport.service("beta", audience: "https://beta.example.com", description: "Beta, described again."),
            "compose/docker-compose.yml": "services:\n  web: {image: nginx}\n",
        ], under: registry)
        try commit("Describe beta", author: "Bob <bob@example.com>", date: "2026-11-03T10:00:00Z")
        try SiteTestSupport.write(["services/alpha.yaml": SiteTestSupport.service("alpha", audience: "https://alpha.example.com")], under: registry)
        try commit("Narrow alpha again", author: "Ada <ada@example.com>", date: "2026-11-04T10:00:00Z")
        return (root, registry)
    }

    @Test("the trust history: each commit against its parent by the diff engine, newest first, only changed files parsed again")
    func historyModel() throws {
        let (_, registry) = try Self.historyRepository()
        let history = try #require(try TrustHistoryReader.read(directory: registry, limit: 100, today: SiteTestSupport.today))
        #expect(history.commits.map(\.subject) == ["Narrow alpha again", "Describe beta", "<script>alert('widen')</script>", "Add the registry"])
        let (narrow, neutral, widen, added) = (history.commits[0].diff, history.commits[1].diff, history.commits[2].diff, history.commits[3].diff)
        #expect(narrow.count(.narrowing) == 1 && narrow.count(.widening) == 0)
        #expect(neutral.count(.widening) == 0 && neutral.count(.narrowing) == 0 && neutral.count(.neutral) >= 1)
        #expect(widen.count(.widening) == 1 && widen.count(.narrowing) == 0)
        let widening = try #require(widen.changes.first { $0.kind == .widening })
        #expect(widening.entity == EntityRef(.service, "alpha") && widening.field == "audiences")
        #expect(widening.findings.contains { $0.ruleID == "audience-collision" }, "the change's own finding: beta's audience is now shared")
        #expect(narrow.fixed.contains { $0.ruleID == "audience-collision" })
        #expect(added.count(.widening) >= 2, "the first commit adds both services")
        #expect(history.commits[2].author == "Eve \"the\" & Co" && history.commits[2].email == "eve@example.com")
        #expect(history.commits.allSatisfy { Day(String($0.date.prefix(10))) != nil }, "the commit's date, as git gives it")
        // 3 files at first, then alpha's new bytes, then beta's and the compose file; the last commit
        // brings alpha's first bytes back, parsed already.
        #expect(history.parsedFiles == 6)
        let limited = try #require(try TrustHistoryReader.read(directory: registry, limit: 2, today: SiteTestSupport.today))
        #expect(limited.commits.map(\.subject) == ["Narrow alpha again", "Describe beta"])
        #expect(try TrustHistoryReader.read(directory: try SiteTestSupport.temporaryDirectory("no-git"), limit: 10, today: SiteTestSupport.today) == nil)
    }

    @Test("a shallow clone: the oldest commit it holds is the starting point, not a commit that added everything")
    func shallowHistory() throws {
        let (root, _) = try Self.historyRepository()
        let clone = try SiteTestSupport.temporaryDirectory("shallow") + "/clone"
        let cloned = try PRSupport.git(["clone", "-q", "--depth", "2", "file://" + root, clone], in: root)
        try #require(cloned.status == 0, "\(cloned.stderr)")
        let history = try #require(try TrustHistoryReader.read(directory: clone + "/registry", limit: 100, today: SiteTestSupport.today))
        #expect(history.commits.map(\.subject) == ["Narrow alpha again"])
        #expect(history.commits[0].diff.count(.narrowing) == 1 && history.commits[0].diff.count(.widening) == 0)
        #expect(history.note?.contains("shallow") == true)
    }

    @Test("the trust-history page and each service's section list widening and narrowing with their commit; git's text is encoded")
    func historyPages() throws {
        let (_, registry) = try Self.historyRepository()
        let history = try TrustHistoryReader.read(directory: registry, limit: 100, today: SiteTestSupport.today)
        let report = try SiteTestSupport.report(directory: registry)
        let links = try #require(SourceLinks(repoURL: "https://git.example.com/org/repo", ref: "main", prefix: "registry"))
        let model = SiteModel.build(report: report, today: SiteTestSupport.today,
                                    tokenFlow: TokenFlowGraph.picture(services: report.registry.services, engine: .builtIn),
                                    source: SourceEvidence(links: links), history: history)
        #expect(model.history.built && model.history.commitCount == 4)
        #expect(model.history.history.first?.kind == "narrowing" && model.history.narrowing == 1)
        #expect(model.history.quiet.map(\.subject) == ["Describe beta"])
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let page = try #require(files["history.html"])
        #expect(page.contains("&lt;script&gt;alert(&#39;widen&#39;)&lt;/script&gt;") && !page.contains("<script>alert"))
        #expect(page.contains("Eve &quot;the&quot; &amp; Co"))
        #expect(page.contains("href=\"https://git.example.com/org/repo/commit/\(history!.commits[2].commit)\""))
        let markdown = try #require(files["markdown/docs/history.md"])
        #expect(!markdown.contains("<script>"))
        let alpha = try #require(files["services/alpha.html"])
        #expect(alpha.contains("history-widening") && alpha.contains("history-narrowing"))
        let beta = try #require(files["services/beta.html"])
        #expect(beta.contains("history-widening") && !beta.contains("history-narrowing"), "beta: its addition; its description is neutral")

        let without = try SiteBuilder.renderAll(model: SiteTestSupport.model(report), templates: .builtIn)
        #expect(without["history.html"]!.contains("built without a trust history"))
    }

    @Test("build --no-commit-links: files link at --ref, commits and files at a commit do not; without it they do")
    func noCommitLinksFlag() throws {
        let (root, _) = try Self.historyRepository()
        let out = try SiteTestSupport.temporaryDirectory("no-commit-links")
        for (flag, linked) in [([String](), true), (["--no-commit-links"], false)] {
            let site = out + "/site-\(linked)"
            let built = try run(Paths.executable, ["build", "registry", "--out", site, "--today", "2026-12-01", "--layout", "built-in",
                                                   "--fail-on", "never", "--repo-url", "https://git.example.com/org/repo", "--ref", "main"] + flag,
                                in: root)
            try #require(built.status == 0, "\(built.stderr)")
            let history = try String(contentsOfFile: site + "/history.html", encoding: .utf8)
            let alpha = try String(contentsOfFile: site + "/services/alpha.html", encoding: .utf8)
            #expect(alpha.contains("href=\"https://git.example.com/org/repo/blob/main/registry/services/alpha.yaml#L"))
            #expect(history.contains("https://git.example.com/org/repo/commit/") == linked, "\(flag)")
            #expect(alpha.contains("https://git.example.com/org/repo/commit/") == linked, "\(flag): the last change's commit")
            #expect(history.replacingOccurrences(of: "/blob/main/", with: "").contains("/blob/") == linked,
                    "\(flag): a finding of the history links to its file at its commit")
        }
    }
}
