import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

@Suite("Templates: eject, staleness and parse errors")
struct TemplateCommandTests {
    @Test("eject copies a page's two templates and records them; build warns once the built-in one changed")
    func ejectThenStale() throws {
        let directory = TemporaryDirectory()
        let ejected = try audreg("templates", "eject", "Service", in: directory.path)
        #expect(ejected.status == 0, "\(ejected.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/templates/html/service.mustache"))
        #expect(FileManager.default.fileExists(atPath: directory.path + "/templates/markdown/service.mustache"))
        let records = TemplateEjection.read(directory.path + "/templates")
        #expect(records.map(\.name) == ["html/service.mustache", "markdown/service.mustache"])
        #expect(TemplateEjection.stale(in: directory.path + "/templates").isEmpty)

        let built = try audreg("build", Paths.exampleRegistry, "--out", directory.path + "/site", "--today", "2026-12-01", in: directory.path)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(!built.stderr.contains("has changed since"))

        // As if the copy came from an older audreg whose built-in template differed.
        let recordPath = directory.path + "/templates/" + TemplateEjection.recordFile
        let old = try String(contentsOfFile: recordPath, encoding: .utf8).replacingOccurrences(of: "\t0.1.0\t", with: "\t0.0.9\t0000")
        try old.write(toFile: recordPath, atomically: true, encoding: .utf8)
        let rebuilt = try audreg("build", Paths.exampleRegistry, "--out", directory.path + "/site", "--today", "2026-12-01", in: directory.path)
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stderr.contains("templates/html/service.mustache was ejected from audreg 0.0.9, and the built-in template has changed since"), "\(rebuilt.stderr)")

        let unknown = try audreg("templates", "eject", "Servce", in: directory.path)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("did you mean"), "\(unknown.stderr)")
    }

    @Test("a template that does not parse is reported as file:line:column: what to fix", arguments: [
        ("<p>{{#services}}{{name}}\n</p>\n", "section is never closed"),
        ("ab\n{{#a}}x{{/b}}\n", ":2:"),
        ("<p>{{name</p>\n", "not closed with }}"),
    ])
    func parseError(template: String, expected: String) throws {
        let directory = TemporaryDirectory()
        directory.write("templates/html/index.mustache", template)
        let result = try audreg("build", Paths.exampleRegistry, "--out", directory.path + "/site", "--today", "2026-12-01", in: directory.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("templates/html/index.mustache:"), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("ParserError"), "no debug dump")
    }
}

@Suite("drift --offline says what it replayed")
struct OfflineModeTests {
    @Test("an offline run states that deployment configs are read now, in the JSON report and on stderr")
    func offlineStatement() throws {
        let result = try audreg("drift", Paths.exampleRegistry, "--offline", Paths.packageRoot + "/Tests/Fixtures/drift/example-offline",
                                "--format", "json", "--today", "2026-12-01", "--fail-on", "never")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("deployment configs are read as they are now, not from the save"), "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let drift = try #require(object["drift"] as? [String: Any])
        #expect(drift["mode"] as? String == "offline")
        #expect(drift["deploymentFiles"] as? String == "read from the working tree at replay, not from the save")
    }
}

@Suite("drift --offline reads only its folder, with bounds")
struct OfflineFolderBoundsTests {
    @Test("a manifest naming a file outside the folder is refused, and an oversized saved body is not read")
    func confinedAndBounded() async throws {
        let directory = TemporaryDirectory()
        directory.write("outside-secret.json", "{\"keys\": []}")
        directory.write("saved/huge.json", String(repeating: " ", count: (1 << 20) + 10) + "{}")
        directory.write("saved/manifest.json", """
            {"tool": "audreg", "takenAt": "2026-11-30T09:00:00Z", "entries": [
              {"url": "https://idp.example.com/keys", "file": "../outside-secret.json", "status": 200},
              {"url": "https://idp.example.com/huge", "file": "huge.json", "status": 200}
            ]}
            """)
        let source = try OfflineDocumentSource(directory: directory.path + "/saved")
        guard case .failure(let outside) = await source.fetch("https://idp.example.com/keys") else {
            Issue.record("a file outside the offline folder was read")
            return
        }
        #expect(outside.reason.contains("outside the offline directory"))
        guard case .failure(let huge) = await source.fetch("https://idp.example.com/huge") else {
            Issue.record("an oversized saved body was read")
            return
        }
        #expect(huge.reason.contains("cannot be read"), "\(huge.reason)")
    }
}

@Suite("Every output escapes registry text: JUnit and unreadable files")
struct JUnitAndUnreadableEncodingTests {
    @Test("JUnit shows CR LF and a bidi control as visible escapes, and no line of it starts a workflow command")
    func junit() throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        directory.write("a.yaml", "apiVersion: audreg/v1\nkind: Service\nmetadata: {name: a}\nspec:\n  audiences: [\"x\\r\\n::error::forged \\u202E\"]\n")
        let result = try audreg("validate", directory.path, "--format", "junit", "--fail-on", "never")
        let lines = result.stdout.unicodeScalars.split { $0 == "\n" || $0 == "\r" }.map { String(String.UnicodeScalarView($0)) }
        #expect(!lines.contains { $0.unicodeScalars.drop { $0 == " " }.starts(with: "::".unicodeScalars) }, "\(result.stdout)")
        #expect(!result.stdout.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\r" })
        #expect(result.stdout.contains("\\r\\n::error::forged \\u{202E}"))
    }

    @Test("a file that cannot be read still has its name checked by unsafe-character")
    func unreadableFileName() throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        directory.write("ok.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: t}\n")
        let name = "big\u{202E}.yaml"
        directory.write(name, "")
        let path = directory.path + "/" + name
        #expect(truncate(path, off_t(20 << 20)) == 0)
        let result = try audreg("validate", directory.path, "--format", "json", "--fail-on", "never")
        #expect(result.stdout.contains("unsafe-character"), "\(result.stdout)")
        #expect(result.stdout.contains("yaml-syntax"))
    }
}
