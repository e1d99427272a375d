import AudregCore
/// Hand-written boxes for the view models that appear thousands of times in a large site (links,
/// table rows, matrix cells, the service page), so boxing them costs a few stores instead of a `Mirror`
/// walk. Every other type is boxed by `MustacheBox` through `Mirror`; tests check that both agree.
protocol MustacheBoxable {
    func box(root: String) -> BoxObject
}

extension SiteLink: MustacheBoxable {
    func box(root: String) -> BoxObject {
        [.text: .string(text), .href: .string(href), .md: .string(md), .pageHref: .joined(root, href), .pageMd: .joined(root, md)]
    }
}

extension NavItem: MustacheBoxable {
    func box(root: String) -> BoxObject {
        [.text: .string(text), .href: .string(href), .md: .string(md), .pageHref: .joined(root, href), .pageMd: .joined(root, md),
         .current: .bool(current)]
    }
}

extension MatrixCell: MustacheBoxable {
    func box(root: String) -> BoxObject { [.status: .string(status), .symbol: .string(symbol), .label: .string(label)] }
}

extension MatrixRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        [.service: .box(service, root: root), .cells: .boxes(cells, root: root)]
    }
}

extension ControlStatusRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.control: .box(control, root: root), .controlID: .string(controlID), .title: .string(title), .framework: .string(framework),
                              .status: .string(status), .statusLabel: .string(statusLabel), .symbol: .string(symbol), .ruleCount: .int(ruleCount),
                              .failingRules: .boxes(failingRules, root: root), .exceptedRules: .boxes(exceptedRules, root: root),
                              .notRun: .boxes(notRun, root: root)]
        if let exceptedUntil { box.set(.exceptedUntil, .string(exceptedUntil)) }
        return box
    }
}

extension RuleGap: MustacheBoxable {
    func box(root: String) -> BoxObject { [.rule: .box(rule, root: root), .reason: .string(reason)] }
}

extension EvidenceSourceRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        [.label: .string(label), .status: .string(status), .ran: .bool(ran), .text: .string(text)]
    }
}

extension ServiceControlRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.service: .box(service, root: root), .status: .string(status), .statusLabel: .string(statusLabel), .symbol: .string(symbol),
                              .failingRules: .boxes(failingRules, root: root), .exceptedRules: .boxes(exceptedRules, root: root)]
        if let exceptedUntil { box.set(.exceptedUntil, .string(exceptedUntil)) }
        return box
    }
}

extension SearchEntry: MustacheBoxable {
    func box(root: String) -> BoxObject {
        [.kind: .string(kind), .title: .string(title), .link: .box(link, root: root), .detail: .string(detail)]
    }
}

extension ServiceRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.link: .box(link, root: root), .title: .string(title), .ownerText: .string(ownerText),
                              .environment: .string(environment), .audiences: .strings(audiences), .audiencesText: .string(audiencesText),
                              .findingCount: .int(findingCount), .hasFindings: .bool(hasFindings)]
        if let owner { box.set(.owner, .box(owner, root: root)) }
        return box
    }
}

extension AudienceFlag: MustacheBoxable {
    func box(root: String) -> BoxObject { [.rule: .box(rule, root: root), .message: .string(message)] }
}

extension AudienceRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        [.value: .string(value), .anchor: .string(anchor), .services: .boxes(services, root: root), .flags: .boxes(flags, root: root),
         .flagged: .bool(flagged), .shared: .bool(shared)]
    }
}

// The service page and what it holds: one page per service, so these are boxed 10,000 times on a
// 10,000-service site.

extension PageContext: MustacheBoxable {
    func box(root: String) -> BoxObject { box(root: root, cache: nil) }

    /// With a cache, rows that are the same on many pages are boxed once (see `BoxCache`).
    func box(root: String, cache: BoxCache?) -> BoxObject {
        var box: BoxObject = [.root: .string(self.root), .chrome: .object(chrome.box(root: root, cache: cache))]
        let page = (self.page as? ServicePage).map { BoxValue.object($0.box(root: root, cache: cache)) } ?? MustacheBox.convert(self.page, root: root)
        if let page { box.set(.page, page) }
        return box
    }
}

extension PageChrome: MustacheBoxable {
    func box(root: String) -> BoxObject { box(root: root, cache: nil) }

    func box(root: String, cache: BoxCache?) -> BoxObject {
        [.siteTitle: .string(siteTitle), .pageTitle: .string(pageTitle), .root: .string(self.root),
         .nav: cache?.navigation(nav, root: root) ?? .boxes(nav, root: root), .template: .string(template)]
    }
}

