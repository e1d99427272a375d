import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Rule and control catalogs")
struct CatalogTests {
    @Test("rule IDs are unique kebab-case and sorted")
    func ids() {
        let ids = RuleCatalog.builtIn.descriptions.map(\.id)
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id)")
        }
    }

    @Test("every control a rule names exists in a catalog, under its real ID")
    func controlsResolve() {
        let controls = ControlCatalog.builtIn
        for rule in RuleCatalog.builtIn.descriptions {
            #expect(!rule.controls.isEmpty, "\(rule.id) maps to no control")
            for id in rule.controls {
                #expect(controls.control(id)?.id == id, "\(rule.id) names \(id), which is not a canonical control ID")
            }
        }
    }

    @Test("legacy identifiers resolve only as aliases of the standard's IDs")
    func aliases() {
        let controls = ControlCatalog.builtIn
        #expect(controls.control("PR.AC-4")?.id == "PR.AA-05")
        #expect(controls.control("NHI-07")?.id == "NHI6:2025")
        #expect(controls.control("NHI7:2025")?.title == "Long-Lived Secrets")
        #expect(controls.framework("nist-csf-2.0")?.controls.contains { $0.id == "PR.AC-4" } == false)
        // NIST split CSF 1.1's PR.AC-01 into PR.AA-01 and PR.AA-05: it names both, and neither alone.
        #expect(controls.control("PR.AC-01") == nil)
        #expect(controls.controls(forAlias: "PR.AC-01").map(\.id) == ["PR.AA-01", "PR.AA-05"])
        #expect(controls.controls(forAlias: "PR.AC-4").map(\.id) == ["PR.AA-05"])
        #expect(controls.control("PR.AA-01")?.aliases.contains("PR.AC-01") == true)
        #expect(controls.control("PR.AA-05")?.aliases.contains("PR.AC-01") == true)
    }

    @Test("the three frameworks are there, and audience misuse maps to NHI6:2025")
    func frameworks() {
        #expect(ControlCatalog.builtIn.frameworks.map(\.id) == ["nist-ai-rmf-1.0", "nist-csf-2.0", "owasp-nhi-2025"])
        #expect(RuleCatalog.builtIn.rule(id: "audience-missing")?.controls.contains("NHI6:2025") == true)
        let evidencing = ControlCatalog.builtIn.rules(evidencing: ControlCatalog.builtIn.control("PR.AA-05")!, in: .builtIn)
        #expect(evidencing.contains("audience-collision"))
    }

    @Test("an organization's own framework is data: a file, no code")
    func customFramework() throws {
        let directory = TemporaryDirectory()
        directory.write("soc2.yaml", """
            framework: {id: soc2-2017, title: SOC 2 Trust Services Criteria, version: "2017"}
            controls:
              - id: CC6.1
                title: Logical access security
                text: The entity implements logical access security software, infrastructure, and architectures.
                rules: [audience-collision, gateway-passthrough]
            """)
        let catalog = try ControlCatalog.withAdditions(from: directory.path)
        let control = try #require(catalog.control("CC6.1"))
        #expect(catalog.rules(evidencing: control, in: .builtIn) == ["audience-collision", "gateway-passthrough"])
        directory.write("broken.yaml", "framework: {title: No id}\ncontrols: []\n")
        #expect(throws: ControlCatalogError.self) { try ControlCatalog.withAdditions(from: directory.path) }
    }

    @Test("a control ID names one control: a second framework reusing a built-in ID, or one ID twice in a file, is refused at its line")
    func controlIDsAreUnique() throws {
        let directory = TemporaryDirectory()
        directory.write("own.yaml", """
            framework: {id: own-2026, title: Our controls, version: "1"}
            controls:
              - id: OWN-1
                title: Audiences per service
                text: Each service has its own audience.
              - id: PR.AA-05
                title: Not CSF's
                text: Something else.
                rules: [owner-missing]
            """)
        do {
            _ = try ControlCatalog.withAdditions(from: directory.path)
            Issue.record("a reused control ID was accepted")
        } catch let error as ControlCatalogError {
            #expect(error.line == 6 && error.column == 9, "\(error)")
            #expect(error.message.contains("'PR.AA-05' is also a control of framework 'nist-csf-2.0'"), "\(error.message)")
        }
        let twice = TemporaryDirectory()
        twice.write("own.yaml", """
            framework: {id: own-2026, title: Our controls, version: "1"}
            controls:
              - {id: OWN-1, title: A, text: a}
              - {id: OWN-1, title: B, text: b}
            """)
        #expect(throws: ControlCatalogError.self) { try ControlCatalog.withAdditions(from: twice.path) }
        // IDs become page names and OSCAL ids: only ASCII letters, digits, . _ - : and inner spaces, and
        // two that fold to one OSCAL id (case, ':' and ' ' as '-') are one ID twice.
        for (ids, problem) in [(["OWN 1", "own-1"], "listed twice"), (["OWN-1</a><script>"], "may hold only"), (["OWN-\u{0130}"], "may hold only")] {
            let folder = TemporaryDirectory()
            folder.write("own.yaml", "framework: {id: own-2026, title: Ours, version: \"1\"}\ncontrols:\n"
                         + ids.map { "  - {id: \"\($0)\", title: T, text: t}\n" }.joined())
            #expect { try ControlCatalog.withAdditions(from: folder.path) } throws: { ($0 as? ControlCatalogError)?.message.contains(problem) == true }
        }
        // An alias is an OSCAL prop value too: an OSCAL string, at its own place.
        for (alias, problem) in [(" PR.AC-01", "whitespace at its start or end (U+0020)"), ("PR.AC-01\\n", "whitespace at its start or end (U+000A)"),
                                 ("PR\\nAC-01", "a line break (U+000A)"), ("", "it is empty")] {
            let folder = TemporaryDirectory()
            folder.write("own.yaml", "framework: {id: own-2026, title: Ours, version: \"1\"}\ncontrols:\n  - {id: OWN-1, title: T, text: t, aliases: [\"\(alias)\"]}\n")
            #expect { try ControlCatalog.withAdditions(from: folder.path) } throws: { error in
                guard let error = error as? ControlCatalogError else { return false }
                return error.message.contains(problem) && error.line == 3 && error.column == 46
            }
        }
        // OSCAL control-ids are tokens: a leading digit never is, and a framework with its own OSCAL
        // catalog keeps its ids as written, so a ':' or space there is refused too.
        for (framework, id, accepted) in [("", "1.2", false), ("", "_1.2", true), ("", "OWN 1:2", true),
                                          (", oscalCatalog: https://example.com/c.json", "OWN 1", false),
                                          (", oscalCatalog: https://example.com/c.json", "OWN:1", false),
                                          (", oscalCatalog: https://example.com/c.json", "OWN.1-a_b", true)] {
            let folder = TemporaryDirectory()
            folder.write("own.yaml", "framework: {id: own-2026, title: Ours, version: \"1\"\(framework)}\ncontrols:\n  - {id: \"\(id)\", title: T, text: t}\n")
            if accepted {
                #expect(try ControlCatalog.withAdditions(from: folder.path).control(id) != nil, "\(id)")
            } else {
                #expect { try ControlCatalog.withAdditions(from: folder.path) } throws: { ($0 as? ControlCatalogError)?.message.contains("is not an OSCAL token") == true }
            }
        }
        // Replacing a built-in framework by its own ID keeps working: its controls replace the old ones.
        let replacing = TemporaryDirectory()
        replacing.write("csf.yaml", """
            framework: {id: nist-csf-2.0, title: CSF, version: "2.0"}
            controls:
              - {id: PR.AA-05, title: Access permissions, text: Access permissions are managed.}
            """)
        #expect(try ControlCatalog.withAdditions(from: replacing.path).control("PR.AA-05")?.title == "Access permissions")
    }

    @Test("the embedded resources match controls/ and templates/")
    func embeddedUpToDate() throws {
        let result = try run("/usr/bin/python3", [Paths.packageRoot + "/scripts/embed-resources.py", "--check"])
        #expect(result.status == 0, "run python3 scripts/embed-resources.py")
    }
}

