import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Reporters")
struct ReporterTests {
    static let today = Day(year: 2026, month: 12, day: 1)!

    static func report() throws -> ValidationReport {
        try Validator(today: today).validate(directory: Paths.fixture("registries/findings"))
    }

    static let options = ReportOptions(pathPrefix: "registry/")

    @Test("the fixture registry raises the findings the golden files show")
    func fixtureFindings() throws {
        let rules = Set(try Self.report().findings.map(\.ruleID))
        #expect(rules.isSuperset(of: ["audience-collision", "gateway-passthrough", "lifetime-too-long", "multiple-audiences", "owner-missing"]))
    }

    @Test("golden output", arguments: OutputFormat.allCases)
    func golden(format: OutputFormat) throws {
        let output = format.render(try Self.report(), options: Self.options)
        let ext = ["text": "txt", "json": "json", "sarif": "sarif", "github": "github.txt", "junit": "junit.xml"][format.rawValue]!
        assertSnapshot(output, named: "findings.\(ext)")
    }

    /// A rule the policy turns off and a finding an exception suppresses were not assessed: no format may
    /// show them as an empty pass.
    @Test("rules turned off and excepted findings are reported as not assessed, never as passing")
    func notAssessedIsNeverAPass() throws {
        let directory = TemporaryDirectory()
        let services = try String(contentsOfFile: Paths.fixture("registries/findings/services.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "      maxLifetime: 2h", with: """
                      maxLifetime: 2h
                  exceptions:
                    - {rule: multiple-audiences, reason: Old clients, approvedBy: security-architecture, expires: 2027-06-30, ticket: SEC-1}
                """)
        _ = directory.write("services.yaml", services)
        _ = directory.write("identity.yaml", try String(contentsOfFile: Paths.fixture("registries/findings/identity.yaml"), encoding: .utf8))
        _ = directory.write("policy.yaml", """
            apiVersion: audreg/v1
            kind: Policy
            metadata: {name: default}
            spec:
              severity: {owner-missing: "off"}
            """)
        let report = try Validator(today: Self.today).validate(directory: directory.path)
        #expect(report.turnedOff.map(\.ruleID) == ["owner-missing"])
        #expect(report.turnedOff.first?.location.line == 5)
        #expect(report.suppressed.map(\.finding.ruleID) == ["multiple-audiences"])

        let junit = OutputFormat.junit.render(report, options: Self.options)
        let ownerSuite = try #require(junit.components(separatedBy: "<testsuite ").first { $0.hasPrefix("name=\"owner-missing\"") })
        #expect(ownerSuite.contains("skipped=\"1\"") && ownerSuite.contains("<skipped message=\"not assessed: the policy turns this rule off (registry/policy.yaml:5:"))
        #expect(!ownerSuite.contains("no findings"))
        let audienceSuite = try #require(junit.components(separatedBy: "<testsuite ").first { $0.hasPrefix("name=\"multiple-audiences\"") })
        #expect(audienceSuite.contains("name=\"Service/legacy-api (excepted)\"") && audienceSuite.contains("excepted until 2027-06-30, approved by security-architecture (SEC-1)"))
        #expect(!audienceSuite.contains("no findings"))
        #expect(junit.contains("<testsuites name=\"audreg validate\" tests=\"27\" failures=\"3\" errors=\"0\" skipped=\"2\">"))

        let text = OutputFormat.text.render(report, options: Self.options)
        #expect(text.hasSuffix("not assessed: 1 rule turned off by the policy (registry/policy.yaml:5:29): owner-missing\n"))

        let github = OutputFormat.github.render(report, options: Self.options)
        #expect(github.hasSuffix("::notice file=registry/policy.yaml,line=5,col=29,title=audreg owner-missing not assessed::not assessed: the policy turns owner-missing off, so its findings are not reported\n"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(OutputFormat.json.render(report, options: Self.options).utf8)) as? [String: Any])
        let off = try #require(json["rulesTurnedOff"] as? [[String: Any]])
        #expect(off.first?["rule"] as? String == "owner-missing" && off.first?["path"] as? String == "registry/policy.yaml")

        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(OutputFormat.sarif.render(report, options: Self.options).utf8)) as? [String: Any])
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let overrides = try #require(((run["invocations"] as? [[String: Any]])?.first?["ruleConfigurationOverrides"]) as? [[String: Any]])
        let descriptor = try #require(overrides.first?["descriptor"] as? [String: Any])
        #expect(descriptor["id"] as? String == "owner-missing")
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(rules[descriptor["index"] as? Int ?? -1]["id"] as? String == "owner-missing")
        #expect((overrides.first?["configuration"] as? [String: Any])?["enabled"] as? Bool == false)
    }

    @Test("output is byte-identical between runs")
    func deterministic() throws {
        for format in OutputFormat.allCases {
            #expect(format.render(try Self.report(), options: Self.options) == format.render(try Self.report(), options: Self.options))
        }
    }

    @Test("JSON keeps the documented field names and counts")
    func jsonShape() throws {
        let report = try Self.report()
        let data = Data(OutputFormat.json.render(report, options: Self.options).utf8)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let first = try #require(findings.first)
        for key in ["rule", "severity", "message", "file", "line", "column", "entity", "related"] {
            #expect(first[key] != nil, "missing \(key)")
        }
        let summary = try #require(object["summary"] as? [String: Int])
        #expect(summary["errors"] == report.summary.errors)
        #expect(summary["warnings"] == report.summary.warnings)
        #expect(Set(summary.keys) == ["errors", "warnings", "notes", "suppressed"])
        let related = try #require(findings.first { ($0["rule"] as? String) == "audience-collision" }?["related"] as? [[String: Any]])
        #expect(related.first?["entity"] as? String != nil)
    }

    @Test("GitHub annotations escape %, commas and colons, and show line breaks (CR LF too) as visible escapes")
    func githubEscaping() {
        #expect(GitHubReporter.escapeData("100% done\nnext") == "100%25 done\\nnext")
        // "\r\n" is one Character: escaping by Character left both bytes in place.
        #expect(GitHubReporter.escapeData("a\r\n::warning file=x::forged") == "a\\r\\n::warning file=x::forged")
        #expect(GitHubReporter.escapeData("rtl\u{202E}\u{2028}") == "rtl\\u{202E}\\u{2028}")
        #expect(GitHubReporter.escapeProperty("a,b:c%") == "a%2Cb%3Ac%25")
        let finding = Finding(ruleID: "schema", severity: .warning, message: "line one\nline two 50%",
                              location: SourceLocation(file: "a, b.yaml", line: 3, column: 4), entity: EntityRef(.service, "x"))
        let report = ValidationReport(findings: [finding], suppressed: [], rules: [], registry: Registry())
        #expect(GitHubReporter.render(report, options: ReportOptions(pathPrefix: "registry/")) ==
                "::warning file=registry/a%2C b.yaml,line=3,endLine=3,col=4,endColumn=4,title=audreg schema::line one\\nline two 50%25 (Service/x)\n")
    }

    @Test("SARIF validates against the official SARIF 2.1.0 JSON schema")
    func sarifSchema() throws {
        let directory = TemporaryDirectory()
        let sarif = directory.write("out.sarif", OutputFormat.sarif.render(try Self.report(), options: Self.options))
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            document = json.load(open(sys.argv[2]))
            jsonschema.validate(document, schema, cls=jsonschema.Draft7Validator)
            assert document["runs"][0]["results"], "no results"
            print("valid")
            """
        let result = try run("/usr/bin/python3", ["-c", script, Paths.fixture("sarif-schema-2.1.0.json"), sarif])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "valid\n")
    }

    @Test("SARIF carries GitHub's required fields: rules with texts, regions, fingerprints")
    func sarifGitHubSubset() throws {
        let data = Data(OutputFormat.sarif.render(try Self.report(), options: Self.options).utf8)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let run = try #require((root["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.count == RuleCatalog.builtIn.descriptions.filter { $0.stage != .drift }.count)
        for rule in rules {
            for key in ["shortDescription", "fullDescription", "help"] {
                let text = (rule[key] as? [String: Any])?["text"] as? String
                #expect(text?.isEmpty == false, "\(rule["id"] ?? "?") lacks \(key)")
            }
        }
        for result in try #require(run["results"] as? [[String: Any]]) {
            let location = try #require((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let uri = (location["artifactLocation"] as? [String: Any])?["uri"] as? String
            #expect(uri?.hasPrefix("registry/") == true)
            let region = try #require(location["region"] as? [String: Int])
            #expect(Set(region.keys) == ["startLine", "startColumn", "endLine", "endColumn"])
            #expect(((result["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"])?.isEmpty == false)
        }
    }

