import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
import AudregTestHelpers

/// The enforcement points of each service and the Enforcers page: whether each deployment checks the
/// audience, from the drift report, and never "checks" when nothing was read.
@Suite("Enforcement points")
struct EnforcementPointsTests {
    static let deployments = """
          deployments:
            - kind: envoy-jwt-authn
              source: ../deploy/envoy.yaml
              provider: alpha_idp
            - kind: kong
              source: ../deploy/kong.yaml
              provider: alpha
        """

    static func registry() throws -> ValidationReport {
        let directory = try SiteTestSupport.registry([
            "alpha": SiteTestSupport.service("alpha", audience: "https://alpha.example", extra: deployments),
            "beta": SiteTestSupport.service("beta", audience: "https://beta.example", extra: """
                  deployments:
                    - kind: spring-boot
                      source: ../deploy/beta/application.yml
                  exceptions:
                    - {rule: config-verification-skipped, reason: migrating, approvedBy: sec, expires: 2027-01-31}
                """),
            "gamma": SiteTestSupport.service("gamma", audience: "https://gamma.example"),
        ])
        return try SiteTestSupport.report(directory: directory)
    }

    static let run = DriftRun(checkedAt: "2026-11-30T09:00:00Z", mode: .live,
                              coverage: DriftCoverage(issuersSkipped: false, deploymentsSkipped: false, issuers: ["idp"], services: ["alpha", "beta"]))

    /// A drift report as `audreg drift --format json` writes it, read back as `build --drift-report` reads it.
    static func driftReport(_ findings: [Finding]) throws -> DriftReport {
        let json = JSONReporter.render(ValidationReport(findings: findings, suppressed: [], rules: [], registry: Registry()),
                                       options: ReportOptions(command: "drift", driftRun: run))
        let directory = TemporaryDirectory()
        return try DriftReport.read(path: directory.write("drift.json", json))
    }

    static func build(_ report: ValidationReport, drift: DriftReport?) -> SiteModel {
        SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"), drift: drift)
    }

    @Test("a config-audience-unchecked finding marks its deployment off on the service page and first on the Enforcers page; the others check")
    func uncheckedDeployment() throws {
        let report = try Self.registry()
        let alpha = try #require(report.registry.services.first { $0.name == "alpha" })
        let kong = alpha.deployments[1]
        let unchecked = Finding(ruleID: "config-audience-unchecked", severity: .error,
                                message: "service 'alpha': Kong openid-connect plugin 'alpha' sets no audiences: every audience passes",
                                location: SourceLocation(file: "../deploy/kong.yaml", line: 12, column: 5), entity: alpha.ref,
                                related: [RelatedLocation(alpha.audiencesLocation, entity: alpha.ref, message: "the audiences the registry lists"),
                                          RelatedLocation(kong.location, entity: alpha.ref, message: "the registry's deployment entry")])
        let drift = try Self.driftReport([unchecked])
        #expect(drift.findings.first?.related.map(\.message) == ["the audiences the registry lists", "the registry's deployment entry"],
                "the report keeps which deployment entry a finding is about")
        let model = Self.build(report, drift: drift)

        let page = try #require(model.services.first { $0.name == "alpha" })
        #expect(page.enforcement.map(\.kind) == ["envoy-jwt-authn", "kong"])
        #expect(page.enforcement.map(\.state) == ["checks", "unchecked"])
        #expect(page.enforcement[1].driftFindings.map(\.rule.text) == ["config-audience-unchecked"])
        #expect(page.enforcement[1].driftFindings.first?.location == "../deploy/kong.yaml:12:5")
        #expect(page.enforcement[1].enforcer == "Kong openid-connect plugin (decK) or Kong jwt plugin (OSS)")
        #expect(page.enforcement[0].whenOmitted == "not checked: every audience passes")
        let beta = try #require(model.services.first { $0.name == "beta" })
        #expect(beta.enforcement.map(\.state) == ["checks"])
        #expect(try #require(model.services.first { $0.name == "gamma" }).enforcement.isEmpty)

