import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Random strings over the whole Unicode scalar range, weighted towards what breaks sinks: control
/// characters, `"\r\n"`, separators, bidi, zero-width, tag and blank characters, combining marks after `|`, and the
/// punctuation each format gives a meaning to.
struct HostileStrings {
    static let interesting: [Unicode.Scalar] = [
        "\r", "\n", "\t", "\u{0}", "\u{B}", "\u{C}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9B}", "\u{2028}", "\u{2029}",
        "\u{202E}", "\u{2066}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{FFFE}", "\u{FFFF}", "\u{301}", "\u{AD}",
        "\u{E0041}", "\u{E007F}", "\u{E0100}", "\u{3164}", "\u{115F}", "\u{FFA0}", "\u{2800}", "\u{34F}",
        "|", "%", ":", ",", "\\", "\"", "'", "@", "`", "#", "-", "*", "_", "[", "]", "<", ">", "&", "!", "~", "$", "{", "}",
        "w", ".", "/", " ", "u", "n", "r", "x", "3", "A", "\u{A0}", "\u{3000}", "\u{2007}",
    ]
    static let fragments = ["\r\n", "::warning file=x::forged", " ::error::x", "##[add-mask]", "##", "#[", "https://evil.example.com", "www.x.com", "@admin", "\n---\n", "\\u{41}", "%0A", "| a |"]

    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func scalar() -> Unicode.Scalar {
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5: return Self.interesting.randomElement(using: &random)!
        case 5..<7: return Unicode.Scalar(UInt8.random(in: 0...0x7F, using: &random))
        case 7..<9:
            while true { if let scalar = Unicode.Scalar(UInt32.random(in: 0x80...0xFFFF, using: &random)) { return scalar } }
        default: return Unicode.Scalar(UInt32.random(in: 0x10000...0x10FFFF, using: &random))!
        }
    }

    mutating func string(maxLength: Int = 24) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...maxLength, using: &random) {
            if Int.random(in: 0..<8, using: &random) == 0 {
                text += Self.fragments.randomElement(using: &random)!
            } else {
                text.unicodeScalars.append(scalar())
            }
        }
        return text
    }
}

@Suite("Sink encoders (properties)")
struct SinkEncodingPropertyTests {
    static let seeds: [UInt64] = Array(1...40)

    @Test("terminal text: nothing unsafe is left, nothing is lost, no line starts a workflow command", arguments: seeds)
    func terminal(seed: UInt64) {
        var strings = HostileStrings(seed: seed)
        for _ in 0..<200 {
            let text = strings.string()
            let escaped = TerminalText.escape(text)
            #expect(!escaped.unicodeScalars.contains { UnsafeScalar.kind($0) != nil }, "\(scalars(text))")
            #expect(TerminalText.unescape(escaped).map(scalars) == scalars(text), "\(scalars(text))")
            // As the GitHub runner reads a log line: white space trimmed, then `::`; `##[` anywhere.
            for line in [escaped, "    " + escaped, " \u{3000}" + escaped] {
                #expect(!Self.runnerTrimmed(line).hasPrefix("::"), "\(scalars(text))")
                #expect(!line.contains("##["), "\(scalars(text))")
            }
        }
    }