@Suite("Audience forms")
struct AudienceFormsTests {
    @Test("lenient keys equate what lenient consumers and reviewers equate", arguments: [
        ("https://orders.example.com", "https://orders.example.com/"),
        ("https://orders.example.com", "HTTPS://Orders.Example.com"),
        ("https://orders.example.com", "https://orders.example.com:443"),
        ("https://orders.example.com/a", "https://orders.example.com/%61"),
        ("https://orders.example.com/a", "https://orders.example.com/b/../a"),
        ("https://orders.example.com", "https://оrders.example.com"),
        ("https://orders.example.com", "https://ｏrders.example.com"),
        ("https://café.example.com", "https://cafe\u{301}.example.com"),
        ("https://orders.example.com/Api", "https://orders.example.com/%41pi"),
        ("https://orders.example.com/api", "https://orders.example.com/%41pi"),
        ("urn:example:orders", "URN:example:Orders"),
    ])
    func equal(pair: (String, String)) {
        #expect(AudienceForms.confusableKey(pair.0) == AudienceForms.confusableKey(pair.1))
    }

    @Test("distinct audiences keep distinct keys", arguments: [
        ("https://orders.example.com", "https://order.example.com"),
        ("https://orders.example.com:8443", "https://orders.example.com"),
        ("https://orders.example.com/a", "https://orders.example.com/%2F"),
        ("orders.example.com", "https://orders.example.org"),
    ])
    func distinct(pair: (String, String)) {
        #expect(AudienceForms.confusableKey(pair.0) != AudienceForms.confusableKey(pair.1))
    }

