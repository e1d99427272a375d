import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// A drift run's notes: what it observed that is not a finding (a key set read as JSON though served
/// under another content type), carried by `DriftRun`, shown by every reporter through its encoder,
/// kept by `drift merge`, and never counted as a finding.
@Suite("Drift: run notes", .serialized)
struct DriftNotesTests {
    static let hostile = "text/plain\r\n::error file=x::pwned\u{1B}[31m"

    /// Drift over one issuer at `base`, with its findings and notes.
    static func drift(directory: String, source: any DocumentSource) async throws -> (report: ValidationReport, notes: [DriftNote]) {
        let loaded = try RegistryLoader().load(directory: directory)
        return await DriftRunner(options: DriftOptions(today: DriftTest.today)).runWithNotes(loaded, registryDirectory: directory, source: source)
    }

    static func loopback(_ server: LoopbackServer, jwksType: String?, discoveryType: String? = "application/json",
                         jwks: [UInt8] = DriftFixtures.bytes("jwks/good.json")) async throws -> (report: ValidationReport, notes: [DriftNote]) {
        server.route("/keys", .respond(contentType: jwksType, body: jwks))
        server.route("/.well-known/openid-configuration", .json(DriftTest.discovery(issuer: server.baseURL, jwks: server.baseURL + "/keys"),
                                                                contentType: discoveryType))
        let scratch = DriftScratch()
        scratch.write("issuers.yaml", DriftTest.issuerRegistry(base: server.baseURL))
        let source = try HTTPDocumentSource(options: LoopbackDriftTests.options())
        let result = try await Self.drift(directory: scratch.path, source: source)
        await source.shutdown()
        return result
    }

