import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
import AudregTestHelpers

@Suite("Rendering: view models")
struct SiteModelTests {
    @Test func exampleRegistryHasOnePagePerServiceRuleAndControl() throws {
        let report = try SiteTestSupport.report(directory: SiteTestSupport.exampleRegistry)
        let model = SiteTestSupport.model(report)
        let names = model.services.map(\.name)
        #expect(names == names.sorted())
        #expect(Set(names).count == Set(report.registry.services.map(\.name)).count)
        #expect(model.rules.map(\.id) == RuleCatalog.builtIn.descriptions.map(\.id))
        let controlCount = ControlCatalog.builtIn.frameworks.reduce(0) { $0 + $1.controls.count }
        #expect(model.controls.count == controlCount)
        #expect(Set(model.controls.map(\.path)).count == controlCount, "control page paths are unique")
        #expect(model.controlsIndex.rows.count == names.count)
        #expect(model.controlsIndex.rows.allSatisfy { $0.cells.count == controlCount })
    }

    @Test func theOverviewListsAnExpiredExceptionAndAServiceWithoutTitleShowsItsNameOnce() throws {
        let report = SiteTestSupport.report(yaml: """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: [https://orders.api.example.com, https://orders-legacy.api.example.com]
              exceptions:
                - {rule: multiple-audiences, reason: Legacy clients., approvedBy: security, expires: 2026-11-28}
            """)
        let model = SiteTestSupport.model(report)
        let listed = model.overview.expiringSoon.map(\.when)
        #expect(listed == ["expired 2026-11-28, 3 days ago, and suppresses nothing"], "\(listed)")
        let pages = try SiteTestSupport.render(report)
        let html = try #require(pages["services/orders-api.html"])
        #expect(html.contains("<h1><code class=\"entity-name\">orders-api</code></h1>"))
        let markdown = try #require(pages["markdown/docs/services/orders-api.md"] ?? pages.first { $0.key.hasSuffix("services/orders-api.md") }?.value)
        #expect(markdown.contains("# orders-api\n"))
    }

