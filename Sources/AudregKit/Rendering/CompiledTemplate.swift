import Foundation
import Mustache

/// A Mustache renderer for the boxed view models (`MustacheBox`), compiled from the same template text
/// that swift-mustache renders and producing the same bytes. swift-mustache resolves every `{{name}}`
/// through a chain of protocol casts and `Mirror`, splits dotted names on every lookup and escapes text
/// one `Character` at a time; on a 10,000-service site that is most of the build. This renderer parses
/// each template once into nodes with pre-split names, looks values up in the boxes' dictionaries, and
/// escapes on UTF-8 bytes, appending everything to one buffer.
///
/// The parser is a port of swift-mustache 2.x's, covering what site templates use: variables,
/// `{{{triple}}}` and `{{&amp}}`, sections, inverted sections, partials, comments, the `empty()`
/// transform and the `CONTENT_TYPE` pragma, with the same standalone-line and indentation rules.
/// A template that uses anything else (set delimiters, inheritance, dynamic partials, other transforms)
/// is not compiled, and its page is rendered by swift-mustache (see `PageRenderer`). Tests render every
/// built-in page both ways and compare the bytes.
///
/// One deliberate difference: escaping works on Unicode scalars, so `<`, `>`, `&`, `"` and `'` are
/// escaped even when a combining mark follows them (swift-mustache compares whole `Character`s and
/// leaves `"` + U+0301 as it is, which ends an HTML attribute).
final class CompiledTemplate: @unchecked Sendable {
    enum ContentKind: Sendable { case html, text, markdown }

    indirect enum Node: Sendable {
        case text(String)
        case variable(Name, escaped: Bool)
        case section(Name, inverted: Bool, body: [Node])
        case partial(String, indentation: String?)
        case contentType(ContentKind)
    }

    /// A pre-split variable name: `.` (the current object), `.a.b` (from the current object only) or
    /// `a.b` (the first object on the stack that has `a`), with the `empty()` transform or none.
    struct Name: Sendable {
        var parts: [String]
        var currentOnly: Bool
        var isDot: Bool
        var emptyTransform: Bool
    }

    let nodes: [Node]

    init(nodes: [Node]) { self.nodes = nodes }

    // MARK: parsing (a port of swift-mustache's Template+Parser)

    struct Unsupported: Error {}

    static func compile(_ text: String) -> CompiledTemplate? {
        var parser = CharacterParser(Array(text))
        guard let nodes = try? parse(&parser, state: ParseState()) else { return nil }
        return CompiledTemplate(nodes: nodes)
    }

    struct ParseState {
        var sectionName: String?
        var sectionTransforms: [String] = []
        var newLine = true
    }

    struct CharacterParser {
        let characters: [Character]
        var position = 0
        init(_ characters: [Character]) { self.characters = characters }
        var reachedEnd: Bool { position == characters.count }
        var current: Character { reachedEnd ? "\0" : characters[position] }
        mutating func advance() { position += 1 }
        @discardableResult
        mutating func read(while predicate: (Character) -> Bool) -> String {
            let start = position
            while !reachedEnd && predicate(characters[position]) { position += 1 }
            return String(characters[start..<position])
        }
        /// Reads `text` when it comes next.
        mutating func read(_ text: String) -> Bool {
            let expected = Array(text)
            guard position + expected.count <= characters.count, Array(characters[position..<position + expected.count]) == expected else { return false }
            position += expected.count
            return true
        }
    }

    static let nameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
    static let nameCharactersWithoutBrackets = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")
    static let partialNameCharacters = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*/")

