import Testing
@testable import AudregCore
import AudregTestHelpers

/// libyaml's messages become what to change, with libyaml's words kept in brackets.
@Suite("YAML errors say what to do")
struct YAMLErrorHintTests {
    @Test("common mistakes get a hint", arguments: [
        ("metadata:\n\tname: x\n", "a tab character"),
        ("metadata:\n  name: x\n   title: y\n", "indented deeper than the key above it"),
        ("metadata:\n  name: x\n  description: a: b\n", "put the value in quotes"),
        ("metadata: {name: \"x}\n", "a quote is opened but never closed"),
        ("metadata: {name: x\nspec: {}\n", "a '{' is never closed"),
        ("spec:\n  audiences: [a, b\n", "a '[' is never closed"),
        ("metadata:\n  name: x\n - y\n", "check its indentation"),
    ])
    func hint(yaml: String, expected: String) {
        let loaded = RegistryLoader().load(text: "apiVersion: audreg/v1\nkind: Service\n" + yaml)
        let syntax = loaded.findings.filter { $0.ruleID == LoaderRuleID.yamlSyntax }
        #expect(syntax.count == 1)
        #expect(syntax.first?.message.contains(expected) == true, "\(syntax.map(\.message))")
        #expect(syntax.first?.message.contains("[libyaml: ") == true, "libyaml's own words are kept")
    }
}
