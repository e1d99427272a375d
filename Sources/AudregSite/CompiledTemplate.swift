import Foundation
import AudregCore

/// The site's Mustache engine, for the boxed view models (`BoxValue`). swift-mustache resolves every
/// `{{name}}` through a chain of protocol casts and `Mirror`, splits dotted names on every lookup and
/// escapes text one `Character` at a time; on a large site that was most of the build (BENCHMARKS.md).
/// This renderer parses each template once, lowers it to flat instructions with interned names
/// (`CompiledLibrary`), finds values by comparing integer keys, and escapes and appends UTF-8 bytes to
/// one buffer per page.
///
/// The parser is a port of swift-mustache 2.x's, covering what site templates use: variables,
/// `{{{triple}}}` and `{{&amp}}`, sections, inverted sections, partials, comments, the `empty()`
/// transform and the `CONTENT_TYPE` pragma, with the same standalone-line and indentation rules.
/// Anything else (set delimiters, inheritance, dynamic partials, other transforms) is an error when the
/// templates are loaded, reported as `file:line:column: what to change`. swift-mustache is no longer
/// linked into the site: it is the reference the tests render every built-in page with, byte for byte
/// (Tests/AudregSiteTests/ReferenceRenderingTests.swift).
///
/// One deliberate difference: escaping works on Unicode scalars, so `<`, `>`, `&`, `"` and `'` are
/// escaped even when a combining mark follows them (swift-mustache compares whole `Character`s and
/// leaves `"` + U+0301 as it is, which ends an HTML attribute).
final class CompiledTemplate: Sendable {
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

    /// Why a template cannot be compiled, and where: `position` counts `Character`s from the start.
    struct ParseError: Error, Equatable {
        let position: Int
        let message: String

        /// 1-based line and column (in characters) of `position` in `text`.
        func location(in text: String) -> (line: Int, column: Int) {
            var line = 1
            var column = 1
            for (index, character) in text.enumerated() {
                if index == position { break }
                if character.isNewline {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return (line, column)
        }
    }

    static func compile(_ text: String) throws(ParseError) -> CompiledTemplate {
        var parser = CharacterParser(Array(text))
        return CompiledTemplate(nodes: try parse(&parser, state: ParseState()))
    }

    struct ParseState {
        var sectionName: String?
        var sectionTransforms: [String] = []
        /// Where the section's opening tag starts, for "never closed".
        var sectionStart = 0
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

    static func parse(_ parser: inout CharacterParser, state initial: ParseState) throws(ParseError) -> [Node] {
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
            // `readUntilTagOrNewline` stopped after the `{{`.
            let tagStart = parser.position - 2
            var setNewLine = false
            switch parser.current {
            case "#", "^":
                let inverted = parser.current == "^"
                parser.advance()
                let (name, transforms) = try parseName(&parser, tagStart: tagStart)
                if isStandalone(&parser, state: state) {
                    setNewLine = true
                } else if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(whiteSpaceBefore))
                    whiteSpaceBefore = ""
                }
                let variable = try variableName(name, transforms, tagStart: tagStart)
                var inner = ParseState(sectionName: name, sectionTransforms: transforms, sectionStart: tagStart, newLine: state.newLine)
                if !setNewLine { inner.newLine = false }
                let body = try parse(&parser, state: inner)
                nodes.append(.section(variable, inverted: inverted, body: body))
            case "/":
                parser.advance()
                let (name, transforms) = try parseName(&parser, tagStart: tagStart)
                guard name == state.sectionName, transforms == state.sectionTransforms else {
                    let closing = transforms.isEmpty ? name : "\(transforms[0])(\(name))"
                    guard let open = state.sectionName else {
                        throw ParseError(position: tagStart, message: "this {{/\(closing)}} closes a section that was never opened")
                    }
                    let opened = state.sectionTransforms.isEmpty ? open : "\(state.sectionTransforms[0])(\(open))"
                    throw ParseError(position: tagStart, message: "this {{/\(closing)}} closes a section that is not the one open here "
                                     + "({{#\(opened)}}); close the innermost section first")
                }
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
                let (name, transforms) = try parseName(&parser, tagStart: tagStart)
                if triple {
                    guard parser.read("}") else { throw ParseError(position: tagStart, message: "a {{{…}}} tag is not closed with }}}") }
                }
                nodes.append(.variable(try variableName(name, transforms, tagStart: tagStart), escaped: false))
            case ">":
                parser.advance()
                parser.read { $0.isWhitespace }
                guard parser.current != "*" else {
                    throw ParseError(position: tagStart, message: "dynamic partials ({{>*…}}) are not supported; name the partial")
                }
                parser.read { $0.isWhitespace }
                let name = parser.read { partialNameCharacters.contains($0) }
                parser.read { $0.isWhitespace }
                guard parser.read("}}") else { throw ParseError(position: tagStart, message: "a tag is not closed with }} (or its name is empty)") }
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
                nodes.append(.contentType(try parsePragma(&parser, tagStart: tagStart)))
                setNewLine = isStandalone(&parser, state: state)
            case "<", "$":
                throw ParseError(position: tagStart, message: "template inheritance ({{<…}} and {{$…}}) is not supported; use partials ({{>…}})")
            case "=":
                throw ParseError(position: tagStart, message: "changing the delimiters ({{=…=}}) is not supported; keep {{ and }}")
            default:
                if !whiteSpaceBefore.isEmpty {
                    nodes.append(.text(whiteSpaceBefore))
                    whiteSpaceBefore = ""
                }
                let (name, transforms) = try parseName(&parser, tagStart: tagStart)
                nodes.append(.variable(try variableName(name, transforms, tagStart: tagStart), escaped: true))
            }
            state.newLine = setNewLine
        }
        if let open = state.sectionName {
            throw ParseError(position: state.sectionStart, message: "a {{#…}} or {{^…}} section is never closed; add its {{/\(open)}}")
        }
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

