import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// The built `audreg` binary, run as a user runs it.
@Suite("audreg validate (CLI)")
struct ValidateCommandTests {
    @Test("the example registry validates clean: exit 0")
    func exampleIsClean() throws {
        let result = try audreg("validate", Paths.exampleRegistry, "--today", "2026-12-01")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "0 errors, 0 warnings, 0 notes (1 suppressed by exceptions)\n")
    }

    @Test("removing the example's one exception makes validate fail on that rule")
    func exceptionSuppressesExactlyOne() throws {
        let directory = TemporaryDirectory()
        let registry = directory.path + "/registry"
        try FileManager.default.copyItem(atPath: Paths.exampleRegistry, toPath: registry)
        let file = registry + "/services/production/orders-api.yaml"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let withoutException = String(text[..<text.range(of: "  exceptions:")!.lowerBound])
        try withoutException.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try audreg("validate", registry, "--today", "2026-12-01", "--format", "json")
        #expect(result.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let rules = (object?["findings"] as? [[String: Any]])?.compactMap { $0["rule"] as? String }
        #expect(rules == ["multiple-audiences"])
    }

    @Test("a registry with a duplicate key, a misspelled field and a dangling owner: all three, exit 1")
    func threeProblems() throws {
        let directory = TemporaryDirectory()
        directory.write("services/orders.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata:
              name: orders-api
              owner: team-nobody
              name: orders-api-2
            spec:
              audiences: [https://orders.api.example.com]
              acepts: []
            """)
        let result = try audreg("validate", ".", "--today", "2026-12-01", in: directory.path, environment: ["NO_COLOR": "1"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("services/orders.yaml:6:3: error: key 'name' is given twice in this mapping (first at line 4, column 3); remove one [duplicate-key]"))
        #expect(lines.contains("services/orders.yaml:9:3: error: unknown key 'acepts' in spec; did you mean 'accepts'? [schema]"))
        #expect(lines.contains("services/orders.yaml:5:10: error: owner 'team-nobody' of Service/orders-api is not a defined Team [unknown-reference]"))
        #expect(!result.stdout.contains("\u{1B}["), "no colour when not a terminal")
    }

    @Test("--fail-on warning turns warnings into exit 1")
    func failOnWarning() throws {
        let directory = TemporaryDirectory()
        directory.write("s.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: t}\n---\napiVersion: audreg/v1\nkind: Service\nmetadata: {name: s}\nspec: {audiences: [https://s.example.com]}\n")
        #expect(try audreg("validate", directory.path).status == 0)
        #expect(try audreg("validate", directory.path, "--fail-on", "warning").status == 1)
    }

    @Test("unreadable registries and usage errors exit 2 with a message on stderr")
    func exitTwo() throws {
        let missing = try audreg("validate", "/nonexistent/registry")
        #expect(missing.status == 2)
        #expect(missing.stdout.isEmpty)
        #expect(missing.stderr.contains("does not exist"))
        let badFormat = try audreg("validate", Paths.exampleRegistry, "--format", "yaml")
        #expect(badFormat.status == 2)
        let badDate = try audreg("validate", Paths.exampleRegistry, "--today", "tomorrow")
        #expect(badDate.status == 2)
        #expect(badDate.stderr.contains("YYYY-MM-DD"))
    }

    @Test("rules lists the catalog and rules show explains one, with a suggestion for typos")
    func rulesCommand() throws {
        let list = try audreg("rules")
        #expect(list.status == 0)
        for rule in RuleCatalog.builtIn.descriptions {
            #expect(list.stdout.contains(rule.id))
        }
        let show = try audreg("rules", "show", "gateway-passthrough")
        #expect(show.stdout.contains("Triggering examples"))
        #expect(show.stdout.contains("PR.AA-05: Access permissions and least privilege"))
        let typo = try audreg("rules", "show", "gateway-passtrough")
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("did you mean 'gateway-passthrough'?"))
    }

    @Test("schema prints the JSON Schema, identical to the committed copy")
    func schema() throws {
        let result = try audreg("schema")
        let committed = try String(contentsOfFile: Paths.packageRoot + "/schema/audreg-v1.json", encoding: .utf8)
        #expect(result.stdout == committed, "run: .build/debug/audreg schema > schema/audreg-v1.json")
    }
}