/// Boxes that many pages share, made once by each rendering thread: the navigation (the same on every
/// page of a section) and the service page's rows for controls it meets (the same on every service page
/// that meets the control). Each thread has its own cache, so nothing is locked and no box is shared
/// between threads.
final class BoxCache {
    private struct Key: Hashable {
        var root: String
        var first: String
        var second: String
    }

    private var navigations: [Key: BoxValue] = [:]
    private var metControlRows: [Key: BoxValue] = [:]
    /// The model's list of every control met, which all service pages without an open or excepted
    /// finding hold (see `SiteModelBuilder.allControlsMet`): recognised by its storage, which this cache
    /// keeps alive, and boxed once per root.
    private let allControlsMet: [ControlStatusRow]
    private var allControlsMetBoxes: [String: BoxValue] = [:]
    /// Other lists that many pages hold (those of pages that lack the same drift evidence), recognised
    /// the same way and boxed once per root.
    private let sharedLists: [[ControlStatusRow]]
    private var sharedListBoxes: [Key: BoxValue] = [:]
    /// The lists boxed here are the same on many pages; the renderer may reuse what it made of them.
    let renderings = SharedRenderings()

    init(allControlsMet: [ControlStatusRow] = [], sharedLists: [[ControlStatusRow]] = []) {
        self.allControlsMet = allControlsMet
        self.sharedLists = sharedLists.filter { !$0.isEmpty }
    }

    func navigation(_ items: [NavItem], root: String) -> BoxValue {
        // The navigation is the site's fixed list; only the root and the current item vary.
        let key = Key(root: root, first: items.first(where: \.current)?.href ?? "", second: "")
        if let cached = navigations[key] { return cached }
        let boxed = renderings.share(items.map { .object($0.box(root: root)) })
        navigations[key] = boxed
        return boxed
    }

    /// A service page's rows of controls met; the model's list of every control met is boxed once.
    func controlsMetList(_ rows: [ControlStatusRow], root: String) -> BoxValue {
        guard isAllControlsMet(rows) else {
            let address = rows.withUnsafeBufferPointer { $0.baseAddress }
            if !rows.isEmpty, let index = sharedLists.firstIndex(where: { $0.withUnsafeBufferPointer { $0.baseAddress } == address && $0.count == rows.count }) {
                let key = Key(root: root, first: String(index), second: "")
                if let cached = sharedListBoxes[key] { return cached }
                let boxed = renderings.share(rows.map { controlRow($0, root: root) })
                sharedListBoxes[key] = boxed
                return boxed
            }
            return .list(rows.map { controlRow($0, root: root) })
        }
        if let cached = allControlsMetBoxes[root] { return cached }
        let boxed = renderings.share(rows.map { controlRow($0, root: root) })
        allControlsMetBoxes[root] = boxed
        return boxed
    }

    /// Whether `rows` is the model's list itself (the same storage), not merely equal to it.
    private func isAllControlsMet(_ rows: [ControlStatusRow]) -> Bool {
        guard !rows.isEmpty else { return false }
        return rows.withUnsafeBufferPointer { $0.baseAddress } == allControlsMet.withUnsafeBufferPointer { $0.baseAddress }
    }

    /// A row without failing or excepted rules is determined by its control, status and the rules that did not run.
    func controlRow(_ row: ControlStatusRow, root: String) -> BoxValue {
        guard row.failingRules.isEmpty, row.exceptedRules.isEmpty else { return .box(row, root: root) }
        // Rules that did not run share their reasons across most services (no drift report: all).
        var second = row.status
        for gap in row.notRun { second += "\u{0}" + gap.rule.text + "\u{0}" + gap.reason }
        let key = Key(root: root, first: row.controlID, second: second)
        if let cached = metControlRows[key] { return cached }
        let boxed = BoxValue.box(row, root: root)
        metControlRows[key] = boxed
        return boxed
    }
}

extension ExternalLink: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.text: .string(text)]
        if let externalURL { box.set(.externalURL, .string(externalURL)) }
        return box
    }
}

extension FindingRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.severity: .string(severity), .severityLabel: .string(severityLabel), .rule: .box(rule, root: root),
                              .entityText: .string(entityText), .message: .string(message), .location: .string(location)]
        if let entity { box.set(.entity, .box(entity, root: root)) }
        if let sourceURL { box.set(.sourceURL, .string(sourceURL)) }
        return box
    }
}

