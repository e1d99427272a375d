import Foundation
import Mustache
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers
import AudregTestSupport

/// The site's template engine must write exactly what swift-mustache (the reference) writes, and refuse
/// at load time what it does not support.
@Suite("Rendering: compiled templates")
struct CompiledTemplateTests {
    static func sites() async throws -> [(String, SiteModel)] {
        var sites: [(String, SiteModel)] = []
        let example = try SiteTestSupport.report(directory: Paths.exampleRegistry)
        sites.append(("example with drift", SiteModel.build(report: example, today: SiteTestSupport.today,
                                                           tokenFlow: .init(svg: "<svg></svg>", engine: "test"),
                                                           drift: try await DriftOnSiteTests.exampleDrift())))
        sites.append(("example", SiteTestSupport.model(example)))
        for registry in [Paths.packageRoot + "/integration/site/hostile-registry", Paths.fixture("registries/findings")] {
            sites.append((registry, SiteTestSupport.model(try SiteTestSupport.report(directory: registry))))
        }
        // Bidirectional controls in a value: both engines show them as code points.
        sites.append(("bidi", SiteTestSupport.model(SiteTestSupport.report(yaml: SiteTestSupport.issuerAndTeam + "\n---\n"
            + SiteTestSupport.service("trojan", audience: "https://trojan.example.com", description: "\"a \u{202E}b\u{2066}c\u{061C}d\"")))))
        return sites
    }

    /// Every file of the site rendered by the compiled engine and by swift-mustache, byte for byte.
    static func expectSameAsReference(_ name: String, _ model: SiteModel, templates: TemplateSet = .builtIn) throws {
        let compiled = try SiteBuilder.renderAll(model: model, templates: templates)
        let reference = try ReferenceRenderer(templates: templates).renderAll(model: model, templates: templates)
        #expect(compiled.keys.sorted() == reference.keys.sorted())
        let different = compiled.keys.filter { compiled[$0] != reference[$0] }.sorted()
        #expect(different.isEmpty, "\(name): \(different.prefix(5)) differ")
        // Every built-in page kind was rendered (not two empty outputs compared).
        #expect(compiled.keys.contains("index.html") && compiled.keys.contains("markdown/docs/index.md"))
    }

    @Test("every page of the example, hostile and findings sites is byte-identical to swift-mustache's")
    func sitesMatchSwiftMustache() async throws {
        for (name, model) in try await Self.sites() {
            try Self.expectSameAsReference(name, model)
        }
    }

    /// A generated registry (AudregTestSupport's generator, with planted faults) past the matrix page
    /// size, so matrix pages, long lazily boxed lists and shared lists are compared too.
    @Test("every page of a generated registry's site is byte-identical to swift-mustache's")
    func generatedSiteMatchesSwiftMustache() throws {
        let directory = try SiteTestSupport.temporaryDirectory("generated")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try RegistryGenerator(services: SiteModel.matrixPageSize + 30, plantEvery: 31).write(to: directory)
        let model = SiteTestSupport.model(try SiteTestSupport.report(directory: directory))
        #expect(!model.matrixPages.isEmpty)
        try Self.expectSameAsReference("generated", model)
    }

    /// Templates (with the partial `p`) and contexts that exercise the parser's corners.
    static let snippets: [(template: String, partial: String)] = [
        ("a {{x}} b {{{x}}} c {{&x}}\n", ""),
        ("{{#list}}\n  - {{.}}\n{{/list}}\n{{^list}}\nnone\n{{/list}}\n", ""),
        ("  {{#flag}}  \nyes\n  {{/flag}}  \nafter\n", ""),
        ("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}} {{#missing}}m{{/missing}}{{^missing}}!m{{/missing}}\n", ""),
        ("{{#empty(list)}}E{{/empty(list)}}{{^empty(list)}}N{{/empty(list)}} {{#empty(blank)}}B{{/empty(blank)}} {{#empty(nothing)}}X{{/empty(nothing)}}\n", ""),
        ("{{#object}}{{name}} {{x}} {{.name}} {{.x}}{{/object}} {{object.name}} {{object.inner.deep}} {{object.missing.deep}}\n", ""),
        ("{{#objects}}{{name}}:{{#inner}}{{deep}}{{x}}{{/inner}};{{/objects}}\n", ""),
        ("before\n  {{> p}}\nafter\n", "line one {{x}}\nline two\n{{#list}}\n{{.}}\n{{/list}}\n"),
        ("  {{> p}}\n", "{{#flag}}\n  inner {{x}}\n{{/flag}}\n"),
        ("x {{> p}} y\n", "partial {{x}}\n"),
        ("{{! a comment }}\n{{!\nmulti-line\n}}\ntext {{! inline }} end\n", ""),
        ("{{% CONTENT_TYPE: TEXT}}\n{{x}} {{> p}}\n", "{{x}}"),
        ("{{% CONTENT_TYPE: MARKDOWN}}\n| {{x}} | {{md}} |\n", ""),
        ("{ {x} } {{ x }} {{#list}}{{.}},{{/list}}\r\n{{#flag}}\r\nCRLF\r\n{{/flag}}\r\n", ""),
        ("{{number}} {{flag}} {{#number}}n={{.}}{{/number}}\n", ""),
        ("\t{{#flag}}\n\t\tx\n\t{{/flag}}\n{{#flag}}\ny{{/flag}} z\n  {{^flag}}\nno\n  {{/flag}}\n", ""),
        ("{{#list}}\n  {{> p}}\n{{/list}}\n", "  - {{.}}\n"),
    ]