    static func parse(_ parser: inout CharacterParser, state initial: ParseState) throws -> [Node] {
        var nodes: [Node] = []
        var state = initial
        var whiteSpaceBefore = ""
        while !parser.reachedEnd {
            if state.newLine {
                whiteSpaceBefore = parser.read { $0 == " " || $0 == "\t" }
            }
            let text = readUntilTagOrNewline(&parser)
            if parser.current.isNewline {
                nodes.append(.text(whiteSpaceBefore + text + String(parser.current)))
                state.newLine = true
                parser.advance()
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(whiteSpaceBefore + text))
                whiteSpaceBefore = ""
                state.newLine = false
            }
            if parser.reachedEnd { break }
            var setNewLine = false
            switch parser.current {
            case "#", "^":
                let inverted = parser.current == "^"
                parser.advance()
                let (name, transforms) = try parseName(&parser)
                if isStandalone(&parser, state: state) {
                    setNewLine = true
                } else if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(whiteSpaceBefore))
                    whiteSpaceBefore = ""
                }
                var inner = ParseState(sectionName: name, sectionTransforms: transforms, newLine: state.newLine)
                if !setNewLine { inner.newLine = false }
                let body = try parse(&parser, state: inner)
                nodes.append(.section(try variableName(name, transforms), inverted: inverted, body: body))
            case "/":
                parser.advance()
                let (name, transforms) = try parseName(&parser)
                guard name == state.sectionName, transforms == state.sectionTransforms else { throw Unsupported() }
                if !isStandalone(&parser, state: state), !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(whiteSpaceBefore))
                }
                return nodes
            case "!":
                parser.advance()
                while !parser.reachedEnd && !parser.read("}}") { parser.advance() }
                setNewLine = isStandalone(&parser, state: state)
            case "{", "&":
                let triple = parser.current == "{"
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(whiteSpaceBefore))
                    whiteSpaceBefore = ""
                }
                parser.advance()
                let (name, transforms) = try parseName(&parser)
                if triple { guard parser.read("}") else { throw Unsupported() } }
                nodes.append(.variable(try variableName(name, transforms), escaped: false))
            case ">":
                parser.advance()
                parser.read { $0.isWhitespace }
                guard parser.current != "*" else { throw Unsupported() }
                parser.read { $0.isWhitespace }
                let name = parser.read { partialNameCharacters.contains($0) }
                parser.read { $0.isWhitespace }
                guard parser.read("}}") else { throw Unsupported() }
                if !whiteSpaceBefore.isEmpty { nodes.append(.text(whiteSpaceBefore)) }
                if isStandalone(&parser, state: state) {
                    setNewLine = true
                    nodes.append(.partial(name, indentation: whiteSpaceBefore))
                } else {
                    nodes.append(.partial(name, indentation: nil))
                }
                whiteSpaceBefore = ""
            case "%":
                parser.advance()
                nodes.append(.contentType(try parsePragma(&parser)))
                setNewLine = isStandalone(&parser, state: state)
            case "<", "$", "=":
                throw Unsupported()
            default:
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(whiteSpaceBefore))
                    whiteSpaceBefore = ""
                }
                let (name, transforms) = try parseName(&parser)
                nodes.append(.variable(try variableName(name, transforms), escaped: true))
            }
            state.newLine = setNewLine
        }
        guard state.sectionName == nil else { throw Unsupported() }
        return nodes
    }

    /// Text up to a `{{` (consumed), a `\n` or `\r\n` (not consumed), or the end.
    static func readUntilTagOrNewline(_ parser: inout CharacterParser) -> String {
        var text = ""
        while !parser.reachedEnd {
            text += parser.read { $0 != "\n" && $0 != "\r\n" && $0 != "{" }
            if parser.current.isNewline { break }
            if parser.current == "{" {
                if parser.read("{{") { break }
                text += "{"
                parser.advance()
            }
        }
        return text
    }

    static func parseName(_ parser: inout CharacterParser) throws -> (String, [String]) {
        parser.read { $0.isWhitespace }
        let text = parser.read { nameCharacters.contains($0) }
        parser.read { $0.isWhitespace }
        guard parser.read("}}") else { throw Unsupported() }
        // `empty(findings)` is the transform `empty` applied to `findings`; only that form is compiled.
        guard let open = text.firstIndex(of: "(") else { return (text, []) }
        let transform = String(text[..<open])
        let rest = text[text.index(after: open)...]
        guard rest.hasSuffix(")"), !rest.dropLast().contains("("), !rest.dropLast().contains(")") else { throw Unsupported() }
        return (String(rest.dropLast()), [transform])
    }

    static func variableName(_ name: String, _ transforms: [String]) throws -> Name {
        guard transforms.isEmpty || transforms == ["empty"], !name.isEmpty else { throw Unsupported() }
        return Name(parts: name.split(separator: ".").map(String.init), currentOnly: name.first == ".", isDot: name == ".",
                    emptyTransform: !transforms.isEmpty)
    }

    static func parsePragma(_ parser: inout CharacterParser) throws -> ContentKind {
        parser.read { $0.isWhitespace }
        let variable = parser.read { nameCharactersWithoutBrackets.contains($0) }
        parser.read { $0.isWhitespace }
        guard parser.read(":") else { throw Unsupported() }
        parser.read { $0.isWhitespace }
        let value = parser.read { nameCharactersWithoutBrackets.contains($0) }
        parser.read { $0.isWhitespace }
        guard parser.read("}}"), variable == "CONTENT_TYPE" else { throw Unsupported() }
        switch value {
        case "HTML": return .html
        case "TEXT": return .text
        case "MARKDOWN": return .markdown
        default: throw Unsupported()
        }
    }

    static func isStandalone(_ parser: inout CharacterParser, state: ParseState) -> Bool {
        guard state.newLine else { return false }
        if parser.reachedEnd { return true }
        var lookahead = parser
        lookahead.read { $0 == " " || $0 == "\t" }
        if lookahead.current.isNewline {
            lookahead.advance()
            parser.position = lookahead.position
            return true
        }
        return false
    }
}

