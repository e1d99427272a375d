import AudregCore

/// A page's view model: what its templates read under `page`. The chrome every page is framed with
/// (title, navigation, the way back to the root) is not part of it: the renderer gets it from the
/// page's descriptor, beside the model.
protocol PageModel: MustacheBoxable, Sendable {}

/// One page of the site, or one kind of page made once per entity (service, rule, control): declared
/// here once, with how its view model is built from the shared `SiteContext`. Navigation, the render
/// jobs, `audreg templates list` and `eject`, the footer's template name and the output folders follow
/// from `SitePage.all`; the embedded copy of its templates follows from templates/
/// (scripts/embed-resources.py). Adding a page is a descriptor (and its line in `all`), a view model
/// with the function that builds it (SitePageModels.swift), and its two templates.
struct SitePage: Sendable {
    enum Shape: Sendable {
        /// One page at a root-relative path (without extension); `inNavigation` lists it under its title.
        case single(path: String, title: String, inNavigation: Bool)
        /// One page per entity, each with its own title and path; `section` is the navigation entry it is under.
        case perEntity(section: String)
    }

    /// When its pages are rendered: the longest first, so that no thread is left rendering a large
    /// page after the others have finished.
    enum Weight: Int, Comparable, Sendable {
        case largest, large, index, entity
        static func < (lhs: Weight, rhs: Weight) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// How `audreg templates list` and `templates eject` name it.
    let name: String
    /// Rendered with `html/<template>.mustache` and `markdown/<template>.mustache`.
    let template: String
    let shape: Shape
    let weight: Weight
    /// How many pages of this kind the context makes.
    let count: @Sendable (SiteContext) -> Int
    /// The `index`th page's root-relative path without extension, found without building its model.
    let path: @Sendable (SiteContext, Int) -> String
    /// The `index`th page's title and view model, built when it is rendered.
    let build: @Sendable (SiteContext, Int) -> (title: String, model: any PageModel)

    var html: String { "html/\(template).mustache" }
    var markdown: String { "markdown/\(template).mustache" }

    /// Every page, in the order of the template listing; those in the navigation in its order.
    static let all: [SitePage] = [
        overview, servicesIndex, service, audiences, issuers, teams, tokenFlow, rulesIndex, rule, controlsIndex, control,
        matrix, findings, exceptions, drift, enforcers, history, search,
    ]

    static let overview = single("Overview", "index", "Overview", template: "index") { $0.overviewPage() }
    static let servicesIndex = single("Services list", "services/index", "Services", template: "services") { $0.servicesIndexPage() }
    static let service = perEntity("Service (one per service)", template: "service", section: servicesIndex, weight: .entity,
                                   count: { $0.services.count }, path: { $0.servicePath(at: $1) }, title: \.title) { $0.servicePage(at: $1) }
    static let audiences = single("Audiences", "audiences", "Audiences") { $0.audiencesPage() }
    static let issuers = single("Issuers", "issuers", "Issuers") { $0.issuersPage() }
    static let teams = single("Teams", "teams", "Teams") { $0.teamsPage() }
    static let tokenFlow = single("Token flow", "token-flow", "Token flow") { $0.tokenFlowPage() }
    static let rulesIndex = single("Rules list", "rules/index", "Rules", template: "rules") { $0.rulesIndexPage() }
    static let rule = perEntity("Rule (one per rule)", template: "rule", section: rulesIndex, weight: .entity,
                                count: { $0.catalog.descriptions.count }, path: { $0.rulePath(at: $1) },
                                title: { "\($0.id): \($0.name)" }) { $0.rulePage(at: $1) }
    static let controlsIndex = single("Controls and coverage matrix", "controls/index", "Controls", template: "controls") { $0.controlsIndexPage() }
    static let control = perEntity("Control (one per control)", template: "control", section: controlsIndex, weight: .large,
                                   count: { $0.controls.controlPages.count }, path: { $0.controls.controlPages[$1].0 },
                                   title: { "\($0.id): \($0.title)" }) { $0.controls.controlPages[$1].1 }
    static let matrix = perEntity("Coverage matrix page (over 1,000 services)", template: "matrix", section: controlsIndex, weight: .largest,
                                  count: { $0.controls.matrixPages.count }, path: { matrixPath(part: $1) },
                                  title: { "Coverage matrix: \($0.range)" }) { $0.controls.matrixPages[$1] }
    /// Where the `part`th page (from 0) of a split coverage matrix goes. The controls code links to the
    /// pages through it and the descriptor writes them there, so a link cannot miss its page.
    static func matrixPath(part: Int) -> String { "controls/matrix-\(part + 1)" }
    static let findings = single("Findings register", "findings", "Findings") { $0.findingsPage() }
    static let exceptions = single("Exceptions register", "exceptions", "Exceptions") { $0.exceptionsPage() }
    static let drift = single("Drift (last drift run)", "drift", "Drift") { $0.driftPage() }
    static let enforcers = single("Enforcers (enforcement points and the enforcer table)", "enforcers", "Enforcers") { $0.enforcersPage() }
    static let history = single("Trust history", "history", "Trust history") { $0.historyPage() }
    static let search = single("Search", "search", "Search") { $0.searchPage() }

