import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Issue 21, attacks 1, 2, 3 and 8, against the built binary: a hostile pull request controls every
/// string and file name of the registry, and must not shape what audreg writes.
@Suite("Hostile registry text in outputs (CLI)")
struct HostileOutputTests {
    static let issuer = """
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: corp-idp}
        spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys, algorithms: [RS256]}

        """

    static func service(audience: String) -> String {
        """
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: orders-api}
        spec:
          audiences: [\(YAMLText.scalar(audience))]
          accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], maxLifetime: 15m}]

        """
    }

    static let forged = "https://orders.example.com\r\n::warning file=x::forged\r\n"

    static func jsonFindings(_ stdout: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        return try #require(object?["findings"] as? [[String: Any]])
    }

    @Test("attack 1: a file name with a newline, `---` and an allow-all policy injects no document into export istio")
    func exportFileName() throws {
        let directory = TemporaryDirectory()
        directory.write("issuers/corp.yaml", Self.issuer)
        // A file name cannot hold `/`, so the hostile text is spread over folder names.
        let hostile = "orders\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: allow-all}\nspec: {action: ALLOW, rules: [{}]}\n#.yaml"
        directory.write(hostile, Self.service(audience: "https://orders.example.com"))
        let result = try audreg("export", "istio", directory.path)
        let parsed = YAMLParser.parse(bytes: Array(result.stdout.utf8), limits: .default)
        #expect(!parsed.documents.contains { $0.root["metadata"]?["name"]?.scalar == "allow-all" })
        #expect(!result.stdout.contains("allow-all"))
        // The hidden line breaks are an error finding, so nothing is exported (exports validate first),
        // and the findings listed on stderr name them without breaking a line.
        #expect(result.status == 1)
        #expect(!physicalLines(result.stderr).contains { $0.hasPrefix("---") || $0.hasPrefix("kind:") || $0.hasPrefix("spec:") }, "\(result.stderr)")
        #expect(result.stderr.contains("unsafe-character") || result.stderr.contains("U+000A LINE FEED"), "\(result.stderr)")

        let validate = try audreg("validate", directory.path, "--format", "json")
        let unsafe = try Self.jsonFindings(validate.stdout).filter { $0["rule"] as? String == "unsafe-character" }
        #expect(unsafe.count == 1)
        #expect(unsafe.first?["file"] as? String == hostile)
        #expect(unsafe.first?["line"] as? Int == 1 && unsafe.first?["column"] as? Int == 1)
        #expect((unsafe.first?["message"] as? String)?.contains("U+000A LINE FEED") == true)
    }

    @Test("attack 2: an audience with \\r\\n::warning … gives exactly one workflow command per finding")
    func githubFormat() throws {
        let directory = TemporaryDirectory()
        directory.write("issuers/corp.yaml", Self.issuer)
        directory.write("services/orders.yaml", Self.service(audience: Self.forged))
        // A file name is registry data too.
        directory.write("::warning file=y::name.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: \"team\\r\\n::error::x\"}\n")
        let json = try audreg("validate", directory.path, "--format", "json")
        let count = try Self.jsonFindings(json.stdout).count
        #expect(count >= 3)
        let github = try audreg("validate", directory.path, "--format", "github")
        var lines = physicalLines(github.stdout)
        #expect(lines.removeLast() == "")
        #expect(lines.count == count, "\(github.stdout)")
        for line in lines {
            #expect(line.hasPrefix("::error file=") || line.hasPrefix("::warning file=") || line.hasPrefix("::notice file="), "\(line)")
            #expect(!line.hasPrefix("::warning file=x"))
        }

        let text = try audreg("validate", directory.path, "--format", "text", environment: ["NO_COLOR": "1"])
        let textLines = physicalLines(text.stdout)
        #expect(textLines.count == count + 2, "one line per finding, the summary and the final newline: \(text.stdout)")
        for line in textLines {
            #expect(!line.hasPrefix("::"), "\(line)")
            #expect(!line.unicodeScalars.contains { UnsafeScalar.kind($0) != nil })
        }
    }