    @Test func servicePageAnswersTheThreeQuestionsSeparately() throws {
        let report = try SiteTestSupport.report(directory: SiteTestSupport.exampleRegistry)
        let model = SiteTestSupport.model(report)
        let orders = try #require(model.services.first { $0.name == "orders-api" })
        #expect(orders.accepts.map(\.issuerName) == ["corp-idp"])
        #expect(orders.accepts[0].algorithms == "RS256")
        #expect(orders.accepts[0].tokenTypes == "at+jwt")
        #expect(orders.accepts[0].jwks?.externalURL == "https://id.larkspur.example/oauth2/keys")
        #expect(orders.audiences.map(\.value) == ["https://orders.api.larkspur.example", "https://orders-legacy.api.larkspur.example"])
        #expect(orders.scopes == ["orders.read", "orders.write"])
        #expect(orders.downstream.map(\.toText) == ["inventory-api", "notifications-worker"])
        #expect(orders.downstream.map(\.mode) == ["token-exchange", "new-token"])
        #expect(orders.upstream.map(\.fromText) == ["storefront-gateway"])
        #expect(orders.owner?.href == "teams.html#team-team-orders")
        // The approved exception for multiple-audiences suppresses a finding and shows up as excepted.
        #expect(orders.exceptions.map(\.ruleText) == ["multiple-audiences"])
        #expect(orders.exceptions[0].status == "active")
        #expect(orders.exceptions[0].daysLeft == "211")
        #expect(orders.exceptions[0].suppressedCount == "1")
        let excepted = orders.controlsAttention.filter { $0.status == "excepted" }
        #expect(!excepted.isEmpty)
        #expect(excepted.allSatisfy { $0.exceptedRules.map(\.text) == ["multiple-audiences"] && $0.failingRules.isEmpty })
        #expect(!orders.controlsAttention.contains { $0.status == "failing" }, "orders-api fails no control")
        // Built without a drift report: the controls drift rules evidence are not assessed, with why.
        let unassessed = orders.controlsAttention.filter { $0.status == "not-assessed" }
        #expect(excepted.count + unassessed.count == orders.controlsAttention.count)
        #expect(!unassessed.isEmpty && unassessed.allSatisfy { !$0.notRun.isEmpty && $0.notRun.contains { $0.reason.contains("no drift report") }
            && $0.notRun.allSatisfy { $0.reason.contains("no drift report") || RuleApplicability.isNothingToCheck($0.reason) } })
        #expect(!orders.controlsMet.isEmpty && orders.controlsMet.allSatisfy { $0.status == "met" })
    }

    @Test func controlStatusIsFailingWhenAnEvidencingRuleHasAFinding() throws {
        let yaml = SiteTestSupport.issuerAndTeam + "\n---\n" + SiteTestSupport.service("alpha", audience: "https://alpha.example.com")
            + "\n---\n" + SiteTestSupport.service("beta", audience: "https://alpha.example.com")
        let report = SiteTestSupport.report(yaml: yaml)
        #expect(report.findings.contains { $0.ruleID == "audience-collision" })
        let model = SiteTestSupport.model(report)
        let alpha = try #require(model.services.first { $0.name == "alpha" })
        let failing = alpha.controlsAttention.filter { $0.status == "failing" }
        #expect(!failing.isEmpty)
        let collisionControls = try #require(RuleCatalog.builtIn.rule(id: "audience-collision")).controls
        for id in collisionControls {
            let canonical = try #require(ControlCatalog.builtIn.control(id)).id
            #expect(failing.contains { $0.controlID == canonical })
        }
        // The audiences page highlights the shared audience.
        let row = try #require(model.audiences.items.first { $0.value == "https://alpha.example.com" })
        #expect(row.shared && row.flagged)
        #expect(row.services.map(\.text) == ["alpha", "beta"])
        #expect(row.flags.contains { $0.rule.text == "audience-collision" })
    }

    /// The Audiences page shows the findings of the rules that declare they flag an audience value,
    /// whatever their IDs: a catalog without the collision rule shows no collision beside the value.
    @Test func audiencesPageFlagsTheRulesThatDeclareIt() throws {
        let flagging = RuleCatalog.builtIn.descriptions.filter(\.flagsAudienceValue).map(\.id)
        #expect(flagging == ["audience-collision", "audience-confusable", "audience-encodes-authorization", "audience-missing",
                             "audience-overlap", "audience-too-broad", "audience-wildcard", "multiple-audiences"])
        let yaml = SiteTestSupport.issuerAndTeam + "\n---\n" + SiteTestSupport.service("alpha", audience: "https://alpha.example.com")
            + "\n---\n" + SiteTestSupport.service("beta", audience: "https://alpha.example.com")
        let report = SiteTestSupport.report(yaml: yaml)
        #expect(report.findings.contains { $0.ruleID == "audience-collision" })
        let withoutCollision = RuleCatalog(rules: RuleCatalog.builtIn.rules.filter { ObjectIdentifier($0) != ObjectIdentifier(AudienceCollisionRule.self) })
        let model = SiteModel.build(report: report, catalog: withoutCollision, today: SiteTestSupport.today,
                                    tokenFlow: .init(svg: "", engine: "none"))
        let row = try #require(model.audiences.items.first { $0.value == "https://alpha.example.com" })
        #expect(row.shared && row.flags.isEmpty)
        let full = SiteTestSupport.model(report).audiences.items.first { $0.value == "https://alpha.example.com" }
        #expect(full?.flags.contains { $0.rule.text == "audience-collision" } == true)
    }

    @Test func audiencesPageHighlightsConfusablesAndOverlaps() throws {
        let yaml = SiteTestSupport.issuerAndTeam + "\n---\n"
            + SiteTestSupport.service("alpha", audience: "https://api.example.com/orders") + "\n---\n"
            + SiteTestSupport.service("beta", audience: "https://API.example.com/orders/") + "\n---\n"
            + SiteTestSupport.service("gamma", audience: "https://api.example.com/orders/refunds") + "\n---\n"
            + SiteTestSupport.service("delta", audience: "https://other.example.com")
        let model = SiteTestSupport.model(SiteTestSupport.report(yaml: yaml))
        let rows = Dictionary(uniqueKeysWithValues: model.audiences.items.map { ($0.value, $0) })
        #expect(model.audiences.items.map(\.value) == model.audiences.items.map(\.value).sorted())
        #expect(rows["https://API.example.com/orders/"]?.flags.map(\.rule.text).contains("audience-confusable") == true)
        #expect(rows["https://api.example.com/orders/refunds"]?.flags.map(\.rule.text).contains("audience-overlap") == true)
        #expect(rows["https://api.example.com/orders/refunds"]?.flagged == true)
        #expect(rows["https://other.example.com"]?.flagged == false)
        #expect(rows["https://other.example.com"]?.flags.isEmpty == true)
    }

    @Test func overviewListsExceptionsExpiringWithinThirtyDays() throws {
        let soon = """
              exceptions:
                - rule: multiple-audiences
                  reason: migration
                  approvedBy: security
                  expires: 2026-12-20
                  ticket: SEC-1
            """
        let yaml = SiteTestSupport.issuerAndTeam + "\n---\n"
            + SiteTestSupport.service("alpha", audience: "https://a.example.com, https://b.example.com", extra: soon)
        let model = SiteTestSupport.model(SiteTestSupport.report(yaml: yaml))
        #expect(model.overview.expiringSoon.map(\.entityText) == ["Service/alpha"])
        #expect(model.overview.expiringSoon[0].daysLeft == "19")
        #expect(model.overview.expiringSoon[0].status == "expiring")
        #expect(model.overview.severities.first { $0.severity == "suppressed" }?.count == 1)
    }

    @Test func searchIndexFindsAServiceByAudienceFragment() throws {
        let report = try SiteTestSupport.report(directory: SiteTestSupport.exampleRegistry)
        let model = SiteTestSupport.model(report)
        let hits = model.search.items.filter { $0.kind == "Service" && $0.detail.contains("orders-legacy") }
        #expect(hits.map(\.title) == ["orders-api"])
        let json = SearchIndex.text(model.search.items)
        #expect(json.contains("\"u\":\"services/orders-api.html\""))
    }

    /// The index is written without a JSON tree; it must say what the tree would, escapes included.
    @Test func searchIndexIsTheJSONOfItsEntries() throws {
        let report = try SiteTestSupport.report(directory: SiteTestSupport.exampleRegistry)
        var entries = Array(SiteTestSupport.model(report).search.items)
        entries.append(SearchEntry(kind: "Service", title: "q\"uote\\ </script> \u{7} \u{2028} é 🚀", link: SiteModel.serviceLink("x"), detail: "line\nbreak\ttab\r & > \u{2029} \u{1F} \u{7F} \u{2027} \u{202A}"))
        let tree = JSONValue.array(entries.map { entry in
            .object([("k", .string(entry.kind)), ("t", .string(entry.title)), ("u", .string(entry.link.href)), ("d", .string(entry.detail))])
        })
        #expect(SearchIndex.text(entries) == tree.serialized(pretty: false))
        #expect(SearchIndex.text([]) == "[]")
        // Both forms share one escaper, so the escapes themselves are checked against written-out text:
        // DEL and the bidi control are escaped, a harmless U+2027 is not.
        let escaped = #"[{"k":"Service","t":"q\"uote\\ \u003c/script\u003e \u0007 \u2028 é 🚀","u":"\#(entries.last!.link.href)","#
            + #""d":"line\nbreak\ttab\r \u0026 \u003e \u2029 \u001f \u007f \#u{2027} \u202a"}]"#
        #expect(SearchIndex.text([entries.last!]) == escaped)
    }

    @Test func slugsAreSafeAndUnique() {
        #expect(Slug.make("GOVERN 1.6") == "govern-1-6")
        #expect(Slug.make("PR.AA-05") == "pr-aa-05")
        #expect(Slug.make("../../etc/passwd") == "etc-passwd")
        #expect(Slug.make("ÄÖ") == "x")
        let unique = Slug.unique(["A.1", "a-1", "A 1"])
        #expect(Set(unique.values).count == 3)
        #expect(unique["A.1"] == "a-1" && unique["a-1"] == "a-1-2")
    }
}
