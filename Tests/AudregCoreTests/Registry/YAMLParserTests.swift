import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("YAML parser")
struct YAMLParserTests {
    @Test("every node keeps its 1-based line and column, counted in characters")
    func positions() throws {
        let result = YAMLParser.parse("""
            a: 1
            bé:
              - ünïcode: x
              - [y, z]
            """)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.documents.first?.root)
        let a = try #require(root.mapping?.first)
        #expect(a.key.start == TextPosition(line: 1, column: 1))
        #expect(a.value.start == TextPosition(line: 1, column: 4))
        let list = try #require(root["bé"]?.sequence)
        let item = try #require(list.first?.mapping?.first)
        #expect(item.key.start == TextPosition(line: 3, column: 5))
        #expect(item.value.start == TextPosition(line: 3, column: 14))
        let flow = try #require(list.last?.sequence)
        #expect(flow.map(\.start) == [TextPosition(line: 4, column: 6), TextPosition(line: 4, column: 9)])
    }

    @Test("scalars are text exactly as written: no YAML 1.1 booleans, octals or floats")
    func scalarsStayText() throws {
        let result = YAMLParser.parse("values: [no, on, 0x1F, 1e3, '007', ~]\n")
        let values = try #require(result.documents.first?.root["values"]?.sequence)
        #expect(values.compactMap(\.scalar) == ["no", "on", "0x1F", "1e3", "007", "~"])
        #expect(values.last?.isNull == true)
        #expect(values[4].isNull == false)
    }

    @Test("a repeated key is reported at its second occurrence and the first value is kept")
    func duplicateKey() throws {
        let result = YAMLParser.parse("a: 1\nb: 2\na: 3\n")
        #expect(result.diagnostics.count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.kind == .duplicateKey)
        #expect(diagnostic.position == TextPosition(line: 3, column: 1))
        #expect(diagnostic.related == TextPosition(line: 1, column: 1))
        #expect(result.documents.first?.root["a"]?.scalar == "1")
    }

    /// Swift's `==` calls canonically equivalent strings equal; YAML's keys are compared as written. `é` as one scalar (C3 A9) and as `e` plus a combining acute (65 CC 81) are two keys.
    @Test("keys that are canonically equivalent but differ in bytes are different keys", arguments: [2, 80])
    func canonicallyEquivalentKeysDiffer(filler: Int) throws {
        // 80 keys before them takes the large-mapping path, which checks repeats as keys arrive.
        let before = (0..<filler).map { "k\($0): v\n" }.joined()
        let result = YAMLParser.parse(before + "\u{E9}: precomposed\ne\u{301}: decomposed\n")
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.documents.first?.root)
        #expect(root["\u{E9}"]?.scalar.map { Array($0.utf8) } == Array("precomposed".utf8))
        #expect(root["e\u{301}"]?.scalar.map { Array($0.utf8) } == Array("decomposed".utf8))
        #expect(root.mapping?.count == filler + 2)

        let repeated = YAMLParser.parse(before + "\u{E9}: 1\n\u{E9}: 2\n")
        #expect(repeated.diagnostics.map(\.kind) == [.duplicateKey])
    }

    @Test("a key is looked up byte for byte: KELVIN SIGN is not K")
    func lookupIsByteExact() throws {
        let root = try #require(YAMLParser.parse("\u{212A}ind: look-alike\n<<: {Kind: merged}\n").documents.first?.root)
        #expect(root.mapping?.count == 2)
        #expect(root["Kind"]?.scalar == "merged")
        #expect(root["\u{212A}ind"]?.scalar == "look-alike")
    }

    @Test("several documents in one stream, with their starting lines")
    func documents() {
        let result = YAMLParser.parse("a: 1\n---\nb: 2\n---\n")
        #expect(result.documents.count == 3)
        #expect(result.documents[1].root["b"]?.start.line == 3)
        #expect(result.documents[2].root.isNull)
    }

    @Test("aliases and merge keys are expanded; explicit keys win over merged ones")
    func aliasesAndMerges() throws {
        let result = YAMLParser.parse("""
            base: &base {x: 1, y: 2}
            copy: *base
            merged:
              <<: *base
              y: 3
            """)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.documents.first?.root)
        #expect(root["copy"]?["x"]?.scalar == "1")
        #expect(root["merged"]?["x"]?.scalar == "1")
        #expect(root["merged"]?["y"]?.scalar == "3")
        // An explicit string tag makes `<<` an ordinary key, not a merge.
        let tagged = try #require(YAMLParser.parse("base: &base {x: 1}\nkept:\n  !!str <<: *base\n").documents.first?.root)
        #expect(tagged["kept"]?["x"] == nil)
        #expect(tagged["kept"]?["<<"]?["x"]?.scalar == "1")
    }

    @Test("an alias to an undefined anchor is an error at the alias")
    func undefinedAlias() throws {
        let result = YAMLParser.parse("a: 1\nb: *missing\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.message.contains("*missing"))
        #expect(diagnostic.position.line == 2)
    }

    @Test("a syntax error names its line and column")
    func syntaxError() throws {
        let result = YAMLParser.parse("a: [1, 2\nb: 3\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.kind == .syntax)
        #expect(diagnostic.position.line == 2)
    }

    @Test("ParserPool's reset is used only with the libyaml release it was written for, which is the one here")
    func resetPinnedToLibyaml() {
        #expect(ParserPool.libyamlVersion == ParserPool.resetWrittenFor,
                "libyaml is \(ParserPool.libyamlVersion); ParserPool.reset imitates yaml_parser_initialize of \(ParserPool.resetWrittenFor): compare yaml_parser_t and yaml_parser_initialize of the new release, then update resetWrittenFor")
        #expect(ParserPool.canReset)
    }

    @Test("a parser reused after any earlier file parses exactly as a new one does")
    func reusedParsersStartClean() {
        let deep = String(repeating: "[", count: 100) + "x" + String(repeating: "]", count: 100) + "\n"
        let long = (0..<800).map { "key\($0): välue-\($0)\n" }.joined()
        var utf16 = [UInt8]([0xFF, 0xFE])
        for unit in "a: ü\nb: [1, 2]\n".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let texts: [(name: String, bytes: [UInt8])] = [
            ("a %TAG directive, then an error inside the document", Array("%TAG !e! tag:example.com,2000:\n--- !e!doc\nx: [1, 2\n".utf8)),
            ("a tag handle no directive defines", Array("--- !e!doc\nx: 1\n".utf8)),
            ("an error with tokens still queued", Array("a: {b: c, d: \"open\n".utf8)),
            ("nesting that grows every stack", Array(deep.utf8)),
            ("a file longer than the input buffer", Array(long.utf8)),
            ("UTF-16 with a byte order mark", utf16),
            ("several documents", Array("a: 1\n---\nb: &x 2\nc: *x\n...\n".utf8)),
            ("an empty file", []),
        ]
        for earlier in texts {
            for later in texts {
                let fresh = YAMLParser.parse(bytes: later.bytes, limits: .default, parsers: ParserPool())
                let pool = ParserPool()
                _ = YAMLParser.parse(bytes: earlier.bytes, limits: .default, parsers: pool)
                let reused = YAMLParser.parse(bytes: later.bytes, limits: .default, parsers: pool)
                #expect(pool.parsersCreated == 1, "the second parse took a new parser")
                #expect(Self.dump(reused) == Self.dump(fresh), "\(later.name), after \(earlier.name)")
            }
        }
        // The cases cover what they claim: the directive is not inherited, and the long file parses.
        let tagged = YAMLParser.parse(bytes: texts[1].bytes, limits: .default, parsers: ParserPool())
        #expect(tagged.diagnostics.first?.message.contains("undefined tag handle") == true)
        let longResult = YAMLParser.parse(bytes: texts[4].bytes, limits: .default, parsers: ParserPool())
        #expect(longResult.diagnostics.isEmpty && longResult.documents.first?.root["key799"]?.scalar == "välue-799")
        let utf16Result = YAMLParser.parse(bytes: utf16, limits: .default, parsers: ParserPool())
        #expect(utf16Result.documents.first?.root["a"]?.scalar == "ü")
    }

    /// Every document, node, position, tag and diagnostic as text, to compare two parses.
    static func dump(_ result: YAMLParseResult) -> String {
        func text(_ node: YAMLNode) -> String {
            let place = "\(node.start.line):\(node.start.column)-\(node.end.line):\(node.end.column)\(node.tag.map { " \($0)" } ?? "")"
            switch node.content {
            case .scalar(let value, let style): return "\(place) \(style) \(value.debugDescription)"
            case .sequence(let items): return "\(place) [\(items.map(text).joined(separator: ", "))]"
            case .mapping(let pairs): return "\(place) {\(pairs.map { text($0.key) + ": " + text($0.value) }.joined(separator: ", "))}"
            }
        }
        return result.documents.map { "\($0.index) \($0.start.line):\($0.start.column) " + text($0.root) }.joined(separator: "\n")
            + "\n" + result.diagnostics.map { "\($0.kind) \($0.message) \($0.position) \(String(describing: $0.related))" }.joined(separator: "\n")
    }
}