    @Test("messages name the difference")
    func differences() {
        #expect(AudienceForms.differences(between: "https://a.example.com", and: "https://a.example.com/") == [.trailingSlash])
        #expect(AudienceForms.differences(between: "https://a.example.com", and: "https://а.example.com") == [.confusableCharacters])
        #expect(AudienceForms.differences(between: "https://a.example.com/Api", and: "https://a.example.com/%41pi") == [.percentEncoding])
        #expect(AudienceForms.differences(between: "https://b\u{FC}cher.example.com", and: "https://bu\u{308}cher.example.com") == [.unicodeNormalization])
        // Envoy's audience check drops the scheme and a trailing slash: these admit each other's tokens there.
        #expect(AudienceForms.differences(between: "http://orders.example.com", and: "https://orders.example.com") == [.schemePrefix])
        #expect(AudienceForms.differences(between: "orders.example.com", and: "https://orders.example.com/") == [.trailingSlash, .schemePrefix])
    }

    @Test("the look-alike skeleton keeps accents and drops only what renders as nothing (UTS #39)")
    func skeletonKeepsAccents() {
        let key = { (text: String) in AudienceForms.confusableKey(text) }
        #expect(key("https://b\u{FC}cher.example.com") != key("https://bucher.example.com"))
        #expect(key("https://caf\u{E9}.example.com") != key("https://cafe.example.com"))
        // An accent on a Cyrillic look-alike stays on its prototype.
        #expect(key("https://\u{430}\u{301}.example.com") == key("https://\u{E1}.example.com"))
        // A grapheme joiner, a variation selector and a zero-width joiner render as nothing.
        for invisible in ["\u{34F}", "\u{FE0F}", "\u{200D}"] {
            #expect(key("https://orders\(invisible).example.com") == key("https://orders.example.com"), "\(invisible.unicodeScalars.map(\.value))")
        }
    }

    @Test("messages name every difference, and only real ones")
    func everyDifference() {
        #expect(AudienceForms.differences(between: "https://Orders.API.example.com:443/v1/../", and: "https://orders.api.example.com")
                == [.schemeAndHostCase, .defaultPort, .dotSegments, .trailingSlash])
        #expect(AudienceForms.differences(between: "https://a.example.com/api", and: "https://a.example.com/%41pi") == [.percentEncoding, .otherCase])
        // Both sides name the default port: that is no difference between them.
        #expect(AudienceForms.differences(between: "https://a.example.com:443/X", and: "https://a.example.com:443/x") == [.otherCase])
    }

    @Test("scheme and host case is told apart from path case")
    func caseSteps() {
        #expect(AudienceForms.Step.schemeAndHostCase.apply("HTTPS://Orders.Example.com/Api?Q=1") == "https://orders.example.com/Api?Q=1")
        #expect(AudienceForms.Step.schemeAndHostCase.apply("URN:Example:Orders") == "urn:Example:Orders")
        #expect(AudienceForms.Step.schemeAndHostCase.apply("Orders") == "Orders")
    }
}