    @Test("fingerprints stay stable when unrelated lines move")
    func stableFingerprints() throws {
        let directory = TemporaryDirectory()
        let original = try String(contentsOfFile: Paths.fixture("registries/findings/services.yaml"), encoding: .utf8)
        let identity = try String(contentsOfFile: Paths.fixture("registries/findings/identity.yaml"), encoding: .utf8)
        directory.write("a/services.yaml", original)
        directory.write("a/identity.yaml", identity)
        directory.write("b/services.yaml", "# a comment added on top\n# and another\n" + original)
        directory.write("b/identity.yaml", identity)
        func fingerprints(_ folder: String) throws -> [String] {
            let report = try Validator(today: Self.today).validate(directory: directory.path + "/" + folder)
            let data = Data(SARIFReporter.render(report, options: ReportOptions()).utf8)
            let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let results = ((root?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
            return results.compactMap { ($0["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"] }.sorted()
        }
        let before = try fingerprints("a")
        #expect(!before.isEmpty)
        #expect(before == (try fingerprints("b")))
    }

    /// GitHub matches alerts across runs by fingerprint. Two findings that quote the NFC and NFD forms of
    /// one audience are two results, so each is its value's first occurrence, and neither borrows the
    /// other's counter.
    @Test("fingerprints tell canonically equivalent values apart, and strip only ASCII positions")
    func fingerprintsOnBytes() throws {
        var report = try Self.report()
        let location = SourceLocation(file: "services.yaml", line: 3, column: 5)
        let entity = EntityRef(.service, "orders-api")
        report.findings = ["caf\u{E9}", "cafe\u{301}"].map {
            Finding(ruleID: "audience-collision", severity: .error, message: "audience '\($0)' at line 3", location: location, entity: entity)
        }
        report.suppressed = []
        let data = Data(SARIFReporter.render(report, options: ReportOptions()).utf8)
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let results = ((root?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let fingerprints = results.compactMap { ($0["partialFingerprints"] as? [String: String])?["primaryLocationLineHash"] }
        #expect(fingerprints.count == 2)
        #expect(fingerprints.allSatisfy { $0.hasSuffix(":1") })
        #expect(Set(fingerprints).count == 2)

        #expect(SARIFReporter.withoutPositions("a.yaml:12:7 at line 40, column 3").unicodeScalars.elementsEqual("a.yaml:: at line , column ".unicodeScalars))
        #expect(SARIFReporter.withoutPositions("audience ':\u{FF11}\u{FF12}'").unicodeScalars.elementsEqual("audience ':\u{FF11}\u{FF12}'".unicodeScalars))
        #expect(SARIFReporter.withoutPositions("line 1\u{301}").unicodeScalars.elementsEqual("line \u{301}".unicodeScalars))
    }

    /// A drift rule without findings passed only for what the run read: skipped issuer checks, or
    /// deployments it could not compare, are said in every machine-read format.
    @Test("drift outputs say what the run did not read: a skipped JUnit case, a GitHub notice, a SARIF notification; shards keep their own SARIF category")
    func driftGapsAreNotPasses() throws {
        let rules = RuleCatalog.builtIn.descriptions.filter { $0.id == "jwks-private-key-material" || $0.id == "config-audience-broadened" }
        let report = ValidationReport(findings: [], suppressed: [], rules: rules, registry: Registry())
        let coverage = DriftCoverage(issuersSkipped: true, deploymentsSkipped: false, issuers: [], services: ["orders-api"],
                                     deploymentsUnchecked: [.init(name: "billing-api", deployment: 0, source: "envoy.yaml", reason: "envoy.yaml does not exist")])
        var driftRun = DriftRun(checkedAt: "2026-11-30T09:00:00Z", mode: .live, coverage: coverage)
        let options = ReportOptions(command: "drift", driftRun: driftRun)

        let junit = JUnitReporter.render(report, options: options)
        let issuerSuite = try #require(junit.components(separatedBy: "<testsuite name=\"jwks-private-key-material\"").last?.components(separatedBy: "</testsuite>").first)
        #expect(!issuerSuite.contains("name=\"no findings\""), "\(issuerSuite)")
        #expect(issuerSuite.contains("name=\"not assessed\"") && issuerSuite.contains("skipped issuer checks"))
        #expect(issuerSuite.contains("tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\""))
        let deploymentSuite = try #require(junit.components(separatedBy: "<testsuite name=\"config-audience-broadened\"").last?.components(separatedBy: "</testsuite>").first)
        // orders-api was compared, so its silence is a pass; billing-api's deployment is not.
        #expect(deploymentSuite.contains("name=\"no findings\"") && deploymentSuite.contains("billing-api envoy.yaml (envoy.yaml does not exist)"))
        #expect(deploymentSuite.contains("tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\""))

        let github = GitHubReporter.render(report, options: options)
        #expect(github.contains("::notice title=audreg drift%3A issuer rules not assessed::not assessed: the drift run skipped issuer checks"), "\(github)")
        #expect(github.contains("deployment rules partly assessed::not assessed for 1 deployment the run could not compare"), "\(github)")

        driftRun.shard = DriftRun.ShardRecord(shard: DriftShard(index: 2, count: 3)!, options: "sha256:00")
        let sarif = SARIFReporter.render(report, options: ReportOptions(command: "drift", driftRun: driftRun))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let sarifRun = try #require((object["runs"] as? [[String: Any]])?.first)
        let notifications = try #require(((sarifRun["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"]) as? [[String: Any]])
        #expect(notifications.compactMap { ($0["descriptor"] as? [String: Any])?["id"] as? String } == ["issuers-not-assessed", "deployments-not-assessed"])
        #expect((sarifRun["automationDetails"] as? [String: Any])?["id"] as? String == "audreg/drift/shard-2-of-3/")
        let directory = TemporaryDirectory()
        let script = "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft7Validator); print('valid')"
        let valid = try run("/usr/bin/python3", ["-c", script, Paths.fixture("sarif-schema-2.1.0.json"), directory.write("drift.sarif", sarif)])
        #expect(valid.stdout == "valid\n", "\(valid.stderr)")
    }

    @Test("JSON writes bidirectional, invisible and C1 scalars and DEL as \\u escapes: the same value, nothing raw for a terminal")
    func jsonEscapesUnsafeScalars() throws {
        let value = "a\u{202E}b\u{9B}2J\u{85}\u{7F}\u{200B}\u{E0041}\u{E9}\u{1F600}"
        var text = ""
        JSONValue.writeString(value, to: &text)
        #expect(text == "\"a\\u202eb\\u009b2J\\u0085\\u007f\\u200b\\udb40\\udc41\u{E9}\u{1F600}\"", "\(text)")
        #expect(!text.unicodeScalars.contains { UnsafeScalar.kind($0) != nil })
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String
        #expect(decoded.map { Array($0.unicodeScalars) } == Array(value.unicodeScalars))
    }

    @Test("JSON never holds '##[' (a GitHub runner command anywhere in a log line), and decodes to the same value")
    func jsonBreaksRunnerCommands() throws {
        for (value, expected) in [("x,##[add-mask]s", ###""x,#\u0023[add-mask]s""###), ("###[", ###""##\u0023[""###), ("#[ ## [", ###""#[ ## [""###)] {
            var text = ""
            JSONValue.writeString(value, to: &text)
            #expect(text == expected)
            #expect(try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) as? String == value)
        }
    }

    @Test("every drift output says when the run replayed saved responses", arguments: OutputFormat.allCases)
    func offlineIsSaid(format: OutputFormat) {
        let report = ValidationReport(findings: [], suppressed: [], rules: [], registry: Registry())
        let run = DriftRun(checkedAt: "2026-11-30T09:00:00Z", mode: .offline,
                           coverage: DriftCoverage(issuersSkipped: false, deploymentsSkipped: true, issuers: ["corp-idp"], services: []))
        let output = format.render(report, options: ReportOptions(command: "drift", driftRun: run))
        #expect(output.contains("offline replay") || output.contains("\"mode\": \"offline\""), "\(format): \(output)")
        #expect(output.contains("2026-11-30T09:00:00Z"), "\(format)")
    }

    @Test("JUnit names a finding without an entity by its file's bytes: NFC and NFD names are two cases")
    func junitCasesByFileBytes() throws {
        var report = try Self.report()
        report.findings = ["\u{E9}.yaml", "e\u{301}.yaml"].map {
            Finding(ruleID: "yaml-syntax", severity: .error, message: "bad", location: SourceLocation(file: $0, line: 1, column: 1))
        }
        report.suppressed = []
        let xml = JUnitReporter.render(report, options: ReportOptions())
        let names = xml.components(separatedBy: "<testcase classname=\"yaml-syntax\" name=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(names.map { Array($0.unicodeScalars) } == [Array("e\u{301}.yaml".unicodeScalars), Array("\u{E9}.yaml".unicodeScalars)])
    }
}
