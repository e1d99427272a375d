import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExport
import AudregTestHelpers

/// Issue 23: control status an auditor can trust. Met only when every evidencing rule ran for the
/// service and none has a finding there; every finding counts against what it exposes.
@Suite("Control status and evidence")
struct ControlStatusTests {
    static let today = Day("2026-12-01")!

    /// orders-api and billing-api accept corp-idp; ledger-api accepts other-idp. Only orders-api has a
    /// deployment. billing-api has no owner, under an approved exception.
    static let files: [(String, String)] = [
        ("issuers.yaml", """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp, owner: platform}
            spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys, algorithms: [RS256]}
            ---
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: other-idp, owner: platform}
            spec: {issuer: https://other.example.com, jwksUri: https://other.example.com/keys, algorithms: [RS256]}
            ---
            apiVersion: audreg/v1
            kind: Team
            metadata: {name: platform}
            spec: {contact: https://chat.example.com/platform}

            """),
        ("services/orders.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api, owner: platform, environment: production}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], maxLifetime: 15m}]
              deployments:
                - {kind: envoy-jwt-authn, source: envoy.yaml, provider: corp_idp}

            """),
        ("services/billing.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: billing-api, environment: production}
            spec:
              audiences: [https://billing.example.com]
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], maxLifetime: 15m}]
              exceptions:
                - rule: owner-missing
                  reason: The team is being formed.
                  approvedBy: security-architecture
                  expires: 2027-03-31
                  ticket: SEC-77

            """),
        ("services/ledger.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: ledger-api, owner: platform, environment: production}
            spec:
              audiences: [https://ledger.example.com]
              accepts: [{issuer: other-idp, tokenTypes: [at+jwt], maxLifetime: 15m}]

            """),
    ]

    static func report(replacing replacements: [String: String] = [:]) -> ValidationReport {
        var sources = files.map { (path: $0.0, bytes: Array((replacements[$0.0] ?? $0.1).utf8)) }
        for (path, text) in replacements.sorted(by: { $0.key < $1.key }) where !files.contains(where: { $0.0 == path }) {
            sources.append((path: path, bytes: Array(text.utf8)))
        }
        return Validator(today: today).validate(RegistryLoader().load(sources: sources))
    }

    static let fullCoverage = DriftCoverage(issuersSkipped: false, deploymentsSkipped: false,
                                            issuers: ["corp-idp", "other-idp"], services: ["orders-api"])

    static func drift(_ findings: [Finding], checkedAt: String = "2026-11-30T09:00:00Z",
                      coverage: DriftCoverage? = fullCoverage) -> DriftReport {
        DriftReport(run: DriftRun(checkedAt: checkedAt, mode: .live, coverage: coverage), findings: findings)
    }

    static let broadened = Finding(ruleID: "config-audience-broadened", severity: .error, message: "accepts https://admin.example.com",
                                   location: SourceLocation(file: "envoy.yaml", line: 5, column: 9), entity: EntityRef(.service, "orders-api"))
    static let privateKey = Finding(ruleID: "jwks-private-key-material", severity: .error, message: "key k1 publishes d",
                                    location: SourceLocation(file: "issuers.yaml", line: 4, column: 55), entity: EntityRef(.issuer, "corp-idp"))

    static func state(_ assessment: ControlAssessment, _ control: String, _ service: String, in report: ValidationReport) throws -> ControlState {
        let control = try #require(ControlCatalog.builtIn.control(control))
        let service = try #require(report.registry.services.first { $0.name == service })
        return try #require(assessment.assess(control, for: service)).state
    }

    static func model(_ report: ValidationReport, drift: DriftReport?, maxAge: Int = 7) -> SiteModel {
        SiteModel.build(report: report, today: today, tokenFlow: TokenFlowGraph.Picture(svg: "", engine: ""), drift: drift, maxDriftAgeDays: maxAge)
    }

    static func controlPage(_ model: SiteModel, _ id: String) throws -> ControlPage {
        try #require(model.controls.first { $0.page.id == id }).page
    }

    static func cell(_ model: SiteModel, service: String, control: String) throws -> String {
        let column = try #require(model.controlsIndex.columns.firstIndex { $0.control.text == control })
        let row = try #require(model.controlsIndex.rows.first { $0.service.text == service })
        return row.cells[column].status
    }

    // MARK: the table

    @Test("one table says which rule evidences which control and at what scope; drift rules name theirs")
    func evidenceTable() throws {
        let evidence = ControlEvidence(controls: .builtIn, rules: .builtIn)
        let nhi2 = try #require(ControlCatalog.builtIn.control("NHI2:2025"))
        #expect(evidence.entries(for: nhi2).contains(.init(ruleID: "jwks-private-key-material", scope: .issuer)))
        // Secret Leakage is about leaked keys and tokens; a gateway accepting extra audiences is
        // overprivilege (NHI5) and loose token validation (NHI6).
        #expect(!evidence.entries(for: nhi2).contains { $0.ruleID == "config-audience-broadened" })
        let nhi5 = try #require(ControlCatalog.builtIn.control("NHI5:2025"))
        #expect(evidence.entries(for: nhi5).contains(.init(ruleID: "config-audience-broadened", scope: .deployment)))
        #expect(evidence.scope(of: "duplicate-key") == .file)
        #expect(evidence.scope(of: "audience-too-broad") == .service)
        for description in RuleCatalog.builtIn.descriptions where description.stage == .drift {
            #expect(description.scope == .issuer || description.scope == .deployment, "\(description.id)")
        }
        // It agrees with the catalog's own list for every control.
        for framework in ControlCatalog.builtIn.frameworks {
            for control in framework.controls {
                #expect(evidence.ruleIDs(for: control) == ControlCatalog.builtIn.rules(evidencing: control, in: .builtIn))
            }
        }
    }

    // MARK: the four scenarios of the issue

    @Test("broadened drift: failing for that service's drift-evidenced controls, on every page and in the matrix")
    func broadenedDrift() throws {
        let report = Self.report()
        let drift = Self.drift([Self.broadened])
        let assessment = ControlAssessment(report: report, drift: drift, today: Self.today)
        for control in ["DE.CM-09", "PR.AA-05", "NHI5:2025", "NHI6:2025"] {
            #expect(try Self.state(assessment, control, "orders-api", in: report) == .failing, "\(control)")
        }
        let model = Self.model(report, drift: drift)
        #expect(try Self.cell(model, service: "orders-api", control: "DE.CM-09") == "failing")
        let page = try Self.controlPage(model, "DE.CM-09")
        #expect(page.failing == 1 && page.attention.map(\.service.text) == ["orders-api"])
        #expect(page.attention.first?.failingRules.map(\.text) == ["config-audience-broadened"])
        let service = model.services[model.services.firstIndex { $0.name == "orders-api" }!]
        #expect(service.controlsAttention.contains { $0.controlID == "DE.CM-09" && $0.status == "failing" })
        #expect(!service.controlsMet.contains { $0.controlID == "DE.CM-09" })
        let csf = try #require(model.overview.coverage.first { $0.link.text.contains("CSF") })
        #expect(csf.failing >= 1)
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let markdown = try #require(files["markdown/docs/services/orders-api.md"])
        #expect(markdown.contains("| ✗ Failing | [config-audience-broadened]"))
    }

    @Test("no drift run: controls a drift rule evidences are not assessed, never met")
    func noDriftRun() throws {
        let report = Self.report()
        let assessment = ControlAssessment(report: report, drift: nil, today: Self.today)
        for service in ["orders-api", "billing-api", "ledger-api"] {
            #expect(try Self.state(assessment, "DE.CM-09", service, in: report) == .notAssessed)
        }
        let model = Self.model(report, drift: nil)
        let page = try Self.controlPage(model, "DE.CM-09")
        #expect(page.met == 0 && page.notAssessed == 3)
        #expect(page.unassessed.count == 1 && page.unassessed[0].reason.contains("did not run: no drift report was given"))
        #expect(page.evidence.contains { $0.rule.text == "config-audience-broadened" && $0.status == "not-assessed" })
        #expect(try Self.cell(model, service: "ledger-api", control: "DE.CM-09") == "not-assessed")
        #expect(model.overview.driftGap?.contains("no drift report") == true)
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let html = try #require(files["controls/index.html"])
        #expect(html.contains("<td class=\"status-not-assessed\" title=\"Not assessed\"><span aria-hidden=\"true\">?</span><span class=\"visually-hidden\">Not assessed</span></td>"))
        let markdown = try #require(files["markdown/docs/services/ledger-api.md"])
        #expect(markdown.contains("? Not assessed"))
    }

    @Test("a stale drift report, a skipped check, a service with nothing deployed: not assessed, each with its reason")
    func notRun() throws {
        let report = Self.report()
        let stale = ControlAssessment(report: report, drift: Self.drift([], checkedAt: "2026-11-01T00:00:00Z"), today: Self.today)
        #expect(try Self.state(stale, "DE.CM-09", "orders-api", in: report) == .notAssessed)
        #expect(stale.drift.reportGap?.contains("30 days old, older than --max-drift-age 7") == true)
        let lenient = ControlAssessment(report: report, drift: Self.drift([], checkedAt: "2026-11-01T00:00:00Z"), today: Self.today, maxDriftAgeDays: 31)
        #expect(try Self.state(lenient, "DE.CM-09", "orders-api", in: report) == .met)
        // billing-api has no deployment: the deployment rules cannot have run for it.
        let orders = try #require(report.registry.services.first { $0.name == "billing-api" })
        #expect(lenient.gap(scope: .deployment, for: orders) == "the service has no deployment to check")
        #expect(try Self.state(lenient, "DE.CM-09", "billing-api", in: report) == .notAssessed)
        let skipped = ControlAssessment(report: report, drift: Self.drift([], coverage: DriftCoverage(
            issuersSkipped: true, deploymentsSkipped: false, issuers: [], services: ["orders-api"])), today: Self.today)
        #expect(try Self.state(skipped, "NHI2:2025", "orders-api", in: report) == .notAssessed)
        let unknown = ControlAssessment(report: report, drift: Self.drift([], coverage: nil), today: Self.today)
        #expect(try Self.state(unknown, "DE.CM-09", "orders-api", in: report) == .notAssessed)
        #expect(unknown.drift.reportGap?.contains("does not say what it checked") == true)
    }

    @Test("a service page gives each reason a rule did not run once, with its rules; the controls table only says which did not run")
    func notRunReasonsOnce() throws {
        let report = Self.report()
        // Issuer checks skipped for every service, billing-api has no deployment, no federation trust
        // for the trust rules to check, and no discovery URL for the discovery rules: four reasons.
        let drift = Self.drift([], coverage: DriftCoverage(issuersSkipped: true, deploymentsSkipped: false, issuers: [], services: ["orders-api"]))
        let model = Self.model(report, drift: drift)
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let html = try #require(files["services/billing-api.html"])
        let markdown = try #require(files["markdown/docs/services/billing-api.md"])
        let list = try #require(html.range(of: "<h3>Rules that did not run</h3>")).upperBound
        let items = html[list...].components(separatedBy: "</ul>")[0].components(separatedBy: "<li>").dropFirst()
        #expect(items.count == 4, "one item per reason: \(items)")
        // The evidence section says what ran; the controls section gives each reason once.
        let htmlControls = try #require(html.range(of: "id=\"controls-heading\"")).lowerBound
        let markdownControls = try #require(markdown.range(of: "## Controls this service evidences")).lowerBound
        for reason in ["the service has no deployment to check", "the drift run skipped issuer checks", "the service has no federation trust deployment",
                       "no issuer the service accepts has a discovery URL"] {
            let item = items.filter { $0.contains(reason) }
            #expect(item.count == 1, "\(reason)")
            #expect(html[htmlControls...].components(separatedBy: reason).count == 2, "the reason is written once in the HTML controls: \(reason)")
            #expect(markdown[markdownControls...].components(separatedBy: reason).count == 2, "and once in the Markdown ones: \(reason)")
        }
        // Each rule that did not run is listed once, under its reason, and the table's cells name it.
        let listed = items.joined().components(separatedBy: "<a href=\"../rules/").dropFirst().map { String($0.prefix { $0 != "." }) }
        #expect(Set(listed).count == listed.count && listed.contains("config-audience-broadened") && listed.contains("jwks-unreachable"))
        #expect(html.contains("not run: <a href=\"../rules/"))
        #expect(!html.contains("(not run:"), "no reason is repeated in the table")
    }

    @Test("a JWKS with private members: failing for every service that accepts the issuer, and only those")
    func privateKeyMaterial() throws {
        let report = Self.report()
        let drift = Self.drift([Self.privateKey])
        let assessment = ControlAssessment(report: report, drift: drift, today: Self.today)
        #expect(try Self.state(assessment, "NHI2:2025", "orders-api", in: report) == .failing)
        #expect(try Self.state(assessment, "NHI2:2025", "billing-api", in: report) == .failing)
        #expect(try Self.state(assessment, "NHI2:2025", "ledger-api", in: report) != .failing)
        let model = Self.model(report, drift: drift)
        #expect(try Self.cell(model, service: "billing-api", control: "NHI2:2025") == "failing")
        let billing = model.services[model.services.firstIndex { $0.name == "billing-api" }!]
        #expect(billing.exposedFindings.map(\.rule.text) == ["jwks-private-key-material"])
        #expect(billing.controlsAttention.contains { $0.controlID == "NHI2:2025" && $0.failingRules.map(\.text) == ["jwks-private-key-material"] })
    }

    @Test("a duplicate key: the finding names the entity of its document, and that entity fails PR.PS-01")
    func duplicateKey() throws {
        let report = Self.report(replacing: ["services/ledger.yaml": """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: ledger-api, owner: platform, environment: production}
            spec:
              audiences: [https://ledger.example.com]
              accepts: [{issuer: other-idp, tokenTypes: [at+jwt], maxLifetime: 15m}]
              audiences: [https://everything.example.com]

            """])
        let finding = try #require(report.findings.first { $0.ruleID == "duplicate-key" })
        #expect(finding.entity == EntityRef(.service, "ledger-api"))
        let assessment = ControlAssessment(report: report, drift: Self.drift([]), today: Self.today)
        #expect(try Self.state(assessment, "PR.PS-01", "ledger-api", in: report) == .failing)
        // orders-api is defined in another file; with every drift rule run for it, it meets PR.PS-01.
        #expect(try Self.state(assessment, "PR.PS-01", "orders-api", in: report) == .met)
        let model = Self.model(report, drift: nil)
        #expect(try Self.cell(model, service: "ledger-api", control: "PR.PS-01") == "failing")
    }

    @Test("a file-level finding without an entity counts against every entity defined in that file")
    func fileLevel() throws {
        let report = Self.report()
        var findings = report.findings
        findings.append(Finding(ruleID: "yaml-syntax", severity: .error, message: "stopped", location: SourceLocation(file: "issuers.yaml", line: 20, column: 1)))
        let broken = ValidationReport(findings: findings, suppressed: report.suppressed, rules: report.rules, registry: report.registry)
        let assessment = ControlAssessment(report: broken, drift: nil, today: Self.today)
        // issuers.yaml defines both issuers (so every service accepting them) and the team.
        for service in ["orders-api", "billing-api", "ledger-api"] {
            #expect(try Self.state(assessment, "PR.PS-01", service, in: broken) == .failing)
        }
    }

    /// A file that does not parse defines nothing audreg can see: the rest of the registry must not read
    /// as meeting every control without it.
    @Test("a registry file that could not be read leaves every control of every service unmet, saying why")
    func unreadFileAssessesNothing() throws {
        let healthyReport = Self.report()
        let healthy = ControlAssessment(report: healthyReport, drift: Self.drift([]), today: Self.today)
        #expect(healthy.unreadRegistry == nil)
        let controls = ControlCatalog.builtIn.frameworks.flatMap(\.controls)
        let orders = try #require(healthyReport.registry.services.first { $0.name == "orders-api" })
        let metBefore = controls.filter { healthy.assess($0, for: orders)?.state == .met }
        #expect(metBefore.count >= 3)

        let broken = Self.report(replacing: ["services/billing.yaml": "apiVersion: audreg/v1\nkind: Service\nmetadata: {name: billing-api\nspec: [\n"])
        #expect(!broken.registry.services.contains { $0.name == "billing-api" })
        let assessment = ControlAssessment(report: broken, drift: Self.drift([]), today: Self.today)
        let reason = try #require(assessment.unreadRegistry)
        #expect(reason.contains("services/billing.yaml could not be read"))
        for service in broken.registry.services {
            for control in metBefore {
                #expect(assessment.assess(control, for: service)?.state != .met, "\(control.id) for \(service.name)")
            }
        }
        #expect(assessment.globalGap(rule: "audience-collision") == reason)

        // A policy in the same pull request that turns yaml-syntax and schema off hides the findings,
        // not the file audreg could not read.
        let hidden = Self.report(replacing: [
            "services/billing.yaml": "apiVersion: audreg/v1\nkind: Service\nmetadata: {name: billing-api\nspec: [\n",
            "policy.yaml": "apiVersion: audreg/v1\nkind: Policy\nmetadata: {name: default}\nspec:\n  severity: {yaml-syntax: off, schema: off}\n",
        ])
        #expect(!hidden.findings.contains { $0.ruleID == "yaml-syntax" })
        #expect(hidden.unreadFiles == ["services/billing.yaml"])
        let hiddenAssessment = ControlAssessment(report: hidden, drift: Self.drift([]), today: Self.today)
        #expect(hiddenAssessment.unreadRegistry?.contains("services/billing.yaml could not be read") == true)
    }

    /// A rule with nothing to check assessed nothing: a service that accepts no tokens does not meet an
    /// authentication control because no token rule could fail.
    /// An issuer with a jwksUri and no discoveryUrl has its keys read by drift, but no discovery document:
    /// the discovery rules had nothing to check for the services that accept only such issuers.
    @Test("discovery rules did not run for a service whose issuers have no discoveryUrl: nothing to check, never 'Ran for every service'")
    func discoveryRulesNeedADiscoveryURL() throws {
        let noDiscovery = "no issuer the service accepts has a discovery URL (discoveryUrl), so there is no discovery document to check"
        let report = Self.report()
        let assessment = ControlAssessment(report: report, drift: Self.drift([]), today: Self.today)
        let orders = try #require(report.registry.services.first { $0.name == "orders-api" })
        for rule in ["discovery-issuer-mismatch", "discovery-jwks-mismatch"] {
            #expect(assessment.gap(rule: rule, for: orders) == noDiscovery, "\(rule)")
        }
        // The other issuer-scope rules read the JWKS, and ran.
        #expect(assessment.gap(rule: "jwks-private-key-material", for: orders) == nil)
        // Nothing to check leaves the control judged on the rules that ran, as before.
        #expect(try Self.state(assessment, "DE.CM-09", "orders-api", in: report) == .met)
        let total = report.registry.services.count
        let model = Self.model(report, drift: Self.drift([]))
        let page = try Self.controlPage(model, "DE.CM-09")
        for rule in ["discovery-issuer-mismatch", "discovery-jwks-mismatch"] {
            let row = try #require(page.evidence.first { $0.rule.text == rule })
            #expect(row.ran == "Ran for 0 of \(total) services; nothing to check where \(noDiscovery)", "\(row.ran)")
            #expect(row.status == "not-assessed" && row.result == "No result: nothing to check", "\(row.status) \(row.result)")
        }

        // other-idp names a discovery document: the rules ran for ledger-api, which accepts it, and only there.
        let issuers = Self.files[0].1.replacingOccurrences(of: "jwksUri: https://other.example.com/keys,",
                                                          with: "jwksUri: https://other.example.com/keys, discoveryUrl: https://other.example.com/.well-known/openid-configuration,")
        let discovering = Self.report(replacing: [Self.files[0].0: issuers])
        try #require(discovering.registry.issuers.contains { $0.discoveryUrl != nil })
        let withDiscovery = ControlAssessment(report: discovering, drift: Self.drift([]), today: Self.today)
        let ledger = try #require(discovering.registry.services.first { $0.name == "ledger-api" })
        #expect(withDiscovery.gap(rule: "discovery-jwks-mismatch", for: ledger) == nil)
        let row = try #require(try Self.controlPage(Self.model(discovering, drift: Self.drift([])), "DE.CM-09").evidence.first { $0.rule.text == "discovery-jwks-mismatch" })
        #expect(row.ran == "Ran for 1 of \(total) services; nothing to check where \(noDiscovery)", "\(row.ran)")
    }

    @Test("a service that lists no audience and accepts no issuer meets no control its rules had nothing to check for")
    func nothingToCheckIsNotMet() throws {
        let report = Self.report(replacing: ["services/ledger.yaml": """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: ledger-api, owner: platform, environment: production}
            spec: {audiences: []}

            """])
        let assessment = ControlAssessment(report: report, drift: Self.drift([]), today: Self.today)
        let ledger = try #require(report.registry.services.first { $0.name == "ledger-api" })
        #expect(assessment.gap(rule: "token-type-unchecked", for: ledger) == "the service accepts no issuer's tokens to check")
        #expect(assessment.gap(rule: "audience-wildcard", for: ledger) == "the service lists no audience to check")
        #expect(assessment.gap(rule: "owner-missing", for: ledger) == nil)
        // NHI4 (authentication) is evidenced by token rules only: not assessed, never met.
        #expect(try Self.state(assessment, "NHI4:2025", "ledger-api", in: report) == .notAssessed)
        let orders = try #require(report.registry.services.first { $0.name == "orders-api" })
        #expect(assessment.gap(rule: "token-type-unchecked", for: orders) == nil)
        // The site's matrix and service page say the same; orders-api, which states both, is unchanged.
        let model = Self.model(report, drift: Self.drift([]))
        #expect(try Self.cell(model, service: "ledger-api", control: "NHI4:2025") != "met")
        let page = model.services[model.services.firstIndex { $0.name == "ledger-api" }!]
        #expect(!page.controlsMet.contains { $0.controlID == "NHI4:2025" })
        #expect(try Self.cell(model, service: "orders-api", control: "NHI4:2025") == "met")
        // orders-api has an Envoy deployment and no federation trust: the trust rules had nothing to
        // check there, so MEASURE 2.7 is judged on the rules that had (met), and says why they were left out.
        #expect(assessment.gap(rule: "config-trust-subject-unpinned", for: orders) == "the service has no federation trust deployment to check")
        let measureControl = try #require(ControlCatalog.builtIn.control("MEASURE 2.7"))
        let measure = try #require(assessment.assess(measureControl, for: orders))
        #expect(measure.state == .met && measure.gaps.map(\.rule) == ["config-trust-subject-unpinned"])
        #expect(try Self.cell(model, service: "orders-api", control: "MEASURE 2.7") == "met")
        // The control page counts the services a rule had something to check in, not every service.
        let total = report.registry.services.count
        let accepting = report.registry.services.filter { !$0.accepts.isEmpty }.count
        try #require(accepting < total)
        let nhi4 = try Self.controlPage(model, "NHI4:2025")
        let tokenType = try #require(nhi4.evidence.first { $0.rule.text == "token-type-unchecked" })
        #expect(tokenType.ran == "Ran for \(accepting) of \(total) services; nothing to check where the service accepts no issuer's tokens to check", "\(tokenType.ran)")
        #expect(tokenType.status == "met")
        let ownerRule = model.controls.flatMap(\.page.evidence).first { $0.rule.text == "owner-missing" }
        #expect(ownerRule?.ran == "Ran for every service (\(total))")
        // CSF 1.1's PR.AC-01 was split over PR.AA-01 and PR.AA-05: each page says it is only part of it.
        #expect(try Self.controlPage(model, "PR.AA-05").aliases == "PR.AC-4, PR.AC-04, PR.AC-01 (in part), PR.AC-1 (in part)")
    }

    /// A scalar where `audiences` needs a list is a schema error, and audience-missing cannot tell
    /// whether the service checks aud: the controls it evidences are not assessed there, never met.
    @Test("unreadable audiences leave audience-missing's controls not assessed, in the assessment and on the site")
    func unreadableAudiencesAreNotAssessed() throws {
        let report = Self.report(replacing: ["services/ledger.yaml": """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: ledger-api, owner: platform, environment: production}
            spec:
              audiences: https://ledger.example.com
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 15m, requiredClaims: [iss, sub, aud, exp, iat, jti]}]