/// The compiled templates of a `TemplateSet`, by name (`html/service`), rendering the boxed contexts
/// of `MustacheBox`.
struct CompiledLibrary: @unchecked Sendable {
    let templates: [String: CompiledTemplate]

    init(_ set: TemplateSet) {
        var templates: [String: CompiledTemplate] = [:]
        for entry in set.entries where entry.name.hasSuffix(".mustache") {
            if let compiled = CompiledTemplate.compile(entry.text) {
                templates[String(entry.name.dropLast(".mustache".count))] = compiled
            }
        }
        self.templates = templates
    }

    /// Whether `name` and every partial it can reach compiled; otherwise swift-mustache renders it.
    func canRender(_ name: String) -> Bool {
        var seen = Set<String>()
        var pending = [name]
        while let next = pending.popLast() {
            guard seen.insert(next).inserted else { continue }
            guard let template = templates[next] else { return false }
            CompiledLibrary.partials(in: template.nodes, into: &pending)
        }
        return true
    }

    static func partials(in nodes: [CompiledTemplate.Node], into names: inout [String]) {
        for node in nodes {
            switch node {
            case .partial(let name, _): names.append(name)
            case .section(_, _, let body): partials(in: body, into: &names)
            default: break
            }
        }
    }

    func render(_ context: Any, withTemplate name: String) -> String? {
        guard let template = templates[name] else { return nil }
        let renderer = Renderer(library: self)
        var output = ""
        output.reserveCapacity(32_768)
        var stack = [Frame(context)]
        renderer.render(template.nodes, stack: &stack, kind: .html, indentation: nil, into: &output)
        return output
    }

    /// An object on the context stack, with its dictionary cast once when it is pushed rather than at
    /// every lookup that passes it.
    struct Frame {
        let value: Any
        let dictionary: [String: Any]?

        init(_ value: Any) {
            self.value = value
            dictionary = value as? [String: Any]
        }
    }

    struct Renderer {
        let library: CompiledLibrary

