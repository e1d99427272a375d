import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

@Suite("Rendering: escaping")
struct EscapingTests {
    static let hostile = SiteTestSupport.issuerAndTeam + "\n---\n" + SiteTestSupport.service(
        "evil", audience: "\"javascript:alert(1)\"", description: "\"<script>alert(1)</script> | **bold** [x](javascript:alert(2))\"")

    @Test func htmlShowsInjectedMarkupAsText() throws {
        let report = SiteTestSupport.report(yaml: Self.hostile)
        let files = try SiteTestSupport.render(report)
        let page = try #require(files["services/evil.html"])
        #expect(!page.contains("<script>alert(1)</script>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("javascript:alert(1)"))
        for (path, text) in files where path.hasSuffix(".html") {
            #expect(!text.lowercased().contains("href=\"javascript:"), "\(path) links to javascript:")
            #expect(!text.contains("<script>alert"), "\(path) contains the injected script")
        }
        // Search index: registry text is JSON with < > & escaped, so it cannot close the script element.
        let index = try #require(files["search-index.js"])
        #expect(!index.contains("<") && !index.contains(">"))
        #expect(index.contains("javascript:alert(1)"), "the audience is searchable, as text")
    }

    @Test func markdownEscapesTableCellsAndMarkup() throws {
        let report = SiteTestSupport.report(yaml: Self.hostile)
        let files = try SiteTestSupport.render(report)
        let page = try #require(files["markdown/docs/services/evil.md"])
        #expect(!page.contains("<script>"))
        #expect(page.contains("&lt;script&gt;alert\\(1\\)&lt;/script&gt;"))
        #expect(!page.contains("](javascript:"))
        let overview = try #require(files["markdown/docs/services/index.md"])
        #expect(overview.contains("javascript:alert\\(1\\)"))
    }