    @Test("attack 3: diff --format markdown keeps every table row whole and auto-links nothing")
    func markdownDiff() throws {
        let base = TemporaryDirectory()
        base.write("issuers/corp.yaml", Self.issuer)
        base.write("services/orders.yaml", Self.service(audience: "https://orders.example.com"))
        let head = TemporaryDirectory()
        head.write("issuers/corp.yaml", Self.issuer)
        let payload = "https://orders.example.com\r\n\r\n---\r\nAll checks passed @security-team www.evil.example.com |"
        head.write("services/orders.yaml", Self.service(audience: payload))
        let result = try audreg("diff", base.path, head.path, "--format", "markdown", "--fail-on", "never")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = physicalLines(result.stdout)
        let rows = lines.filter { $0.hasPrefix("|") }
        #expect(rows.count >= 3, "\(result.stdout)")
        for row in rows { #expect(SinkEncodingPropertyTests.cells(row) == 5, "\(row)") }
        #expect(!lines.contains { $0.hasPrefix("All checks passed") || $0 == "---" })
        #expect(!result.stdout.contains("://") && !result.stdout.contains("www."))
        #expect(!result.stdout.contains("@"))
        // Shown as `\r\n` (the backslash itself escaped for Markdown).
        #expect(result.stdout.contains(#"\\r\\n\\r\\n---\\r\\nAll checks passed"#))

        let text = try audreg("diff", base.path, head.path, "--format", "text", "--fail-on", "never", environment: ["NO_COLOR": "1"])
        #expect(text.stdout.contains(#"https://orders.example.com\r\n\r\n---\r\nAll checks passed"#), "\(text.stdout)")
        #expect(!physicalLines(text.stdout).contains { $0.hasPrefix("All checks") || $0 == "---" })
    }

    /// `validate --format json` over an issuer and one service with `title` and `audience` as given
    /// (YAML double-quoted text), which must fail; its `unsafe-character` findings.
    static func unsafeCharacterFindings(file: String, title: String, audience: String) throws -> (TemporaryDirectory, [[String: Any]]) {
        let directory = TemporaryDirectory()
        directory.write("issuers/corp.yaml", Self.issuer)
        directory.write(file, """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api, title: "\(title)"}
            spec:
              audiences: ["\(audience)"]
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], maxLifetime: 15m}]

            """)
        let result = try audreg("validate", directory.path, "--format", "json")
        #expect(result.status == 1)
        return (directory, try Self.jsonFindings(result.stdout).filter { $0["rule"] as? String == "unsafe-character" })
    }

    @Test("attack 8: bidi overrides, zero-width characters and controls in values, keys and file names are reported")
    func hiddenCharacters() throws {
        let (_, unsafe) = try Self.unsafeCharacterFindings(file: "services/orders\u{202E}lmay.yaml",
                                                           title: "Orders\\u200B", audience: "https://orders.example.com\u{202E}")
        let places = unsafe.map { "\($0["line"] as? Int ?? 0):\($0["column"] as? Int ?? 0)" }.sorted()
        #expect(places == ["1:1", "3:37", "5:15"], "\(unsafe)")
        #expect(unsafe.allSatisfy { $0["severity"] as? String == "error" })
        let messages = unsafe.compactMap { $0["message"] as? String }
        #expect(messages.filter { $0.contains("U+202E RIGHT-TO-LEFT OVERRIDE") }.count == 2)
        #expect(messages.contains { $0.contains("U+200B ZERO WIDTH SPACE") })
        #expect(unsafe.filter { $0["line"] as? Int != 1 }.allSatisfy { $0["entity"] as? String == "Service/orders-api" })
    }

    @Test("attack 8b: tag characters (hidden ASCII) and blank letters in names and values are reported")
    func tagCharacters() throws {
        let (directory, unsafe) = try Self.unsafeCharacterFindings(file: "services/orders.yaml", title: "Orders\u{3164}",
                                                                    audience: "https://orders.example.com\u{E0061}\u{E0064}\u{E006D}")
        let messages = unsafe.compactMap { $0["message"] as? String }
        #expect(messages.contains { $0.contains("U+E0061 TAG LATIN SMALL LETTER A (tag character)") }, "\(messages)")
        #expect(messages.contains { $0.contains("U+3164 HANGUL FILLER (blank letter)") }, "\(messages)")
        let text = try audreg("validate", directory.path, "--format", "text", environment: ["NO_COLOR": "1"])
        #expect(!text.stdout.unicodeScalars.contains { $0.value >= 0xE0000 && $0.value <= 0xE007F })
    }
}