    /// .NET's `TrimStart()`: every `char.IsWhiteSpace` scalar at the start goes.
    static func runnerTrimmed(_ line: String) -> String {
        let whiteSpace: (Unicode.Scalar) -> Bool = {
            switch $0.value {
            case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }
        return String(String.UnicodeScalarView(line.unicodeScalars.drop(while: whiteSpace)))
    }

    @Test("--format text: one line per finding and a summary, whatever the messages and file names hold", arguments: seeds)
    func textReport(seed: UInt64) {
        var strings = HostileStrings(seed: seed)
        let findings = (0..<12).map { _ in
            Finding(ruleID: "schema", severity: .error, message: strings.string(),
                    location: SourceLocation(file: strings.string(maxLength: 8), line: 1, column: 1))
        }
        let output = TextReporter.render(ValidationReport(findings: findings, suppressed: [], rules: [], registry: Registry()), options: ReportOptions())
        let lines = physicalLines(output)
        #expect(lines.count == findings.count + 2, "one line per finding, the summary, and the final empty string")
        for line in lines {
            #expect(!line.hasPrefix("::"))
            #expect(!line.unicodeScalars.contains { UnsafeScalar.kind($0) != nil })
        }
    }

    @Test("--format github: exactly one workflow command per finding, which decodes back to the message", arguments: seeds)
    func github(seed: UInt64) throws {
        var strings = HostileStrings(seed: seed)
        let findings = (0..<12).map { _ in
            Finding(ruleID: "schema", severity: .warning, message: strings.string(),
                    location: SourceLocation(file: strings.string(maxLength: 8), line: 3, column: 4))
        }
        let output = GitHubReporter.render(ValidationReport(findings: findings, suppressed: [], rules: [], registry: Registry()), options: ReportOptions())
        var lines = physicalLines(output)
        #expect(lines.removeLast() == "")
        try #require(lines.count == findings.count, "\(output)")
        // The report sorts its findings; the lines follow that order.
        let sorted = ValidationReport(findings: findings, suppressed: [], rules: [], registry: Registry()).findings
        for (line, finding) in zip(lines, sorted) {
            // Scalars throughout: a combining mark in a value joins the `=` or `:` before it into one Character.
            let scalarsOfLine = Array(line.unicodeScalars)
            let prefix = Array("::warning file=".unicodeScalars)
            #expect(Array(scalarsOfLine.prefix(prefix.count)) == prefix)
            #expect(!line.unicodeScalars.contains { UnsafeScalar.kind($0) != nil })
            // Properties encode `:`, so the first `::` after the command ends them.
            let separator = try #require((2..<scalarsOfLine.count - 1).first { scalarsOfLine[$0] == ":" && scalarsOfLine[$0 + 1] == ":" })
            let properties = String(String.UnicodeScalarView(scalarsOfLine[prefix.count..<separator]))
            let message = String(String.UnicodeScalarView(scalarsOfLine[(separator + 2)...]))
            #expect(GitHubWorkflowCommand.decode(message, property: false).map(scalars) == scalars(finding.message))
            let file = String(String.UnicodeScalarView(properties.unicodeScalars.prefix { $0 != "," }))
            #expect(GitHubWorkflowCommand.decode(file, property: true).map(scalars) == scalars(ReportOptions().paths.github(finding.location.file)))
        }
    }

    @Test("diff --format markdown: every table row keeps its four columns, nothing is auto-linked, text decodes back", arguments: seeds)
    func markdown(seed: UInt64) {
        var strings = HostileStrings(seed: seed)
        let entity = EntityRef(.service, "orders-api")
        var values: [String] = []
        let changes = (0..<6).map { _ in
            let (summary, before, after) = (strings.string(), strings.string(), strings.string())
            values += [summary, before, after]
            let finding = Finding(ruleID: "schema", severity: .error, message: strings.string(),
                                  location: SourceLocation(file: strings.string(maxLength: 8), line: 1, column: 1), entity: entity)
            return TrustChange(kind: .widening, entity: entity, field: "audiences", summary: summary, before: before, after: after,
                               findings: [finding])
        }
        let diff = TrustDiff(changes: changes, introduced: changes.flatMap(\.findings), fixed: [], newlySuppressed: [],
                             baseLabel: strings.string(), headLabel: strings.string())
        let output = MarkdownDiffRenderer.render(diff)
        let lines = physicalLines(output)
        let rows = lines.filter { $0.hasPrefix("|") }
        #expect(rows.count == changes.count + 2, "header, delimiter and one row per change")
        for row in rows {
            #expect(Self.cells(row) == 5, "\(row)")
        }
        for line in lines {
            #expect(!line.unicodeScalars.contains { UnsafeScalar.kind($0) != nil })
            #expect(!line.contains("://") && !line.lowercased().contains("www."), "\(line)")
            #expect(!Self.removing("&#64;<span></span>", from: line).unicodeScalars.containsRun("&#64;".unicodeScalars), "\(scalars(line))")
        }
        for value in values {
            #expect(Self.decodeText(MarkdownText.text(value)).map(scalars) == scalars(value), "\(scalars(value))")
            #expect(Self.decodeCode(MarkdownText.code(value)).map(scalars) == scalars(value), "\(scalars(value))")
        }
    }

    /// `text` without any run of `needle`'s scalars. Foundation's `replacingOccurrences` matches whole
    /// `Character`s, so it misses `<span></span>` when a combining mark follows and joins the `>`.
    static func removing(_ needle: String, from text: String) -> String {
        let pattern = Array(needle.unicodeScalars)
        let scalars = Array(text.unicodeScalars)
        var kept = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if index + pattern.count <= scalars.count, Array(scalars[index..<(index + pattern.count)]) == pattern {
                index += pattern.count
            } else {
                kept.append(scalars[index])
                index += 1
            }
        }
        return String(kept)
    }