extension ExceptionRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.entityText: .string(entityText), .ruleText: .string(ruleText), .reason: .string(reason),
                              .approvedBy: .string(approvedBy), .expires: .string(expires), .daysLeft: .string(daysLeft),
                              .status: .string(status), .statusLabel: .string(statusLabel), .suppressedCount: .string(suppressedCount),
                              .location: .string(location), .when: .string(when)]
        if let entity { box.set(.entity, .box(entity, root: root)) }
        if let rule { box.set(.rule, .box(rule, root: root)) }
        if let ticket { box.set(.ticket, .string(ticket)) }
        return box
    }
}

extension AcceptedIssuerRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.issuerName: .string(issuerName), .tokenTypes: .string(tokenTypes), .tokenTypesChecked: .bool(tokenTypesChecked),
                              .algorithms: .string(algorithms), .maxLifetime: .string(maxLifetime), .requiredClaims: .string(requiredClaims)]
        if let issuer { box.set(.issuer, .box(issuer, root: root)) }
        if let issuerURL { box.set(.issuerURL, .box(issuerURL, root: root)) }
        if let jwks { box.set(.jwks, .box(jwks, root: root)) }
        return box
    }
}

extension HopRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.fromText: .string(fromText), .toText: .string(toText), .mode: .string(mode), .modeLabel: .string(modeLabel),
                              .explanation: .string(explanation)]
        if let from { box.set(.from, .box(from, root: root)) }
        if let to { box.set(.to, .box(to, root: root)) }
        if let reason { box.set(.reason, .string(reason)) }
        return box
    }
}

extension DeploymentRow: MustacheBoxable {
    func box(root: String) -> BoxObject {
        var box: BoxObject = [.kind: .string(kind), .source: .string(source)]
        if let provider { box.set(.provider, .string(provider)) }
        return box
    }
}

extension LabelRow: MustacheBoxable {
    func box(root: String) -> BoxObject { [.key: .string(key), .value: .string(value)] }
}

extension AudienceValue: MustacheBoxable {
    func box(root: String) -> BoxObject { [.value: .string(value), .link: .box(link, root: root), .flagged: .bool(flagged)] }
}

extension DriftStatus: MustacheBoxable {
    func box(root: String) -> BoxObject {
        [.reported: .bool(reported), .when: .string(when), .findings: .boxes(findings, root: root)]
    }
}

extension ServicePage: MustacheBoxable {
    func box(root: String) -> BoxObject { box(root: root, cache: nil) }

    func box(root: String, cache: BoxCache?) -> BoxObject {
        func controlRows(_ rows: [ControlStatusRow]) -> BoxValue {
            guard let cache else { return .boxes(rows, root: root) }
            return cache.controlsMetList(rows, root: root)
        }
        var box: BoxObject = [
            .chrome: .object(chrome.box(root: root, cache: cache)), .name: .string(name), .title: .string(title),
            // A service without a title of its own shows its name once, not as title and name.
            .titled: .bool(titled), .ownerText: .string(ownerText),
            .environment: .string(environment), .labels: .boxes(labels, root: root), .source: .string(source),
            .accepts: .boxes(accepts, root: root), .audiences: .boxes(audiences, root: root), .scopes: .strings(scopes),
            .roles: .strings(roles), .scopesText: .string(scopesText), .rolesText: .string(rolesText),
            .downstream: .boxes(downstream, root: root), .upstream: .boxes(upstream, root: root),
            .deployments: .boxes(deployments, root: root), .findings: .boxes(findings, root: root),
            .exposedFindings: .boxes(exposedFindings, root: root), .evidence: .boxes(evidence, root: root),
            .exceptions: .boxes(exceptions, root: root), .controlsAttention: controlRows(controlsAttention),
            .controlsMet: controlRows(controlsMet), .drift: .box(drift, root: root),
        ]
        if let description { box.set(.description, .string(description)) }
        if let owner { box.set(.owner, .box(owner, root: root)) }
        if let definedURL { box.set(.definedURL, .string(definedURL)) }
        if let editURL { box.set(.editURL, .string(editURL)) }
        if let lastChange, let boxed = MustacheBox.convert(lastChange, root: root) { box.set(.lastChange, boxed) }
        box.set(.history, MustacheBox.convert(history, root: root) ?? .list([]))
        box.set(.historyBuilt, .bool(historyBuilt))
        box.set(BoxKey.named("enforcement"), MustacheBox.convert(enforcement, root: root) ?? .list([]))
        return box
    }
}