    @Test("a JWKS served as text/plain over HTTP is checked, with a note naming the content type; JSON types give none")
    func textPlainOverHTTP() async throws {
        try await LoopbackServer.withServer { server in
            let plain = try await Self.loopback(server, jwksType: "text/plain")
            #expect(plain.report.findings.isEmpty, "\(plain.report.findings.map(\.message))")
            #expect(plain.notes == [DriftNote(kind: "content-type", subject: server.baseURL + "/keys",
                                              message: "The JWKS \(server.baseURL)/keys is served as 'text/plain', not a JSON media type; it was read as JSON, as enforcers read it")])
            // Its keys are checked all the same.
            let leaked = try await Self.loopback(server, jwksType: "text/plain; charset=utf-8", jwks: DriftFixtures.bytes("jwks/leaked-d.json"))
            #expect(leaked.report.findings.map(\.ruleID).contains("jwks-private-key-material"))
            #expect(leaked.notes.map(\.kind) == ["content-type"] && leaked.notes[0].message.contains("'text/plain; charset=utf-8'"))

            let discovery = try await Self.loopback(server, jwksType: nil, discoveryType: "application/octet-stream")
            #expect(discovery.report.findings.isEmpty)
            #expect(discovery.notes.map(\.subject) == [server.baseURL + "/.well-known/openid-configuration", server.baseURL + "/keys"])
            #expect(discovery.notes[0].message.contains("'application/octet-stream'") && discovery.notes[1].message.contains("without a Content-Type"))

            for type in ["application/json", "Application/JSON; charset=utf-8", "application/jwk-set+json", " application/json "] {
                let clean = try await Self.loopback(server, jwksType: type)
                #expect(clean.notes.isEmpty && clean.report.findings.isEmpty, "\(type): \(clean.notes.map(\.message))")
            }
            // A body that is not JSON is unreachable, and there is nothing to note about how it was read.
            let html = try await Self.loopback(server, jwksType: "text/html", jwks: Array("<html>login</html>".utf8))
            #expect(html.report.findings.map(\.ruleID) == ["jwks-unreachable"] && html.notes.isEmpty)
        }
    }

    static func hostileNotes() async throws -> (ValidationReport, DriftRun) {
        let base = "https://idp.example.com"
        let scratch = DriftScratch()
        scratch.write("issuers.yaml", DriftTest.issuerRegistry(base: base, discovery: false))
        let source = StaticDocumentSource([FetchedDocument(url: base + "/keys", contentType: hostile, body: DriftFixtures.bytes("jwks/good.json"))])
        let (report, notes) = try await Self.drift(directory: scratch.path, source: source)
        var run = DriftRun(checkedAt: "2026-06-01T08:00:00Z", mode: .live)
        run.notes = notes
        return (report, run)
    }

    @Test("a hostile Content-Type (CR LF, a workflow command, an escape) is encoded by every reporter and counts nowhere")
    func hostileContentType() async throws {
        let (report, run) = try await Self.hostileNotes()
        #expect(report.findings.isEmpty && run.notes.count == 1)
        #expect(run.notes[0].message.contains(Self.hostile), "the note keeps the header as sent")
        let options = ReportOptions(pathPrefix: "registry/", command: "drift", driftRun: run, failOn: .error)
        for format in OutputFormat.allCases {
            let output = format.render(report, options: options)
            for line in output.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
                #expect(!line.hasPrefix("::error") && !line.hasPrefix("::warning"), "\(format): \(line)")
                #expect(!line.unicodeScalars.contains("\u{1B}"), "\(format): an escape reaches the output")
            }
            #expect(!output.contains("\r"), "\(format): a raw CR")
        }
        let text = OutputFormat.text.render(report, options: options)
        #expect(text.contains("info: The JWKS https://idp.example.com/keys is served as 'text/plain\\r\\n::error file=x::pwned\\u{1B}[31m'"))
        #expect(text.hasSuffix("0 errors, 0 warnings, 0 notes\n"), "a note is not counted: \(text)")

        let github = OutputFormat.github.render(report, options: options)
        let notice = try #require(github.split(separator: "\n").first { $0.hasPrefix("::notice ") })
        // "::notice PROPERTIES::MESSAGE": a property cannot hold "::" (its colons are %3A).
        let separator = try #require(notice.dropFirst(2).range(of: "::"))
        let message = String(notice[separator.upperBound...])
        #expect(GitHubWorkflowCommand.decode(message, property: false) == run.notes[0].message)

        let sarif = try #require(try JSONSerialization.jsonObject(with: Data(OutputFormat.sarif.render(report, options: options).utf8)) as? [String: Any])
        let sarifRun = try #require((sarif["runs"] as? [[String: Any]])?.first)
        #expect((sarifRun["results"] as? [Any])?.isEmpty == true)
        let notification = try #require(((sarifRun["invocations"] as? [[String: Any]])?.first?["toolExecutionNotifications"] as? [[String: Any]])?.first)
        #expect(notification["level"] as? String == "note")
        #expect((notification["message"] as? [String: Any])?["text"] as? String == SARIFReporter.escapedText(run.notes[0].message))
        #expect((notification["descriptor"] as? [String: Any])?["id"] as? String == "content-type")

        let directory = TemporaryDirectory()
        let script = """
            import json, sys, jsonschema
            jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])), cls=jsonschema.Draft7Validator)
            print("valid")
            """
        let validated = try AudregTestHelpers.run("/usr/bin/python3", ["-c", script, Paths.fixture("sarif-schema-2.1.0.json"),
                                                     directory.write("notes.sarif", OutputFormat.sarif.render(report, options: options))])
        #expect(validated.stdout == "valid\n", "the notifications are valid SARIF 2.1.0: \(validated.stderr)")

        let junit = OutputFormat.junit.render(report, options: options)
        #expect(junit.contains("<testsuite name=\"drift notes\" tests=\"0\" failures=\"0\""))
        #expect(junit.contains("info: The JWKS https://idp.example.com/keys is served as &apos;text/plain\\r\\n::error file=x::pwned\\u{1B}[31m&apos;"))

        let json = OutputFormat.json.render(report, options: options)
        let read = try DriftReport.read(path: directory.write("drift.json", json))
        #expect(read.run.notes == run.notes, "the JSON reads back byte for byte")
        #expect(read.findings.isEmpty)
    }

    static func shard(_ index: Int, of count: Int, notes: [DriftNote], withNotes: Bool = true) -> DriftMerge.Input {
        let registry = "sha256:" + String(repeating: "ab", count: 32)
        var run = DriftRun(checkedAt: "2026-06-01T08:00:00Z", mode: .live,
                           coverage: DriftCoverage(issuersSkipped: false, deploymentsSkipped: true, issuers: [], services: []), registry: registry)
        run.shard = DriftRun.ShardRecord(shard: DriftShard(index: index, count: count)!, options: registry)
        run.notes = notes
        var json = JSONReporter.render(ValidationReport(findings: [], suppressed: [], rules: [], registry: Registry()),
                                       options: ReportOptions(pathPrefix: "registry/", command: "drift", driftRun: run))
        if !withNotes {
            // A shard written before notes existed.
            json = json.replacingOccurrences(of: #",\s*"notes"\s*:\s*\[\]"#, with: "", options: .regularExpression)
            let drift = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["drift"] as? [String: Any]
            #expect(drift != nil && drift?["notes"] == nil, "\(json)")
        }
        return DriftMerge.Input(path: "drift-\(index).json", bytes: Array(json.utf8))
    }

    @Test("drift merge keeps the shards' notes, sorted and each once, and merges shards written before notes")
    func merge() throws {
        let a = DriftNote(kind: "content-type", subject: "https://b.example.com/keys", message: "The JWKS https://b.example.com/keys is served as 'text/plain'")
        let b = DriftNote(kind: "content-type", subject: "https://a.example.com/keys", message: "The JWKS https://a.example.com/keys is served as 'x'")
        let merged = try DriftMerge.merge([Self.shard(1, of: 3, notes: [a, b]), Self.shard(2, of: 3, notes: [a]), Self.shard(3, of: 3, notes: [], withNotes: false)])
        let directory = TemporaryDirectory()
        let read = try DriftReport.read(path: directory.write("merged.json", merged))
        #expect(read.run.notes == [b, a])
        let hostile = DriftNote(kind: "content-type", subject: "https://c.example.com/keys", message: "served as '\(Self.hostile)'")
        let again = try DriftMerge.merge([Self.shard(1, of: 2, notes: [hostile]), Self.shard(2, of: 2, notes: [hostile])])
        #expect(try DriftReport.read(path: directory.write("again.json", again)).run.notes == [hostile])
        #expect(!again.contains("\r"))
    }

    @Test("the CLI: a JWKS replayed with a hostile content type exits 0 with a notice and the note in JSON, encoded in every format")
    func cli() throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        directory.write("registry/issuers.yaml", DriftTest.issuerRegistry(base: "https://idp.example.com", discovery: false))
        directory.write("offline/keys.json", DriftFixtures.text("jwks/good.json"))
        let manifest: [String: Any] = ["tool": "test", "takenAt": "2026-06-01T08:00:00Z",
                                       "entries": [["url": "https://idp.example.com/keys", "file": "keys.json", "status": 200, "contentType": Self.hostile]]]
        directory.write("offline/manifest.json", bytes: Array(try JSONSerialization.data(withJSONObject: manifest)))
        func drift(_ format: String) throws -> ProcessResult {
            try run(Paths.executable, ["drift", directory.path + "/registry", "--offline", directory.path + "/offline", "--today", "2026-06-01",
                                       "--skip-deployments", "--format", format])
        }
        let json = try drift("json")
        #expect(json.status == 0, "a note fails nothing: \(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let notes = try #require((object["drift"] as? [String: Any])?["notes"] as? [[String: Any]])
        #expect(notes.count == 1 && notes.first?["kind"] as? String == "content-type" && notes.first?["subject"] as? String == "https://idp.example.com/keys")
        #expect((notes.first?["message"] as? String)?.contains(Self.hostile) == true)
        #expect((object["summary"] as? [String: Any])?["notes"] as? Int == 0)
        for format in ["text", "github", "sarif", "junit"] {
            let result = try drift(format)
            #expect(result.status == 0, "\(format): \(result.stderr)")
            #expect(result.stdout.contains("pwned"), "\(format) shows the note")
            for line in result.stdout.split(separator: "\n") {
                #expect(!line.hasPrefix("::error") && !line.contains("\r") && !line.contains("\u{1B}"), "\(format): \(line)")
            }
        }
        #expect(try drift("github").stdout.hasPrefix("::notice title=audreg drift note (content-type)::The JWKS https%3A") == false,
                "a message is data, where a colon stays")
        #expect(try drift("github").stdout.hasPrefix("::notice title=audreg drift note (content-type)::The JWKS https://idp.example.com/keys"))
    }
}