    /// Every GFM table keeps its shape: each row has as many unescaped pipes as the header, and a
    /// table is followed by a blank line (a stray line break in a cell would continue it as text).
    @Test func markdownTablesKeepTheirShape() throws {
        let exampleReport = try SiteTestSupport.report(directory: SiteTestSupport.exampleRegistry)
        for report in [SiteTestSupport.report(yaml: Self.hostile), exampleReport] {
            let files = try SiteTestSupport.render(report)
            var tables = 0
            for (path, text) in files where path.hasSuffix(".md") {
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                var columns: Int?
                for line in lines {
                    if line.hasPrefix("|") {
                        let pipes = Self.unescapedPipes(line)
                        if let columns {
                            #expect(pipes == columns, "\(path): row has \(pipes) pipes, header \(columns): \(line)")
                        } else {
                            columns = pipes
                            tables += 1
                        }
                        #expect(line.hasSuffix("|"), "\(path): row does not end with a pipe: \(line)")
                    } else {
                        if columns != nil { #expect(line.isEmpty, "\(path): text straight after a table row: \(line)") }
                        columns = nil
                    }
                }
            }
            #expect(tables > 10)
        }
    }

    static func unescapedPipes(_ line: String) -> Int {
        var count = 0
        var escaped = false
        for character in line {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "|" { count += 1 }
        }
        return count
    }

    @Test func markdownEscapeNeutralisesEveryStructuralCharacter() {
        #expect(MarkdownEscaping.escape("a|b") == "a\\|b")
        #expect(MarkdownEscaping.escape("evil\r\n::error::x\u{202E}y\u{061C}") == "evil  ::error::xU+202EyU+061C")
        #expect(MarkdownEscaping.escape("line\nbreak") == "line break")
        #expect(MarkdownEscaping.escape("[x](y)") == "\\[x\\]\\(y\\)")
        #expect(MarkdownEscaping.escape("<b>&amp;") == "&lt;b&gt;&amp;amp;")
        #expect(MarkdownEscaping.escape("~~x~~ $y$ \"q\"") == "&#126;&#126;x&#126;&#126; &#36;y&#36; &quot;q&quot;")
        #expect(MarkdownEscaping.fence(for: "a ```` b") == "`````")
        #expect(MarkdownEscaping.fence(for: "plain") == "```")
    }

    @Test func onlyHttpURLsBecomeLinks() {
        #expect(SafeURL.href("https://id.example.com/keys") == "https://id.example.com/keys")
        #expect(SafeURL.href("http://localhost:8080/x") == "http://localhost:8080/x")
        #expect(SafeURL.href("javascript:alert(1)") == nil)
        #expect(SafeURL.href("JAVASCRIPT://%0aalert(1)") == nil)
        #expect(SafeURL.href("data:text/html,<b>") == nil)
        #expect(SafeURL.href("https://x.example.com/\"onmouseover=\"x") == nil)
        #expect(SafeURL.href("/relative") == nil)
        #expect(SafeURL.href("#team-contact") == nil)
    }

    @Test func tokenFlowEscapesNamesInBothLayouts() throws {
        let report = SiteTestSupport.report(yaml: SiteTestSupport.issuerAndTeam + "\n---\n"
            + SiteTestSupport.service("alpha", audience: "https://a.example.com", extra: "  downstream:\n    - {service: beta, mode: passthrough}")
            + "\n---\n" + SiteTestSupport.service("beta", audience: "https://b.example.com"))
        let builtIn = TokenFlowGraph.builtInSVG(services: report.registry.services)
        #expect(builtIn.hasPrefix("<svg role=\"img\""))
        #expect(builtIn.contains("href=\"services/alpha.html\""))
        #expect(builtIn.contains("class=\"hop passthrough\""))
        let dot = TokenFlowGraph.dotSource(services: report.registry.services)
        #expect(dot.contains("\"alpha\" -> \"beta\" [style=solid, penwidth=3, color=\"#cf222e\""), "passthrough: thick and red, as the legend says")
        #expect(TokenFlowGraph.dotString("a\"b\\c\nd") == "\"a\\\"b\\\\c d\"")
        // Graphviz copies labels into the SVG the page embeds raw: a bidi override must not reach it.
        #expect(TokenFlowGraph.dotString("Pay\u{202E}evil\u{200B}") == "\"PayU+202EevilU+200B\"")
        #expect(TokenFlowGraph.mermaidLabel("prod\u{202E}xx") == "\"prodU+202Exx\"")
        #expect(TokenFlowGraph.xml("<&>\"") == "&lt;&amp;&gt;&quot;")
        // Graphviz decodes entities in labels: one written in a registry value stays text.
        #expect(TokenFlowGraph.dotString("prod&#x202E;gnp") == "\"prod&amp;#x202E;gnp\"")
        // And a drawing that holds such a scalar anyway, raw or as a reference, is not used.
        #expect(TokenFlowGraph.holdsUnsafeScalar("<text>prod&#x202E;x</text>") && TokenFlowGraph.holdsUnsafeScalar("<text>a&#8207;</text>"))
        #expect(TokenFlowGraph.holdsUnsafeScalar("<text>a\u{200D}</text>"))
        #expect(!TokenFlowGraph.holdsUnsafeScalar("<title>a&#45;&gt;b</title><text>caf\u{E9} &amp;#x202E;</text>"))
        #expect(TokenFlowGraph.cleanSVG("<svg width=\"1\"><text>x&#x202e;</text></svg>") == nil)
    }

    @Test("a service named 'index' would replace the Services list page: the build refuses it, naming both pages")
    func pagePathsAreUnique() throws {
        let report = SiteTestSupport.report(yaml: SiteTestSupport.issuerAndTeam + "\n---\n" + SiteTestSupport.service("index", audience: "https://index.example.com"))
        #expect {
            _ = try SiteBuilder.renderAll(model: SiteTestSupport.model(report), templates: .builtIn)
        } throws: { error in
            "\(error)".contains("'Services list' and 'Service (one per service)', would both be written to services/index.html")
        }
        let directory = TemporaryDirectory()
        var options = SiteBuildOptions(outputDirectory: directory.path + "/site", templatesDirectory: nil, today: SiteTestSupport.today, engine: .builtIn)
        options.reuse = .none
        #expect(throws: SiteBuildError.self) { try SiteBuilder.build(report: report, options: options) }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/site"), "nothing is written")
    }