        let enforcers = model.enforcers
        #expect(enforcers.reported && enforcers.total == 3)
        #expect(enforcers.off.map { "\($0.service.text) \($0.kind)" } == ["alpha kong"])
        #expect(enforcers.unassessed.isEmpty)
        #expect(enforcers.checking.map { "\($0.service.text) \($0.kind)" } == ["alpha envoy-jwt-authn", "beta spring-boot"])
        #expect(enforcers.undeclared.map(\.text) == ["gamma"] && enforcers.undeclaredCount == 1)
        #expect(enforcers.enforcers.count == EnforcerTable.rows.count)
        #expect(enforcers.enforcers.contains { $0.kind == "kong" && $0.whenOmitted == "cannot be checked: the enforcer has no audience setting" })

        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let service = try #require(files["services/alpha.html"])
        let section = try #require(service.components(separatedBy: "id=\"enforcement-heading\"").last?.components(separatedBy: "</section>").first)
        #expect(section.contains("as the drift run of 2026-11-30T09:00:00Z, live found it"))
        #expect(section.contains("<span aria-hidden=\"true\">✗</span> Audience unchecked</span>"))
        #expect(section.contains("<a href=\"../rules/config-audience-unchecked.html\">config-audience-unchecked</a>"))
        #expect(section.contains("<span aria-hidden=\"true\">✓</span> Checks the audience</span>"))
        let html = try #require(files["enforcers.html"])
        let off = try #require(html.components(separatedBy: "id=\"off-heading\"").last?.components(separatedBy: "</section>").first)
        #expect(off.contains("<a href=\"services/alpha.html\">alpha</a>") && off.contains("Audience unchecked") && !off.contains("beta"))
        #expect(html.contains("<a href=\"https://developer.konghq.com/plugins/jwt/reference/\" rel=\"noopener noreferrer\">"))
        #expect(html.contains("<a href=\"enforcers.html\" aria-current=\"page\">Enforcers</a>"))
        #expect(html.contains("1 service(s) declare no deployment, so where their audience is enforced is not known: <a href=\"services/gamma.html\">gamma</a>"))
        let markdown = try #require(files["markdown/docs/enforcers.md"])
        #expect(markdown.contains("| [alpha](services/alpha.md) | kong | "))
        #expect(markdown.contains("**Audience unchecked** · [config-audience-unchecked](rules/config-audience-unchecked.md)"))
        #expect(try #require(files["markdown/docs/services/alpha.md"]).contains("## Enforcement points"))
    }

    @Test("without a drift report every enforcement point is not assessed, with what its enforcer does when the audience is omitted")
    func withoutReport() throws {
        let report = try Self.registry()
        let model = Self.build(report, drift: nil)
        let points = model.services.flatMap(\.enforcement)
        #expect(points.count == 3)
        #expect(points.allSatisfy { $0.state == "not-assessed" && ($0.stateReason ?? "").contains("no drift report was given") })
        #expect(!model.enforcers.reported && model.enforcers.off.isEmpty && model.enforcers.checking.isEmpty)
        #expect(model.enforcers.unassessed.count == 3)

        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let service = try #require(files["services/alpha.html"])
        #expect(service.contains("not assessed, since this site was built without a drift report"))
        #expect(service.contains("<span aria-hidden=\"true\">?</span> Not assessed</span>"))
        #expect(!service.contains("Checks the audience"))
        #expect(service.contains("<td>not checked: every audience passes</td>"))
        let html = try #require(files["enforcers.html"])
        #expect(html.contains("Not known: nothing was assessed.") && !html.contains("status-met\"><span aria-hidden=\"true\">✓</span> Checks"))
    }

    @Test("a finding that names no deployment entry of a service with several leaves none of them checking")
    func unattributed() throws {
        let report = try Self.registry()
        let alpha = try #require(report.registry.services.first { $0.name == "alpha" })
        let finding = Finding(ruleID: "config-audience-broadened", severity: .error, message: "broadened",
                              location: SourceLocation(file: "../deploy/envoy.yaml", line: 3, column: 5), entity: alpha.ref)
        let model = Self.build(report, drift: DriftReport(run: Self.run, findings: [finding]))
        let page = try #require(model.services.first { $0.name == "alpha" })
        #expect(page.enforcement.map(\.state) == ["not-assessed", "not-assessed"])
        #expect(page.enforcement.allSatisfy { ($0.stateReason ?? "").contains("not which of its deployments") })
        // With one deployment the finding can only be about it.
        let beta = try #require(report.registry.services.first { $0.name == "beta" })
        let skipped = Finding(ruleID: "config-verification-skipped", severity: .error, message: "skipped",
                              location: SourceLocation(file: "../deploy/beta/application.yml", line: 1, column: 1), entity: beta.ref)
        let suppressed = SuppressedFinding(finding: skipped, exceptionLocation: beta.origin.location, expires: Day("2027-01-31")!, approvedBy: "sec")
        let excepted = Self.build(report, drift: DriftReport(run: Self.run, findings: [], suppressed: [suppressed]))
        let point = try #require(excepted.services.first { $0.name == "beta" }?.enforcement.first)
        #expect(point.state == "skipped" && point.stateReason == "its finding is excepted until 2027-01-31, which does not turn the check on")
        #expect(excepted.enforcers.off.map(\.service.text) == ["beta"])
    }
}
