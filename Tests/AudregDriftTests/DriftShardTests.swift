import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

@Suite("drift --shard K/N: which shard an entity falls in")
struct DriftShardUnitTests {
    @Test("K/N parses only as 1 ≤ K ≤ N ≤ 1000, with what to write otherwise")
    func parse() throws {
        #expect(try DriftShard.parse("2/3").get() == DriftShard(index: 2, count: 3))
        #expect(try DriftShard.parse("1/1").get() == DriftShard(index: 1, count: 1))
        for bad in ["0/3", "4/3", "3", "/3", "1/", "a/b", "1/3/4", "+1/3", "-1/3", " 1/3", "1/0", "1/1001", "１/3"] {
            guard case .failure(let problem) = DriftShard.parse(bad) else {
                Issue.record("\(bad) parsed")
                continue
            }
            #expect(problem.message.contains("--shard"), "\(problem.message)")
        }
        if case .failure(let problem) = DriftShard.parse("4/3") { #expect(problem.message.contains("K must be between 1 and 3")) }
    }

    @Test("the shard of a name is fixed (FNV-1a of kind/name bytes), the same in every process and version")
    func stable() {
        // Pinned: a change here moves entities between the shards of runs made by different versions.
        #expect(DriftShard.index(of: .issuer, named: "corp-idp", count: 3) == 2)
        #expect(StableHash.fnv1a64("Issuer/corp-idp") == DriftShardUnitTests.pinnedHash)
        // The kind is part of the key, and names compare by bytes: é precomposed and decomposed differ.
        let precomposed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect((1...64).contains { count in
            DriftShard.index(of: .issuer, named: precomposed, count: count) != DriftShard.index(of: .issuer, named: decomposed, count: count)
        })
    }

    static let pinnedHash: UInt64 = 0x67fd_46ca_cf3e_e461

    @Test("3,000 names spread over 3 shards within 10% of a third each, every name in exactly one")
    func spread() {
        var counts = [0, 0, 0]
        for number in 0..<3_000 {
            let name = "service-\(number)"
            let owners = (1...3).filter { DriftShard(index: $0, count: 3)!.contains(.service, named: name) }
            #expect(owners.count == 1)
            counts[owners[0] - 1] += 1
        }
        #expect(counts.allSatisfy { (900...1_100).contains($0) }, "\(counts)")
    }
}

/// Three shards of a run over real HTTP servers on 127.0.0.1 merged into the unsharded run's report,
/// byte for byte, and each way shards that do not belong together are refused.
@Suite("drift --shard and drift merge, end to end", .serialized)
struct DriftShardMergeTests {
    /// 2026-06-01T08:00:00Z: every run of a test gets the same checkedAt.
    static let epoch = "1780300800"
    static let jwks = ["good", "rsa-1024", "alg-hs256", "missing-kid", "leaked-d", "duplicate-kid", "ec-p256", "expiring-cert", "unknown-kty"]
    static let configs = ["envoy-extract-only.yaml", "kong-jwt-consumers.yaml", "envoy-requirement-audiences.yaml",
                          "spring-placeholder-unresolved.yml", "envoy-requires-provider-and-audiences.yaml", "kong-jwt-foreign-key.yaml"]