    @Test("an added framework whose id slugs like a built-in one never takes the built-in's page paths")
    func builtInFrameworksKeepTheirSlugs() throws {
        let directory = TemporaryDirectory()
        directory.write("look-alike.yaml", """
            framework: {id: nist-csf-2-0, title: Not NIST, version: "1"}
            controls:
              - {id: PR_AA-05, title: Not PR.AA-05, text: x, rules: [owner-missing]}
            """)
        let controls = try ControlCatalog.withAdditions(from: directory.path)
        let report = SiteTestSupport.report(yaml: SiteTestSupport.issuerAndTeam + "\n---\n" + SiteTestSupport.service("alpha", audience: "https://a.example.com"))
        let model = SiteModel.build(report: report, controls: controls, today: SiteTestSupport.today,
                                    tokenFlow: TokenFlowGraph.picture(services: report.registry.services, engine: .builtIn))
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let page = try #require(files["controls/nist-csf-2-0/pr-aa-05.html"])
        #expect(page.contains("PR.AA-05") && !page.contains("Not PR.AA-05"))
        #expect(files.keys.contains { $0.hasPrefix("controls/nist-csf-2-0-2/") })
    }

    @Test("no two elements of a page share an id, whatever the entities are called (team 'a' and team 'a-heading')")
    func elementIDsAreUnique() throws {
        let teams = ["team-a", "team-a-heading"].map { "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: \($0)}\nspec: {contact: \"#x\"}\n" }
        let report = SiteTestSupport.report(yaml: SiteTestSupport.issuerAndTeam.replacingOccurrences(of: "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: team-a, title: Team A}\nspec: {contact: \"#team-a\"}", with: "")
            + "\n---\n" + teams.joined(separator: "---\n") + "---\n" + SiteTestSupport.service("alpha", audience: "https://a.example.com"))
        let files = try SiteBuilder.renderAll(model: SiteTestSupport.model(report), templates: .builtIn)
        for page in ["teams.html", "issuers.html", "controls/index.html"] {
            let html = try #require(files[page])
            let ids = html.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(Set(ids).count == ids.count, "\(page): \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys)")
        }
    }

    @Test("the Graphviz picture shows entities written in registry text as text, when dot is installed")
    func dotKeepsEntitiesAsText() throws {
        let dot = try #require(TokenFlowGraph.findDot(), "install graphviz (scripts/install-deps.sh build)")
        let report = SiteTestSupport.report(yaml: SiteTestSupport.issuerAndTeam + "\n---\n"
            + SiteTestSupport.service("alpha", audience: "https://a.example.com").replacingOccurrences(of: "environment: production", with: "environment: \"prod&#x202E;gnp\""))
        #expect(TokenFlowGraph.dotSource(services: report.registry.services).contains("label=\"prod&amp;#x202E;gnp\""))
        let picture = TokenFlowGraph.picture(services: report.registry.services, engine: .auto, dotPath: dot)
        #expect(picture.engine == "Graphviz dot")
        #expect(!picture.svg.unicodeScalars.contains { $0.value == 0x202E })
        #expect(!TokenFlowGraph.holdsUnsafeScalar(picture.svg))
    }

