import CYAML

/// Bounds the parser enforces so that a hostile file ends in a diagnostic, never a hang or a memory blow-up.
/// The defaults are documented in SECURITY.md and proven by the hostile-input tests.
public struct YAMLLimits: Sendable, Hashable {
    /// Files larger than this are refused before parsing.
    public var maxFileBytes: Int
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// How many nodes all aliases of one file may add when expanded ("billion laughs" guard).
    public var maxAliasExpansion: Int
    /// Duplicate keys reported per file; the rest are counted in one closing diagnostic, so a file of a
    /// million repeated keys costs a thousand findings, not a million (SECURITY.md, Limits).
    public var maxDuplicateKeyReports: Int

    public init(maxFileBytes: Int = 16 * 1024 * 1024, maxDepth: Int = 128, maxAliasExpansion: Int = 100_000,
                maxDuplicateKeyReports: Int = 1_000) {
        self.maxFileBytes = maxFileBytes
        self.maxDepth = maxDepth
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDuplicateKeyReports = maxDuplicateKeyReports
    }

    public static let `default` = YAMLLimits()
}

/// A problem found while turning bytes into nodes.
public struct YAMLDiagnostic: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// libyaml rejected the text, or a limit stopped parsing.
        case syntax
        /// A mapping repeats a key; `related` points at the first occurrence.
        case duplicateKey
    }

    public var kind: Kind
    public var message: String
    public var position: TextPosition
    public var related: TextPosition?
}

public struct YAMLParseResult: Sendable {
    /// Documents that were complete before any fatal error.
    public var documents: [YAMLDocument]
    public var diagnostics: [YAMLDiagnostic]
}

/// Walks libyaml's event stream into `YAMLNode` trees. Everything libyaml leaves to its caller is done here:
/// duplicate keys, alias expansion with a budget, undefined aliases, `<<` merge keys and a nesting limit.
public enum YAMLParser {
    public static func parse(_ text: String, limits: YAMLLimits = .default) -> YAMLParseResult {
        parse(bytes: Array(text.utf8), limits: limits)
    }

    public static func parse(bytes: [UInt8], limits: YAMLLimits = .default) -> YAMLParseResult {
        parse(bytes: bytes, limits: limits, parsers: .shared)
    }

    static func parse(bytes: [UInt8], limits: YAMLLimits, parsers: ParserPool) -> YAMLParseResult {
        if bytes.count > limits.maxFileBytes {
            let diagnostic = YAMLDiagnostic(
                kind: .syntax,
                message: "file is \(bytes.count) bytes, over the limit of \(limits.maxFileBytes) bytes; split it into several files",
                position: TextPosition(line: 1, column: 1))
            return YAMLParseResult(documents: [], diagnostics: [diagnostic])
        }
        var builder = TreeBuilder(limits: limits)
        bytes.withUnsafeBufferPointer { buffer in
            builder.run(buffer, parsers: parsers)
        }
        builder.reportOmittedDuplicates()
        return YAMLParseResult(documents: builder.documents, diagnostics: builder.diagnostics)
    }
}

private struct TreeBuilder {
    /// An open collection. Mutated in place on the stack so appending never copies the children.
    struct Frame {
        var isMapping: Bool
        var start: TextPosition
        var tag: String?
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var size = 1
        /// First position of each key, kept once a mapping is large, so that a repeated key is dropped
        /// as it arrives: a file of a million repeated keys then holds one pair, not a million.
        var keyIndex: [ExactString: TextPosition]?
    }

    /// Mappings at least this large check repeated keys as they arrive rather than when they close.
    static let earlyDuplicateCheck = 64

    let limits: YAMLLimits
    var documents: [YAMLDocument] = []
    var diagnostics: [YAMLDiagnostic] = []
    var duplicatesReported = 0
    var firstOmittedDuplicate: TextPosition?
    var stack: [Frame] = []
    /// Keys (and anchors, which libyaml already limits to ASCII) are matched byte for byte (`ExactString`):
    /// `é` written as one scalar and as `e` with a combining accent are two keys, though Swift's `==` calls
    /// them equal.
    var anchors: [ExactString: (node: YAMLNode, size: Int)] = [:]
    var aliasBudget: Int
    var documentRoot: YAMLNode?
    var documentStart = TextPosition(line: 1, column: 1)