    /// 12 issuers (some keys weak, some unreachable) and 14 services whose deployments read corpus
    /// configs, one exception that suppresses a finding, and one broken file whose error every shard reports.
    static func scratch(base: String) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Tests/Fixtures/drift-corpus", toPath: directory.path + "/corpus")
        var issuers = """
            apiVersion: audreg/v1
            kind: Team
            metadata: {name: platform}
            ---
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp, owner: platform}
            spec:
              issuer: "https://idp.example.com/realms/corp"
              jwksUri: "\(base)/keys-good"

            """
        for number in 1...11 {
            let path = number == 11 ? "/missing" : "/keys-\(jwks[number % jwks.count])"
            issuers += "---\n" + DriftTest.issuerRegistry(base: base, name: "idp-\(number)", issuer: "https://idp-\(number).example.com",
                                                          discovery: false, jwksPath: path)
        }
        // Nothing to check with: listed as unchecked, in its own shard's coverage.
        issuers += "---\napiVersion: audreg/v1\nkind: Issuer\nmetadata: {name: bare-idp, owner: platform}\nspec: {issuer: https://bare.example.com}\n"
        directory.write("registry/issuers.yaml", issuers)
        directory.write("registry/services/idle-api.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: idle-api, owner: platform}
            spec:
              audiences: [https://idle.example.com]
              accepts: [{issuer: bare-idp}]

            """)
        for number in 1...14 {
            let exception = number == 1 ? """
                  exceptions:
                    - rule: config-audience-unchecked
                      reason: The route is being moved behind the gateway.
                      approvedBy: security-architecture
                      expires: 2027-06-30
                      ticket: SEC-1

                """ : ""
            directory.write("registry/services/svc-\(number).yaml", """
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: svc-\(number), owner: platform}
                spec:
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}, {issuer: idp-\(number % 11 + 1)}]
                  deployments:
                    - {kind: \(kind(configs[number % configs.count])), source: ../../corpus/\(configs[number % configs.count])}
                \(exception)
                """)
        }
        directory.write("registry/broken.yaml", "apiVersion: audreg/v1\nkind: [Service\n")
        return directory
    }

    static func kind(_ config: String) -> String {
        if config.hasPrefix("envoy") { return "envoy-jwt-authn" }
        if config.hasPrefix("kong") { return "kong" }
        return "spring-boot"
    }

    static func serve(_ server: LoopbackServer) {
        for name in jwks { server.route("/keys-\(name)", .respond(body: DriftFixtures.bytes("jwks/\(name).json"))) }
        server.route("/missing", .respond(status: 404, body: Array("not here".utf8)))
    }

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["SOURCE_DATE_EPOCH"] = epoch
        return environment
    }

    static func drift(_ registry: String, _ extra: [String] = []) throws -> ProcessResult {
        try run(Paths.executable, ["drift", registry, "--today", "2026-06-01", "--allow-loopback", "--format", "json", "--fail-on", "never"] + extra,
                environment: environment)
    }

    /// Runs shards 1…3 and writes them to `drift-K.json`; returns the paths.
    static func shards(_ directory: TemporaryDirectory, count: Int = 3, extra: [String] = []) throws -> [String] {
        try (1...count).map { index in
            let result = try drift(directory.path + "/registry", ["--shard", "\(index)/\(count)"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            return directory.write("drift-\(index)-of-\(count)\(extra.isEmpty ? "" : "-x").json", result.stdout)
        }
    }

    static func merge(_ arguments: [String]) throws -> ProcessResult {
        try run(Paths.executable, ["drift", "merge"] + arguments, environment: environment)
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test("three shards merged are the unsharded run's JSON byte for byte, and build and export oscal take the merge")
    func mergedEqualsUnsharded() async throws {
        try await LoopbackServer.withServer { server in
            Self.serve(server)
            let directory = try Self.scratch(base: server.baseURL)
            let whole = try Self.drift(directory.path + "/registry")
            #expect(whole.status == 0, "\(whole.stderr)")
            // stderr is a pipe here: no progress line.
            #expect(!whole.stderr.contains("\r") && !whole.stderr.contains("checks,"), "\(whole.stderr)")
            let wholeObject = try Self.object(whole.stdout)
            let findings = try #require(wholeObject["findings"] as? [[String: Any]])
            let rules = Set(findings.compactMap { $0["rule"] as? String })
            // The run is worth comparing: issuer and deployment findings, a suppressed one, a registry error.
            #expect(findings.count >= 20, "\(findings.count)")
            #expect(rules.contains("yaml-syntax") && rules.contains("jwks-weak-key") && rules.contains("jwks-unreachable")
                    && rules.contains("config-verification-skipped"), "\(rules)")
            #expect((wholeObject["suppressed"] as? [Any])?.count == 1)

            let paths = try Self.shards(directory)
            var listed: [String] = []
            for (offset, path) in paths.enumerated() {
                let shard = try Self.object(String(decoding: FileManager.default.contents(atPath: path)!, as: UTF8.self))
                let drift = try #require(shard["drift"] as? [String: Any])
                #expect((drift["shard"] as? [String: Any])?["index"] as? Int == offset + 1)
                #expect(drift["registry"] as? String == (wholeObject["drift"] as? [String: Any])?["registry"] as? String)
                let coverage = try #require(drift["coverage"] as? [String: Any])
                // Checked are those read; those tried and not read are unchecked, with why: each is in one list.
                let unread = ((coverage["issuers"] as? [String: Any])?["unchecked"] as? [[String: Any]] ?? []).compactMap { $0["issuer"] as? String }
                let uncompared = Set(((coverage["deployments"] as? [String: Any])?["unchecked"] as? [[String: Any]] ?? []).compactMap { $0["service"] as? String })
                let issuers = ((coverage["issuers"] as? [String: Any])?["checked"] as? [String] ?? []) + unread
                let services = ((coverage["deployments"] as? [String: Any])?["services"] as? [String] ?? []) + uncompared.sorted()
                for name in issuers { #expect(DriftShard(index: offset + 1, count: 3)!.contains(.issuer, named: name)) }
                for name in services { #expect(DriftShard(index: offset + 1, count: 3)!.contains(.service, named: name)) }
                #expect(!issuers.isEmpty || !services.isEmpty, "shard \(offset + 1) checked nothing")
                listed += issuers.map { "Issuer/" + $0 } + services.map { "Service/" + $0 }
            }
            #expect(listed.count == 13 + 15 && Set(listed).count == 28, "every issuer and service in exactly one shard: \(listed.sorted())")
            #expect(listed.contains("Issuer/bare-idp") && listed.contains("Service/idle-api"))

            let merged = try Self.merge(paths.reversed() + ["-o", directory.path + "/drift.json"])
            #expect(merged.status == 0, "\(merged.stderr)")
            let mergedText = String(decoding: FileManager.default.contents(atPath: directory.path + "/drift.json")!, as: UTF8.self)
            #expect(mergedText == whole.stdout)
            if mergedText != whole.stdout {
                let diff = zip(mergedText.split(separator: "\n"), whole.stdout.split(separator: "\n")).first { $0 != $1 }
                Issue.record("first different line: \(String(describing: diff))")
            }

            let site = try run(Paths.executable, ["build", directory.path + "/registry", "--out", directory.path + "/site", "--today", "2026-06-01",
                                                  "--drift-report", directory.path + "/drift.json", "--fail-on", "never"], environment: Self.environment)
            #expect(site.status == 0, "\(site.stderr)")
            let oscal = try run(Paths.executable, ["export", "oscal", directory.path + "/registry", "--today", "2026-06-01",
                                                   "--drift-report", directory.path + "/drift.json", "--fail-on", "never"], environment: Self.environment)
            #expect(oscal.status == 0, "\(oscal.stderr)")
            #expect(oscal.stdout.contains("component-definition"))
        }
    }

    @Test("merge refuses shards of other registries, settings or N, shards given twice or missing, and reports that are not shards")
    func refusals() async throws {
        try await LoopbackServer.withServer { server in
            Self.serve(server)
            let directory = try Self.scratch(base: server.baseURL)
            let paths = try Self.shards(directory)

            let missing = try Self.merge([paths[0], paths[2]])
            #expect(missing.status == 2)
            #expect(missing.stderr.contains("shard 2 of 3 missing"), "\(missing.stderr)")
            #expect(missing.stderr.contains(paths[0]) && missing.stderr.contains(paths[2]), "\(missing.stderr)")

            let twice = try Self.merge([paths[0], paths[1], paths[1], paths[2]])
            #expect(twice.status == 2)
            #expect(twice.stderr.contains("shard 2/3 is given twice"), "\(twice.stderr)")

            let otherN = try Self.shards(directory, count: 2, extra: [])
            let mixedN = try Self.merge([paths[0], paths[1], otherN[1]])
            #expect(mixedN.status == 2)
            #expect(mixedN.stderr.contains("share N"), "\(mixedN.stderr)")

            let otherOptions = try Self.shards(directory, extra: ["--cert-warn-days", "90"])
            let mixedOptions = try Self.merge([paths[0], paths[1], otherOptions[2]])
            #expect(mixedOptions.status == 2)
            #expect(mixedOptions.stderr.contains("different settings") && mixedOptions.stderr.contains(otherOptions[2]), "\(mixedOptions.stderr)")

            let skipped = try Self.drift(directory.path + "/registry", ["--shard", "3/3", "--skip-issuers"])
            let skippedPath = directory.write("skipped.json", skipped.stdout)
            #expect(try Self.merge([paths[0], paths[1], skippedPath]).stderr.contains("different settings"))

            // The same registry given as another path: the same files under other display paths.
            let elsewhere = try run(Paths.executable, ["drift", "registry/../registry", "--today", "2026-06-01", "--allow-loopback", "--format", "json",
                                                      "--fail-on", "never", "--shard", "2/3"], in: directory.path, environment: Self.environment)
            let elsewherePath = directory.write("elsewhere.json", elsewhere.stdout)
            let otherPaths = try Self.merge([paths[0], elsewherePath, paths[2]])
            #expect(otherPaths.status == 2)
            #expect(otherPaths.stderr.contains("differently") && otherPaths.stderr.contains("run every shard from the same folder"), "\(otherPaths.stderr)")

            directory.write("registry/services/svc-1.yaml", "# changed\n" + String(decoding: FileManager.default.contents(atPath: directory.path + "/registry/services/svc-1.yaml")!, as: UTF8.self))
            let changed = try Self.drift(directory.path + "/registry", ["--shard", "2/3"])
            let changedPath = directory.write("changed.json", changed.stdout)
            let otherRegistry = try Self.merge([paths[0], changedPath, paths[2]])
            #expect(otherRegistry.status == 2)
            #expect(otherRegistry.stderr.contains("checked different registries") && otherRegistry.stderr.contains(changedPath), "\(otherRegistry.stderr)")

            let unsharded = directory.write("whole.json", try Self.drift(directory.path + "/registry").stdout)
            #expect(try Self.merge([unsharded]).stderr.contains("not the report of a 'drift --shard K/N' run"))

            // Edited reports: a coverage claim outside the shard, a summary that does not count the
            // findings, a repeated member, an unknown member, a rule this audreg does not have.
            let first = String(decoding: FileManager.default.contents(atPath: paths[0])!, as: UTF8.self)
            let third = try Self.object(String(decoding: FileManager.default.contents(atPath: paths[2])!, as: UTF8.self))
            let foreign = (((third["drift"] as? [String: Any])?["coverage"] as? [String: Any])?["deployments"] as? [String: Any])?["services"] as? [String] ?? []
            let name = try #require(foreign.first)
            let claims = directory.write("claims.json", first.replacingOccurrences(of: "\"services\": [", with: "\"services\": [\n          \"\(name)\","))
            #expect(try Self.merge([claims, paths[1], paths[2]]).stderr.contains("which is not in shard 1/3"))
            let summary = directory.write("summary.json", first.replacingOccurrences(of: "\"suppressed\": ", with: "\"suppressed\": 7, \"x\": ", options: [], range: first.range(of: "\"suppressed\": ")))
            #expect(try Self.merge([summary, paths[1], paths[2]]).status == 2)
            let repeated = directory.write("repeated.json", first.replacingOccurrences(of: "\"mode\": \"live\",", with: "\"mode\": \"live\", \"mode\": \"offline\","))
            #expect(try Self.merge([repeated, paths[1], paths[2]]).stderr.contains("repeats a member name"))
            let unknown = directory.write("unknown.json", first.replacingOccurrences(of: "\"mode\": \"live\",", with: "\"mode\": \"live\", \"note\": 1,"))
            #expect(try Self.merge([unknown, paths[1], paths[2]]).stderr.contains("that audreg does not write"))
            let rule = directory.write("rule.json", first.replacingOccurrences(of: "\"rule\": \"yaml-syntax\"", with: "\"rule\": \"no-such-rule\""))
            #expect(try Self.merge([rule, paths[1], paths[2]]).stderr.contains("is not a rule of this audreg"))

            // Too large: refused by size before a byte is parsed.
            let huge = directory.path + "/huge.json"
            FileManager.default.createFile(atPath: huge, contents: nil)
            let handle = try #require(FileHandle(forWritingAtPath: huge))
            try handle.truncate(atOffset: UInt64(DriftReport.sizeLimit) + 1)
            try handle.close()
            #expect(try Self.merge([huge]).stderr.contains("is larger than"))
        }
    }

    @Test("--allow-partial merges what is there, lists the missing shard, and its coverage claims only the shards given")
    func partial() async throws {
        try await LoopbackServer.withServer { server in
            Self.serve(server)
            let directory = try Self.scratch(base: server.baseURL)
            let paths = try Self.shards(directory)
            let partial = try Self.merge([paths[0], paths[2], "--allow-partial"])
            #expect(partial.status == 0, "\(partial.stderr)")
            let drift = try #require(try Self.object(partial.stdout)["drift"] as? [String: Any])
            let missing = try #require(drift["missingShards"] as? [String: Any])
            #expect(missing["missing"] as? [Int] == [2] && missing["count"] as? Int == 3)
            let coverage = try #require(drift["coverage"] as? [String: Any])
            let services = (coverage["deployments"] as? [String: Any])?["services"] as? [String] ?? []
            let issuers = (coverage["issuers"] as? [String: Any])?["checked"] as? [String] ?? []
            for name in services { #expect(!DriftShard(index: 2, count: 3)!.contains(.service, named: name)) }
            for name in issuers { #expect(!DriftShard(index: 2, count: 3)!.contains(.issuer, named: name)) }
            // A partial merge is not a shard: it cannot be merged again as one.
            let again = directory.write("partial.json", partial.stdout)
            #expect(try Self.merge([again, paths[1]]).stderr.contains("is itself a partial merge"))
        }
    }

    @Test("--shard refuses --max-findings, whose cut the merge could not undo")
    func maxFindings() throws {
        let result = try audreg("drift", "registry", "--shard", "1/2", "--max-findings", "5")
        #expect(result.status == 2)
        #expect(result.stderr.contains("--shard and --max-findings cannot be combined"), "\(result.stderr)")
    }
}

/// The per-rule-per-file cap (1,000 listed, one finding counting the rest) over shards: whether or not
/// each shard was cut, the merge lists and counts what the unsharded run does.
@Suite("drift merge and the per-rule-per-file cap")
struct DriftMergeCapTests {
    static let registry = "sha256:" + String(repeating: "ab", count: 32)

    static func findings(_ count: Int) -> [Finding] {
        (1...count).map { number in
            Finding(ruleID: "jwks-weak-key", severity: number % 7 == 0 ? .error : .warning, message: "issuer idp-\(number) serves a weak key",
                    location: SourceLocation(file: "issuers.yaml", line: number, column: 3), entity: EntityRef(.issuer, "idp-\(number)"))
        }
    }

    static func render(_ findings: [Finding], names: [String], shard: DriftShard?) -> String {
        var run = DriftRun(checkedAt: "2026-06-01T08:00:00Z", mode: .live,
                           coverage: DriftCoverage(issuersSkipped: false, deploymentsSkipped: true, issuers: names, services: []),
                           registry: registry)
        if let shard { run.shard = DriftRun.ShardRecord(shard: shard, options: registry) }
        let report = ValidationReport(findings: Validator.capped(findings), suppressed: [], rules: [], registry: Registry())
        return JSONReporter.render(report, options: ReportOptions(pathPrefix: "registry/", command: "drift", driftRun: run))
    }

    @Test("shards under the cap and shards cut by it merge into the unsharded listing and count",
          arguments: [(900, 3), (2_500, 3), (4_000, 3), (4_000, 2), (1_001, 1)])
    func cap(_ total: Int, _ count: Int) throws {
        let all = Self.findings(total)
        let names = (1...total).map { "idp-\($0)" }
        let whole = Self.render(all, names: names, shard: nil)
        let inputs = (1...count).map { index in
            let shard = DriftShard(index: index, count: count)!
            let mine = all.filter { shard.contains(.issuer, named: $0.entity!.name) }
            return DriftMerge.Input(path: "drift-\(index).json",
                                    bytes: Array(Self.render(mine, names: mine.map { $0.entity!.name }, shard: shard).utf8))
        }
        let merged = try DriftMerge.merge(inputs)
        #expect(merged == whole)
        if total > 1_001 { #expect(whole.contains("more jwks-weak-key finding(s) in this file")) }
    }
}

@Suite("drift merge: findings are the same only when their bytes are")
struct DriftMergeExactTests {
    @Test("two shards' findings that differ only by NFC against NFD are both kept")
    func unionKeepsEquivalentFindings() {
        func entry(_ message: String) -> DriftMerge.Entry {
            let finding = Finding(ruleID: "DRIFT001", severity: .error, message: message,
                                  location: SourceLocation(file: "deploy/orders.yaml", line: 3, column: 5))
            let json = JSONValue.object([("ruleId", "DRIFT001"), ("message", .string(message))])
            return DriftMerge.Entry(finding: finding, json: json, key: ExactString(json.serialized(pretty: false)))
        }
        let nfc = entry("audience https://caf\u{E9}.example is not in the registry")
        let nfd = entry("audience https://cafe\u{301}.example is not in the registry")
        let merged = DriftMerge.union([[nfc], [nfd]])
        #expect(merged.count == 2, "one of two findings about different values was dropped")
        #expect(Set(merged.map(\.key)) == [nfc.key, nfd.key])
        // The same bytes in two shards are one finding.
        #expect(DriftMerge.union([[nfc], [nfc]]).count == 1)
    }
}
