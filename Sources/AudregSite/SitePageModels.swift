import AudregCore

/// Each page's view model, built from the shared context by the page's descriptor (`SitePage`), named
/// after it. The service, enforcers and trust-history pages are built next to what they draw on
/// (`servicePage(at:)`, EnforcementPoints.swift, `historyPage()`); the control and matrix pages come
/// from the controls part of the context, made once for the overview's coverage too.
extension SiteContext {
    func overviewPage() -> OverviewPage {
        let summary = report.summary
        let driftFindings = drift?.findings ?? []
        let hops = services.indices.reduce(0) { $0 + services[$1].downstream.count }
        let expiring = exceptionRows.filter { row in
            guard let days = Int(row.daysLeft) else { return false }
            return days <= SiteModel.expiringWindow
        }
        return OverviewPage(
            counts: [
                CountItem(label: "Services", value: services.count, link: SitePage.servicesIndex.link),
                CountItem(label: "Audiences", value: audienceRows.count, link: SitePage.audiences.link),
                CountItem(label: "Issuers", value: issuers.count, link: SitePage.issuers.link),
                CountItem(label: "Teams", value: teams.count, link: SitePage.teams.link),
                CountItem(label: "Token hops", value: hops, link: SitePage.tokenFlow.link),
                CountItem(label: "Rules", value: catalog.descriptions.count, link: SitePage.rulesIndex.link),
                CountItem(label: "Controls", value: allControls.count, link: SitePage.controlsIndex.link),
                CountItem(label: "Exceptions", value: exceptionRows.count, link: SitePage.exceptions.link),
            ],
            severities: [
                SeverityCount(severity: "error", label: "Errors", count: summary.errors),
                SeverityCount(severity: "warning", label: "Warnings", count: summary.warnings),
                SeverityCount(severity: "note", label: "Notes", count: summary.notes),
                SeverityCount(severity: "suppressed", label: "Suppressed by exceptions", count: summary.suppressed),
            ],
            findingsTotal: report.findings.count, suppressedTotal: report.suppressed.count,
            expiringSoon: expiring, expiringWindow: SiteModel.expiringWindow, coverage: controls.coverage,
            today: today.description, drift: registryDriftStatus([]), driftCount: driftFindings.count,
            driftEvidence: assessment.drift.summary, driftAge: assessment.drift.ageDays.map { "\($0) day\($0 == 1 ? "" : "s")" } ?? "unknown",
            driftGap: assessment.drift.reportGap, maxDriftAge: assessment.drift.maxAgeDays, registryEvidence: registryEvidence)
    }

    func servicesIndexPage() -> ServicesPage { ServicesPage(items: serviceRows) }

    func servicePath(at position: Int) -> String { SiteModel.servicePath(services[position].name) }

    func audiencesPage() -> ListPage<AudienceRow> { ListPage(items: audienceRows) }

    func issuersPage() -> ListPage<IssuerSection> {
        ListPage(items: issuers.map { issuer in
            IssuerSection(anchor: "issuer-\(issuer.name)", name: issuer.name, title: issuer.metadata.title?.value ?? issuer.name,
                          description: nonEmpty(issuer.metadata.description?.value), owner: ownerLink(issuer.metadata.owner?.value),
                          ownerText: issuer.metadata.owner?.value ?? "no owner", environment: issuer.metadata.environment?.value ?? "not set",
                          issuerURL: issuer.issuer.map { ExternalLink($0.value.text) }, discovery: issuer.discoveryUrl.map { ExternalLink($0.value) },
                          jwks: issuer.jwksUri.map { ExternalLink($0.value) }, algorithms: SiteModel.join(issuer.algorithms.map(\.value)),
                          acceptedBy: (servicesByIssuer[issuer.name] ?? []).sorted().map { serviceLink($0) },
                          findings: (findingsByEntity[issuer.ref] ?? []).map(findingRow), drift: driftStatus(for: issuer))
        })
    }