            """])
        let assessment = ControlAssessment(report: report, drift: Self.drift([]), today: Self.today)
        let ledger = try #require(report.registry.services.first { $0.name == "ledger-api" })
        #expect(!ledger.audiencesAreKnown)
        #expect(assessment.gap(rule: "audience-missing", for: ledger)?.contains("not written as a list") == true)
        let model = Self.model(report, drift: Self.drift([]))
        for control in ["PR.AA-04", "PR.AA-05", "NHI6:2025", "MEASURE 2.7"] {
            #expect(try Self.cell(model, service: "ledger-api", control: control) != "met", "\(control)")
        }
        let page = model.services[model.services.firstIndex { $0.name == "ledger-api" }!]
        #expect(!page.controlsMet.contains { ["PR.AA-05", "MEASURE 2.7"].contains($0.controlID) })
        // The control page counts the service as one the rule did not run for, not one with nothing to check.
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let controlPage = try #require(files["markdown/docs/controls/nist-csf-2-0/pr-aa-05.md"])
        let row = try #require(controlPage.split(separator: "\n").first { $0.hasPrefix("| [audience-missing]") })
        #expect(row.contains("not run where the service's audiences are not written as a list audreg could read"), "\(row)")
        #expect(!row.contains("accepts no issuer") && !row.contains("Met"), "\(row)")
    }

    @Test("a finding without an entity reaches the entities of its own file's bytes only: NFC and NFD names are two files")
    func reachByFileBytes() throws {
        func service(_ name: String) -> [UInt8] {
            Array("apiVersion: audreg/v1\nkind: Service\nmetadata: {name: \(name)}\nspec: {audiences: [https://\(name).example.com]}\n".utf8)
        }
        let registry = RegistryLoader().load(sources: [(path: "\u{E9}.yaml", bytes: service("composed-api")), (path: "e\u{301}.yaml", bytes: service("decomposed-api"))]).registry
        let finding = Finding(ruleID: "schema", severity: .error, message: "m", location: SourceLocation(file: "e\u{301}.yaml", line: 1, column: 1))
        #expect(FindingReach(registry: registry).services(reachedBy: finding) == ["decomposed-api"])
    }

    @Test("OSCAL never says every evidencing rule ran when one had nothing to check in the service")
    func oscalSaysWhichRulesHadNothingToCheck() throws {
        let report = Self.report(replacing: ["services/public.yaml": """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: public-api, owner: platform, environment: production}
            spec:
              audiences: [https://public.example.com]

            """])
        let json = try OSCALExport(report: report, today: Self.today, drift: Self.drift([])).componentDefinition().serialized()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let components = try #require((root["component-definition"] as? [String: Any])?["components"] as? [[String: Any]])
        let component = try #require(components.first { $0["uuid"] as? String == Self.component("public-api") })
        let requirements = ((component["control-implementations"] as? [[String: Any]]) ?? []).flatMap { ($0["implemented-requirements"] as? [[String: Any]]) ?? [] }
        var explained = 0
        for requirement in requirements {
            let description = requirement["description"] as? String ?? ""
            let statements = (requirement["statements"] as? [[String: Any]]) ?? []
            let notRun = statements.contains { (($0["props"] as? [[String: String]]) ?? []).contains { $0["name"] == "rule-result" && $0["value"] == "not-run" } }
            if notRun { #expect(!description.contains("Every evidencing rule ran for this service"), "\(description)") }
            if description.contains("had nothing to check") { explained += 1 }
        }
        #expect(explained > 0)
    }

    @Test("a rule whose only findings are excepted is 'Excepted' on the control page, never 'Met'")
    func exceptedFindingsAreNotMet() throws {
        let report = Self.report()
        let hidden = SuppressedFinding(finding: Finding(ruleID: "audience-missing", severity: .error, message: "lists no audience",
                                                        location: SourceLocation(file: "services/orders.yaml", line: 5, column: 3),
                                                        entity: EntityRef(.service, "orders-api")),
                                       exceptionLocation: SourceLocation(file: "services/orders.yaml", line: 9, column: 7),
                                       expires: Day(year: 2027, month: 1, day: 1)!, approvedBy: "security")
        let excepted = ValidationReport(findings: report.findings.filter { $0.ruleID != "audience-missing" }, suppressed: [hidden],
                                        rules: report.rules, registry: report.registry)
        let files = try SiteBuilder.renderAll(model: Self.model(excepted, drift: Self.drift([])), templates: .builtIn)
        let page = try #require(files["markdown/docs/controls/nist-csf-2-0/pr-aa-05.md"])
        let row = try #require(page.split(separator: "\n").first { $0.hasPrefix("| [audience-missing]") })
        #expect(row.contains("1 excepted finding") && row.contains("Excepted") && !row.contains("Met"), "\(row)")
    }

    /// "No drift" is a claim that things were compared and matched: it is made only for what was compared.
    @Test("'No drift' only where the run compared: a skipped check, a service with nothing deployed or unread keys say 'Not compared'")
    func noDriftOnlyWhenCompared() throws {
        let report = Self.report()
        let partial = DriftCoverage(issuersSkipped: false, deploymentsSkipped: false, issuers: ["corp-idp"], services: ["orders-api"],
                                    issuersUnchecked: [.init(name: "other-idp", reason: "JWKS https://other.example.com/keys not read (connection refused)")],
                                    deploymentsUnchecked: [])
        let model = Self.model(report, drift: Self.drift([], coverage: partial))
        let orders = model.services[model.services.firstIndex { $0.name == "orders-api" }!]
        #expect(orders.drift.compared && orders.drift.notCompared.isEmpty)
        let ledger = model.services[model.services.firstIndex { $0.name == "ledger-api" }!]
        #expect(!ledger.drift.compared && ledger.drift.notCompared == "the service has no deployment to check")
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let ledgerPage = try #require(files["markdown/docs/services/ledger-api.md"])
        #expect(ledgerPage.contains("Not compared: the service has no deployment to check.") && !ledgerPage.contains("No drift:"))
        let issuerPage = try #require(files["markdown/docs/issuers.md"])
        #expect(issuerPage.contains("Not compared: the drift run could not read its published keys: JWKS https://other.example.com/keys not read"))
        let driftPage = try #require(files["markdown/docs/drift.md"])
        #expect(driftPage.contains("Not compared: 1 issuer's published keys were not read \\(each page's Evidence and the Enforcers page say why\\)."), "\(driftPage)")
        #expect(!driftPage.contains("No drift:"))

        let skipped = DriftCoverage(issuersSkipped: true, deploymentsSkipped: true, issuers: [], services: [])
        #expect(skipped.summaryLine == "compared: issuers: skipped (--skip-issuers); deployments: skipped (--skip-deployments)")
        #expect(partial.summaryLine == "compared: issuers: 1 read, 1 not read; services: 1 with every config compared")
    }

    @Test("an approved exception: excepted until its date, unless an evidencing rule did not run")
    func excepted() throws {
        let report = Self.report()
        let control = try #require(ControlCatalog.builtIn.control("GOVERN 2.1"))
        let evidence = ControlEvidence(controls: .builtIn, rules: .builtIn)
        try #require(evidence.entries(for: control).allSatisfy { $0.scope == .service || $0.scope == .file || $0.scope == .issuer })
        let assessment = ControlAssessment(report: report, drift: Self.drift([]), today: Self.today)
        let billing = try #require(report.registry.services.first { $0.name == "billing-api" })
        let result = try #require(assessment.assess(control, for: billing))
        #expect(result.state == .excepted && result.exceptedUntil == Day("2027-03-31"))
        // The site says until when, on the control page and on the service page.
        let model = Self.model(report, drift: Self.drift([]))
        let row = try #require(try Self.controlPage(model, "GOVERN 2.1").attention.first { $0.service.text == "billing-api" })
        #expect(row.status == "excepted" && row.exceptedUntil == "2027-03-31")
        let page = model.services[model.services.firstIndex { $0.name == "billing-api" }!]
        #expect(page.controlsAttention.contains { $0.controlID == "GOVERN 2.1" && $0.status == "excepted" && $0.exceptedUntil == "2027-03-31" })
        let html = try #require(try SiteBuilder.renderAll(model: model, templates: .builtIn)["services/billing-api.html"])
        #expect(html.contains("(excepted) until 2027-03-31"))
    }

    // MARK: OSCAL

    /// A service's component, by its UUID (titles are the services' titles).
    static func component(_ service: String) -> String { StableUUID.v5(name: "component/\(service)") }

    /// Component UUID → control ID → the requirement's props and statements.
    static func requirements(_ json: String) throws -> [String: [String: (props: [String: String], statements: [[String: Any]])]] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let components = ((root["component-definition"] as? [String: Any])?["components"] as? [[String: Any]]) ?? []
        var result: [String: [String: (props: [String: String], statements: [[String: Any]])]] = [:]
        for component in components {
            let title = component["uuid"] as! String
            for implementation in (component["control-implementations"] as? [[String: Any]]) ?? [] {
                for requirement in (implementation["implemented-requirements"] as? [[String: Any]]) ?? [] {
                    let props = (requirement["props"] as? [[String: String]]) ?? []
                    result[title, default: [:]][requirement["control-id"] as! String] = (
                        Dictionary(props.map { ($0["name"]!, $0["value"]!) }, uniquingKeysWith: { a, _ in a }),
                        (requirement["statements"] as? [[String: Any]]) ?? [])
                }
            }
        }
        return result
    }

    @Test("OSCAL read back: a failing, an excepted and an unassessed control, each with OSCAL's value or none")
    func oscalStatuses() throws {
        let report = Self.report()
        let withDrift = try OSCALExport(report: report, today: Self.today, drift: Self.drift([Self.broadened])).componentDefinition().serialized()
        let read = try Self.requirements(withDrift)
        let failing = try #require(read[Self.component("orders-api")]?["DE.CM-09"])
        #expect(failing.props["audreg-status"] == "not-satisfied" && failing.props["implementation-status"] == "partial")
        let statement = try #require(failing.statements.first { ($0["statement-id"] as? String) == "DE.CM-09_stmt.config-audience-broadened" })
        #expect((statement["description"] as? String)?.contains("reports 1 finding") == true)
        #expect((statement["description"] as? String)?.contains("2026-11-30T09:00:00Z") == true)
        let excepted = try #require(read[Self.component("billing-api")]?["govern-2.1"])
        #expect(excepted.props["audreg-status"] == "excepted" && excepted.props["implementation-status"] == "planned")
        #expect(excepted.props["excepted-until"] == "2027-03-31")

        let withoutDrift = try Self.requirements(OSCALExport(report: report, today: Self.today).componentDefinition().serialized())
        let unassessed = try #require(withoutDrift[Self.component("orders-api")]?["DE.CM-09"])
        #expect(unassessed.props["audreg-status"] == "not-assessed")
        #expect(unassessed.props["implementation-status"] == nil, "not assessed is never exported as implemented")
        #expect(unassessed.statements.contains { ($0["description"] as? String)?.contains("did not run for this service") == true })
        // No requirement anywhere claims implemented while a rule did not run.
        for (_, controls) in withoutDrift {
            for (_, requirement) in controls where requirement.props["audreg-status"] == "not-assessed" {
                #expect(requirement.props["implementation-status"] == nil)
            }
        }
    }

    @Test("CLI: export oscal reads --drift-report; past --max-drift-age its drift controls are not assessed, and a bad age is refused")
    func oscalCLI() throws {
        let directory = TemporaryDirectory()
        let drift = try audreg("drift", "registry", "--offline", DriftOnSiteTests.examplesOffline, "--format", "json", "--today", "2026-12-01",
                               in: Paths.packageRoot)
        #expect(drift.status == 1, "\(drift.stderr)")
        let path = directory.write("drift.json", drift.stdout)
        let fresh = try audreg("export", "oscal", "registry", "--today", "2026-12-01", "--drift-report", path, in: Paths.packageRoot)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        #expect(try Self.requirements(fresh.stdout)[Self.component("storefront-gateway")]?["DE.CM-09"]?.props["audreg-status"] == "not-satisfied")
        let stale = try audreg("export", "oscal", "registry", "--today", "2026-12-01", "--drift-report", path, "--max-drift-age", "0",
                               in: Paths.packageRoot)
        #expect(stale.status == 0, "\(stale.stderr)")
        let read = try Self.requirements(stale.stdout)
        // Its finding still counts; the silence of a stale report assesses nothing.
        #expect(read[Self.component("storefront-gateway")]?["DE.CM-09"]?.props["audreg-status"] == "not-satisfied")
        #expect(read[Self.component("payments-api")]?["DE.CM-09"]?.props["audreg-status"] == "not-assessed")
        #expect(stale.stdout.contains("older than --max-drift-age 0"))
        let negative = try audreg("export", "oscal", "registry", "--max-drift-age", "-1", in: Paths.packageRoot)
        #expect(negative.status != 0 && negative.stderr.contains("--max-drift-age"))
    }

    @Test("registry evidence is dated by its last git commit, never the wall clock; build shows it, --no-git-evidence leaves it out")
    func registryRevision() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry"
        for (path, text) in Self.files { directory.write("registry/" + path, text) }
        #expect(RegistryRevision.read(directory: registry) == nil, "not a git repository")
        func git(_ arguments: String...) throws -> String {
            let result = try PRSupport.git(Array(arguments), in: directory.path)
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        _ = try git("init", "-q")
        _ = try git("add", ".")
        _ = try git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "registry", "--date", "2026-11-29T02:33:49Z")
        let head = try git("rev-parse", "HEAD")
        let revision = try #require(RegistryRevision.read(directory: registry))
        #expect(revision.commit == head && !revision.modified)
        #expect(revision.summary.hasPrefix("commit \(head.prefix(12)) of "))
        try "# changed\n".write(toFile: registry + "/services/orders.yaml", atomically: true, encoding: .utf8)
        #expect(RegistryRevision.read(directory: registry)?.modified == true)
        _ = try git("checkout", "-q", "--", ".")

        let out = directory.path + "/site"
        let built = try audreg("build", registry, "--out", out, "--today", "2026-12-01", "--layout", "built-in", "--fail-on", "never")
        #expect(built.status == 0, "\(built.stderr)")
        let page = try String(contentsOfFile: out + "/services/orders-api.html", encoding: .utf8)
        #expect(page.contains("Ran on the registry at commit \(head.prefix(12)) of "))
        let plain = try audreg("build", registry, "--out", out, "--today", "2026-12-01", "--layout", "built-in", "--fail-on", "never", "--no-git-evidence")
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8).contains("not dated: no git commit given"))
    }

    // MARK: what drift read

    static let unreadIssuer = DriftCoverage(issuersSkipped: false, deploymentsSkipped: false, issuers: ["other-idp"], services: ["orders-api"],
                                            issuersUnchecked: [.init(name: "corp-idp", reason: "JWKS http://127.0.0.1:9/keys not read (connection refused)")])
    static let uncomparedConfig = DriftCoverage(issuersSkipped: false, deploymentsSkipped: false, issuers: ["corp-idp", "other-idp"], services: [],
                                                deploymentsUnchecked: [.init(name: "orders-api", deployment: 0, source: "envoy.yaml",
                                                                             reason: "envoy.yaml does not exist")])

    @Test("an issuer drift could not read leaves its drift rules not run for every service that accepts it, with why: not met, not implemented")
    func unreadIssuerIsNotAssessed() throws {
        let report = Self.report()
        let assessment = ControlAssessment(report: report, drift: Self.drift([], coverage: Self.unreadIssuer), today: Self.today)
        let orders = try #require(report.registry.services.first { $0.name == "orders-api" })
        let reason = try #require(assessment.gap(scope: .issuer, for: orders))
        #expect(reason == "the drift run could not read issuer corp-idp's published keys: JWKS http://127.0.0.1:9/keys not read (connection refused)")
        #expect(try Self.state(assessment, "NHI2:2025", "orders-api", in: report) == .notAssessed)
        #expect(try Self.state(assessment, "NHI2:2025", "billing-api", in: report) == .notAssessed)
        // ledger-api accepts other-idp, which was read.
        let ledger = try #require(report.registry.services.first { $0.name == "ledger-api" })
        #expect(assessment.gap(scope: .issuer, for: ledger) == nil)

        let model = Self.model(report, drift: Self.drift([], coverage: Self.unreadIssuer))
        #expect(try Self.cell(model, service: "orders-api", control: "NHI2:2025") == "not-assessed")
        let page = try Self.controlPage(model, "NHI2:2025")
        #expect(!page.metServices.map(\.text).contains("orders-api"))
        let oscal = try Self.requirements(OSCALExport(report: report, today: Self.today, drift: Self.drift([], coverage: Self.unreadIssuer))
            .componentDefinition().serialized())
        let requirement = try #require(oscal[Self.component("orders-api")]?["nhi2-2025"])
        #expect(requirement.props["audreg-status"] == "not-assessed" && requirement.props["implementation-status"] == nil)
        #expect(requirement.statements.contains { ($0["description"] as? String)?.contains("connection refused") == true })
    }

    @Test("a deployment drift could not compare leaves the deployment rules not run for its service, on the controls and on the Enforcers page")
    func uncomparedConfigIsNotAssessed() throws {
        let report = Self.report()
        let drift = Self.drift([], coverage: Self.uncomparedConfig)
        let assessment = ControlAssessment(report: report, drift: drift, today: Self.today)
        let orders = try #require(report.registry.services.first { $0.name == "orders-api" })
        #expect(assessment.gap(scope: .deployment, for: orders) == "the drift run could not compare deployment 'envoy.yaml': envoy.yaml does not exist")
        #expect(assessment.drift.deploymentGap(for: orders, deployment: 0) == assessment.gap(scope: .deployment, for: orders))
        #expect(try Self.state(assessment, "DE.CM-09", "orders-api", in: report) == .notAssessed)
        let model = Self.model(report, drift: drift)
        let point = try #require(model.services.first { $0.name == "orders-api" }?.enforcement.first)
        #expect(point.state == "not-assessed" && point.stateReason == "the drift run could not compare deployment 'envoy.yaml': envoy.yaml does not exist")
        #expect(model.enforcers.checking.isEmpty)
    }

    @Test("a rule the policy turns off hides its finding, never the fact that drift could not compare: no finding and no coverage is not met")
    func offRuleKeepsTheGap() throws {
        let policy = """
            apiVersion: audreg/v1
            kind: Policy
            metadata: {name: default}
            spec:
              severity:
                jwks-unreachable: "off"
                config-provider-missing: "off"
                config-value-unresolved: "off"
                deployment-source-missing: "off"
                source-outside-root: "off"

            """
        let sources = (Self.files + [("policy.yaml", policy)]).map { (path: $0.0, bytes: Array($0.1.utf8)) }
        let report = Validator(today: Self.today).validate(RegistryLoader().load(sources: sources))
        #expect(report.registry.policy.severityOverrides.count == 5)
        let issuer = ControlAssessment(report: report, drift: Self.drift([], coverage: Self.unreadIssuer), today: Self.today)
        #expect(try Self.state(issuer, "NHI2:2025", "orders-api", in: report) == .notAssessed)
        let drift = Self.drift([], coverage: Self.uncomparedConfig)
        #expect(try Self.state(ControlAssessment(report: report, drift: drift, today: Self.today), "DE.CM-09", "orders-api", in: report) == .notAssessed)
        let point = try #require(Self.model(report, drift: drift).services.first { $0.name == "orders-api" }?.enforcement.first)
        #expect(point.state == "not-assessed" && point.stateLabel != "Checks the audience")
    }

    @Test("a report that lists what it tried as checked, without saying what it could not read (an earlier audreg), assesses no drift rule")
    func reportWithoutUnchecked() throws {
        let report = Self.report()
        let old = DriftCoverage(issuersSkipped: false, deploymentsSkipped: false, issuers: ["corp-idp", "other-idp"], services: ["orders-api"],
                                issuersUnchecked: nil, deploymentsUnchecked: nil)
        let json = JSONReporter.render(ValidationReport(findings: [], suppressed: [], rules: [], registry: Registry()),
                                       options: ReportOptions(command: "drift", driftRun: DriftRun(checkedAt: "2026-11-30T09:00:00Z", mode: .live, coverage: old)))
        #expect(!json.contains("unchecked"))
        let directory = TemporaryDirectory()
        let read = try DriftReport.read(path: directory.write("drift.json", json))
        #expect(read.run.coverage == old)
        let assessment = ControlAssessment(report: report, drift: read, today: Self.today)
        #expect(assessment.drift.reportGap?.contains("does not say which comparisons it could not make") == true)
        #expect(try Self.state(assessment, "NHI2:2025", "orders-api", in: report) == .notAssessed)
        #expect(try Self.state(assessment, "DE.CM-09", "orders-api", in: report) == .notAssessed)
    }

    @Test("without a drift report only drift rules did not run: registry rules ran, and OSCAL says so")
    func registryRulesRunWithoutDriftReport() throws {
        let report = Self.report()
        let assessment = ControlAssessment(report: report, drift: nil, today: Self.today)
        let orders = try #require(report.registry.services.first { $0.name == "orders-api" })
        let descriptions = RuleCatalog.builtIn.descriptions
        let registryRule = try #require(descriptions.first { $0.scope == .service && !$0.controls.isEmpty })
        let fileRule = try #require(descriptions.first { $0.scope == .file })
        let driftRule = try #require(descriptions.first { $0.scope == .issuer && $0.appliesWhen == .always })
        #expect(assessment.gap(rule: registryRule.id, for: orders) == nil)
        #expect(assessment.gap(rule: fileRule.id, for: orders) == nil)
        #expect(assessment.gap(rule: driftRule.id, for: orders)?.contains("no drift report was given") == true)

        let oscal = try Self.requirements(OSCALExport(report: report, today: Self.today).componentDefinition().serialized())
        var registryStatements = 0
        for (_, controls) in oscal {
            for (_, requirement) in controls {
                for statement in requirement.statements {
                    let description = statement["description"] as? String ?? ""
                    guard description.contains("(registry entry)") || description.contains("(registry file)") else { continue }
                    registryStatements += 1
                    #expect(!description.contains("no drift report was given"), "\(description)")
                }
            }
        }
        #expect(registryStatements > 0)
    }

    // MARK: the drift report

    @Test("a drift report says what it checked, and reads back with it")
    func coverageRoundTrip() throws {
        let report = Self.report()
        var options = DriftOptions(today: Self.today)
        options.checkDeployments = false
        let planned = DriftRunner(options: options).planned(of: report.registry)
        #expect(planned.issuers == ["corp-idp", "other-idp"] && planned.services.isEmpty)
        // What was read is checked; what was tried and not read is listed with why, and both read back.
        let coverage = DriftCoverage(issuersSkipped: false, deploymentsSkipped: false, issuers: ["corp-idp"], services: [],
                                     issuersUnchecked: [.init(name: "other-idp", reason: "JWKS http://127.0.0.1:9/keys not read (connection refused)")],
                                     deploymentsUnchecked: [.init(name: "orders-api", deployment: 0, source: "envoy.yaml", reason: "envoy.yaml does not exist")])
        let run = DriftRun(checkedAt: "2026-11-30T09:00:00Z", mode: .live, coverage: coverage)
        let suppressed = SuppressedFinding(finding: Self.privateKey, exceptionLocation: SourceLocation(file: "issuers.yaml", line: 9, column: 7),
                                           expires: Day("2027-01-15")!, approvedBy: "security-architecture", ticket: "SEC-9")
        let json = JSONReporter.render(ValidationReport(findings: [], suppressed: [suppressed], rules: [], registry: Registry()),
                                       options: ReportOptions(command: "drift", driftRun: run))
        let directory = TemporaryDirectory()
        let read = try DriftReport.read(path: directory.write("drift.json", json))
        #expect(read.run == run)
        #expect(read.suppressed == [suppressed])
        // A drift finding suppressed by an exception the registry still has makes the control excepted, not met.
        let issuers = Self.files.first { $0.0 == "issuers.yaml" }!.1.replacingOccurrences(
            of: "spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys, algorithms: [RS256]}",
            with: "spec:\n  issuer: https://idp.example.com\n  jwksUri: https://idp.example.com/keys\n  algorithms: [RS256]\n  exceptions:\n    - {rule: jwks-private-key-material, reason: rotating, approvedBy: security-architecture, expires: 2027-01-15, ticket: SEC-9}")
        let withException = Self.report(replacing: ["issuers.yaml": issuers])
        let driftWithSuppression = DriftReport(run: Self.drift([]).run, findings: [], suppressed: read.suppressed)
        let assessment = ControlAssessment(report: withException, drift: driftWithSuppression, today: Self.today)
        let result = try #require(assessment.assess(ControlCatalog.builtIn.control("NHI2:2025")!,
                                                    for: withException.registry.services.first { $0.name == "orders-api" }!))
        #expect(result.state == .excepted && result.exceptedUntil == Day("2027-01-15"))
        // The report remembers the exception of its day; once the registry no longer has it (removed, or
        // expired by --today), the finding is open again.
        for (registry, today) in [(report, Self.today), (withException, Day("2027-01-16")!)] {
            let lapsed = ControlAssessment(report: registry, drift: driftWithSuppression, today: today, maxDriftAgeDays: 365)
            let state = try #require(lapsed.assess(ControlCatalog.builtIn.control("NHI2:2025")!,
                                                   for: registry.registry.services.first { $0.name == "orders-api" }!)).state
            #expect(state == .failing, "\(today)")
        }
    }
}
