import Testing
@testable import AudregKit

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
}