    /// A page of its own in the navigation, rendered with the templates named after its path unless
    /// `template` says otherwise.
    private static func single<Model: PageModel>(_ name: String, _ path: String, _ title: String, template: String? = nil,
                                                 model: @escaping @Sendable (SiteContext) -> Model) -> SitePage {
        SitePage(name: name, template: template ?? path, shape: .single(path: path, title: title, inNavigation: true), weight: .index,
                 count: { _ in 1 }, path: { _, _ in path }, build: { context, _ in (title, model(context)) })
    }

    /// A kind of page made once per entity, in the folder of the navigation entry `section`, each
    /// titled from its own model.
    private static func perEntity<Model: PageModel>(_ name: String, template: String, section: SitePage, weight: Weight,
                                                    count: @escaping @Sendable (SiteContext) -> Int,
                                                    path: @escaping @Sendable (SiteContext, Int) -> String,
                                                    title: @escaping @Sendable (Model) -> String,
                                                    model: @escaping @Sendable (SiteContext, Int) -> Model) -> SitePage {
        SitePage(name: name, template: template, shape: .perEntity(section: section.single.path), weight: weight,
                 count: count, path: path, build: { context, index in
                     let page = model(context, index)
                     return (title(page), page)
                 })
    }

    var isSingle: Bool {
        if case .single = shape { return true }
        return false
    }

    /// The title and path of a single page.
    var single: (path: String, title: String) {
        guard case .single(let path, let title, _) = shape else { preconditionFailure("\(name) is made once per entity") }
        return (path, title)
    }

    /// A link to a single page, named by its title (the navigation's text).
    var link: SiteLink { SiteLink(single.title, path: single.path) }

    /// A link to an anchor on a single page.
    func link(_ text: String, fragment: String?) -> SiteLink { SiteLink(text, path: single.path, fragment: fragment) }

    /// The navigation, in order: (text, root-relative path without extension).
    static let navigation: [(String, String)] = all.compactMap { page in
        guard case .single(let path, let title, true) = page.shape else { return nil }
        return (title, path)
    }

    /// The top folders of the pages made per entity (`services`, `rules`, `controls`): each lives in
    /// the folder of the navigation entry it is under.
    static let entityFolders: [String] = all.reduce(into: []) { folders, page in
        guard case .perEntity(let section) = page.shape, let top = section.split(separator: "/").first.map(String.init),
              !folders.contains(top) else { return }
        folders.append(top)
    }

    /// How many pages of this kind the model has.
    func count(_ model: SiteModel) -> Int { count(model.context) }

    /// The `index`th page of this kind: where it goes, the chrome it is framed with, and its view model.
    func page(_ index: Int, of model: SiteModel) -> PageInstance {
        let path = self.path(model.context, index)
        let (title, page) = build(model.context, index)
        let section: String?
        if case .perEntity(let entry) = shape { section = entry } else { section = nil }
        return PageInstance(path: path, chrome: SiteModel.chrome(title, path: path, template: html, section: section, siteTitle: model.siteTitle),
                            model: page)
    }
}

/// One page to render: its root-relative path without extension, its chrome, and its view model.
struct PageInstance {
    let path: String
    let chrome: PageChrome
    let model: any PageModel
}

extension OverviewPage: PageModel {}
extension ListPage: PageModel where Item: MustacheBoxable {}
extension SearchPage: PageModel {}
extension ServicesPage: PageModel {}
extension ServicePage: PageModel {}
extension TokenFlowPage: PageModel {}
extension RulePage: PageModel {}
extension ControlsPage: PageModel {}
extension ControlPage: PageModel {}
extension MatrixPage: PageModel {}
extension DriftPage: PageModel {}
extension EnforcersPage: PageModel {}
extension TrustHistoryPage: PageModel {}