    static func parseName(_ parser: inout CharacterParser, tagStart: Int) throws(ParseError) -> (String, [String]) {
        parser.read { $0.isWhitespace }
        let text = parser.read { nameCharacters.contains($0) }
        parser.read { $0.isWhitespace }
        guard parser.read("}}") else {
            throw ParseError(position: tagStart, message: "a tag is not closed with }} (or its name has a character names cannot have)")
        }
        // `empty(findings)` is the transform `empty` applied to `findings`; only that form is compiled.
        guard let open = text.firstIndex(of: "(") else { return (text, []) }
        let transform = String(text[..<open])
        let rest = text[text.index(after: open)...]
        guard rest.hasSuffix(")"), !rest.dropLast().contains("("), !rest.dropLast().contains(")") else {
            throw ParseError(position: tagStart, message: "'\(text)' is not a name or one transform of a name, such as empty(findings)")
        }
        return (String(rest.dropLast()), [transform])
    }

    static func variableName(_ name: String, _ transforms: [String], tagStart: Int) throws(ParseError) -> Name {
        guard transforms.isEmpty || transforms == ["empty"] else {
            throw ParseError(position: tagStart, message: "the transform \(transforms[0])() is not supported; the only one is empty()")
        }
        guard !name.isEmpty else { throw ParseError(position: tagStart, message: "a tag has an empty name") }
        return Name(parts: name.split(separator: ".").map(String.init), currentOnly: name.first == ".", isDot: name == ".",
                    emptyTransform: !transforms.isEmpty)
    }

