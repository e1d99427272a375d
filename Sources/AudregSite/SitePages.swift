import AudregCore

/// A page's view model: anything that carries the chrome every page is framed with.
protocol PageModel {
    var chrome: PageChrome { get }
}

/// One page of the site, or one kind of page made once per entity (service, rule, control): declared
/// here once. Navigation, the render jobs, `audreg templates list` and `eject`, the footer's template
/// name and the output folders follow from `SitePage.all`; the embedded copy of its templates follows
/// from templates/ (scripts/embed-resources.py). Adding a page is a descriptor (and its line in `all`),
/// a view model built in `SiteModelBuilder`, and its two templates.
struct SitePage: Sendable {
    enum Shape: Sendable {
        /// One page at a root-relative path (without extension); `inNavigation` lists it under its title.
        case single(path: String, title: String, inNavigation: Bool, model: @Sendable (SiteModel) -> any PageModel)
        /// One page per entity, each with its own title and path; `section` is the navigation entry it is under.
        case perEntity(section: String, count: @Sendable (SiteModel) -> Int,
                       model: @Sendable (SiteModel, Int) -> (path: String, page: any PageModel))
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

    var html: String { "html/\(template).mustache" }
    var markdown: String { "markdown/\(template).mustache" }

    /// Every page, in the order of the template listing; those in the navigation in its order.
    static let all: [SitePage] = [
        overview, servicesIndex, service, audiences, issuers, teams, tokenFlow, rulesIndex, rule, controlsIndex, control,
        matrix, findings, exceptions, drift, enforcers, history, search,
    ]

    static let overview = single("Overview", "index", "Overview", template: "index") { $0.overview }
    static let servicesIndex = single("Services list", "services/index", "Services", template: "services") { $0.servicesIndex }
    static let service = SitePage(name: "Service (one per service)", template: "service",
                                  shape: .perEntity(section: "services/index", count: { $0.services.count },
                                                    model: { model, index in let page = model.services[index]; return ("services/\(page.name)", page) }),
                                  weight: .entity)
    static let audiences = single("Audiences", "audiences", "Audiences") { $0.audiences }
    static let issuers = single("Issuers", "issuers", "Issuers") { $0.issuers }
    static let teams = single("Teams", "teams", "Teams") { $0.teams }
    static let tokenFlow = single("Token flow", "token-flow", "Token flow") { $0.tokenFlow }
    static let rulesIndex = single("Rules list", "rules/index", "Rules", template: "rules") { $0.rulesIndex }
    static let rule = SitePage(name: "Rule (one per rule)", template: "rule",
                               shape: .perEntity(section: "rules/index", count: { $0.rules.count },
                                                 model: { model, index in let page = model.rules[index]; return ("rules/\(page.id)", page) }),
                               weight: .entity)
    static let controlsIndex = single("Controls and coverage matrix", "controls/index", "Controls", template: "controls") { $0.controlsIndex }
    static let control = SitePage(name: "Control (one per control)", template: "control",
                                  shape: .perEntity(section: "controls/index", count: { $0.controls.count },
                                                    model: { model, index in let (path, page) = model.controls[index]; return (path, page) }),
                                  weight: .large)
    static let matrix = SitePage(name: "Coverage matrix page (over 1,000 services)", template: "matrix",
                                 shape: .perEntity(section: "controls/index", count: { $0.matrixPages.count },
                                                   model: { model, index in let (path, page) = model.matrixPages[index]; return (path, page) }),
                                 weight: .largest)
    static let findings = single("Findings register", "findings", "Findings") { $0.findings }
    static let exceptions = single("Exceptions register", "exceptions", "Exceptions") { $0.exceptions }
    static let drift = single("Drift (last drift run)", "drift", "Drift") { $0.drift }
    static let enforcers = single("Enforcers (enforcement points and the enforcer table)", "enforcers", "Enforcers") { $0.enforcers }
    static let history = single("Trust history", "history", "Trust history") { $0.history }
    static let search = single("Search", "search", "Search") { $0.search }

    /// A page of its own in the navigation, rendered with the templates named after its path unless
    /// `template` says otherwise.
    private static func single(_ name: String, _ path: String, _ title: String, template: String? = nil,
                               model: @escaping @Sendable (SiteModel) -> any PageModel) -> SitePage {
        SitePage(name: name, template: template ?? path, shape: .single(path: path, title: title, inNavigation: true, model: model), weight: .index)
    }

    var isSingle: Bool {
        if case .single = shape { return true }
        return false
    }

    /// The title and path of a single page.
    var single: (path: String, title: String) {
        guard case .single(let path, let title, _, _) = shape else { preconditionFailure("\(name) is made once per entity") }
        return (path, title)
    }

    /// The navigation, in order: (text, root-relative path without extension).
    static let navigation: [(String, String)] = all.compactMap { page in
        guard case .single(let path, let title, true, _) = page.shape else { return nil }
        return (title, path)
    }

    /// The top folders of the pages made per entity (`services`, `rules`, `controls`): each lives in
    /// the folder of the navigation entry it is under.
    static let entityFolders: [String] = all.reduce(into: []) { folders, page in
        guard case .perEntity(let section, _, _) = page.shape, let top = section.split(separator: "/").first.map(String.init),
              !folders.contains(top) else { return }
        folders.append(top)
    }

    /// How many pages of this kind the model has.
    func count(_ model: SiteModel) -> Int {
        switch shape {
        case .single: return 1
        case .perEntity(_, let count, _): return count(model)
        }
    }

    /// The `index`th page of this kind: its root-relative path without extension, and its view model.
    func page(_ index: Int, of model: SiteModel) -> (path: String, page: any PageModel) {
        switch shape {
        case .single(let path, _, _, let page): return (path, page(model))
        case .perEntity(_, _, let page): return page(model, index)
        }
    }
}

extension OverviewPage: PageModel {}
extension ListPage: PageModel {}
extension ServicePage: PageModel {}
extension TokenFlowPage: PageModel {}
extension RulePage: PageModel {}
extension ControlsPage: PageModel {}
extension ControlPage: PageModel {}
extension MatrixPage: PageModel {}
extension DriftPage: PageModel {}
extension EnforcersPage: PageModel {}
extension TrustHistoryPage: PageModel {}
