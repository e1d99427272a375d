import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

/// Files written to hurt the parser end in a diagnostic within bounds documented in SECURITY.md.
@Suite("Hostile inputs")
struct HostileInputTests {
    func elapsed(_ work: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        work()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test("a billion-laughs file stops at the alias expansion limit, quickly")
    func billionLaughs() throws {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        var result: YAMLParseResult?
        let seconds = elapsed { result = YAMLParser.parse(text) }
        let diagnostic = try #require(result?.diagnostics.first)
        #expect(diagnostic.message.contains("aliases expand to more than 100000 nodes"))
        #expect(seconds < 2)
    }

    /// Merges written inline are no aliases, but nested ones copy their pairs into every enclosing
    /// mapping: without a budget, a 15 MB file nested 127 deep copies hundreds of millions of pairs.
    @Test("nested '<<' merges stop at the same expansion limit, quickly; ordinary merges are untouched")
    func nestedMerges() throws {
        let keys = (0..<2_000).map { "k\($0): \($0)" }.joined(separator: ", ")
        let text = "root: " + String(repeating: "{<<: ", count: 60) + "{\(keys)}" + String(repeating: "}", count: 60) + "\n"
        var result: YAMLParseResult?
        let seconds = elapsed { result = YAMLParser.parse(text) }
        let diagnostic = try #require(result?.diagnostics.first)
        #expect(diagnostic.message.contains("'<<' merge keys copy more than 100000 entries in this file"), "\(diagnostic.message)")
        #expect(result?.documents.isEmpty == true)
        #expect(seconds < 2)
        // Fifty merges of the same ten-key defaults stay far below it.
        let defaults = "defaults: &d {\((0..<10).map { "d\($0): \($0)" }.joined(separator: ", "))}\n"
        let services = (0..<50).map { "s\($0): {<<: *d, name: s\($0)}" }.joined(separator: "\n")
        let ordinary = YAMLParser.parse(defaults + services + "\n")
        #expect(ordinary.diagnostics.isEmpty)
        #expect(ordinary.documents.first?.root["s49"]?["d9"]?.scalar == "9")
    }

    @Test("nesting thousands deep is refused at the depth limit")
    func deepNesting() throws {
        let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        var result: YAMLParseResult?
        let seconds = elapsed { result = YAMLParser.parse(text) }
        let diagnostic = try #require(result?.diagnostics.first)
        #expect(diagnostic.message.contains("nesting deeper than 128 levels"))
        #expect(diagnostic.position == TextPosition(line: 1, column: 129))
        #expect(seconds < 2)
    }

    @Test("bytes that are not UTF-8 are a finding at the right line")
    func invalidUTF8() throws {
        let directory = TemporaryDirectory()
        directory.write("bad.yaml", bytes: Array("apiVersion: audreg/v1\nkind: Team\nmetadata: {name: x, title: \"".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8))
        let loaded = try RegistryLoader().load(directory: directory.path)
        let finding = try #require(loaded.findings.first)
        #expect(finding.ruleID == "yaml-syntax")
        #expect(finding.location.line == 3)
        #expect(finding.message.contains("UTF-8"))
    }

    @Test("a registry file with a syntax error is reported though `audreg/` is escaped or UTF-16 in its bytes")
    func syntaxErrorWithoutPlainVersion() throws {
        let directory = TemporaryDirectory()
        directory.write("escaped.yaml", "apiVersion: \"\\u0061udreg/v1\"\nkind: Team\nmetadata: {name: t}\nbad: [unclosed\n")
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "kind: Team\nbad: [unclosed\napiVersion: audreg/v1\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        directory.write("wide.yaml", bytes: utf16)
        // The syntax error comes first, so libyaml never reads the escaped or continued apiVersion.
        directory.write("late.yaml", "kind: Service\nmetadata: {name: evil, owner: x\napiVersion: \"\\u0061udreg/v1\"\n")
        directory.write("joined.yaml", "kind: Service\nmetadata: {name: evil\napiVersion: \"aud\\\n  reg/v1\"\n")
        // A Helm template that breaks YAML and names no audreg version stays skipped.
        directory.write("chart.yaml", "metadata:\n  name: {{ .Values.name }}\n  labels: [\"\\u0061\"\n")
        let loaded = try RegistryLoader().load(directory: directory.path)
        #expect(loaded.findings.map(\.ruleID) == ["yaml-syntax", "yaml-syntax", "yaml-syntax", "yaml-syntax"], "\(loaded.findings.map(\.message))")
        #expect(loaded.findings.map(\.location.file) == ["escaped.yaml", "joined.yaml", "late.yaml", "wide.yaml"])
    }

    @Test("a file over the size limit is refused without being parsed")
    func hugeFile() throws {
        let directory = TemporaryDirectory()
        let limits = YAMLLimits(maxFileBytes: 1024 * 1024)
        directory.write("huge.yaml", String(repeating: "# padding line\n", count: 80_000))
        let loaded = try RegistryLoader(limits: limits).load(directory: directory.path)
        #expect(loaded.findings.map(\.ruleID) == ["yaml-syntax"])
        #expect(loaded.findings.first?.message.contains("larger than the limit") == true)
    }

    @Test("an empty file contributes nothing and is no error; YAML that is not audreg's is not registry")
    func emptyFile() throws {
        let directory = TemporaryDirectory()
        directory.write("empty.yaml", "")
        directory.write("comments.yml", "# nothing here yet\n")
        directory.write("compose.yaml", "services: {web: {image: nginx}}\n")
        directory.write("chart/templates/deployment.yaml", "metadata:\n  name: {{ .Values.name }}\n  labels: [\n")
        directory.write("team.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: team-a}\n")
        let loaded = try RegistryLoader().load(directory: directory.path)
        #expect(loaded.findings.isEmpty, "\(loaded.findings.map(\.message))")
        #expect(loaded.registry.services.isEmpty)
        #expect(loaded.registry.files == ["team.yaml"])
    }

    @Test("a directory without YAML, or no directory, is a clear error")
    func noYAML() throws {
        let directory = TemporaryDirectory()
        directory.write("README.md", "not a registry")
        #expect(throws: RegistryError.noRegistryFiles(directory.path)) { try RegistryLoader().load(directory: directory.path) }
        #expect(throws: RegistryError.directoryNotFound(directory.path + "/missing")) {
            try RegistryLoader().load(directory: directory.path + "/missing")
        }
    }

    @Test("a hostile file does not stop the other files from being checked")
    func otherFilesStillChecked() throws {
        let directory = TemporaryDirectory()
        directory.write("a-bad.yaml", "apiVersion: audreg/v1\nkey: [unclosed\n")
        directory.write("b-good.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: team-a}\n")
        let loaded = try RegistryLoader().load(directory: directory.path)
        #expect(loaded.findings.map(\.location.file) == ["a-bad.yaml"])
        #expect(loaded.registry.teams.map(\.name) == ["team-a"])
    }
}