    /// The site's Markdown escaping as its documentation states it, one scalar at a time: the oracle
    /// for `MarkdownEscaping`, which works on UTF-8 bytes.
    static func markdownByScalar(_ text: String) -> String {
        var output = ""
        // At the start, what would open a block on a line of its own: a space, `-`, `=`, or digits and `.`.
        var rest = Substring(text).unicodeScalars
        if let first = rest.first {
            let digits = rest.prefix { ("0"..."9").contains($0) }
            if first == " " { output += "&#32;"; rest = rest.dropFirst() }
            else if first == "=" { output += "&#61;"; rest = rest.dropFirst() }
            else if first == "-" { output += "\\-"; rest = rest.dropFirst() }
            // A line break or control first would be a space, and so start a block: the space entity.
            else if first.value < 0x20 || first.value == 0x7F || first == "\u{2028}" || first == "\u{2029}" { output += "&#32;"; rest = rest.dropFirst() }
            else if !digits.isEmpty, digits.count <= 9, rest.dropFirst(digits.count).first == "." {
                output += String(String.UnicodeScalarView(digits)) + "\\."
                rest = rest.dropFirst(digits.count + 1)
            }
        }
        for scalar in rest {
            switch scalar {
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "#", "+", "!", "|":
                output.unicodeScalars.append("\\")
                output.unicodeScalars.append(scalar)
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\"": output += "&quot;"
            case "~": output += "&#126;"
            case "$": output += "&#36;"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    output += " "
                } else if UnsafeScalar.kind(scalar) == .bidi {
                    output += UnsafeScalar.codePoint(scalar)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    @Test("a value that starts with a control character or a line separator cannot start a list item or a code block")
    func markdownLeadingBreaks() {
        #expect(MarkdownEscaping.escape("\u{1}- item") == "&#32;- item")
        #expect(MarkdownEscaping.escape("\u{2028}1. x") == "&#32;1. x")
        #expect(MarkdownEscaping.escape("\t\t\t\tcode").hasPrefix("&#32;"))
    }

    @Test("The site's Markdown escaping, done on bytes, equals escaping scalar by scalar: every scalar up to U+3000 and beyond, and random mixes")
    func markdownBytesEqualScalars() {
        var scalars = (0...0x3000).compactMap(Unicode.Scalar.init)
        scalars += ["\u{FEFF}", "\u{FFFE}", "\u{1F600}", "\u{10FFFF}", "\u{E000}"]
        var mismatches = 0
        for scalar in scalars {
            for text in [String(scalar), "a" + String(scalar) + "b", String(scalar) + "|\u{301}" + String(scalar)] {
                let bytes = MarkdownEscaping.escape(text)
                if !bytes.utf8.elementsEqual(Self.markdownByScalar(text).utf8) {
                    mismatches += 1
                    Issue.record("\(UnsafeScalar.codePoint(scalar)) in \(text.debugDescription): \(bytes.debugDescription)")
                }
                if mismatches > 5 { return }
            }
        }
        // Random strings over the scalars whose UTF-8 starts or continues like an escaped one.
        let alphabet: [Unicode.Scalar] = ["a", "|", "\\", "<", "&", "\r", "\n", "\u{7F}", "\u{85}", "\u{D8}", "\u{61C}", "\u{60C}",
                                          "\u{2028}", "\u{2029}", "\u{202E}", "\u{202F}", "\u{2066}", "\u{2065}", "\u{206A}",
                                          "\u{E2}", "\u{80}", "\u{A8}", "\u{301}", "\u{1F600}", "~", "$", "\""]
        var generator = SplitMix64(seed: 26)
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &generator) {
                text.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
            }
            #expect(MarkdownEscaping.escape(text).utf8.elementsEqual(Self.markdownByScalar(text).utf8), "\(text.debugDescription)")
        }
    }

    static let bidiControls: [Unicode.Scalar] = ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}",
                                                 "\u{2068}", "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}"]

    @Test("HTML shows each bidirectional control as its code point, as the site's Markdown does; other text is unchanged")
    func htmlShowsBidiControls() {
        for scalar in Self.bidiControls {
            let text = "a" + String(scalar) + "<b>"
            let html = HTMLEscaping.escape(text)
            #expect(html == "a" + UnsafeScalar.codePoint(scalar) + "&lt;b&gt;", "\(UnsafeScalar.codePoint(scalar))")
            #expect(!html.unicodeScalars.contains { UnsafeScalar.kind($0) == .bidi })
            #expect(MarkdownEscaping.escape(text).hasPrefix("a" + UnsafeScalar.codePoint(scalar)), "both outputs show the same text")
        }
        // Neighbours of the controls in UTF-8 (same lead bytes) stay as they are, and a truncated sequence is copied.
        for text in ["– — ‘’ “” … ← ✓ \u{2065} \u{206A} \u{2029}", "\u{060C}\u{061B}\u{061D}", "end\u{E2}", "x\u{202F}y"] {
            #expect(HTMLEscaping.escape(text) == text)
        }
        #expect(HTMLEscaping.escape("\u{202E}\u{202E}") == "U+202EU+202E")
        #expect(TokenFlowGraph.xml("svc\u{202E}x") == "svcU+202Ex")
    }

    @Test("a bidirectional control in a registry value is shown as its code point on the HTML and Markdown pages")
    func bidiInRegistryValue() throws {
        let report = SiteTestSupport.report(yaml: SiteTestSupport.issuerAndTeam + "\n---\n" + SiteTestSupport.service(
            "trojan", audience: "https://trojan.example.com", description: "\"admin \u{202E}nimda\u{202C} only\""))
        let files = try SiteTestSupport.render(report)
        let html = try #require(files["services/trojan.html"])
        let markdown = try #require(files["markdown/docs/services/trojan.md"])
        #expect(html.contains("admin U+202EnimdaU+202C only"))
        #expect(markdown.contains("admin U+202EnimdaU+202C only"))
        for (path, text) in files where path.hasSuffix(".html") || path.hasSuffix(".md") {
            #expect(!text.unicodeScalars.contains { UnsafeScalar.kind($0) == .bidi }, "\(path) holds a raw bidirectional control")
        }
    }
}