    init(limits: YAMLLimits) {
        self.limits = limits
        self.aliasBudget = limits.maxAliasExpansion
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>, parsers: ParserPool) {
        let parsed: Void? = parsers.withParser { parser in
            if let base = buffer.baseAddress {
                yaml_parser_set_input_string(parser, base, buffer.count)
            } else {
                var empty: UInt8 = 0
                yaml_parser_set_input_string(parser, &empty, 0)
            }
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(parser, &event) == 1 else {
                    reportParserError(parser.pointee, buffer: buffer)
                    return
                }
                let type = event.type
                let keepGoing = handle(&event)
                yaml_event_delete(&event)
                if !keepGoing || type == YAML_STREAM_END_EVENT { return }
            }
        }
        if parsed == nil {
            fail("libyaml could not allocate a parser", at: TextPosition(line: 1, column: 1))
        }
    }

    /// Returns false when a limit or an error stops the parse.
    mutating func handle(_ event: inout yaml_event_t) -> Bool {
        let start = position(event.start_mark)
        let end = position(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            stack.removeAll()
            anchors.removeAll()
            documentRoot = nil
            documentStart = start
        case YAML_DOCUMENT_END_EVENT:
            let root = documentRoot ?? YAMLNode(content: .scalar("", .plain), start: documentStart, end: documentStart)
            documents.append(YAMLDocument(root: root, start: documentStart, index: documents.count))
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = string(scalar.value, length: scalar.length)
            let node = YAMLNode(content: .scalar(value, style(scalar.style)), start: start, end: end, tag: optionalString(scalar.tag))
            return complete(node, size: 1, anchor: optionalString(scalar.anchor))
        case YAML_ALIAS_EVENT:
            let name = optionalString(event.data.alias.anchor) ?? ""
            guard let target = anchors[ExactString(name)] else {
                fail("alias *\(name) refers to no anchor defined before it in this document", at: start)
                return false
            }
            aliasBudget -= target.size
            if aliasBudget < 0 {
                fail("aliases expand to more than \(limits.maxAliasExpansion) nodes in this file; write the values out or use fewer aliases", at: start)
                return false
            }
            var node = target.node
            // The copy keeps its own positions (where the anchored value was written); only the alias
            // site's span is recorded so messages about the alias itself point at it.
            node.start = start
            node.end = end
            return complete(node, size: target.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            guard stack.count < limits.maxDepth else {
                fail("nesting deeper than \(limits.maxDepth) levels", at: start)
                return false
            }
            let data = event.data.sequence_start
            stack.append(Frame(isMapping: false, start: start, tag: optionalString(data.tag), anchor: optionalString(data.anchor)))
        case YAML_MAPPING_START_EVENT:
            guard stack.count < limits.maxDepth else {
                fail("nesting deeper than \(limits.maxDepth) levels", at: start)
                return false
            }
            let data = event.data.mapping_start
            stack.append(Frame(isMapping: true, start: start, tag: optionalString(data.tag), anchor: optionalString(data.anchor)))
        case YAML_SEQUENCE_END_EVENT:
            guard let frame = stack.popLast(), !frame.isMapping else { return false }
            let node = YAMLNode(content: .sequence(frame.items), start: frame.start, end: end, tag: frame.tag)
            return complete(node, size: frame.size, anchor: frame.anchor)
        case YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast(), frame.isMapping else { return false }
            let merged = mergeAndCheckDuplicates(frame.pairs)
            let node = YAMLNode(content: .mapping(merged), start: frame.start, end: end, tag: frame.tag)
            return complete(node, size: frame.size, anchor: frame.anchor)
        default:
            break
        }
        return true
    }

    mutating func complete(_ node: YAMLNode, size: Int, anchor: String?) -> Bool {
        if let anchor { anchors[ExactString(anchor)] = (node, size) }
        guard !stack.isEmpty else {
            documentRoot = node
            return true
        }
        let top = stack.count - 1
        stack[top].size += size
        if !stack[top].isMapping {
            stack[top].items.append(node)
        } else if let key = stack[top].pendingKey {
            stack[top].pendingKey = nil
            if let text = key.scalar, !Self.isMergeKey(key) {
                if stack[top].keyIndex == nil, stack[top].pairs.count >= Self.earlyDuplicateCheck {
                    // Repeats among the pairs so far are reported now, so reports stay in file order.
                    var index: [ExactString: TextPosition] = [:]
                    var kept: [YAMLPair] = []
                    for pair in stack[top].pairs {
                        if !Self.isMergeKey(pair.key), let earlier = pair.key.scalar {
                            if let first = index[ExactString(earlier)] {
                                reportDuplicate(earlier, at: pair.key.start, first: first)
                                continue
                            }
                            index[ExactString(earlier)] = pair.key.start
                        }
                        kept.append(pair)
                    }
                    stack[top].pairs = kept
                    stack[top].keyIndex = index
                }
                if stack[top].keyIndex != nil {
                    let name = ExactString(text)
                    if let first = stack[top].keyIndex?[name] {
                        reportDuplicate(text, at: key.start, first: first)
                        return true
                    }
                    stack[top].keyIndex?[name] = key.start
                }
            }
            stack[top].pairs.append(YAMLPair(key: key, value: node))
        } else {
            stack[top].pendingKey = node
        }
        return true
    }

    static func isMergeKey(_ node: YAMLNode) -> Bool {
        if case .scalar(let text, .plain) = node.content { return text.isExactly("<<") }
        return false
    }

    /// Reports repeated keys (at the second occurrence) and applies `<<` merge keys, whose pairs never
    /// override keys written in the mapping itself.
    mutating func mergeAndCheckDuplicates(_ pairs: [YAMLPair]) -> [YAMLPair] {
        // Most mappings are small and have no merge keys: compare keys pairwise then, which is cheaper
        // than hashing; large mappings use a dictionary so the cost stays linear.
        let hasMerge = pairs.contains { Self.isMergeKey($0.key) }
        if !hasMerge && pairs.count <= 12 {
            var result: [YAMLPair] = []
            result.reserveCapacity(pairs.count)
            for pair in pairs {
                if let key = pair.key.scalar, let first = result.first(where: { $0.key.scalar?.isExactly(key) == true }) {
                    reportDuplicate(key, at: pair.key.start, first: first.key.start)
                    continue
                }
                result.append(pair)
            }
            return result
        }
        var seen: [ExactString: TextPosition] = [:]
        var result: [YAMLPair] = []
        var merges: [YAMLNode] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            if Self.isMergeKey(pair.key) {
                merges.append(pair.value)
                continue
            }
            if let key = pair.key.scalar {
                if let first = seen[ExactString(key)] {
                    reportDuplicate(key, at: pair.key.start, first: first)
                    continue
                }
                seen[ExactString(key)] = pair.key.start
            }
            result.append(pair)
        }
        for merge in merges {
            let sources = merge.sequence ?? [merge]
            for source in sources {
                guard let sourcePairs = source.mapping else {
                    diagnostics.append(YAMLDiagnostic(
                        kind: .syntax, message: "a '<<' merge key needs a mapping or a list of mappings, found \(source.kindDescription)",
                        position: source.start, related: nil))
                    continue
                }
                for pair in sourcePairs {
                    guard let key = pair.key.scalar.map({ ExactString($0) }), seen[key] == nil else { continue }
                    seen[key] = pair.key.start
                    result.append(pair)
                }
            }
        }
        return result
    }

    mutating func reportDuplicate(_ key: String, at position: TextPosition, first: TextPosition) {
        duplicatesReported += 1
        guard duplicatesReported <= limits.maxDuplicateKeyReports else {
            if firstOmittedDuplicate == nil { firstOmittedDuplicate = position }
            return
        }
        diagnostics.append(YAMLDiagnostic(
            kind: .duplicateKey,
            message: "key '\(key)' is given twice in this mapping (first at line \(first.line), column \(first.column)); remove one",
            position: position, related: first))
    }

    /// One diagnostic for the duplicate keys past the limit, at the first of them.
    mutating func reportOmittedDuplicates() {
        let omitted = duplicatesReported - limits.maxDuplicateKeyReports
        guard omitted > 0, let position = firstOmittedDuplicate else { return }
        diagnostics.append(YAMLDiagnostic(
            kind: .duplicateKey,
            message: "\(omitted) more duplicate key(s) in this file from here on are not listed (audreg lists at most \(limits.maxDuplicateKeyReports) per file); remove the repeated keys",
            position: position, related: nil))
    }

    mutating func fail(_ message: String, at position: TextPosition) {
        diagnostics.append(YAMLDiagnostic(kind: .syntax, message: message, position: position, related: nil))
    }

    mutating func reportParserError(_ parser: yaml_parser_t, buffer: UnsafeBufferPointer<UInt8>) {
        var problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        if let context = parser.context.map({ String(cString: $0) }) {
            problem = "\(problem) \(context)"
        }
        var at = position(parser.problem_mark)
        if parser.error == YAML_READER_ERROR {
            // Reader errors (bad UTF-8, control characters) leave the mark at 0:0 and give a byte offset.
            at = Self.position(ofByte: parser.problem_offset, in: buffer)
            problem = "\(problem) (byte offset \(parser.problem_offset)); the file must be UTF-8 text"
        } else if parser.problem_mark.line == 0 && parser.problem_mark.column == 0 && parser.problem_offset > 0 {
            at = Self.position(ofByte: parser.problem_offset, in: buffer)
        }
        fail(problem, at: at)
    }

    static func position(ofByte offset: Int, in buffer: UnsafeBufferPointer<UInt8>) -> TextPosition {
        var line = 1
        var column = 1
        var index = 0
        let limit = min(offset, buffer.count)
        while index < limit {
            let byte = buffer[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return TextPosition(line: line, column: column)
    }

    func position(_ mark: yaml_mark_t) -> TextPosition {
        TextPosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    func style(_ style: yaml_scalar_style_t) -> ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    func optionalString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