        func render(_ nodes: [CompiledTemplate.Node], stack: inout [Frame], kind initialKind: CompiledTemplate.ContentKind,
                             indentation: String?, into output: inout String) {
            // With an indentation (a standalone partial inside an indented line), swift-mustache indents a
            // node's output when this template's own output so far ends in a newline; that needs the
            // template's output apart, so it is collected separately and appended.
            if let indentation, !indentation.isEmpty {
                var own = ""
                var kind = initialKind
                for node in nodes {
                    var piece = ""
                    renderNode(node, stack: &stack, kind: &kind, indentation: indentation, into: &piece)
                    if !piece.isEmpty, own.utf8.last == UInt8(ascii: "\n") { own += indentation }
                    own += piece
                }
                output += own
                return
            }
            var kind = initialKind
            for node in nodes { renderNode(node, stack: &stack, kind: &kind, indentation: indentation, into: &output) }
        }

        func renderNode(_ node: CompiledTemplate.Node, stack: inout [Frame], kind: inout CompiledTemplate.ContentKind,
                                 indentation: String?, into output: inout String) {
            switch node {
            case .text(let text):
                output += text
            case .contentType(let newKind):
                kind = newKind
            case .variable(let name, let escaped):
                guard let value = Self.lookup(name, in: stack) else { return }
                let text = Self.describe(value)
                if !escaped {
                    output += text
                } else {
                    switch kind {
                    case .html: HTMLEscaping.append(text, to: &output)
                    case .text: output += text
                    case .markdown: output += MarkdownEscaping.escape(text)
                    }
                }
            case .section(let name, let inverted, let body):
                let value = Self.lookup(name, in: stack)
                if inverted {
                    switch value {
                    case let list as [Any]:
                        if list.isEmpty { renderPushing(list, body, stack: &stack, kind: kind, indentation: indentation, into: &output) }
                    case let lazy as LazyBoxList:
                        if lazy.count == 0 { renderPushing([Any](), body, stack: &stack, kind: kind, indentation: indentation, into: &output) }
                    case let flag as Bool:
                        if !flag { render(body, stack: &stack, kind: kind, indentation: indentation, into: &output) }
                    case .some:
                        break
                    case .none:
                        render(body, stack: &stack, kind: kind, indentation: indentation, into: &output)
                    }
                } else {
                    switch value {
                    case let list as [Any]:
                        for element in list { renderPushing(element, body, stack: &stack, kind: kind, indentation: indentation, into: &output) }
                    case let lazy as LazyBoxList:
                        for index in 0..<lazy.count { renderPushing(lazy[index], body, stack: &stack, kind: kind, indentation: indentation, into: &output) }
                    case let flag as Bool:
                        if flag { render(body, stack: &stack, kind: kind, indentation: indentation, into: &output) }
                    case .some(let object):
                        renderPushing(object, body, stack: &stack, kind: kind, indentation: indentation, into: &output)
                    case .none:
                        break
                    }
                }
            case .partial(let name, let partialIndentation):
                guard let template = library.templates[name] else { return }
                let combined: String? = partialIndentation.map { (indentation ?? "") + $0 } ?? indentation
                // A partial starts in HTML, whatever the including template declared.
                render(template.nodes, stack: &stack, kind: .html, indentation: combined, into: &output)
            }
        }

        func renderPushing(_ object: Any, _ nodes: [CompiledTemplate.Node], stack: inout [Frame], kind: CompiledTemplate.ContentKind,
                           indentation: String?, into output: inout String) {
            stack.append(Frame(object))
            render(nodes, stack: &stack, kind: kind, indentation: indentation, into: &output)
            stack.removeLast()
        }

        static func child(_ name: String, of object: Any) -> Any? {
            (object as? [String: Any])?[name]
        }

