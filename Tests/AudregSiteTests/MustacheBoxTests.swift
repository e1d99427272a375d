import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

@Suite("Rendering: boxing view models")
struct MustacheBoxTests {
    /// Where two canonical forms first differ, with some text around it.
    static func difference(_ a: String, _ b: String) -> String {
        let x = Array(a), y = Array(b)
        var index = 0
        while index < min(x.count, y.count) && x[index] == y[index] { index += 1 }
        let start = max(0, index - 80)
        return "at \(index): …\(String(x[start..<min(x.count, index + 80)]))… vs …\(String(y[start..<min(y.count, index + 80)]))…"
    }

    /// A stable text form of a boxed value: dictionaries with sorted keys.
    static func canonical(_ value: Any?) -> String {
        switch value {
        case nil: return "nil"
        case let boxed as BoxValue: return canonical(boxed.materialized)
        case let dictionary as [String: Any]:
            return "{" + dictionary.keys.sorted().map { "\($0): \(canonical(dictionary[$0]))" }.joined(separator: ", ") + "}"
        case let array as [Any]: return "[" + array.map { canonical($0) }.joined(separator: ", ") + "]"
        case let lazy as LazyBoxList: return canonical(lazy.materialized.map(\.materialized))
        case let value?: return "\(value)"
        }
    }

    /// The boxes are generated from the view models' structs; a struct changed without running the
    /// generator fails here.
    @Test("Generated/ViewModelBoxes.swift and ViewModelFingerprints.swift are what scripts/generate-boxes.py writes from the view models")
    func generatedBoxesUpToDate() throws {
        let result = try run("/usr/bin/python3", [Paths.packageRoot + "/scripts/generate-boxes.py", "--check"])
        #expect(result.status == 0, "run python3 scripts/generate-boxes.py")
    }

    /// The generated boxes must say exactly what `Mirror` would, so a field the generator left out
    /// fails here instead of silently vanishing from templates.
    @Test func generatedBoxesMatchReflection() throws {
        let yaml = SiteTestSupport.issuerAndTeam + "\n---\n" + SiteTestSupport.service("alpha", audience: "https://alpha.example.com")
            + "\n---\n" + SiteTestSupport.service("beta", audience: "https://alpha.example.com")
        let model = SiteTestSupport.model(SiteTestSupport.report(yaml: yaml))
        var samples: [Any] = [
            model.servicesIndex.items[0], model.audiences.items[0], model.search.items[0], model.controlsIndex.rows[0],
            model.controlsIndex.rows[0].cells[0], model.services[0].controlsAttention[0], model.services[0].controlsMet[0], SitePage.overview.page(0, of: model).chrome.nav[0],
            SiteModel.serviceLink("alpha"),
        ]
        samples += model.controls.compactMap { $0.page.attention.first }
        #expect(model.controls.contains { !$0.page.attention.isEmpty }, "a control fails for the colliding services")
        for sample in samples {
            #expect(sample is MustacheBoxable, "\(type(of: sample)) has no generated box")
            let boxed = Self.canonical(MustacheBox.convert(sample, root: "../"))
            let reflected = Self.canonical(MustacheBox.reflect(sample, root: "../", useBoxes: false))
            #expect(boxed == reflected, "\(type(of: sample)): box and reflection differ")
        }
    }

