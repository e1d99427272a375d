import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Trust diff")
struct TrustDiffTests {
    static let differ = TrustDiffer(today: PRSupport.today)

    /// The change the issue describes: a new audience, a hop switched to passthrough, an exception extended.
    static func wideningChange(_ registry: String) throws {
        try PRSupport.edit(registry, "services/production/search-api.yaml",
                           replacing: "    - https://search.api.larkspur.example\n",
                           with: "    - https://search.api.larkspur.example\n    - https://search-v2.api.larkspur.example\n")
        try PRSupport.edit(registry, "services/production/storefront-gateway.yaml",
                           replacing: "    - service: payments-api\n      mode: token-exchange",
                           with: "    - service: payments-api\n      mode: passthrough")
        try PRSupport.edit(registry, "services/production/orders-api.yaml",
                           replacing: "expires: 2027-06-30", with: "expires: 2027-09-30")
    }

    static func diff(_ edit: (String) throws -> Void) throws -> TrustDiff {
        let head = try PRSupport.copyOfExampleRegistry()
        defer { try? FileManager.default.removeItem(atPath: (head as NSString).deletingLastPathComponent) }
        try edit(head)
        return try differ.diff(baseDirectory: PRSupport.path("registry"), headDirectory: head)
    }

    /// Enforcers compare bytes: `caf\u{E9}` and `cafe\u{301}` are two values, so changing one into the
    /// other is a change, not "no change" as Swift's `!=` and `Set<String>` say.
    @Test("texts that differ only in Unicode normalization are a change")
    func normalizationIsAChange() {
        let bytes = { (values: [String]) in values.map { Array($0.utf8) } }
        #expect(bytes(DiffText.added(["\u{E9}", "sub"], ["e\u{301}", "sub"])) == bytes(["e\u{301}"]))
        #expect(DiffText.differ("caf\u{E9}", "cafe\u{301}"))
        #expect(DiffText.differ(["a", "caf\u{E9}"], ["a", "cafe\u{301}"]))
        #expect(!DiffText.differ("caf\u{E9}", "caf\u{E9}") && !DiffText.differ(nil, nil) && DiffText.differ(nil, ""))
    }

