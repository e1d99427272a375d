import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

/// A shared list's rendering is reused only where it cannot differ from rendering the list again.
@Suite("Rendering: shared renderings")
struct SharedRenderingsTests {
    static func renderer(_ template: String, partial: String = "") throws -> PageRenderer {
        let set = TemplateSet(entries: [.init(name: "t.mustache", text: template, source: .builtIn),
                                        .init(name: "p.mustache", text: partial, source: .builtIn)])
        return try PageRenderer(templates: set)
    }

    static func items(_ names: [String]) -> [BoxValue] {
        names.map { BoxValue(any: ["name": $0, "link": ["href": "x/\($0).html"] as [String: Any]] as [String: Any]) }
    }

    static func page(_ list: BoxValue, _ fields: [String: String]) -> BoxValue {
        var page = BoxObject(capacity: fields.count + 1)
        page.set(BoxKey.named("items"), list)
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) { page.set(BoxKey.named(key), .string(value)) }
        return .object(page)
    }

    static func render(_ renderer: PageRenderer, _ context: BoxValue, shared: SharedRenderings?) -> String {
        let output = OutputBuffer()
        #expect(renderer.render(context, withTemplate: "t", into: output, shared: shared))
        return String(decoding: output.bytes, as: UTF8.self)
    }

    @Test("a section that reads only its items is rendered once and reused; one that reads the page never is")
    func reuseOnlyWhatCannotDiffer() throws {
        let template = "[{{#items}}<{{name}} {{link.href}}>{{/items}}]"
            + "[{{#items}}{{name}}={{outer}};{{/items}}]"
            + "[{{#items}}{{name}}{{missing}},{{/items}}]"
            + "[{{#items}}{{#link}}{{href}}{{/link}}{{/items}}]\n"
        let renderer = try Self.renderer(template)
        let shared = SharedRenderings()
        let list = BoxValue.sharedList(SharedBoxList(Self.items(["a", "<b>"])))
        let pages = [Self.page(list, ["outer": "A"]), Self.page(list, ["outer": "B", "missing": "!"]), Self.page(list, ["outer": "C"])]
        for page in pages {
            #expect(Self.render(renderer, page, shared: shared) == Self.render(renderer, page, shared: nil))
        }
        #expect(Self.render(renderer, pages[1], shared: shared).contains("[a=B;&lt;b&gt;=B;][a!,&lt;b&gt;!,]"),
                "a name found on the page, or missing from the items, is looked up on each page")
        // Per later page: the first and the last section are reused (the last reads deeper into the
        // items, which is still the list's own); the second and the third read the page.
        #expect(shared.reused == 2 * 2 + 2)
    }

    @Test("a list that was not marked shared, or the same list at another place, is rendered afresh")
    func onlyRegisteredListsAtTheSamePlace() throws {
        let renderer = try Self.renderer("{{#items}}{{name}}{{/items}}|{{#items}}({{name}}){{/items}}\n")
        let shared = SharedRenderings()
        let notShared = BoxValue.list(Self.items(["x", "y"]))
        for _ in 0..<3 { _ = Self.render(renderer, Self.page(notShared, [:]), shared: shared) }
        #expect(shared.reused == 0)
        let list = BoxValue.sharedList(SharedBoxList(Self.items(["x", "y"])))
        #expect(Self.render(renderer, Self.page(list, [:]), shared: shared) == "xy|(x)(y)\n")
        #expect(shared.reused == 0, "each place renders the list once")
        #expect(Self.render(renderer, Self.page(list, [:]), shared: shared) == "xy|(x)(y)\n")
        #expect(shared.reused == 2)
    }

    @Test("inside an indented partial, a shared list is rendered as swift-mustache renders it")
    func indentedPartials() throws {
        let renderer = try Self.renderer("  {{> p}}\n{{#items}}\n- {{name}}\n{{/items}}\n", partial: "{{#items}}\n{{name}}\n{{/items}}\n")
        let reference = try ReferenceRenderer(templates: TemplateSet(entries: [
            .init(name: "t.mustache", text: "  {{> p}}\n{{#items}}\n- {{name}}\n{{/items}}\n", source: .builtIn),
            .init(name: "p.mustache", text: "{{#items}}\n{{name}}\n{{/items}}\n", source: .builtIn)]))
        let shared = SharedRenderings()
        let list = BoxValue.sharedList(SharedBoxList(Self.items(["a", "b"])))
        let expected = try #require(reference.render(Self.page(list, [:]), withTemplate: "t"))
        #expect(expected.hasSuffix("\n- a\n- b\n"))
        for _ in 0..<2 {
            #expect(Self.render(renderer, Self.page(list, [:]), shared: shared) == expected)
        }
    }

    /// The built site reuses the navigation and the lists of met controls; every page must be what
    /// rendering each page on its own gives.
    @Test("a built site is byte-identical to its pages rendered one by one")
    func builtSiteMatchesPagesRenderedAlone() throws {
        var reports: [(String, ValidationReport)] = []
        for registry in [Paths.exampleRegistry, Paths.fixture("registries/findings"), Paths.packageRoot + "/integration/site/hostile-registry"] {
            reports.append((registry, try SiteTestSupport.report(directory: registry)))
        }
        reports.append(("generated", SiteScalingTests.registry(SiteModel.matrixPageSize + 30)))
        for (registry, report) in reports {
            let expected = try SiteBuilder.renderAll(model: SiteTestSupport.model(report), templates: .builtIn)
            let output = try SiteTestSupport.temporaryDirectory("shared") + "/site"
            defer { try? FileManager.default.removeItem(atPath: (output as NSString).deletingLastPathComponent) }
            _ = try SiteBuilder.build(report: report, options: SiteBuildOptions(outputDirectory: output, templatesDirectory: nil,
                                                                               today: SiteTestSupport.today, engine: .builtIn))
            let built = SiteTestSupport.tree(output)
            let different = expected.keys.filter { built[$0] != Data(expected[$0]!.utf8) }.sorted()
            #expect(different.isEmpty, "\(registry): \(different.prefix(5)) differ")
            if registry == "generated" {
                // Pages this large are written to their files in pieces as they render.
                #expect(built.values.contains { $0.count > 2 * OutputBuffer.defaultDrainThreshold })
            }
        }
    }
}