    /// Every service page of the example registry (issuers, hops both ways, deployments, labels,
    /// exceptions, findings, drift) boxes exactly as by reflection, and so does its page context.
    @Test func servicePagesBoxAsReflectionDoes() async throws {
        let report = try SiteTestSupport.report(directory: Paths.exampleRegistry)
        let model = SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"),
                                    drift: try await DriftOnSiteTests.exampleDrift())
        let pages = model.services
        #expect(pages.contains { !$0.downstream.isEmpty } && pages.contains { !$0.upstream.isEmpty } && pages.contains { !$0.deployments.isEmpty }
                && pages.contains { !$0.exceptions.isEmpty } && pages.contains { !$0.drift.findings.isEmpty } && pages.contains { !$0.labels.isEmpty },
                "the example registry exercises every part of a service page")
        for (position, page) in pages.enumerated() {
            let context = PageContext(chrome: SitePage.service.page(position, of: model).chrome, page: page)
            for sample in [page as Any, context] {
                #expect(sample is MustacheBoxable)
                let boxed = Self.canonical(MustacheBox.convert(sample, root: "../"))
                let reflected = Self.canonical(MustacheBox.reflect(sample, root: "../", useBoxes: false))
                #expect(boxed == reflected, "\(page.name): \(type(of: sample)) box and reflection differ \(Self.difference(boxed, reflected))")
            }
        }
    }

    /// Boxes from a worker's cache (navigation, rows of met controls) are the boxes the page would
    /// have made itself, on every page that reuses them.
    @Test func cachedBoxesAreTheBoxesEachPageWouldMake() async throws {
        let model = SiteTestSupport.model(try SiteTestSupport.report(directory: Paths.fixture("registries/findings")))
        let pages = model.services
        #expect(pages.contains { !$0.controlsMet.isEmpty } && pages.contains { $0.controlsAttention.contains { !$0.failingRules.isEmpty } },
                "the registry has met controls and failing ones")
        // The example registry has services without open findings, whose pages share one list.
        // With its drift run, since without one no control drift rules evidence is met anywhere.
        let exampleReport = try SiteTestSupport.report(directory: Paths.exampleRegistry)
        let exampleModel = SiteModel.build(report: exampleReport, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"),
                                           drift: try await DriftOnSiteTests.exampleDrift())
        let example = exampleModel.services
        let allMet = example.filter { $0.controlsMet.storage === example.allControlsMet.storage && $0.controlsAttention.isEmpty }
        #expect(allMet.count >= 2, "several pages hold the shared list of every control met")
        #expect(allMet.allSatisfy { $0.controlsMet.isShared })
        for pages in [Self.servicePages(model), Self.servicePages(exampleModel)] {
            try Self.expectCachedBoxesMatch(pages, cache: BoxCache())
        }
        let withoutDriftModel = SiteTestSupport.model(exampleReport)
        let withoutDrift = withoutDriftModel.services
        #expect(Set(withoutDrift.filter(\.controlsAttention.isShared).map { ObjectIdentifier($0.controlsAttention.storage) }).count >= 1
                && withoutDrift.filter(\.controlsAttention.isShared).count > 1, "without drift, pages share lists of not-assessed rows")
        try Self.expectCachedBoxesMatch(Self.servicePages(withoutDriftModel), cache: BoxCache())
        let cache = BoxCache()
        // A rule page sits as deep as a service page, in another section: its navigation is its own.
        let rule = SitePage.rule.page(0, of: model)
        #expect(rule.chrome.root == SitePage.service.page(0, of: model).chrome.root)
        let context = PageContext(rule)
        #expect(Self.canonical(BoxValue.object(context.box(root: rule.chrome.root, cache: cache)))
                == Self.canonical(MustacheBox.reflect(context, root: rule.chrome.root, useBoxes: false)))
    }

    /// Every service page of `model` with the chrome the renderer frames it with.
    static func servicePages(_ model: SiteModel) -> [(page: ServicePage, chrome: PageChrome)] {
        model.services.indices.map { (model.services[$0], SitePage.service.page($0, of: model).chrome) }
    }

    static func expectCachedBoxesMatch(_ pages: [(page: ServicePage, chrome: PageChrome)], cache: BoxCache) throws {
        for _ in 0..<2 {
            for (page, chrome) in pages {
                let context = PageContext(chrome: chrome, page: page)
                let cached = Self.canonical(BoxValue.object(context.box(root: chrome.root, cache: cache)))
                let fresh = Self.canonical(MustacheBox.reflect(context, root: chrome.root, useBoxes: false))
                #expect(cached == fresh, "\(page.name): the cached boxes differ from reflection \(Self.difference(cached, fresh))")
            }
        }
    }
}