    @Test("when neither side can be read, the base's error is the one reported (both load at once)")
    func baseErrorFirst() throws {
        let missing = NSTemporaryDirectory() + "audreg-missing-\(UUID().uuidString)"
        #expect(throws: RegistryError.directoryNotFound(missing + "/base")) {
            try Self.differ.diff(baseDirectory: missing + "/base", headDirectory: missing + "/head")
        }
        #expect(throws: RegistryError.directoryNotFound(missing + "/head")) {
            try Self.differ.diff(baseDirectory: PRSupport.path("registry"), headDirectory: missing + "/head")
        }
    }

    @Test("the example registry compared with itself has no changes and no findings moved")
    func identical() throws {
        let diff = try Self.diff { _ in }
        #expect(diff.changes.isEmpty)
        #expect(diff.introduced.isEmpty)
        #expect(diff.fixed.isEmpty)
        #expect(!DiffFailOn.widening.fails(diff))
        #expect(MarkdownDiffRenderer.render(diff).contains("No trust-boundary changes"))
    }

    /// A file that does not parse on the head side hides whatever it defines, widenings included: the
    /// diff must say so, and a gate on widening must not pass.
    @Test("a file that does not read on one side: its entities are not compared, never 'removed', and the gates fail")
    func unreadFileIsNotCompared() throws {
        let diff = try Self.diff { head in
            // A widening (a third audience) hidden behind a syntax error later in the same file.
            try PRSupport.edit(head, "services/production/orders-api.yaml", replacing: "  audiences:\n",
                               with: "  audiences:\n    - https://everything.larkspur.example\n")
            let path = (head as NSString).appendingPathComponent("services/production/orders-api.yaml")
            try (try String(contentsOfFile: path, encoding: .utf8) + "bad: [\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        #expect(!diff.changes.contains { $0.entity == EntityRef(.service, "orders-api") && $0.field == "entity" }, "\(diff.changes.map(\.summary))")
        #expect(diff.notCompared.contains { $0.hasPrefix("Service/orders-api not compared: services/production/orders-api.yaml could not be read on ") && $0.hasSuffix("so it is not known to be removed") }, "\(diff.notCompared)")
        #expect(DiffFailOn.widening.fails(diff) && DiffFailOn.change.fails(diff))
        #expect(TextDiffRenderer.render(diff).contains("not compared (--fail-on widening and change fail on these):"))
        #expect(MarkdownDiffRenderer.render(diff).contains("could not be compared, so this diff cannot say it is safe"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONDiffRenderer.render(diff).utf8)) as? [String: Any])
        #expect((json["notCompared"] as? [String])?.count == 2)
    }

    @Test("audience added, hop switched to passthrough, exception extended: exactly three widenings")
    func threeWidenings() throws {
        let diff = try Self.diff(Self.wideningChange)
        let widening = diff.changes.filter { $0.kind == .widening }
        #expect(widening.count == 3, "\(diff.changes.map(\.summary))")
        #expect(diff.changes.count == 3, "only widenings: \(diff.changes.map(\.summary))")

        let audience = try #require(widening.first { $0.field == "audiences" })
        #expect(audience.entity == EntityRef(.service, "search-api"))
        #expect(audience.after == "https://search-v2.api.larkspur.example")

        let hop = try #require(widening.first { $0.field == "downstream.mode" })
        #expect(hop.entity == EntityRef(.service, "storefront-gateway"))
        #expect(hop.item == "payments-api")
        #expect(hop.before == "token-exchange" && hop.after == "passthrough")
        #expect(hop.findings.contains { $0.ruleID == "gateway-passthrough" }, "passthrough triggers gateway-passthrough: \(hop.findings.map(\.ruleID))")

        let exception = try #require(widening.first { $0.field == "exceptions.expires" })
        #expect(exception.entity == EntityRef(.service, "orders-api"))
        #expect(exception.item == "multiple-audiences")
        #expect(exception.before == "2027-06-30" && exception.after == "2027-09-30")

        // A second audience on search-api breaks the policy's limit of one: that finding belongs to the audience row.
        #expect(audience.findings.contains { $0.ruleID == "multiple-audiences" })
        #expect(diff.introduced.contains { $0.ruleID == "gateway-passthrough" })
        #expect(diff.fixed.isEmpty)
        #expect(DiffFailOn.widening.fails(diff))
        #expect(DiffFailOn.change.fails(diff))
        #expect(!DiffFailOn.never.fails(diff))
    }

    @Test("the Markdown comment shows the three widenings first, before → after, with the passthrough's findings")
    func markdown() throws {
        let diff = try Self.diff(Self.wideningChange)
        let markdown = MarkdownDiffRenderer.render(diff)
        #expect(markdown.hasPrefix(MarkdownDiffRenderer.marker))
        let lines = markdown.split(separator: "\n").map(String.init)
        let summary = try #require(lines.first { $0.contains("widening") && $0.contains("narrowing") })
        #expect(summary.contains("3 widening"))
        #expect(summary.contains("0 narrowing"))
        #expect(summary.contains("0 neutral"))
        let rows = lines.filter { $0.hasPrefix("| 🔺 widening") }
        #expect(rows.count == 3, "\(rows)")
        #expect(lines.filter { $0.hasPrefix("| 🔻") || $0.hasPrefix("| ▫️") }.isEmpty)
        let hopRow = try #require(rows.first { $0.contains("passthrough") })
        #expect(hopRow.contains("<code>token-exchange</code> → <code>passthrough</code>"))
        #expect(hopRow.contains("<code>gateway-passthrough</code>"))
        #expect(markdown.contains("### Service <code>storefront-gateway</code>"))
        #expect(markdown.contains("<code>2027-06-30</code> → <code>2027-09-30</code>"))
        #expect(markdown.contains("security review"))
    }

    @Test("a description-only change is one neutral entry and does not fail --fail-on widening")
    func descriptionOnly() throws {
        let diff = try Self.diff { registry in
            try PRSupport.edit(registry, "services/production/catalog-api.yaml",
                               replacing: "description: Products, prices and availability shown in the storefront.",
                               with: "description: Products, prices, availability and reviews shown in the storefront.")
        }
        #expect(diff.changes.count == 1)
        let change = try #require(diff.changes.first)
        #expect(change.kind == .neutral)
        #expect(change.field == "description")
        #expect(change.entity == EntityRef(.service, "catalog-api"))
        #expect(!DiffFailOn.widening.fails(diff))
        #expect(!DiffFailOn.change.fails(diff))
        let markdown = MarkdownDiffRenderer.render(diff)
        #expect(markdown.contains("| ▫️ neutral | description changes |"))
        #expect(!markdown.contains("[!WARNING]"))
    }

    @Test("the opposite changes narrow, and the findings they remove are fixed")
    func narrowing() throws {
        let diff = try Self.diff { registry in
            try PRSupport.edit(registry, "services/production/orders-api.yaml",
                               replacing: "    - https://orders-legacy.api.larkspur.example\n", with: "")
            try PRSupport.edit(registry, "services/production/orders-api.yaml",
                               replacing: "      maxLifetime: 15m", with: "      maxLifetime: 5m")
            try PRSupport.edit(registry, "services/production/orders-api.yaml",
                               replacing: "expires: 2027-06-30", with: "expires: 2027-01-31")
        }
        #expect(diff.count(.widening) == 0, "\(diff.changes.map(\.summary))")
        #expect(Set(diff.changes.map(\.field)) == ["audiences", "accepts.maxLifetime", "exceptions.expires"])
        #expect(diff.changes.allSatisfy { $0.kind == .narrowing })
        #expect(!DiffFailOn.widening.fails(diff))
    }

    @Test("every kind of widening the issue lists is classified as widening")
    func wideningCatalogue() throws {
        let diff = try Self.diff { registry in
            let file = "services/production/shipping-api.yaml"
            // a new issuer trusted, an algorithm added, maxLifetime grows and disappears, tokenTypes dropped
            try PRSupport.edit(registry, file, replacing: "      algorithms: [RS256]\n      maxLifetime: 15m\n",
                               with: "      algorithms: [RS256, PS256]\n      maxLifetime: 20m\n")
            try PRSupport.edit(registry, file, replacing: "      tokenTypes: [at+jwt]\n      algorithms: [ES256]\n      maxLifetime: 30m\n",
                               with: "      algorithms: [ES256]\n")
            try PRSupport.edit(registry, file, replacing: "  authorization:", with: "    - issuer: staging-idp\n  authorization:")
            try PRSupport.edit(registry, file, replacing: "  environment: production", with: "  environment: staging")
            try PRSupport.edit(registry, file, replacing: "      mode: new-token\n", with: "      mode: token-exchange\n")
            try PRSupport.edit(registry, "services/production/search-api.yaml", replacing: "https://search.api.larkspur.example",
                               with: "https://catalog.api.larkspur.example")
            try PRSupport.edit(registry, "services/production/payments-api.yaml", replacing: "  deployments:",
                               with: "  exceptions:\n    - rule: gateway-passthrough\n      reason: test\n      approvedBy: security\n      expires: 2027-01-01\n  deployments:")
        }
        let widening = Set(diff.changes.filter { $0.kind == .widening }.map { "\($0.entity.name) \($0.field) \($0.item ?? "")" })
        let expected: Set<String> = [
            "shipping-api accepts.algorithms corp-idp",
            "shipping-api accepts.maxLifetime corp-idp",
            "shipping-api accepts.maxLifetime partner-idp",
            "shipping-api accepts.tokenTypes partner-idp",
            "shipping-api accepts staging-idp",
            "shipping-api environment ",
            "shipping-api downstream.mode inventory-api",
            "search-api audiences https://catalog.api.larkspur.example",
            "payments-api exceptions gateway-passthrough",
        ]
        #expect(widening == expected, "missing: \(expected.subtracting(widening)); extra: \(widening.subtracting(expected))")
        let shared = try #require(diff.changes.first { $0.field == "audiences" && $0.kind == .widening })
        #expect(shared.summary.contains("also accepted by catalog-api"))
        #expect(diff.introduced.contains { $0.ruleID == "audience-collision" })
        // search-api lost its own audience: narrowing.
        #expect(diff.changes.contains { $0.entity.name == "search-api" && $0.kind == .narrowing && $0.field == "audiences" })
    }

    @Test("new and removed services, issuers and teams")
    func entities() throws {
        let diff = try Self.diff { registry in
            try FileManager.default.removeItem(atPath: registry + "/services/production/reporting-api.yaml")
            try """
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: wishlist-api, owner: team-storefront, environment: production}
                spec:
                  audiences: [https://wishlist.api.larkspur.example]
                  accepts:
                    - {issuer: corp-idp, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 15m}
                """.write(toFile: registry + "/services/production/wishlist-api.yaml", atomically: true, encoding: .utf8)
        }
        let added = try #require(diff.changes.first { $0.entity.name == "wishlist-api" })
        #expect(added.kind == .widening && added.field == "entity" && added.before == nil)
        let removed = try #require(diff.changes.first { $0.entity.name == "reporting-api" })
        #expect(removed.kind == .narrowing && removed.after == nil)
        // The new service's own findings (no jti required, no description) are attributed to it, not left over.
        #expect(diff.unattributed.allSatisfy { $0.entity?.name != "wishlist-api" })
    }

    @Test("registry text cannot inject Markdown or HTML into the pull-request comment")
    func escaping() throws {
        let diff = try Self.diff { registry in
            try PRSupport.edit(registry, "services/production/catalog-api.yaml",
                               replacing: "description: Products, prices and availability shown in the storefront.",
                               with: "description: \"<script>alert(1)</script> | [click](https://evil.example) @security-team `x`\"")
        }
        let markdown = MarkdownDiffRenderer.render(diff)
        #expect(!markdown.contains("<script>"))
        #expect(!markdown.contains("[click](https"))
        #expect(!markdown.contains("@security-team"))
        let row = try #require(markdown.split(separator: "\n").first { $0.contains("description changes") })
        #expect(row.filter { $0 == "|" }.count == 5, "a pipe in the value must not add a column: \(row)")
    }

    @Test("JSON and text formats carry the same changes")
    func formats() throws {
        let diff = try Self.diff(Self.wideningChange)
        let json = JSONDiffRenderer.render(diff)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let summary = try #require(object?["summary"] as? [String: Int])
        #expect(summary["widening"] == 3)
        let changes = try #require(object?["changes"] as? [[String: Any]])
        #expect(changes.count == 3)
        #expect(changes.allSatisfy { $0["kind"] as? String == "widening" })
        let text = TextDiffRenderer.render(diff)
        #expect(text.contains("3 widening, 0 narrowing, 0 neutral"))
        #expect(text.contains("introduces error gateway-passthrough"))
        #expect(DiffFormat.allCases.map(\.rawValue) == ["markdown", "json", "text"])
    }

    @Test("--git-base reads the base tree with git itself")
    func gitBase() throws {
        let repo = try PRSupport.temporaryDirectory("git")
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let registry = repo + "/registry"
        try FileManager.default.copyItem(atPath: PRSupport.path("registry"), toPath: registry)
        #expect(try PRSupport.git(["init", "-q"], in: repo).status == 0)
        #expect(try PRSupport.git(["add", "registry"], in: repo).status == 0)
        #expect(try PRSupport.git(["commit", "-q", "-m", "base"], in: repo).status == 0)
        try Self.wideningChange(registry)

        let diff = try Self.differ.diff(gitBase: "HEAD", headDirectory: registry)
        #expect(diff.count(.widening) == 3)
        #expect(diff.baseLabel == "HEAD")

        // From a subdirectory path written relative to the repository, too.
        let relative = try Self.differ.diff(gitBase: "HEAD", headDirectory: registry + "/../registry")
        #expect(relative.count(.widening) == 3)

        #expect(throws: GitBaseError.self) { try Self.differ.diff(gitBase: "no-such-branch", headDirectory: registry) }
        #expect(throws: GitBaseError.self) { try Self.differ.diff(gitBase: "--output=/tmp/x", headDirectory: registry) }
    }

    @Test("--git-base on a registry that did not exist at the ref treats everything as new")
    func gitBaseNewRegistry() throws {
        let repo = try PRSupport.temporaryDirectory("git")
        defer { try? FileManager.default.removeItem(atPath: repo) }
        try "hello\n".write(toFile: repo + "/README", atomically: true, encoding: .utf8)
        #expect(try PRSupport.git(["init", "-q"], in: repo).status == 0)
        #expect(try PRSupport.git(["add", "README"], in: repo).status == 0)
        #expect(try PRSupport.git(["commit", "-q", "-m", "base"], in: repo).status == 0)
        try FileManager.default.copyItem(atPath: PRSupport.path("registry"), toPath: repo + "/registry")
        let diff = try Self.differ.diff(gitBase: "HEAD", headDirectory: repo + "/registry")
        #expect(diff.changes.filter { $0.field == "entity" && $0.entity.kind == .service }.count == 12)
        #expect(diff.hasWidening)
    }
}

@Suite("Trust diff: Markdown locations")
struct TrustDiffLocationTests {
    @Test("finding locations are repository-relative and link to the head commit when asked")
    func links() throws {
        let diff = try TrustDiffTests.diff(TrustDiffTests.wideningChange)
        let plain = MarkdownDiffRenderer.render(diff, options: .init(pathPrefix: "registry/"))
        #expect(plain.contains("<code>registry/services/production/storefront-gateway.yaml:29:13</code>"))
        #expect(!plain.contains("](http"))
        let linked = MarkdownDiffRenderer.render(diff, options: .init(pathPrefix: "registry/", linkBase: "https://github.com/o/r/blob/abc123/"))
        #expect(linked.contains("[<code>registry/services/production/storefront-gateway.yaml:29:13</code>](https://github.com/o/r/blob/abc123/registry/services/production/storefront-gateway.yaml#L29)"))
        #expect(MarkdownText.urlPath("a b/(x).yaml") == "a%20b/%28x%29.yaml")
    }
}

@Suite("Trust diff: finding matching")
struct TrustDiffMatchingTests {
    @Test("a finding whose message cites a line is the same finding after lines move")
    func movedLines() {
        let base = RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Team
            metadata: {name: team-a, name: team-a}
            """, file: "teams.yaml")
        let head = RegistryLoader().load(text: """
            # a comment moves everything down
            apiVersion: audreg/v1
            kind: Team
            metadata: {name: team-a, name: team-a}
            """, file: "teams.yaml")
        let duplicate = Validator(today: PRSupport.today).validate(base).findings.first { $0.ruleID == "duplicate-key" }
        #expect(duplicate?.message.contains("line 3") == true, "\(String(describing: duplicate))")
        let diff = TrustDiffer(today: PRSupport.today).diff(base: base, head: head)
        #expect(diff.introduced.isEmpty, "\(diff.introduced.map(\.message))")
        #expect(diff.fixed.isEmpty)
    }
}

@Suite("Trust diff: long lists fold")
struct TrustDiffFoldingTests {
    @Test("many neutral changes fold into one <details>, widening stays visible")
    func folding() throws {
        let diff = try TrustDiffTests.diff { registry in
            for service in ["catalog-api", "customer-profile-api", "inventory-api", "notifications-worker", "reporting-api", "search-api", "shipping-api"] {
                try PRSupport.edit(registry, "services/production/\(service).yaml", replacing: "  title: ", with: "  title: New ")
            }
            try TrustDiffTests.wideningChange(registry)
        }
        #expect(diff.count(.neutral) == 7)
        let markdown = MarkdownDiffRenderer.render(diff)
        let fold = try #require(markdown.range(of: "<details><summary>6 neutral changes in 6 entities</summary>"))
        // search-api has a widening too, so its neutral title change stays in its visible table.
        let widening = try #require(markdown.range(of: "### Service <code>storefront-gateway</code>"))
        #expect(widening.lowerBound < fold.lowerBound)
        #expect(markdown.contains("| ▫️ neutral | title changes |"))
    }
}

@Suite("Trust diff: issuers, teams and the policy")
struct TrustDiffEntityKindsTests {
    @Test("issuer keys and iss widen, the policy relaxing widens, team contacts are neutral")
    func kinds() throws {
        let diff = try TrustDiffTests.diff { registry in
            try PRSupport.edit(registry, "issuers/corp-idp.yaml", replacing: "jwksUri: https://id.larkspur.example/oauth2/keys",
                               with: "jwksUri: https://keys.larkspur.example/jwks.json")
            try PRSupport.edit(registry, "issuers/corp-idp.yaml", replacing: "algorithms: [RS256, ES256]", with: "algorithms: [RS256, ES256, PS256]")
            try PRSupport.edit(registry, "issuers/partner-idp.yaml", replacing: "algorithms: [ES256]", with: "algorithms: []")
            try PRSupport.edit(registry, "policy.yaml", replacing: "maxTokenLifetime: 1h", with: "maxTokenLifetime: 2h")
            try PRSupport.edit(registry, "policy.yaml", replacing: "multiple-audiences: error", with: "multiple-audiences: warning")
            try PRSupport.edit(registry, "policy.yaml", replacing: "maxExceptionDays: 365", with: "maxExceptionDays: 180")
            try PRSupport.edit(registry, "teams.yaml", replacing: "spec: {contact: \"#orders-oncall\"}", with: "spec: {contact: \"#orders\"}")
        }
        func kind(_ entity: EntityRef, _ field: String) -> TrustChangeKind? {
            diff.changes.first { $0.entity == entity && $0.field == field }?.kind
        }
        #expect(kind(EntityRef(.issuer, "corp-idp"), "jwksUri") == .widening)
        #expect(kind(EntityRef(.issuer, "corp-idp"), "algorithms") == .widening)
        // An empty list means the policy's (RS256, PS256, ES256, EdDSA here): more than ES256.
        #expect(kind(EntityRef(.issuer, "partner-idp"), "algorithms") == .widening)
        #expect(kind(EntityRef(.policy, "default"), "maxTokenLifetime") == .widening)
        #expect(kind(EntityRef(.policy, "default"), "severity") == .widening)
        #expect(kind(EntityRef(.policy, "default"), "maxExceptionDays") == .narrowing)
        #expect(kind(EntityRef(.team, "team-orders"), "contact") == .neutral)
        #expect(diff.changes.count == 7, "\(diff.changes.map { "\($0.entity) \($0.field)" })")
    }
}

@Suite("Trust diff: comment size")
struct TrustDiffSizeTests {
    @Test("a diff too long for one comment keeps the summary and the widening, and says what it left out")
    func truncated() throws {
        let diff = try TrustDiffTests.diff { registry in
            for index in 0..<400 {
                try """
                    apiVersion: audreg/v1
                    kind: Service
                    metadata: {name: generated-\(index), owner: team-data, environment: production, description: Generated service \(index).}
                    spec:
                      audiences: [https://generated-\(index).api.larkspur.example]
                      accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 15m}]
                    """.write(toFile: registry + "/services/production/generated-\(index).yaml", atomically: true, encoding: .utf8)
            }
        }
        #expect(diff.count(.widening) == 400)
        let full = MarkdownDiffRenderer.render(diff, options: .init(maxCharacters: .max))
        #expect(full.utf8.count > 60_000)
        let comment = MarkdownDiffRenderer.render(diff)
        #expect(comment.utf8.count <= 60_000)
        #expect(comment.contains("400 widening"))
        #expect(comment.contains("entities are not shown"))
        #expect(comment.contains("### Service <code>generated-0</code>"))
    }

    @Test("a head finding that differs from a base finding only by NFC against NFD is introduced, not pre-existing")
    func findingsMatchByBytes() {
        let location = SourceLocation(file: "services/orders-api.yaml", line: 12, column: 7)
        let base = Finding(ruleID: "AUD001", severity: .error, message: "audience https://caf\u{E9}.example (first at line 12, column 7) is shared",
                           location: location, entity: EntityRef(.service, "orders-api"))
        var head = base
        head.message = "audience https://cafe\u{301}.example (first at line 12, column 7) is shared"
        #expect(!FindingMultiset([base]).consume(head), "a finding about another value matched a base finding")
        #expect(!FindingMultiset([head]).consume(base))
        var otherEntity = base
        otherEntity.entity = EntityRef(.service, "caf\u{E9}")
        var sameEntityNFD = base
        sameEntityNFD.entity = EntityRef(.service, "cafe\u{301}")
        #expect(!FindingMultiset([otherEntity]).consume(sameEntityNFD))
        // Still matched when only positions moved.
        var moved = base
        moved.message = "audience https://caf\u{E9}.example (first at line 40, column 7) is shared"
        #expect(FindingMultiset([base]).consume(moved))
    }

    /// Both sides edited from the example registry, for changes whose base is not the committed one.
    static func diff(base editBase: (String) throws -> Void, head editHead: (String) throws -> Void) throws -> TrustDiff {
        let base = try PRSupport.copyOfExampleRegistry(), head = try PRSupport.copyOfExampleRegistry()
        defer {
            try? FileManager.default.removeItem(atPath: (base as NSString).deletingLastPathComponent)
            try? FileManager.default.removeItem(atPath: (head as NSString).deletingLastPathComponent)
        }
        try editBase(base)
        try editHead(head)
        return try TrustDiffTests.differ.diff(baseDirectory: base, headDirectory: head)
    }

    /// Two exceptions to one rule: the one validation uses on the day is the first complete one not yet
    /// expired, and only changes to that one change what is suppressed.
    @Test("exceptions are judged by the one in force on --today, not by the first written")
    func exceptionInForceOnTheDay() throws {
        let search = "services/production/search-api.yaml"
        func exceptions(_ first: String, _ second: String) -> (String) throws -> Void {
            { registry in
                try PRSupport.edit(registry, search, replacing: "  authorization:", with: """
                      exceptions:
                        - {rule: audience-missing, reason: old migration, approvedBy: security, expires: \(first)}
                        - {rule: audience-missing, reason: migration, approvedBy: security, expires: \(second)}
                      authorization:
                    """)
            }
        }
        func summaries(_ diff: TrustDiff) -> [String] { diff.changes.filter { $0.field.hasPrefix("exceptions") }.map { "\($0.kind) \($0.summary)" } }
        // The lapsed first exception shortened further: nothing suppressed changes, so nothing is said.
        let lapsed = try Self.diff(base: exceptions("2025-01-01", "2027-01-01"), head: exceptions("2024-01-01", "2027-01-01"))
        #expect(summaries(lapsed).isEmpty, "\(summaries(lapsed))")
        // The lapsed first exception renewed past the one in force: it takes over, later, so it widens.
        let renewed = try Self.diff(base: exceptions("2025-01-01", "2027-01-01"), head: exceptions("2028-01-01", "2027-01-01"))
        #expect(summaries(renewed).first == "widening exception to rule audience-missing extended to 2028-01-01", "\(summaries(renewed))")
        #expect(!summaries(renewed).contains { $0.hasPrefix("narrowing") }, "\(summaries(renewed))")
        // Which exception is in force changes, but not how long findings stay suppressed: no change,
        // in either direction.
        let moved = try Self.diff(base: exceptions("2026-01-01", "2027-11-30"), head: exceptions("2027-01-01", "2027-11-30"))
        #expect(!summaries(moved).contains { $0.hasPrefix("widening") || $0.hasPrefix("narrowing") }, "\(summaries(moved))")
        let back = try Self.diff(base: exceptions("2027-01-01", "2027-11-30"), head: exceptions("2026-01-01", "2027-11-30"))
        #expect(!summaries(back).contains { $0.hasPrefix("widening") || $0.hasPrefix("narrowing") }, "\(summaries(back))")
        // A further exception lapsing before the one in force can never take over.
        let shorter = try Self.diff(base: exceptions("2027-01-01", "2026-12-15"), head: exceptions("2027-01-01", "2026-12-20"))
        #expect(summaries(shorter).isEmpty, "\(summaries(shorter))")
        // The one in force expires before the day while still written: no longer in force, a narrowing.
        let ended = try Self.diff(base: exceptions("2025-01-01", "2027-01-01"), head: exceptions("2025-01-01", "2025-06-01"))
        #expect(summaries(ended).contains("narrowing exception to rule audience-missing no longer in force on \(PRSupport.today)"), "\(summaries(ended))")
        #expect(!summaries(ended).contains { $0.hasPrefix("widening") }, "\(summaries(ended))")
    }

    /// Changes that looked neutral or narrowing while they opened something: each must fail
    /// `--fail-on widening`.
    @Test("subjects added, audiences emptied, an accepted issuer re-added, limits set past the policy, an exception completed: widening")
    func wideningInDisguise() throws {
        let search = "services/production/search-api.yaml"
        let diff = try Self.diff(base: { registry in
            try FileManager.default.removeItem(atPath: registry + "/issuers/staging-idp.yaml")
            try PRSupport.edit(registry, search, replacing: "      algorithms: [RS256]\n      maxLifetime: 15m\n", with: "")
            try PRSupport.edit(registry, search, replacing: "  authorization:",
                               with: "  exceptions:\n    - rule: audience-missing\n      reason: migration\n      expires: 2027-01-01\n  authorization:")
        }, head: { registry in
            try PRSupport.edit(registry, search, replacing: "      algorithms: [RS256]\n      maxLifetime: 15m\n",
                               with: "      algorithms: [HS256]\n      maxLifetime: 30d\n")
            try PRSupport.edit(registry, search, replacing: "  audiences:\n    - https://search.api.larkspur.example\n", with: "  audiences: []\n")
            try PRSupport.edit(registry, search, replacing: "  authorization:",
                               with: "  exceptions:\n    - rule: audience-missing\n      reason: migration\n      approvedBy: security\n      expires: 2027-01-01\n  deployments:\n    - kind: aws-iam-trust-policy\n      source: ../../../deploy/aws/search.json\n      trust: {subjects: [\"*\"]}\n  authorization:")
        })
        let widening = Set(diff.changes.filter { $0.kind == .widening }.map { "\($0.entity.name) \($0.field) \($0.item ?? "")" })
        for expected in ["search-api accepts.algorithms corp-idp", "search-api accepts.maxLifetime corp-idp", "search-api audiences https://search.api.larkspur.example",
                         "search-api exceptions audience-missing", "search-api trust.subjects *", "staging-idp entity "] {
            #expect(widening.contains(expected), "\(expected) in \(widening)")
        }
        #expect(DiffFailOn.widening.fails(diff))
        #expect(diff.changes.contains { $0.summary == "exception to rule audience-missing in force from this change, expires 2027-01-01" },
                "\(diff.changes.map(\.summary))")

        // The gate also fails on findings newly covered by an exception, whatever edit did it.
        let covered = TrustDiff(changes: [], introduced: [], fixed: [], newlySuppressed: [Finding(ruleID: "audience-missing", severity: .error, message: "m",
                                                                                                   location: SourceLocation(file: "f", line: 1, column: 1))],
                                baseLabel: "base", headLabel: "head")
        #expect(DiffFailOn.widening.fails(covered) && DiffFailOn.change.fails(covered))
    }

    /// Lists that fall back to another when empty or unset are compared as what is accepted.
    @Test("an issuer's algorithms emptied (the policy's apply), a service list outside the issuer's, and a new discovery URL: widening")
    func fallbackListsAreComparedAsAccepted() throws {
        let partner = "issuers/partner-idp.yaml", shipping = "services/production/shipping-api.yaml"
        let diff = try Self.diff(base: { registry in
            try PRSupport.edit(registry, shipping, replacing: "      algorithms: [ES256]\n      maxLifetime: 30m\n", with: "      maxLifetime: 30m\n")
        }, head: { registry in
            try PRSupport.edit(registry, partner, replacing: "  algorithms: [ES256]\n", with: "")
            try PRSupport.edit(registry, partner, replacing: "/.well-known/oauth-authorization-server", with: "/evil/.well-known/oauth-authorization-server")
            try PRSupport.edit(registry, shipping, replacing: "      algorithms: [ES256]\n      maxLifetime: 30m\n", with: "      algorithms: [RS256]\n      maxLifetime: 30m\n")
        })
        let widening = Set(diff.changes.filter { $0.kind == .widening }.map { "\($0.entity.name) \($0.field) \($0.item ?? "")" })
        for expected in ["partner-idp algorithms ", "partner-idp discoveryUrl ", "shipping-api accepts.algorithms partner-idp"] {
            #expect(widening.contains(expected), "\(expected) in \(widening)")
        }
        #expect(!diff.changes.contains { $0.kind == .narrowing && $0.field == "algorithms" })
    }

    @Test("a service whose document stops loading on head is not compared, never 'removed', and fails --fail-on widening")
    func unloadableIsNotRemoved() throws {
        let diff = try Self.diff(base: { _ in }, head: { registry in
            try PRSupport.edit(registry, "services/production/payments-api.yaml", replacing: "apiVersion: audreg/v1", with: "apiVersion: audreg/v2")
        })
        #expect(!diff.changes.contains { $0.entity == EntityRef(.service, "payments-api") && $0.field == "entity" }, "\(diff.changes.map(\.summary))")
        #expect(diff.notCompared.contains { $0.contains("Service/payments-api not compared") }, "\(diff.notCompared)")
        #expect(DiffFailOn.widening.fails(diff))
    }

    @Test("thousands of unread files still give a pull-request comment within its size limit, counting the rest")
    func notComparedIsCapped() {
        var diff = TrustDiff(changes: [], introduced: [], fixed: [], newlySuppressed: [], baseLabel: "main", headLabel: "HEAD")
        diff.notCompared = (0..<3_000).map { "services/team-\($0)/a-rather-long-file-name-for-a-service-\($0).yaml could not be read on HEAD: what it defines there is not compared" }
        let comment = MarkdownDiffRenderer.render(diff)
        #expect(comment.utf8.count <= 60_000, "\(comment.utf8.count)")
        #expect(comment.contains("more (`audreg diff --format text` lists them all)"))
    }

    @Test("a trust subject moved from one role to another of the same kind is widening for the role that now admits it")
    func subjectsAreComparedPerDeployment() throws {
        let search = "services/production/search-api.yaml"
        func deployments(prod: String, dev: String) -> String {
            "  deployments:\n    - {kind: aws-iam-trust-policy, source: ../../../deploy/aws/prod.json, trust: {subjects: [\(prod)]}}\n"
                + "    - {kind: aws-iam-trust-policy, source: ../../../deploy/aws/dev.json, trust: {subjects: [\(dev)]}}\n  authorization:"
        }
        let diff = try Self.diff(base: { registry in
            try PRSupport.edit(registry, search, replacing: "  authorization:", with: deployments(prod: "\"repo:acme/search:ref:refs/heads/main\"", dev: "\"repo:acme/*\""))
        }, head: { registry in
            try PRSupport.edit(registry, search, replacing: "  authorization:", with: deployments(prod: "\"repo:acme/search:ref:refs/heads/main\", \"repo:acme/*\"", dev: "\"repo:acme/search:ref:refs/heads/dev\""))
        })
        let added = diff.changes.filter { $0.field == "trust.subjects" && $0.kind == .widening }
        #expect(added.contains { $0.item == "repo:acme/*" && $0.summary.contains("prod.json") }, "\(diff.changes.map(\.summary))")
    }

    @Test("a further exception to a rule that already has one is widening: it takes over when the first lapses")
    func furtherExceptionIsWidening() throws {
        let orders = "services/production/orders-api.yaml"
        let diff = try Self.diff(base: { _ in }, head: { registry in
            try PRSupport.edit(registry, orders, replacing: "      ticket: SEC-1234\n",
                               with: "      ticket: SEC-1234\n    - rule: multiple-audiences\n      reason: longer\n      approvedBy: someone\n      expires: 2027-12-31\n")
        })
        let change = try #require(diff.changes.first { $0.field.hasPrefix("exceptions") && $0.item == "multiple-audiences" }, "\(diff.changes.map(\.summary))")
        #expect(change.kind == .widening && change.summary.contains("a further exception"))
        #expect(DiffFailOn.widening.fails(diff))
        // The same registry on both sides: no change.
        let same = try Self.diff(base: { registry in
            try PRSupport.edit(registry, orders, replacing: "      ticket: SEC-1234\n",
                               with: "      ticket: SEC-1234\n    - rule: multiple-audiences\n      reason: longer\n      approvedBy: someone\n      expires: 2027-12-31\n")
        }, head: { registry in
            try PRSupport.edit(registry, orders, replacing: "      ticket: SEC-1234\n",
                               with: "      ticket: SEC-1234\n    - rule: multiple-audiences\n      reason: longer\n      approvedBy: someone\n      expires: 2027-12-31\n")
        })
        #expect(!same.changes.contains { $0.field.hasPrefix("exceptions") })
    }

    @Test("a second hop to the same target that passes the token through is widening, not hidden behind the first")
    func secondHopToOneTarget() throws {
        let gateway = "services/production/storefront-gateway.yaml"
        let diff = try Self.diff(base: { _ in }, head: { registry in
            try PRSupport.edit(registry, gateway, replacing: "  downstream:\n", with: "  downstream:\n    - {service: orders-api, mode: passthrough}\n")
        })
        let change = try #require(diff.changes.first { $0.field == "downstream.mode" && $0.item == "orders-api" })
        #expect(change.kind == .widening && change.after == "passthrough", "\(change)")
    }

    @Test("removing an issuer that services still accept by name is a narrowing that says so; an unused one is neutral")
    func removingAnAcceptedIssuer() throws {
        let diff = try Self.diff(base: { _ in }, head: { registry in
            try FileManager.default.removeItem(atPath: registry + "/issuers/staging-idp.yaml")
        })
        let removal = try #require(diff.changes.first { $0.entity.name == "staging-idp" && $0.field == "entity" })
        #expect(removal.kind == .narrowing)
        #expect(removal.summary.contains("still accept it by name") && removal.summary.contains("orders-api-staging"), "\(removal.summary)")
        #expect(DiffFailOn.change.fails(diff))

        let unused = IssuerDiff.changes(base: try #require(RegistryLoader().load(directory: Paths.exampleRegistry).registry.issuers.first), head: nil)
        #expect(unused.map(\.kind) == [.neutral])
    }
}