        static func lookup(_ name: CompiledTemplate.Name, in stack: [Frame]) -> Any? {
            var value: Any?
            if name.isDot {
                value = stack.last?.value
            } else if name.currentOnly {
                guard let last = stack.last else { return nil }
                guard let first = name.parts.first else { return last.value }
                guard let found = last.dictionary?[first] else { return nil }
                value = found
                for part in name.parts.dropFirst() {
                    guard let next = value.flatMap({ child(part, of: $0) }) else { return nil }
                    value = next
                }
            } else {
                guard let first = name.parts.first else { return nil }
                var found: Any?
                for frame in stack.reversed() {
                    if let child = frame.dictionary?[first] {
                        found = child
                        break
                    }
                }
                for part in name.parts.dropFirst() {
                    guard let current = found, let next = child(part, of: current) else { return nil }
                    found = next
                }
                value = found
            }
            guard let resolved = value else { return nil }
            guard name.emptyTransform else { return resolved }
            switch resolved {
            case let list as [Any]: return list.isEmpty
            case let lazy as LazyBoxList: return lazy.count == 0
            case let text as String: return text.isEmpty
            case let dictionary as [String: Any]: return dictionary.isEmpty
            default: return nil
            }
        }

        static func describe(_ value: Any) -> String {
            switch value {
            case let text as String: return text
            case let number as Int: return String(number)
            case let flag as Bool: return flag ? "true" : "false"
            // What swift-mustache would print for the same list, boxed in full.
            case let lazy as LazyBoxList: return String(describing: lazy.materialized)
            default: return String(describing: value)
            }
        }
    }
}

/// HTML escaping of `< > & " '` on UTF-8 bytes; text without any of them is appended as it is.
enum HTMLEscaping {
    static func append(_ text: String, to output: inout String) {
        var needsEscaping = false
        for byte in text.utf8 where byte == 0x3C || byte == 0x3E || byte == 0x26 || byte == 0x22 || byte == 0x27 {
            needsEscaping = true
            break
        }
        guard needsEscaping else {
            output += text
            return
        }
        var start = text.utf8.startIndex
        var index = start
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let replacement: String?
            switch utf8[index] {
            case 0x3C: replacement = "&lt;"
            case 0x3E: replacement = "&gt;"
            case 0x26: replacement = "&amp;"
            case 0x22: replacement = "&quot;"
            case 0x27: replacement = "&#39;"
            default: replacement = nil
            }
            if let replacement {
                output += Substring(utf8[start..<index])
                output += replacement
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        output += Substring(utf8[start..<utf8.endIndex])
    }

    static func escape(_ text: String) -> String {
        var output = ""
        append(text, to: &output)
        return output
    }
}

/// Renders pages with the compiled templates where every template a page reaches compiled, and with
/// swift-mustache otherwise. `AUDREG_TEMPLATE_ENGINE=swift-mustache` renders everything with
/// swift-mustache (to compare, or to rule the compiled renderer out when a page looks wrong).
struct PageRenderer: @unchecked Sendable {
    let mustache: MustacheLibrary
    let compiled: CompiledLibrary?
    /// Names of the templates the compiled renderer takes, partials included.
    let compiledNames: Set<String>

    init(templates: TemplateSet, useCompiled: Bool = PageRenderer.compiledEnabled) throws {
        mustache = try templates.library()
        guard useCompiled else {
            compiled = nil
            compiledNames = []
            return
        }
        let library = CompiledLibrary(templates)
        compiled = library
        compiledNames = Set(library.templates.keys.filter(library.canRender))
    }

    static var compiledEnabled: Bool {
        ProcessInfo.processInfo.environment["AUDREG_TEMPLATE_ENGINE"] != "swift-mustache"
    }

    func render(_ context: Any, withTemplate name: String) -> String? {
        if let compiled, compiledNames.contains(name) { return compiled.render(context, withTemplate: name) }
        return mustache.render(MustacheBox.materialize(context), withTemplate: name)
    }
}