    static func parsePragma(_ parser: inout CharacterParser, tagStart: Int) throws(ParseError) -> ContentKind {
        let unknown = ParseError(position: tagStart, message: "a {{% … }} pragma is not one audreg knows (only CONTENT_TYPE: HTML, TEXT or MARKDOWN is)")
        parser.read { $0.isWhitespace }
        let variable = parser.read { nameCharactersWithoutBrackets.contains($0) }
        parser.read { $0.isWhitespace }
        guard parser.read(":") else { throw unknown }
        parser.read { $0.isWhitespace }
        let value = parser.read { nameCharactersWithoutBrackets.contains($0) }
        parser.read { $0.isWhitespace }
        guard parser.read("}}"), variable == "CONTENT_TYPE" else { throw unknown }
        switch value {
        case "HTML": return .html
        case "TEXT": return .text
        case "MARKDOWN": return .markdown
        default: throw unknown
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

/// The compiled templates of a `TemplateSet`, lowered into one flat program: each template is a range
/// of fixed-size instructions, its text is spans of one byte buffer and its names are interned keys. The
/// renderer walks integers and copies bytes; reading the program takes no reference counting at all,
/// which matters when two threads render pages from the same templates.
///
/// Why `@unchecked Sendable` is sound (the one place in the site that keeps it: the renderer's inner
/// loop reads these buffers through raw pointers, which are not `Sendable`): every buffer is allocated
/// and initialized in `init`, before `self` can reach another thread, and freed in `deinit`, after the
/// last reference is gone; in between nothing writes them (they are private `let`s, and only the
/// `Renderer`s made by `render` read them), so concurrent renderers only ever read memory that no thread
/// writes. `templates` and `ranges` are immutable `Sendable` values.
final class CompiledLibrary: @unchecked Sendable {
    struct Instruction {
        enum Code: UInt8 { case text, escaped, raw, section, inverted, partial, contentType }
        var code: Code
        /// text: byte offset; escaped, raw, section, inverted: name; partial: template (-1: none);
        /// contentType: the kind.
        var a: Int32
        /// text: byte count; section, inverted: the instruction after the body; partial: indentation offset.
        var b: Int32 = 0
        /// partial: indentation byte count.
        var c: Int32 = 0
    }

    struct CompiledName {
        var keysStart: Int32
        var keysCount: Int32
        var currentOnly: Bool
        var isDot: Bool
        var emptyTransform: Bool
    }

    /// By name (`html/service`): the parsed nodes, for tests and for finding partials.
    let templates: [String: CompiledTemplate]
    private let ranges: [String: Range<Int32>]
    private let instructions: UnsafeMutableBufferPointer<Instruction>
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let names: UnsafeMutableBufferPointer<CompiledName>
    private let keys: UnsafeMutableBufferPointer<Int32>
    /// By template number, as partial instructions refer to them.
    private let templateRanges: UnsafeMutableBufferPointer<Range<Int32>>

    /// Compiles every template of `set`; the first that does not compile is a `SiteBuildError.templates`
    /// saying `file:line:column: what to change`.
    init(_ set: TemplateSet) throws(SiteBuildError) {
        var templates: [String: CompiledTemplate] = [:]
        for entry in set.entries where entry.name.hasSuffix(".mustache") {
            do {
                templates[String(entry.name.dropLast(".mustache".count))] = try CompiledTemplate.compile(entry.text)
            } catch {
                let (line, column) = error.location(in: entry.text)
                throw SiteBuildError.templates("\(entry.displayPath):\(line):\(column): \(error.message)")
            }
        }
        self.templates = templates
        var lowering = Lowering(numbers: Dictionary(uniqueKeysWithValues: templates.keys.sorted().enumerated().map { ($1, Int32($0)) }))
        var ranges: [String: Range<Int32>] = [:]
        var byNumber = [Range<Int32>](repeating: 0..<0, count: templates.count)
        for (name, number) in lowering.numbers.sorted(by: { $0.value < $1.value }) {
            let start = Int32(lowering.instructions.count)
            lowering.lower(templates[name]!.nodes)
            ranges[name] = start..<Int32(lowering.instructions.count)
            byNumber[Int(number)] = ranges[name]!
        }
        self.ranges = ranges
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return buffer
        }
        instructions = copy(lowering.instructions)
        bytes = copy(lowering.bytes)
        names = copy(lowering.names)
        keys = copy(lowering.keys)
        templateRanges = copy(byNumber)
    }

    deinit {
        instructions.deallocate()
        bytes.deallocate()
        names.deallocate()
        keys.deallocate()
        templateRanges.deallocate()
    }

    private struct Lowering {
        let numbers: [String: Int32]
        var instructions: [Instruction] = []
        var bytes: [UInt8] = []
        var names: [CompiledName] = []
        var keys: [Int32] = []

        mutating func span(_ text: String) -> (Int32, Int32) {
            let start = Int32(bytes.count)
            bytes.append(contentsOf: text.utf8)
            return (start, Int32(bytes.count) - start)
        }

        mutating func name(_ name: CompiledTemplate.Name) -> Int32 {
            let start = Int32(keys.count)
            keys.append(contentsOf: name.parts.map { BoxKey.named($0).id })
            names.append(CompiledName(keysStart: start, keysCount: Int32(name.parts.count), currentOnly: name.currentOnly,
                                      isDot: name.isDot, emptyTransform: name.emptyTransform))
            return Int32(names.count - 1)
        }

        mutating func lower(_ nodes: [CompiledTemplate.Node]) {
            for node in nodes {
                switch node {
                case .text(let text):
                    let (offset, count) = span(text)
                    instructions.append(Instruction(code: .text, a: offset, b: count))
                case .variable(let variable, let escaped):
                    instructions.append(Instruction(code: escaped ? .escaped : .raw, a: name(variable)))
                case .section(let variable, let inverted, let body):
                    let index = instructions.count
                    instructions.append(Instruction(code: inverted ? .inverted : .section, a: name(variable)))
                    lower(body)
                    instructions[index].b = Int32(instructions.count)
                case .partial(let partial, let indentation):
                    let (offset, count) = span(indentation ?? "")
                    instructions.append(Instruction(code: .partial, a: numbers[partial] ?? -1, b: offset, c: count))
                case .contentType(let kind):
                    let code: Int32 = switch kind { case .html: 0; case .text: 1; case .markdown: 2 }
                    instructions.append(Instruction(code: .contentType, a: code))
                }
            }
        }
    }

    /// The page's UTF-8 bytes.
    func render(_ context: BoxValue, withTemplate name: String) -> [UInt8]? {
        let output = OutputBuffer()
        return render(context, withTemplate: name, into: output) ? output.array : nil
    }

    /// Appends the page's UTF-8 bytes to `output`, which a caller rendering many pages reuses, so its
    /// capacity is grown once rather than for every page. False when there is no such template.
    /// `shared`: lists whose renderings may be reused from page to page (see `SharedRenderings`).
    func render(_ context: BoxValue, withTemplate name: String, into output: OutputBuffer, shared: SharedRenderings? = nil) -> Bool {
        guard let range = ranges[name] else { return false }
        var renderer = Renderer(instructions: instructions, bytes: bytes, names: names, keys: keys, templateRanges: templateRanges,
                                output: output)
        if let shared { renderer.sharing = (self, shared) }
        renderer.stack.reserveCapacity(16)
        withUnsafePointer(to: context) { root in
            renderer.stack.append(Frame(root))
            renderer.render(range, kind: .html, indentation: [])
        }
        return true
    }

    /// `empty()`'s answers, for lookups that return where a value is. `nonisolated(unsafe)` because a
    /// pointer is not `Sendable`; sound because each is initialized once (a static `let`, initialized
    /// under the runtime's once-lock), never written afterwards and never freed, so every thread only reads it.
    nonisolated(unsafe) private static let trueValue = constant(.bool(true))
    nonisolated(unsafe) private static let falseValue = constant(.bool(false))

    private static func constant(_ value: BoxValue) -> UnsafePointer<BoxValue> {
        let pointer = UnsafeMutablePointer<BoxValue>.allocate(capacity: 1)
        pointer.initialize(to: value)
        return UnsafePointer(pointer)
    }

    /// A value on the context stack. For an object, where its keys and values are is read once, when
    /// it is pushed: finding a name then compares integers through pointers, without copying or
    /// retaining anything. The object's storage lives as long as the value, which outlives the frame.
    struct Frame {
        let value: UnsafePointer<BoxValue>
        let keys: UnsafePointer<Int32>?
        let values: UnsafePointer<BoxValue>?
        let count: Int

        init(_ value: UnsafePointer<BoxValue>) {
            self.value = value
            if case .object(let object) = value.pointee {
                keys = UnsafePointer(object.storage.keys)
                values = UnsafePointer(object.storage.values)
                count = object.storage.count
            } else {
                keys = nil
                values = nil
                count = 0
            }
        }

        func field(_ key: Int32) -> UnsafePointer<BoxValue>? {
            guard let keys, let values else { return nil }
            for index in 0..<count where keys[index] == key { return values + index }
            return nil
        }
    }

    struct Renderer {
        let instructions: UnsafeMutableBufferPointer<Instruction>
        let bytes: UnsafeMutableBufferPointer<UInt8>
        let names: UnsafeMutableBufferPointer<CompiledName>
        let keys: UnsafeMutableBufferPointer<Int32>
        let templateRanges: UnsafeMutableBufferPointer<Range<Int32>>
        /// The context stack, as pointers to values the page's context owns (or, for an element of a
        /// lazily boxed list, the section rendering it): nothing is copied or retained to push a frame
        /// or to find a name, and every pointer is valid while its frame is on the stack.
        var stack: [Frame] = []
        var output: OutputBuffer
        /// The library these instructions belong to and the renderings of shared lists it may reuse.
        var sharing: (library: CompiledLibrary, renderings: SharedRenderings)?
        /// The lowest frame of the stack any lookup has read since this was last reset (a lookup that
        /// finds nothing has read every frame): a list's rendering that read no frame below the list's
        /// own items is the same wherever that list is rendered with the same instructions.
        var lowestFrameRead = Int.max

        init(instructions: UnsafeMutableBufferPointer<Instruction>, bytes: UnsafeMutableBufferPointer<UInt8>,
             names: UnsafeMutableBufferPointer<CompiledName>, keys: UnsafeMutableBufferPointer<Int32>,
             templateRanges: UnsafeMutableBufferPointer<Range<Int32>>, output: OutputBuffer) {
            self.instructions = instructions
            self.bytes = bytes
            self.names = names
            self.keys = keys
            self.templateRanges = templateRanges
            self.output = output
        }

        /// With an indentation (a standalone partial inside an indented line), swift-mustache indents a
        /// node's output when this template's own output so far ends in a newline; that needs the
        /// template's output apart, so it is collected separately and appended.
        mutating func render(_ range: Range<Int32>, kind initialKind: CompiledTemplate.ContentKind, indentation: [UInt8]) {
            var kind = initialKind
            var index = Int(range.lowerBound)
            let end = Int(range.upperBound)
            guard !indentation.isEmpty else {
                while index < end { index = renderInstruction(at: index, kind: &kind, indentation: indentation) }
                return
            }
            let outer = output
            let own = OutputBuffer(capacity: 1024)
            while index < end {
                let piece = OutputBuffer(capacity: 256)
                output = piece
                index = renderInstruction(at: index, kind: &kind, indentation: indentation)
                if !piece.isEmpty, own.last == UInt8(ascii: "\n") { own.append(indentation) }
                own.append(piece)
            }
            output = outer
            outer.append(own)
        }

        /// Renders one instruction (a section with its body) and returns the index of the next.
        mutating func renderInstruction(at index: Int, kind: inout CompiledTemplate.ContentKind, indentation: [UInt8]) -> Int {
            let instruction = instructions[index]
            switch instruction.code {
            case .text:
                output.append(bytes.baseAddress! + Int(instruction.a), count: Int(instruction.b))
                return index + 1
            case .contentType:
                kind = instruction.a == 0 ? .html : instruction.a == 1 ? .text : .markdown
                return index + 1
            case .escaped, .raw:
                guard let value = lookup(Int(instruction.a)) else { return index + 1 }
                write(value.pointee, escapedAs: instruction.code == .raw ? .text : kind)
                return index + 1
            case .section, .inverted:
                let body = Int32(index + 1)..<instruction.b
                guard let found = lookup(Int(instruction.a)) else {
                    if instruction.code == .inverted { render(body, kind: kind, indentation: indentation) }
                    return Int(instruction.b)
                }
                if instruction.code == .inverted {
                    switch found.pointee {
                    case .list(let items):
                        if items.isEmpty { renderPushing(found, body, kind: kind, indentation: indentation) }
                    case .sharedList(let shared):
                        if shared.items.isEmpty { renderPushing(found, body, kind: kind, indentation: indentation) }
                    case .lazyList(let lazy):
                        if lazy.count == 0 { renderPushing(found, body, kind: kind, indentation: indentation) }
                    case .bool(let flag):
                        if !flag { render(body, kind: kind, indentation: indentation) }
                    default:
                        break
                    }
                } else {
                    switch found.pointee {
                    case .list(let items):
                        renderEach(items, body, kind: kind, indentation: indentation)
                    case .sharedList(let shared):
                        if let sharing, indentation.isEmpty, !shared.items.isEmpty,
                           let key = sharing.renderings.key(library: sharing.library, list: shared, body: body.lowerBound, kind: kind) {
                            renderShared(shared.items, key: key, body, kind: kind, renderings: sharing.renderings)
                        } else {
                            renderEach(shared.items, body, kind: kind, indentation: indentation)
                        }
                    case .lazyList(let lazy):
                        for position in 0..<lazy.count {
                            withUnsafePointer(to: lazy[position]) { element in
                                renderPushing(element, body, kind: kind, indentation: indentation)
                            }
                        }
                    case .bool(let flag):
                        if flag { render(body, kind: kind, indentation: indentation) }
                    default:
                        renderPushing(found, body, kind: kind, indentation: indentation)
                    }
                }
                return Int(instruction.b)
            case .partial:
                guard instruction.a >= 0 else { return index + 1 }
                var combined = indentation
                combined.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[Int(instruction.b)..<Int(instruction.b + instruction.c)]))
                // A partial starts in HTML, whatever the including template declared.
                render(templateRanges[Int(instruction.a)], kind: .html, indentation: combined)
                return index + 1
            }
        }

        mutating func renderEach(_ items: [BoxValue], _ body: Range<Int32>, kind: CompiledTemplate.ContentKind, indentation: [UInt8]) {
            items.withUnsafeBufferPointer { elements in
                for position in elements.indices {
                    renderPushing(elements.baseAddress! + position, body, kind: kind, indentation: indentation)
                }
            }
        }

        /// A shared list's section: its earlier rendering when there is one, else rendered and kept
        /// unless it read anything outside the list's items.
        mutating func renderShared(_ items: [BoxValue], key: SharedRenderings.Key, _ body: Range<Int32>, kind: CompiledTemplate.ContentKind,
                                   renderings: SharedRenderings) {
            if let rendered = renderings.rendering(for: key) {
                output.append(rendered)
                return
            }
            let outside = lowestFrameRead
            lowestFrameRead = Int.max
            // The rendering is read back from the output, so a drain must not take it away meanwhile.
            output.pin()
            defer { output.unpin() }
            let start = output.count
            let itemFrame = stack.count
            renderEach(items, body, kind: kind, indentation: [])
            renderings.store(output.bytes(from: start), for: key, dependsOnPage: lowestFrameRead < itemFrame)
            lowestFrameRead = min(outside, lowestFrameRead)
        }

        mutating func renderPushing(_ object: UnsafePointer<BoxValue>, _ body: Range<Int32>, kind: CompiledTemplate.ContentKind,
                                    indentation: [UInt8]) {
            stack.append(Frame(object))
            render(body, kind: kind, indentation: indentation)
            stack.removeLast()
        }

        /// Where the value of an object's field is, valid while the object lives.
        static func child(_ value: UnsafePointer<BoxValue>, _ key: Int32) -> UnsafePointer<BoxValue>? {
            guard case .object(let object) = value.pointee, let field = object.storage.pointer(to: key) else { return nil }
            return UnsafePointer(field)
        }

        mutating func lookup(_ nameIndex: Int) -> UnsafePointer<BoxValue>? {
            let name = names[nameIndex]
            let first = Int(name.keysStart)
            let end = first + Int(name.keysCount)
            var value: UnsafePointer<BoxValue>?
            if name.isDot {
                lowestFrameRead = min(lowestFrameRead, stack.count - 1)
                value = stack.last?.value
            } else if name.currentOnly {
                lowestFrameRead = min(lowestFrameRead, stack.count - 1)
                guard let last = stack.last else { return nil }
                guard first < end else { return last.value }
                value = last.field(keys[first])
            } else {
                guard first < end else { return nil }
                let key = keys[first]
                var frame = stack.count - 1
                while frame >= 0 {
                    if let found = stack[frame].field(key) {
                        value = found
                        break
                    }
                    frame -= 1
                }
                lowestFrameRead = min(lowestFrameRead, max(frame, 0))
            }
            if first + 1 < end {
                for position in (first + 1)..<end {
                    guard let current = value, let next = Self.child(current, keys[position]) else { return nil }
                    value = next
                }
            }
            guard let resolved = value else { return nil }
            guard name.emptyTransform else { return resolved }
            let empty: Bool
            switch resolved.pointee {
            case .list(let items): empty = items.isEmpty
            case .sharedList(let shared): empty = shared.items.isEmpty
            case .lazyList(let lazy): empty = lazy.count == 0
            case .string(let text): empty = text.isEmpty
            case .joined(let first, let second): empty = first.isEmpty && second.isEmpty
            case .streamed(let text): empty = text.isEmpty
            case .object(let object): empty = object.isEmpty
            case .int, .bool, .other: return nil
            }
            return empty ? CompiledLibrary.trueValue : CompiledLibrary.falseValue
        }

        mutating func write(_ value: BoxValue, escapedAs kind: CompiledTemplate.ContentKind) {
            switch value {
            case .string(let text):
                switch kind {
                case .html: HTMLEscaping.append(text, to: output)
                case .text: output.append(text)
                case .markdown: MarkdownEscaping.append(text, to: output)
                }
            case .joined(let first, let second):
                write(.string(first), escapedAs: kind)
                write(.string(second), escapedAs: kind)
            case .int(let number):
                output.append(decimal: number)
            case .streamed(let text) where kind == .text:
                text.write(to: output)
            default:
                write(.string(Self.describe(value)), escapedAs: kind)
            }
        }

        static func describe(_ value: BoxValue) -> String {
            switch value {
            case .string(let text): return text
            case .joined(let first, let second): return first + second
            case .int(let number): return String(number)
            case .bool(let flag): return flag ? "true" : "false"
            case .streamed(let text): return text.text
            // What swift-mustache prints for the same value, boxed in full.
            default: return String(describing: value.materialized)
            }
        }
    }
}

extension BoxValue {
    func child(_ key: Int32) -> BoxValue? {
        guard case .object(let object) = self else { return nil }
        return object[BoxKey(id: key)]
    }
}

/// The site's templates, compiled: what renders every page. Loading fails on a template the engine
/// does not support (see `CompiledLibrary.init`), so a build never starts with a page it cannot render.
struct PageRenderer: Sendable {
    let compiled: CompiledLibrary

    init(templates: TemplateSet) throws(SiteBuildError) {
        compiled = try CompiledLibrary(templates)
    }

    /// The page's UTF-8 bytes.
    func render(_ context: BoxValue, withTemplate name: String) -> [UInt8]? {
        compiled.render(context, withTemplate: name)
    }

    /// Appends the page's UTF-8 bytes to `output`; false when there is no such template.
    func render(_ context: BoxValue, withTemplate name: String, into output: OutputBuffer, shared: SharedRenderings? = nil) -> Bool {
        compiled.render(context, withTemplate: name, into: output, shared: shared)
    }

    /// For contexts made by hand as dictionaries and arrays, and for tests.
    func render(_ context: Any, withTemplate name: String) -> String? {
        render(BoxValue(any: context), withTemplate: name).map { String(decoding: $0, as: UTF8.self) }
    }
}
