import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

@Suite("Rendering: scaling", .serialized)
struct SiteScalingTests {
    /// A registry of `count` services in a chain of token exchanges, with shared owners and issuers.
    static func registry(_ count: Int) -> ValidationReport {
        var yaml = SiteTestSupport.issuerAndTeam
        for index in 0..<count {
            let next = index + 1 < count && index % 3 == 0 ? "  downstream:\n    - {service: svc-\(index + 1), mode: token-exchange}" : ""
            yaml += "\n---\n" + SiteTestSupport.service("svc-\(index)", audience: "https://svc-\(index).example.com", extra: next)
        }
        return SiteTestSupport.report(yaml: yaml)
    }

    static func fastest(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// The view models are built from indexes, so eight times the services must take about eight times
    /// as long, not sixty-four (a quadratic scan). The bound (24: three times linear, under half of
    /// quadratic) leaves room for a machine busy with other builds, where a 4× step once measured 10.6×.
    @Test func viewModelsGrowLinearly() {
        let small = Self.registry(300)
        let large = Self.registry(2400)
        let picture = TokenFlowGraph.Picture(svg: "<svg></svg>", engine: "test")
        // The shared context, and the model of every page made once (as before the pages built their
        // own models, when they were all made up front).
        let build = { (report: ValidationReport) in
            let model = SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: picture)
            for page in SitePage.all where page.isSingle { _ = page.page(0, of: model) }
        }
        build(small)
        let smallTime = Self.fastest { build(small) }
        let largeTime = Self.fastest { build(large) }
        let model = SiteModel.build(report: large, today: SiteTestSupport.today, tokenFlow: picture)
        #expect(model.services.count == 2400)
        #expect(model.services[1].upstream.map(\.fromText) == ["svc-0"])
        #expect(largeTime / smallTime < 24, "8× the services took \(largeTime / smallTime)× as long (\(smallTime)s → \(largeTime)s)")
    }

    /// As above: 8× the services, a bound of 24 against 64 for a quadratic layout.
    @Test func builtInTokenFlowLayoutGrowsLinearly() {
        let small = Self.registry(1000).registry.services
        let large = Self.registry(8000).registry.services
        let smallTime = Self.fastest { _ = TokenFlowGraph.builtInSVG(services: small) }
        let largeTime = Self.fastest { _ = TokenFlowGraph.builtInSVG(services: large) }
        #expect(largeTime / smallTime < 24, "8× the services took \(largeTime / smallTime)× as long (\(smallTime)s → \(largeTime)s)")
    }

    /// Lists of `LazyBoxList.threshold` rows or more are boxed row by row while rendering; the pages must
    /// be what swift-mustache renders from the fully boxed lists.
    @Test func longListsAreBoxedLazilyAndRenderTheSame() throws {
        let model = SiteTestSupport.model(Self.registry(LazyBoxList.threshold + 40))
        let boxedIndex = MustacheBox.convert(model.servicesIndex, root: "../")?.child(BoxKey.named("items").id)
        #expect(Self.isLazy(boxedIndex), "the services index boxes its rows lazily")
        let metByAll = try #require(model.controls.first { $0.page.metServices.count >= LazyBoxList.threshold })
        let boxedControl = MustacheBox.convert(metByAll.page, root: "../")?.child(BoxKey.named("metServices").id)
        #expect(Self.isLazy(boxedControl), "a control page boxes its met services lazily")
        let boxed = MustacheBoxTests.canonical(MustacheBox.convert(metByAll.page, root: "../"))
        let reflected = MustacheBoxTests.canonical(MustacheBox.reflect(metByAll.page, root: "../", useBoxes: false))
        #expect(boxed == reflected, "\(MustacheBoxTests.difference(boxed, reflected))")

        let compiled = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let reference = try ReferenceRenderer(templates: .builtIn).renderAll(model: model, templates: .builtIn)
        #expect(compiled.keys.sorted() == reference.keys.sorted())
        let different = compiled.keys.filter { compiled[$0] != reference[$0] }.sorted()
        #expect(different.isEmpty, "\(different.prefix(5)) differ")
        let index = try #require(compiled["services/index.html"])
        #expect(index.contains("svc-\(LazyBoxList.threshold + 39)"))
    }

    static func isLazy(_ value: BoxValue?) -> Bool {
        if case .lazyList? = value { return true }
        return false
    }

    /// Above `matrixPageSize` services the matrix leaves the controls page for pages of its own, which
    /// link to each other and back; every service appears on exactly one of them.
    @Test func largeMatricesAreSplitIntoPages() throws {
        let count = SiteModel.matrixPageSize + 7
        let model = SiteTestSupport.model(Self.registry(count))
        #expect(!model.controlsIndex.matrixInline && model.controlsIndex.rows.isEmpty)
        #expect(model.matrixPages.map(\.path) == ["controls/matrix-1", "controls/matrix-2"])
        #expect(model.matrixPages.map(\.page.rows.count) == [SiteModel.matrixPageSize, 7])
        #expect(Set(model.matrixPages.flatMap { $0.page.rows.map(\.service.text) }).count == count)
        #expect(model.matrixPages[0].page.next?.href == "controls/matrix-2.html" && model.matrixPages[0].page.previous == nil)
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let index = try #require(files["controls/index.html"])
        #expect(index.contains("href=\"../controls/matrix-2.html\"") && !index.contains("<table class=\"matrix\">"))
        let second = try #require(files["controls/matrix-2.html"])
        #expect(second.contains("rel=\"prev\"") && second.contains("<table class=\"matrix\">"))
        #expect(files["markdown/docs/controls/matrix-2.md"] != nil)

        let small = SiteTestSupport.model(Self.registry(3))
        #expect(small.controlsIndex.matrixInline && small.matrixPages.isEmpty && small.controlsIndex.rows.count == 3)
    }
}