    /// Unescaped `|` in a row, as GitHub splits a table row (so `| a | b |` gives 3).
    static func cells(_ row: String) -> Int {
        var count = 0
        var escaped = false
        for scalar in row.unicodeScalars {
            if escaped { escaped = false; continue }
            if scalar == "\\" { escaped = true } else if scalar == "|" { count += 1 }
        }
        return count
    }

    static let entities = ["&amp;": "&", "&lt;": "<", "&gt;": ">", "&#124;": "|", "&#64;": "@", "&#96;": "`", "&#92;": "\\",
                           "&#42;": "*", "&#95;": "_", "&#91;": "[", "&#93;": "]", "&#126;": "~", "&#36;": "$"]

    /// What a reader sees for `MarkdownText.text`: splitters dropped, entities and backslash escapes
    /// decoded, then the terminal escapes undone.
    static func decodeText(_ markdown: String) -> String? {
        var shown = ""
        var rest = Substring(Self.removing(MarkdownText.splitter, from: markdown))
        while let scalar = rest.unicodeScalars.first {
            if scalar == "\\" {
                let next = rest.unicodeScalars.dropFirst().first!
                shown.unicodeScalars.append(next)
                rest = Substring(rest.unicodeScalars.dropFirst(2))
            } else if scalar == "&", let (entity, value) = entities.first(where: { rest.unicodeScalars.starts(with: $0.key.unicodeScalars) }) {
                shown += value
                rest = Substring(rest.unicodeScalars.dropFirst(entity.unicodeScalars.count))
            } else {
                shown.unicodeScalars.append(scalar)
                rest = Substring(rest.unicodeScalars.dropFirst())
            }
        }
        return TerminalText.unescape(shown)
    }

    static func decodeCode(_ markdown: String) -> String? {
        let all = Array(markdown.unicodeScalars)
        guard all.starts(with: "<code>".unicodeScalars), all.reversed().starts(with: "</code>".unicodeScalars.reversed()) else { return nil }
        var shown = ""
        let inner = String(String.UnicodeScalarView(all[6..<(all.count - 7)]))
        var rest = Substring(Self.removing(MarkdownText.splitter, from: inner))
        while let scalar = rest.unicodeScalars.first {
            if scalar == "&", let (entity, value) = entities.first(where: { rest.unicodeScalars.starts(with: $0.key.unicodeScalars) }) {
                shown += value
                rest = Substring(rest.unicodeScalars.dropFirst(entity.unicodeScalars.count))
            } else {
                shown.unicodeScalars.append(scalar)
                rest = Substring(rest.unicodeScalars.dropFirst())
            }
        }
        return TerminalText.unescape(shown)
    }