    /// Each team with what it owns, and the findings on it and on what it owns.
    func teamsPage() -> ListPage<TeamSection> {
        ListPage(items: teams.map { team -> TeamSection in
            let owned = (servicesByOwner[team.name] ?? []).sorted()
            let ownedIssuers = (issuersByOwner[team.name] ?? []).sorted()
            var findings: [Finding] = findingsByEntity[team.ref] ?? []
            for name in owned { findings += findingsByEntity[EntityRef(.service, name)] ?? [] }
            for name in ownedIssuers { findings += findingsByEntity[EntityRef(.issuer, name)] ?? [] }
            findings.sort(by: Finding.reportOrder)
            return TeamSection(anchor: "team-\(team.name)", name: team.name, title: team.metadata.title?.value ?? team.name,
                               description: nonEmpty(team.metadata.description?.value), contact: team.contact.map { ExternalLink($0.value) },
                               services: owned.map { serviceLink($0) }, issuers: ownedIssuers.map(SiteModel.issuerLink),
                               findings: findings.map(findingRow), findingCount: findings.count)
        })
    }

    func tokenFlowPage() -> TokenFlowPage {
        let hops = services.indices.flatMap { index in services[index].downstream.map { hopRow(from: services[index].name, hop: $0) } }
        return TokenFlowPage(svg: tokenFlow.drawing, engine: tokenFlow.engine, hops: hops,
                             mermaid: TokenFlowGraph.mermaid(sorted: services, positions: servicePositions), hasHops: !hops.isEmpty)
    }

    func rulesIndexPage() -> ListPage<RuleRow> {
        ListPage(items: catalog.descriptions.map { rule in
            RuleRow(link: ruleLink(rule.id), id: rule.id, name: rule.name, severity: rule.defaultSeverity.rawValue,
                    summary: rule.summary, findingCount: findingsByRule[rule.id]?.count ?? 0)
        })
    }

    func rulePath(at index: Int) -> String { SiteModel.rulePath(catalog.descriptions[index].id) }

    func rulePage(at index: Int) -> RulePage {
        let rule = catalog.descriptions[index]
        return RulePage(id: rule.id, name: rule.name, severity: rule.defaultSeverity.rawValue, stage: rule.stage.rawValue,
                        summary: rule.summary, rationale: rule.rationale, remediation: rule.remediation,
                        references: rule.references.map(ExternalLink.init),
                        controls: rule.controls.map { controlLink($0) ?? SitePage.controlsIndex.link($0, fragment: nil) },
                        triggering: rule.triggeringExamples.map { ExampleBlock(yaml: $0.yaml, fence: MarkdownEscaping.fence(for: $0.yaml)) },
                        nonTriggering: rule.nonTriggeringExamples.map { ExampleBlock(yaml: $0.yaml, fence: MarkdownEscaping.fence(for: $0.yaml)) },
                        findings: (findingsByRule[rule.id] ?? []).map(findingRow))
    }

    func controlsIndexPage() -> ControlsPage {
        ControlsPage(frameworks: controls.frameworkSections, columns: controls.columns,
                     rows: controls.matrixInline ? controls.matrixRows : [], matrixInline: controls.matrixInline,
                     matrixPages: controls.matrixLinks, serviceCount: controls.matrixRows.count, pageSize: SiteModel.matrixPageSize)
    }

    func findingsPage() -> ListPage<FindingRow> { ListPage(items: report.findings.map(findingRow)) }

    func exceptionsPage() -> ListPage<ExceptionRow> { ListPage(items: exceptionRows) }

    func driftPage() -> DriftPage {
        let driftFindings = drift?.findings ?? []
        let driftCounts = Dictionary(grouping: driftFindings, by: \.severity).mapValues(\.count)
        let unmatched = driftFindings.filter { finding in finding.entity.map { $0.kind != .policy && entityLink($0) == nil } ?? false }.count
        return DriftPage(
            drift: registryDriftStatus(driftFindings), mode: drift?.run.mode.rawValue ?? "",
            severities: [Severity.error, .warning, .note].map { severity in
                SeverityCount(severity: severity.rawValue, label: SiteModel.severityLabel(severity) + "s", count: driftCounts[severity] ?? 0)
            },
            unmatched: unmatched, hasUnmatched: unmatched > 0,
            notes: (drift?.run.notes ?? []).map { DriftNoteRow(kind: $0.kind, subject: $0.subject, message: $0.message) },
            hasNotes: !(drift?.run.notes ?? []).isEmpty)
    }

    func searchPage() -> SearchPage { SearchPage(items: searchEntries) }
}
