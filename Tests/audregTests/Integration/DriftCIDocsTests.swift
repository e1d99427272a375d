import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// docs/ci.md's sharded drift workflows: they parse, the matrix runs shards 1…N, and every audreg
/// command they run exists with the options they pass.
@Suite("docs/ci.md: drift across parallel jobs")
struct DriftCIDocsTests {
    /// The YAML blocks of the section "Drift across parallel jobs", in order (GitHub, then GitLab).
    static func blocks() throws -> [YAMLNode] {
        let text = try PRSupport.read(PRSupport.path("docs/ci.md"))
        let start = try #require(text.range(of: "## Drift across parallel jobs"))
        let rest = text[start.upperBound...]
        let section = rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)]
        var result: [YAMLNode] = []
        for part in section.components(separatedBy: "```yaml\n").dropFirst() {
            let yaml = try #require(part.components(separatedBy: "\n```").first)
            let parsed = YAMLParser.parse(yaml)
            #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics.map(\.message))")
            result.append(try #require(parsed.documents.first?.root))
        }
        return result
    }

    /// Help for `audreg drift merge …` is `drift merge --help`; for `audreg drift DIR …`, the default `drift check`.
    static func help(_ invocation: [String]) throws -> String {
        let command = invocation.first == "drift" ? (invocation.dropFirst().first == "merge" ? ["drift", "merge"] : ["drift", "check"]) : [invocation[0]]
        let result = try PRSupport.audreg(command + ["--help"])
        #expect(result.status == 0, "\(command): \(result.stderr)")
        return result.stdout
    }

    static func checkInvocations(_ scripts: [String]) throws -> [[String]] {
        let invocations = scripts.flatMap(CIFilesTests.invocations)
        for invocation in invocations {
            let help = try Self.help(invocation)
            for option in invocation.dropFirst() where option.hasPrefix("-") {
                #expect(help.contains(option.hasPrefix("--") ? option : " \(option),"), "audreg \(invocation.prefix(2).joined(separator: " ")) has no option \(option)")
            }
        }
        return invocations
    }

    @Test("the GitHub matrix runs every shard 1…N with one day, then merges and builds with the merged report")
    func github() throws {
        let workflow = try #require(try Self.blocks().first)
        let count = try #require(workflow["env"]?["SHARDS"]?.scalar.flatMap { Int($0) })
        let shards = workflow["jobs"]?["drift"]?["strategy"]?["matrix"]?["shard"]?.sequence?.compactMap { $0.scalar.flatMap { Int($0) } }
        #expect(shards == Array(1...count))
        #expect(workflow["jobs"]?["drift"]?["strategy"]?["fail-fast"]?.scalar == "false")
        #expect(workflow["jobs"]?["merge"]?["needs"]?.scalar == "drift")
        let scripts = CIFilesTests.runScripts(workflow)
        for script in scripts { #expect(!script.contains("${{"), "\(script)") }
        let invocations = try Self.checkInvocations(scripts)
        #expect(invocations.contains { $0.starts(with: ["drift", "\"$REGISTRY\"", "--shard", "\"$SHARD/$SHARDS\""]) && $0.contains("--today") }, "\(invocations)")
        #expect(invocations.contains { $0.starts(with: ["drift", "merge"]) })
        #expect(invocations.contains { $0.first == "build" && $0.contains("--drift-report") })
    }

    @Test("the GitLab variant uses parallel with CI_NODE_INDEX/CI_NODE_TOTAL, then merges and builds")
    func gitlab() throws {
        let pipeline = try #require(try Self.blocks().dropFirst().first)
        #expect(pipeline["drift"]?["parallel"]?.scalar.flatMap { Int($0) }.map { $0 > 1 } == true)
        let scripts = ["drift", "merge"].flatMap { job in (pipeline[job]?["script"]?.sequence ?? []).compactMap(\.scalar) }
        let invocations = try Self.checkInvocations(scripts)
        #expect(invocations.contains { $0.contains("\"$CI_NODE_INDEX/$CI_NODE_TOTAL\"") })
        #expect(invocations.contains { $0.starts(with: ["drift", "merge"]) })
        #expect(invocations.contains { $0.first == "build" && $0.contains("--drift-report") })
    }
}
