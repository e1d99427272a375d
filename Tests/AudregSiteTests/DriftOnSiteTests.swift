import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

/// `audreg build --drift-report`: the last drift run on the service, issuer and Drift pages.
@Suite("Drift on the site")
struct DriftOnSiteTests {
    static let examplesOffline = Paths.fixture("drift/example-offline")

    /// The example registry's drift, as `audreg drift registry --offline … --format json` reports it.
    static func exampleDrift() async throws -> DriftReport {
        try await DriftTest.exampleDrift(today: SiteTestSupport.today)
    }

    @Test("the JSON of a drift run reads back as the same findings, time and mode")
    func jsonRoundTrip() async throws {
        let offline = try OfflineDocumentSource(directory: Self.examplesOffline)
        let report = try await DriftTest.run(directory: Paths.exampleRegistry, source: offline, today: SiteTestSupport.today)
        let run = DriftRun(checkedAt: offline.takenAt, mode: .offline)
        #expect(run.checkedAt == "2026-11-30T09:00:00Z")
        let json = JSONReporter.render(report, options: ReportOptions(command: "drift", driftRun: run))
        let directory = TemporaryDirectory()
        let path = directory.write("drift.json", json)
        let read = try DriftReport.read(path: path)
        #expect(read.run == run)
        // Related locations come back with their start (the report writes no end for them), entity and message.
        #expect(read.findings == report.findings.map { finding in
            var copy = finding
            copy.related = finding.related.map {
                RelatedLocation(SourceLocation(file: $0.location.file, line: $0.location.line, column: $0.location.column),
                                entity: $0.entity, message: $0.message)
            }
            return copy
        })
        #expect(read.findings.first?.related.contains { $0.message == "the registry's deployment entry" } == true)
        #expect(read.findings.map(\.ruleID) == ["config-audience-broadened"])

        // Every character drift's JSON writer escapes comes back as it was.
        let odd = Finding(ruleID: "jwks-kid-problem", severity: .warning, message: "\"q\" \\ / <a&b> \t\n\r \u{1} é 😀 \u{2028}",
                          location: SourceLocation(file: "d/x y.yaml", line: 3, column: 7), entity: EntityRef(.issuer, "corp-idp"))
        let oddJSON = JSONReporter.render(ValidationReport(findings: [odd], suppressed: [], rules: [], registry: Registry()),
                                          options: ReportOptions(command: "drift", driftRun: DriftRun(checkedAt: nil, mode: .live)))
        let oddRead = try DriftReport.read(path: directory.write("odd.json", oddJSON))
        #expect(oddRead.findings == [odd] && oddRead.run == DriftRun(checkedAt: nil, mode: .live))
    }

    @Test("a live run is dated now, or at SOURCE_DATE_EPOCH when set")
    func liveTime() {
        #expect(DriftRun.now(environment: ["SOURCE_DATE_EPOCH": "1796032800"]) == "2026-11-30T10:00:00Z")
        let now = DriftRun.now(environment: [:])
        #expect(now.hasSuffix("Z") && now.count == 20)
    }

    @Test("a file that is not a drift report is refused at its line and column, with what is wrong and how to make one",
          arguments: [
            ("not json", "1:1", "is not a JSON object"),
            ("{\"drift\": {\"mode\": \"live\"},\n \"findings\": [\n", "3:1", "is not valid JSON"),
            (#"{"findings": [], "summary": {}}"#, "1:1", "has no 'drift' object"),
            (#"{"drift": {"mode": "yesterday"}, "findings": []}"#, "1:20", "drift.mode must be"),
            (#"{"drift": {"mode": "live", "checkedAt": "2026-11-30 <b>x</b>"}, "findings": []}"#, "1:41", "drift.checkedAt must be a UTC time"),
            (#"{"drift": {"mode": "live", "checkedAt": "2026-11-30T25:00:00Z"}, "findings": []}"#, "1:41", "drift.checkedAt must be a UTC time"),
            (#"{"drift": {"mode": "live", "registry": 7}, "findings": []}"#, "1:40", "drift.registry must be a string"),
            (#"{"drift": {"mode": "live"}, "findings": [{"rule": "no-such-rule"}]}"#, "1:51", "findings[0].rule 'no-such-rule' is not a rule"),
            ("{\"drift\": {\"mode\": \"live\"},\n \"findings\": [\n  {\"rule\": 3}\n ]\n}\n", "3:12", "findings[0].rule must be a string"),
            (#"{"drift": {"mode": "live"}, "findings": [{"rule": "jwks-kid-problem", "severity": "fatal"}]}"#, "1:83", "findings[0].severity"),
            (#"{"drift": {"mode": "live"}, "findings": [{"rule": "jwks-kid-problem", "severity": "error", "message": "m", "file": "f"}]}"#,
             "1:42", "findings[0] needs file, line and column"),
            (#"{"drift": {"mode": "live"}, "findings": [{"rule": "jwks-kid-problem", "severity": "error", "message": "m", "file": "f", "line": 1, "column": 1, "entity": "Gateway/x"}]}"#,
             "1:155", "findings[0].entity 'Gateway/x' is not Kind/name"),
          ])
    func badReports(text: String, position: String, problem: String) throws {
        let directory = TemporaryDirectory()
        let path = directory.write("drift.json", text)
        #expect {
            try DriftReport.read(path: path)
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("\(path):\(position): ") && message.contains(problem) && message.contains("audreg drift --format json")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text, "the report is left as it was")
    }

    @Test("service and issuer pages show their own drift; the Drift page shows all, dated, and counts stale entries")
    func pages() throws {
        let report = try SiteTestSupport.report(directory: Paths.exampleRegistry)
        let at = SourceLocation(file: "deploy/envoy/x.yaml", line: 3, column: 5)
        let drift = DriftReport(run: DriftRun(checkedAt: "2026-11-30T09:00:00Z", mode: .live), findings: [
            Finding(ruleID: "config-audience-broadened", severity: .error, message: "broadened", location: at,
                    entity: EntityRef(.service, "orders-api")),
            Finding(ruleID: "jwks-kid-problem", severity: .warning, message: "duplicate kid", location: at,
                    entity: EntityRef(.issuer, "corp-idp")),
            Finding(ruleID: "jwks-unreachable", severity: .error, message: "gone", location: at,
                    entity: EntityRef(.issuer, "retired-idp")),
        ])
        let model = SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"), drift: drift)
        let orders = try #require(model.services.first { $0.name == "orders-api" })
        #expect(orders.drift.reported && orders.drift.when == "2026-11-30T09:00:00Z, live")
        #expect(orders.drift.findings.map(\.message) == ["broadened"])
        #expect(model.services.filter { $0.name != "orders-api" }.allSatisfy { $0.drift.reported && $0.drift.findings.isEmpty })
        let issuer = try #require(model.issuers.items.first { $0.name == "corp-idp" })
        #expect(issuer.drift.findings.map(\.message) == ["duplicate kid"])
        #expect(model.drift.drift.findings.count == 3)
        #expect(model.drift.unmatched == 1 && model.drift.hasUnmatched)
        #expect(model.drift.severities.map(\.count) == [2, 1, 0])
        #expect(model.overview.driftCount == 3)

        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        let page = try #require(files["services/orders-api.html"])
        #expect(page.contains("From the drift run of 2026-11-30T09:00:00Z, live"))
        // The issuer's finding is not orders-api's drift, but it exposes orders-api, which accepts corp-idp.
        #expect(orders.exposedFindings.map(\.message) == ["duplicate kid"])
        let driftSection = try #require(page.components(separatedBy: "id=\"drift-heading\"").last?.components(separatedBy: "</section>").first)
        #expect(driftSection.contains("broadened") && !driftSection.contains("duplicate kid"))
        #expect(page.contains("Findings elsewhere that expose this service"))
        #expect(try #require(files["drift.html"]).contains("Stale"))
        #expect(try #require(files["markdown/docs/drift.md"]).contains("Run of 2026-11-30T09:00:00Z, live."))
    }

    @Test("the Drift page lists the run's notes, each value through the page's encoder; none: no section")
    func runNotes() throws {
        let report = try SiteTestSupport.report(directory: Paths.exampleRegistry)
        var run = DriftRun(checkedAt: "2026-11-30T09:00:00Z", mode: .live)
        run.notes = [DriftNote(kind: "content-type", subject: "https://idp.example.com/keys?a=<b>&c=*d*",
                               message: "The JWKS is served as 'text/plain\u{202E}<script>'; enforcers read it as JSON anyway")]
        let files = try SiteBuilder.renderAll(model: SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"),
                                                                     drift: DriftReport(run: run, findings: [])), templates: .builtIn)
        let html = try #require(files["drift.html"])
        #expect(html.contains("<h2 id=\"run-notes\">Run notes</h2>"))
        #expect(html.contains("<li><code>content-type</code> <span class=\"note-subject\">https://idp.example.com/keys?a=&lt;b&gt;&amp;c=*d*</span>: "))
        #expect(html.contains("text/plainU+202E&lt;script&gt;") && !html.contains("<script>") && !html.contains("\u{202E}"), "\(html)")
        let markdown = try #require(files["markdown/docs/drift.md"])
        #expect(markdown.contains("## Run notes") && markdown.contains("- **content-type** https://idp.example.com/keys?a="), "\(markdown)")
        #expect(!markdown.contains("*d*") && !markdown.contains("\u{202E}"), "Markdown emphasis and bidi controls are escaped: \(markdown)")
        // The kind is not in a code span, where a backslash escape would show as written: a kind that is
        // Markdown comes out escaped like every other value.
        var hostile = run
        hostile.notes = [DriftNote(kind: "a`b*c", subject: "s", message: "m")]
        let hostileFiles = try SiteBuilder.renderAll(model: SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"),
                                                                            drift: DriftReport(run: hostile, findings: [])), templates: .builtIn)
        #expect(try #require(hostileFiles["markdown/docs/drift.md"]).contains("- **a\\`b\\*c** s: m"))

        let quiet = try SiteBuilder.renderAll(model: SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"),
                                                                      drift: DriftReport(run: DriftRun(checkedAt: nil, mode: .live), findings: [])), templates: .builtIn)
        #expect(!(try #require(quiet["drift.html"])).contains("Run notes"))
    }

    @Test("without a report every drift section says how to add one")
    func noReport() throws {
        let report = try SiteTestSupport.report(directory: Paths.exampleRegistry)
        let model = SiteModel.build(report: report, today: SiteTestSupport.today, tokenFlow: .init(svg: "", engine: "none"))
        #expect(model.services.allSatisfy { !$0.drift.reported })
        let files = try SiteBuilder.renderAll(model: model, templates: .builtIn)
        #expect(try #require(files["drift.html"]).contains("built without a drift report"))
        #expect(try #require(files["services/orders-api.html"]).contains("built without a drift report"))
    }

    @Test("audreg build --drift-report: the CLI reads drift's JSON; a bad report is exit 2 and the site is untouched")
    func cli() throws {
        let directory = TemporaryDirectory()
        let drift = try audreg("drift", "registry", "--offline", Self.examplesOffline, "--format", "json", "--today", "2026-12-01",
                               in: Paths.packageRoot)
        #expect(drift.status == 1, "\(drift.stderr)")
        let report = directory.write("drift.json", drift.stdout)
        let site = directory.path + "/site"
        let build = try audreg("build", Paths.exampleRegistry, "--out", site, "--today", "2026-12-01", "--drift-report", report)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try String(contentsOfFile: site + "/services/storefront-gateway.html", encoding: .utf8)
        #expect(page.contains("config-audience-broadened") && page.contains("deploy/envoy/storefront-gateway.yaml:"))
        let before = SiteTestSupport.tree(site)

        let bad = directory.write("validate.json", try audreg("validate", Paths.exampleRegistry, "--format", "json").stdout)
        let refused = try audreg("build", Paths.exampleRegistry, "--out", site, "--today", "2026-12-01", "--drift-report", bad)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("has no 'drift' object"))
        #expect(SiteTestSupport.tree(site) == before)
    }

    @Test("audreg build --drift-report refuses a report cut by drift --max-findings, marked or (older) by its summary alone, and says to run drift without it")
    func cutReport() throws {
        let directory = TemporaryDirectory()
        var documents = ["apiVersion: audreg/v1\nkind: Issuer\nmetadata: {name: corp-idp}\nspec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}\n"]
        // Two services whose Envoy providers check no audience: two errors, one of which --max-findings 1 cuts away.
        for name in ["alpha-api", "beta-api"] {
            documents.append("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: \(name)}
                spec:
                  audiences: [https://\(name).example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: envoy-jwt-authn, source: \(name).yaml}

                """)
            _ = directory.write("registry/\(name).yaml", """
                name: envoy.filters.http.jwt_authn
                typed_config:
                  providers:
                    corp: {issuer: https://idp.example.com, remote_jwks: {http_uri: {uri: https://idp.example.com/keys}}}
                  rules: [{match: {prefix: /}, requires: {provider_name: corp}}]
                """)
        }
        _ = directory.write("registry/registry.yaml", documents.joined(separator: "---\n"))
        let registry = directory.path + "/registry"
        func drift(_ extra: String...) throws -> String {
            let run = try AudregTestHelpers.run(Paths.executable, ["drift", registry, "--skip-issuers", "--format", "json", "--today", "2026-12-01"] + extra)
            #expect(run.status == 1, "\(run.stderr)")
            return run.stdout
        }
        let full = directory.write("full.json", try drift())
        try #require(try DriftReport.read(path: full).findings.filter { $0.severity == .error }.count == 2)
        let cut = try drift("--max-findings", "1")
        #expect(cut.contains("\"omitted\":"), "the JSON says it was cut")

        let site = directory.path + "/site"
        let built = try audreg("build", registry, "--out", site, "--today", "2026-12-01", "--drift-report", full)
        #expect(built.status == 0, "\(built.stderr)")
        let before = SiteTestSupport.tree(site)
        // An older audreg wrote no `omitted`: the summary, which counts what was left out, gives the cut away.
        var older = try #require(JSONSerialization.jsonObject(with: Data(cut.utf8)) as? [String: Any])
        older["omitted"] = nil
        let olderJSON = String(decoding: try JSONSerialization.data(withJSONObject: older), as: UTF8.self)
        for (name, json) in [("cut.json", cut), ("older.json", olderJSON)] {
            let path = directory.write(name, json)
            #expect(throws: DriftReportError.self, "\(name)") { try DriftReport.read(path: path) }
            let refused = try audreg("build", registry, "--out", site, "--today", "2026-12-01", "--drift-report", path)
            #expect(refused.status == 2, "\(name): \(refused.stderr)")
            #expect(refused.stderr.contains("run 'audreg drift' without --max-findings"), "\(name): \(refused.stderr)")
            #expect(SiteTestSupport.tree(site) == before, "\(name): the site is untouched")
        }
        #expect(try audreg("build", registry, "--out", site, "--today", "2026-12-01", "--drift-report", directory.path + "/older.json")
            .stderr.contains("summary does not count the findings listed (it counts 2 errors"))
    }
}
