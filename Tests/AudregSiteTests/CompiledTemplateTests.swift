import Foundation
import Mustache
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

/// The compiled renderer must write exactly what swift-mustache writes.
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
        return sites
    }

    @Test("every page of the example, hostile and findings sites is byte-identical to swift-mustache's")
    func sitesMatchSwiftMustache() async throws {
        for (name, model) in try await Self.sites() {
            let compiled = try SiteBuilder.renderAll(model: model, templates: .builtIn, compiled: true)
            let reference = try SiteBuilder.renderAll(model: model, templates: .builtIn, compiled: false)
            #expect(compiled.keys.sorted() == reference.keys.sorted())
            let different = compiled.keys.filter { compiled[$0] != reference[$0] }.sorted()
            #expect(different.isEmpty, "\(name): \(different.prefix(5)) differ")
        }
    }

    @Test("every built-in page template compiles, partials included, so none falls back")
    func builtInTemplatesCompile() throws {
        let renderer = try PageRenderer(templates: .builtIn, useCompiled: true)
        for page in TemplateSet.pages {
            for template in [page.html, page.markdown] {
                #expect(renderer.compiledNames.contains(String(template.dropLast(".mustache".count))), "\(template) is not compiled")
            }
        }
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
        let compiled = try PageRenderer(templates: set, useCompiled: true)
        #expect(compiled.compiledNames.contains("t"), "the snippet compiles")
        let reference = try PageRenderer(templates: set, useCompiled: false)
        for context in [Self.context, [:]] {
            let expected = reference.render(context, withTemplate: "t")
            #expect(compiled.render(context, withTemplate: "t") == expected, "snippet \(index): \(template.debugDescription)")
        }
    }

    @Test("templates using what is not compiled fall back to swift-mustache and still render",
          arguments: ["{{=<% %>=}}<% x %>\n", "{{#reversed(list)}}{{.}}{{/reversed(list)}}\n", "{{<p}}{{$b}}x{{/b}}{{/p}}\n",
                      "{{> *dynamic}}\n", "{{#first()}}f{{/first()}}\n"])
    func unsupportedFallsBack(template: String) throws {
        let set = TemplateSet(entries: [.init(name: "t.mustache", text: template, source: .builtIn),
                                        .init(name: "p.mustache", text: "{{$b}}default{{/b}}", source: .builtIn)])
        let renderer = try PageRenderer(templates: set, useCompiled: true)
        #expect(!renderer.compiledNames.contains("t"))
        let reference = try PageRenderer(templates: set, useCompiled: false)
        let context: [String: Any] = ["x": "X", "list": ["a", "b"] as [Any], "dynamic": "p"]
        #expect(renderer.render(context, withTemplate: "t") == reference.render(context, withTemplate: "t"))
    }

    /// Long lists reach templates as `LazyBoxList`s; sections, inverted sections, `empty()` and printing
    /// them must behave as swift-mustache does with the fully boxed list, and a template that falls
    /// back to swift-mustache gets the list boxed in full.
    @Test("lazily boxed lists render as the fully boxed lists do, compiled or not")
    func lazyLists() throws {
        let context: [String: Any] = ["items": LazyBoxList(count: 3) { BoxValue(any: ["n": $0] as [String: Any]) },
                                      "none": LazyBoxList(count: 0) { _ in .object([:]) }]
        let template = "{{items}}|{{#items}}{{n}},{{/items}}|{{^items}}none{{/items}}|{{^empty(items)}}some{{/empty(items)}}|"
            + "{{#none}}x{{/none}}{{^none}}empty{{/none}}|{{#empty(none)}}yes{{/empty(none)}}\n"
        let set = TemplateSet(entries: [.init(name: "t.mustache", text: template, source: .builtIn),
                                        .init(name: "f.mustache", text: "{{#reversed(items)}}{{n}}{{/reversed(items)}}", source: .builtIn)])
        let compiled = try PageRenderer(templates: set, useCompiled: true)
        let reference = try PageRenderer(templates: set, useCompiled: false)
        #expect(compiled.compiledNames.contains("t") && !compiled.compiledNames.contains("f"))
        let expected = try #require(reference.render(context, withTemplate: "t"))
        #expect(expected.hasSuffix("|0,1,2,||some|empty|yes\n"))
        #expect(compiled.render(context, withTemplate: "t") == expected)
        #expect(compiled.render(context, withTemplate: "f") == "210")
    }

    @Test("a page that includes a partial that does not compile falls back as a whole")
    func partialFallsBack() throws {
        let set = TemplateSet(entries: [.init(name: "t.mustache", text: "{{> p}}", source: .builtIn),
                                        .init(name: "p.mustache", text: "{{=| |=}}|x|", source: .builtIn)])
        let renderer = try PageRenderer(templates: set, useCompiled: true)
        #expect(!renderer.compiledNames.contains("t"))
        #expect(renderer.render(["x": "X"], withTemplate: "t") == "X")
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