    @Test("export istio/envoy: loads into exactly the expected documents with the exact strings", arguments: seeds)
    func gatewayExport(seed: UInt64) throws {
        var strings = HostileStrings(seed: seed)
        var registry = RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: corp-idp}]
            """).registry
        let audiences = (0..<3).map { _ in strings.string() }
        let issuer = strings.string()
        let jwks = strings.string()
        registry.services[0].audiences = audiences.map { Located(ExactString($0), at: registry.services[0].audiencesLocation) }
        registry.services[0].origin.file = strings.string() + "\n---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nspec: {action: ALLOW, rules: [{}]}\n"
        registry.issuers[0].issuer = Located(ExactString(issuer), at: registry.issuers[0].origin.location)
        registry.issuers[0].jwksUri = Located(jwks, at: registry.issuers[0].origin.location)
        let export = GatewayExport(registry: registry, namespace: strings.string())
        for format in GatewayFormat.allCases where format != .nginx {
            // An empty iss, or a '*' at either end of a value Istio matches, refuses the export: never a wider config.
            let wildcard = (audiences + [issuer]).contains { $0.hasPrefix("*") || $0.hasSuffix("*") || $0.unicodeScalars.last == "*" || $0.unicodeScalars.first == "*" }
            if issuer.isEmpty || (format == .istio && wildcard) {
                #expect(throws: GatewayExportError.self) { try export.files(format) }
                continue
            }
            let (_, text) = try #require(try export.files(format).first)
            let parsed = YAMLParser.parse(bytes: Array(text.utf8), limits: .default)
            #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics.map(\.message))")
            #expect(parsed.documents.count == (format == .istio ? 2 : 1), "\(format)")
            for line in physicalLines(text) where line.hasPrefix("#") {
                #expect(line.hasPrefix("# Generated by audreg ") || line.hasPrefix("# Change the registry"))
            }
            switch format {
            case .istio:
                #expect(parsed.documents.map { $0.root["kind"]?.scalar } == ["RequestAuthentication", "AuthorizationPolicy"])
                let rule = try #require(parsed.documents[0].root["spec"]?["jwtRules"]?.sequence?.first)
                #expect(rule["issuer"]?.scalar.map(scalars) == scalars(issuer))
                #expect(rule["jwksUri"]?.scalar.map(scalars) == scalars(jwks))
                #expect(rule["audiences"]?.sequence?.compactMap(\.scalar).map(scalars) == audiences.map(scalars))
                let when = parsed.documents[1].root["spec"]?["rules"]?.sequence?.first?["when"]?.sequence?.first?["values"]
                #expect(when?.sequence?.compactMap(\.scalar).map(scalars) == audiences.map(scalars))
                let issuerCondition = parsed.documents[1].root["spec"]?["rules"]?.sequence?.first?["when"]?.sequence?.last
                #expect(issuerCondition?["key"]?.scalar == "request.auth.claims[iss]")
                #expect(issuerCondition?["values"]?.sequence?.compactMap(\.scalar).map(scalars) == [scalars(issuer)])
            case .envoy:
                let providers = try #require(parsed.documents[0].root["typed_config"]?["providers"]?.mapping)
                #expect(providers.count == 1)
                #expect(providers.first?.value["issuer"]?.scalar.map(scalars) == scalars(issuer))
                #expect(providers.first?.value["audiences"]?.sequence?.compactMap(\.scalar).map(scalars) == audiences.map(scalars))
            case .envoyGateway:
                let providers = try #require(parsed.documents[0].root["spec"]?["jwt"]?["providers"]?.sequence)
                #expect(providers.count == 1)
                #expect(providers.first?["issuer"]?.scalar.map(scalars) == scalars(issuer))
                #expect(providers.first?["remoteJWKS"]?["uri"]?.scalar.map(scalars) == scalars(jwks))
                #expect(providers.first?["audiences"]?.sequence?.compactMap(\.scalar).map(scalars) == audiences.map(scalars))
            case .nginx:
                break
            }
        }
        // NGINX: a value nginx cannot carry as data refuses the export; anything else reads back exactly.
        let inexpressible = (audiences + [issuer, jwks]).contains { $0.isEmpty || UnsafeScalar.containsAny($0) }
            || jwks.contains("$") || Set(audiences.map { Array($0.utf8).map { (65...90).contains($0) ? $0 + 32 : $0 } }).count < Set(audiences.map { Array($0.utf8) }).count
        do {
            let (_, text) = try #require(try export.files(.nginx).first)
            #expect(!inexpressible, "exported what nginx cannot carry: \(text)")
            let config = try NginxAuthJWTReader().read(Array(text.utf8), file: "orders-api.conf")
            #expect(config.providers.count == 1)
            let provider = try #require(config.providers.first)
            #expect(provider.audiences?.map { scalars($0.value.text) } == audiences.map(scalars))
            #expect(provider.issuer.map { scalars($0.value) } == scalars(issuer))
            #expect(provider.jwksUri.map { scalars($0.value) } == scalars(jwks))
            #expect(provider.unresolved.isEmpty && provider.audienceCaveat == nil && provider.issuerCaveat == nil)
            for line in physicalLines(text) where line.hasPrefix("#") {
                #expect(line.hasPrefix("# "), "\(line)")
            }
        } catch let error as GatewayExportError {
            #expect(inexpressible, "refused a value nginx can carry: \(error)")
        }
    }
}

@Suite("audreg import (properties)")
struct ImportPropertyTests {
    @Test("import writes hostile config values as data: the registry loads them back byte for byte", arguments: SinkEncodingPropertyTests.seeds)
    func importRoundTrip(seed: UInt64) throws {
        var strings = HostileStrings(seed: seed)
        let provider = "p" + strings.string()
        let issuer = "i" + strings.string()
        let jwks = "https://idp.example.com/" + strings.string()
        var audiences: [String] = []
        for _ in 0..<3 { let value = "a" + strings.string(); if !audiences.contains(where: { $0.isExactly(value) }) { audiences.append(value) } }
        let config = """
            name: envoy.filters.http.jwt_authn
            typed_config:
              providers:
                \(YAMLText.scalar(provider)):
                  issuer: \(YAMLText.scalar(issuer))
                  audiences: [\(audiences.map(YAMLText.scalar).joined(separator: ", "))]
                  remote_jwks: {http_uri: {uri: \(YAMLText.scalar(jwks)), cluster: idp}}
              rules: [{match: {prefix: /}, requires: {provider_name: \(YAMLText.scalar(provider))}}]

            """
        let display = "deploy/f" + strings.string().replacingOccurrences(of: "/", with: "_") + ".yaml"
        let input = RegistryImport.Input(display: display, absolutePath: "/repo/" + display, bytes: Array(config.utf8))
        let plan = RegistryImport().plan([input], outDirectory: "/repo/registry")
        #expect(plan.notMapped.isEmpty, "\(plan.notMapped)")
        let loaded = RegistryLoader().load(sources: plan.files.map { (path: $0.path, bytes: Array($0.contents.utf8)) })
        let broken = loaded.findings.filter { [LoaderRuleID.yamlSyntax, LoaderRuleID.duplicateKey].contains($0.ruleID) }
        #expect(broken.isEmpty, "\(broken.map(\.message))")
        let registry = loaded.registry
        #expect(registry.services.count == 1 && registry.issuers.count == 1 && registry.teams.count == 1)
        let service = try #require(registry.services.first)
        #expect(Set(service.audiences.map(\.value)) == Set(audiences.map { ExactString($0) }))
        #expect(registry.issuers.first?.issuer?.value == ExactString(issuer))
        #expect(registry.issuers.first?.jwksUri?.value.isExactly(jwks) == true)
        #expect(service.deployments.first?.provider?.value.isExactly(provider) == true)
        #expect(service.deployments.first?.source.value.isExactly("../../" + display) == true)
        #expect(service.accepts.map(\.issuer.value) == [registry.issuers[0].name])
        // Values and comments stay inside their lines: each file is one document with the four top-level keys.
        for file in plan.files {
            let topLevel = physicalLines(file.contents).filter { !$0.isEmpty && !$0.hasPrefix(" ") && !$0.hasPrefix("#") }
            #expect(topLevel.map { String($0.prefix { $0 != ":" }) } == ["apiVersion", "kind", "metadata"] + (file.path.hasPrefix("teams/") ? [] : ["spec"]), "\(file.path): \(topLevel)")
            #expect(YAMLParser.parse(bytes: Array(file.contents.utf8)).documents.count == 1)
        }
    }
}

@Suite("Sink encoders (examples)")
struct SinkEncodingExampleTests {
    @Test("terminal text shows each hidden character as an escape, and a backslash as two")
    func terminal() {
        #expect(TerminalText.escape("a\r\nb\tc\\d") == #"a\r\nb\tc\\d"#)
        #expect(TerminalText.escape("x\u{202E}y\u{200B}z\u{1B}[31m\u{85}") == #"x\u{202E}y\u{200B}z\u{1B}[31m\u{85}"#)
        #expect(TerminalText.escape("Übersicht 注文 😀") == "Übersicht 注文 😀")
        #expect(TerminalText.escapeLineStart("::warning x::y.yaml") == #"\u{3A}:warning x::y.yaml"#)
        // The runner trims white space before looking for `::`, and finds `##[` anywhere in a line.
        #expect(TerminalText.escape(" ::error title=x::y.yaml") == #" \u{3A}:error title=x::y.yaml"#)
        #expect(TerminalText.escape("\u{A0}\u{3000}::warning::z") == "\u{A0}\u{3000}" + #"\u{3A}:warning::z"#)
        #expect(TerminalText.escape("a::b") == "a::b")
        #expect(TerminalText.escape("https://a.example/x,##[add-mask]s") == #"https://a.example/x,#\u{23}[add-mask]s"#)
        #expect(TerminalText.escape("###[x] #[y] ##z") == #"##\u{23}[x] #[y] ##z"#)
        for text in [" ::error title=x::y.yaml", "\u{A0}\u{3000}::warning::z", "x,##[add-mask]s", "###[x]"] {
            #expect(TerminalText.unescape(TerminalText.escape(text)) == text)
        }
        #expect(TerminalText.unescape(#"\q"#) == nil)
    }

    @Test("unsafe scalars are named with their code point")
    func names() {
        #expect(UnsafeScalar.describe("\u{202E}") == "U+202E RIGHT-TO-LEFT OVERRIDE")
        #expect(UnsafeScalar.describe("\r") == "U+000D CARRIAGE RETURN")
        #expect(UnsafeScalar.describe("\u{200B}") == "U+200B ZERO WIDTH SPACE")
        #expect(UnsafeScalar.kind("\u{2066}") == .bidi && UnsafeScalar.kind("\u{2028}") == .lineSeparator)
        #expect(UnsafeScalar.kind("\u{2013}") == nil && UnsafeScalar.kind("é") == nil)
        #expect(!UnsafeScalar.containsAny("https://orders.example.com – Übersicht"))
        #expect(UnsafeScalar.containsAny("a\u{FEFF}"))
    }

    @Test("YAML scalars are double-quoted with \\u escapes; comments hold no line break")
    func yaml() {
        #expect(YAMLText.scalar("a\"b\\c\n\u{2028}\u{85}") == #""a\"b\\c\u000A\u2028\u0085""#)
        #expect(YAMLText.comment("orders\n---\nkind: AuthorizationPolicy") == #"orders\n---\nkind: AuthorizationPolicy"#)
    }

    @Test("Markdown text escapes pipes and line breaks on scalars and breaks auto-links and mentions")
    func markdown() {
        #expect(MarkdownText.text("a|\u{301}b\r\nc") == #"a&#124;"# + "\u{301}" + #"b\\r\\nc"#)
        #expect(MarkdownText.text("see https://x.example and www.y.example, @team")
                == "see https:<span></span>//x.example and www<span></span>.y.example, &#64;<span></span>team")
        #expect(MarkdownText.code("a`b|c\n") == #"<code>a&#96;b&#124;c&#92;n</code>"#)
        // The site's Markdown escaping works on scalars too: CR LF (one Character) is two spaces, and a
        // pipe carrying a combining mark is still escaped.
        #expect(MarkdownEscaping.escape("a\r\nb|\u{301}") == "a  b\\|\u{301}")
        #expect(MarkdownEscaping.fence(for: "````\u{301}") == "`````")
    }
}

@Suite("Sink encoders (explain text)")
struct ExplainTextEncodingTests {
    @Test("explain's text form keeps hostile claims and reasons on their own line, visibly escaped")
    func explainText() {
        let hostile = "https://orders.example.com\r\n::warning file=x::forged\u{202E}"
        let explanation = Explanation(service: "orders-api", header: [("alg", "RS256\n::error::x")], claims: [("aud", hostile)],
                                      checks: [ExplainCheck(.issuedForService, .fail, "aud '\(hostile)' is not an audience", details: [hostile])],
                                      otherServices: [hostile], grantedScopes: [], grantedRoles: [], now: 0, claimsOnly: true)
        let text = ExplanationRenderer.text(explanation)
        for line in physicalLines(text) {
            #expect(!line.hasPrefix("::"), "\(line)")
            #expect(!line.unicodeScalars.contains { UnsafeScalar.kind($0) != nil })
        }
        #expect(text.contains(#"https://orders.example.com\r\n::warning file=x::forged\u{202E}"#))
    }
}

extension String.UnicodeScalarView {
    /// Whether `run` occurs in these scalars, compared scalar by scalar.
    func containsRun(_ run: String.UnicodeScalarView) -> Bool {
        let scalars = Array(self), pattern = Array(run)
        guard pattern.count <= scalars.count else { return pattern.isEmpty }
        return (0...(scalars.count - pattern.count)).contains { Array(scalars[$0..<($0 + pattern.count)]) == pattern }
    }
}
