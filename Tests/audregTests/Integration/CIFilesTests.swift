import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// The ready-to-copy CI files: they parse, and every audreg command they run exists.
@Suite("CI integration files")
struct CIFilesTests {
    static let workflowPath = PRSupport.path("examples/github-workflow.yml")

    static func parse(_ path: String) throws -> YAMLNode {
        let result = YAMLParser.parse(try PRSupport.read(path))
        #expect(result.diagnostics.isEmpty, "\(path): \(result.diagnostics.map(\.message))")
        return try #require(result.documents.first?.root)
    }

    /// Every `run:` script of every step of every job.
    static func runScripts(_ workflow: YAMLNode) -> [String] {
        (workflow["jobs"]?.mapping ?? []).flatMap { job in
            (job.value["steps"]?.sequence ?? []).compactMap { $0["run"]?.scalar }
        }
    }

    /// `audreg SUBCOMMAND --option …` invocations in shell text, at command position only (not paths like $RUNNER_TEMP/audreg).
    static func invocations(_ script: String) -> [[String]] {
        var result: [[String]] = []
        let joined = script.replacingOccurrences(of: "\\\n", with: " ")
        for line in joined.split(separator: "\n") {
            var segments = [String(line)]
            for separator in ["&&", "||", ";", "|", "$("] {
                segments = segments.flatMap { $0.components(separatedBy: separator) }
            }
            for segment in segments {
                let words = segment.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                guard words.first == "audreg" else { continue }
                result.append(Array(words.dropFirst().prefix { $0 != ">" && $0 != ">>" && $0 != "2>&1" }))
            }
        }
        return result
    }

    /// Subcommand names from `audreg --help`.
    static func subcommands(help: String) -> Set<String> {
        var names = Set<String>()
        var inList = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("SUBCOMMANDS:") { inList = true; continue }
            guard inList else { continue }
            if !line.hasPrefix(" ") { if !line.isEmpty { inList = false }; continue }
            // "  name   abstract": two spaces; wrapped abstracts are indented further.
            guard line.hasPrefix("  "), !line.hasPrefix("   ") else { continue }
            if let name = line.split(separator: " ").first { names.insert(String(name)) }
        }
        return names
    }

    @Test("the workflow parses and does what the issue asks")
    func workflowShape() throws {
        let workflow = try Self.parse(Self.workflowPath)
        #expect(workflow["on"]?["pull_request"] != nil)
        #expect(workflow["on"]?["push"] != nil)
        let scripts = Self.runScripts(workflow).joined(separator: "\n")
        let uses = (workflow["jobs"]?.mapping ?? []).flatMap { job in
            (job.value["steps"]?.sequence ?? []).compactMap { $0["uses"]?.scalar }
        }
        #expect(scripts.contains("validate \"$REGISTRY\" --format sarif"))
        #expect(uses.contains { $0.hasPrefix("github/codeql-action/upload-sarif@") })
        #expect(scripts.contains("validate \"$REGISTRY\" --format github"))
        #expect(scripts.contains("--format markdown"))
        #expect(scripts.contains("--fail-on widening"))
        #expect(uses.contains { $0.hasPrefix("actions/github-script@") })
        #expect(uses.contains { $0.hasPrefix("actions/deploy-pages@") })
        #expect(scripts.contains("--out site"))
        // No ${{ }} expression inside a script: values reach the shell through env, never by text substitution.
        for script in Self.runScripts(workflow) { #expect(!script.contains("${{"), "\(script)") }
    }

    @Test("every audreg command the workflow runs exists in audreg --help, with the options it passes")
    func workflowCommandsExist() throws {
        let help = try PRSupport.audreg(["--help"])
        #expect(help.status == 0, "\(help.stderr)")
        let known = Self.subcommands(help: help.stdout)
        #expect(known.contains("validate") && known.contains("diff"), "cannot read the subcommand list: \(help.stdout)")
        let invocations = Self.runScripts(try Self.parse(Self.workflowPath)).flatMap(Self.invocations)
        #expect(Set(invocations.compactMap(\.first)) == ["validate", "diff", "build"])
        for invocation in invocations {
            let subcommand = try #require(invocation.first)
            #expect(known.contains(subcommand), "the workflow runs 'audreg \(subcommand)', which audreg --help does not list")
            guard known.contains(subcommand) else { continue }
            let subhelp = try PRSupport.audreg([subcommand, "--help"]).stdout
            for option in invocation.dropFirst() where option.hasPrefix("--") {
                #expect(subhelp.contains(option), "audreg \(subcommand) has no option \(option)")
            }
        }
    }

    @Test("the pre-commit hooks parse and run audreg validate on registry files")
    func preCommitHooks() throws {
        let hooks = try #require(try Self.parse(PRSupport.path(".pre-commit-hooks.yaml")).sequence)
        #expect(hooks.count >= 1)
        for hook in hooks {
            #expect(hook["id"]?.scalar?.hasPrefix("audreg-") == true)
            #expect(hook["entry"]?.scalar == "audreg validate")
            #expect(hook["pass_filenames"]?.scalar == "false")
            let pattern = try #require(hook["files"]?.scalar)
            #expect("registry/services/production/orders-api.yaml".range(of: pattern, options: .regularExpression) != nil)
            #expect("README.md".range(of: pattern, options: .regularExpression) == nil)
        }
        #expect(hooks.contains { $0["language"]?.scalar == "swift" })
    }

    @Test("shell invocations are found at command position only")
    func invocationParser() {
        let script = """
            echo "$RUNNER_TEMP/audreg/.build/release" >> "$GITHUB_PATH"
            audreg validate "$REGISTRY" --format sarif > audreg.sarif || true
            cat x | audreg diff --git-base "origin/$BASE_REF" "$REGISTRY" --fail-on widening
            """
        #expect(Self.invocations(script).map { $0.first } == ["validate", "diff"])
    }
}