    static var context: [String: Any] { [
        "x": "<b>\"Tom\" & 'Jerry'</b>", "md": "a|b *c* [d](e) `f` \\ #h ~ $ \n next",
        "list": ["one", "<two>", "three"] as [Any], "flag": true, "blank": "", "number": 42,
        "object": ["name": "obj", "inner": ["deep": "down"] as [String: Any]] as [String: Any],
        "objects": [["name": "a", "inner": ["deep": "1"] as [String: Any]] as [String: Any], ["name": "b"] as [String: Any]] as [Any],
    ] }

    @Test("template corners render exactly as swift-mustache renders them", arguments: snippets.indices)
    func snippetsMatch(index: Int) throws {
        let (template, partial) = Self.snippets[index]
        let set = TemplateSet(entries: [.init(name: "t.mustache", text: template, source: .builtIn),
                                        .init(name: "p.mustache", text: partial, source: .builtIn)])
        let compiled = try PageRenderer(templates: set)
        let reference = try ReferenceRenderer(templates: set)
        for context in [Self.context, [:]] {
            let expected = reference.render(context, withTemplate: "t")
            #expect(compiled.render(context, withTemplate: "t") == expected, "snippet \(index): \(template.debugDescription)")
        }
    }

    @Test("a template using what the engine does not support is an error at load time, with file:line:column", arguments: [
        ("x\n  {{=<% %>=}}<% x %>\n", 2, 3, "changing the delimiters"),
        ("{{#reversed(list)}}{{.}}{{/reversed(list)}}\n", 1, 1, "the transform reversed() is not supported"),
        ("a\nb {{<p}}{{$b}}x{{/b}}{{/p}}\n", 2, 3, "template inheritance"),
        ("{{> *dynamic}}\n", 1, 1, "dynamic partials"),
        ("ok\n\n{{#first()}}f{{/first()}}\n", 3, 1, "the transform first() is not supported"),
        ("{{#a}}{{}}{{/a}}\n", 1, 7, "a tag has an empty name"),
        ("{{% CONTENT_TYPE: JSON}}\n", 1, 1, "pragma"),
        ("<p>{{#services}}{{name}}\n</p>\n", 1, 4, "section is never closed; add its {{/services}}"),
        ("ab\n{{#a}}x{{/b}}\n", 2, 8, "closes a section that is not the one open here ({{#a}})"),
        ("x{{/a}}\n", 1, 2, "closes a section that was never opened"),
        ("<p>{{name</p>\n", 1, 4, "not closed with }}"),
        ("é✓ {{{x}}\n", 1, 4, "not closed with }}}"),
    ])
    func unsupportedIsAnError(template: String, line: Int, column: Int, message: String) throws {
        let directory = try SiteTestSupport.temporaryDirectory("override")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/html", withIntermediateDirectories: true)
        try template.write(toFile: directory + "/html/index.mustache", atomically: true, encoding: .utf8)
        let templates = try TemplateSet.resolve(overrides: directory)
        #expect {
            _ = try PageRenderer(templates: templates)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("\(directory)/html/index.mustache:\(line):\(column): ") && text.contains(message)
        }
        // The same through the builder: nothing is written.
        let output = directory + "-site"
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try SiteTestSupport.report(directory: Paths.exampleRegistry)
        #expect(throws: SiteBuildError.self) {
            _ = try SiteBuilder.build(report: report, options: SiteBuildOptions(outputDirectory: output, templatesDirectory: directory,
                                                                               today: SiteTestSupport.today, engine: .builtIn))
        }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test("a built-in template is named by its place in templates/")
    func builtInLocation() {
        let entry = TemplateSet.Entry(name: "html/x.mustache", text: "{{#a}}", source: .builtIn)
        #expect(throws: SiteBuildError.templates("templates/html/x.mustache (built in):1:1: a {{#…}} or {{^…}} section is never closed; add its {{/a}}")) {
            _ = try PageRenderer(templates: TemplateSet(entries: [entry]))
        }
    }

    /// Long lists reach templates as `LazyBoxList`s; sections, inverted sections, `empty()` and printing
    /// them must behave as swift-mustache does with the fully boxed list.
    @Test("lazily boxed lists render as the fully boxed lists do")
    func lazyLists() throws {
        let context: [String: Any] = ["items": LazyBoxList(count: 3) { BoxValue(any: ["n": $0] as [String: Any]) },
                                      "none": LazyBoxList(count: 0) { _ in .object([:]) }]
        let template = "{{items}}|{{#items}}{{n}},{{/items}}|{{^items}}none{{/items}}|{{^empty(items)}}some{{/empty(items)}}|"
            + "{{#none}}x{{/none}}{{^none}}empty{{/none}}|{{#empty(none)}}yes{{/empty(none)}}\n"
        let set = TemplateSet(entries: [.init(name: "t.mustache", text: template, source: .builtIn)])
        let compiled = try PageRenderer(templates: set)
        let reference = try ReferenceRenderer(templates: set)
        let expected = try #require(reference.render(context, withTemplate: "t"))
        #expect(expected.hasSuffix("|0,1,2,||some|empty|yes\n"))
        #expect(compiled.render(context, withTemplate: "t") == expected)
    }

    /// The token-flow drawing and the Mermaid chart are written as their pages render (`StreamedText`),
    /// so every way a template can read a value must give what the same text given whole gives.
    @Test("streamed text renders exactly as the same text given whole, in every tag that reads it")
    func streamedText() throws {
        let text = "<svg>\"a\" & 'b' | *c*</svg>\n" + String(repeating: "x", count: 300_000)
        let template = "{{{x}}}|{{x}}|{{&x}}|{{#x}}yes{{/x}}{{^x}}no{{/x}}|{{#empty(x)}}E{{/empty(x)}}{{^empty(x)}}N{{/empty(x)}}|"
            + "{{#blank}}B{{/blank}}{{^blank}}!B{{/blank}}|{{#empty(blank)}}E{{/empty(blank)}}\n"
        for kind in ["", "{{% CONTENT_TYPE: TEXT}}\n", "{{% CONTENT_TYPE: MARKDOWN}}\n"] {
            let set = TemplateSet(entries: [.init(name: "t.mustache", text: kind + template, source: .builtIn)])
            let compiled = try PageRenderer(templates: set)
            let whole = try #require(ReferenceRenderer(templates: set).render(["x": text, "blank": ""], withTemplate: "t"))
            #expect(whole.hasPrefix("<svg>\"a\""), "the raw tag wrote the text as it is")
            #expect(compiled.render(["x": text, "blank": ""], withTemplate: "t") == whole)
            #expect(compiled.render(["x": StreamedText(text), "blank": StreamedText("")], withTemplate: "t") == whole, "\(kind)")
        }
    }

    @Test("HTML escaping works on scalars: a quote followed by a combining mark is still escaped")
    func combiningMarks() {
        #expect(HTMLEscaping.escape("a\"\u{301} onmouseover=x") == "a&quot;\u{301} onmouseover=x")
        #expect(HTMLEscaping.escape("<b>&'\"</b>") == "&lt;b&gt;&amp;&#39;&quot;&lt;/b&gt;")
        #expect(HTMLEscaping.escape("plain – text ✓") == "plain – text ✓")
    }

    @Test("Markdown escaping's fast path skips exactly the ASCII bytes that need no escaping")
    func markdownFastPath() {
        for byte in UInt8(0)..<0x80 where byte != 1 {
            let text = "x" + String(UnicodeScalar(byte))
            // U+0001 forces the full path; it becomes a space.
            let changes = MarkdownEscaping.escape(text + "\u{1}") != text + " "
            #expect(changes == MarkdownEscaping.needsWork(byte), "byte \(byte)")
        }
        #expect(MarkdownEscaping.escape("a\u{2028}b") == "a b")
    }
}
