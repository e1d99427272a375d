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
    /// Whether any scalar read, in a complete document or not, starts with `audreg/`: a file whose syntax
    /// fails after `apiVersion: "\u0061udreg/v1"`, or that is UTF-16, never holds those bytes as written.
    public var mentionsAudregVersion = false
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
        return YAMLParseResult(documents: builder.finish(), diagnostics: builder.diagnostics, mentionsAudregVersion: builder.mentionsAudregVersion)
    }
}

private struct TreeBuilder {
    /// An open collection. Its children wait in `pending` from `pendingStart` on (a mapping's keys and
    /// values alternating) and move to the tree's `children` in one run when it closes.
    struct Frame {
        var isMapping: Bool
        var start: TextPosition
        var tag: Int32
        var anchor: String?
        var pendingStart: Int
        var size = 1
        /// First position of each key, kept once a mapping is large, so that a repeated key is dropped
        /// as it arrives: a file of a million repeated keys then holds one pair, not a million.
        var keyIndex: [ExactString: TextPosition]?
    }

    /// Mappings at least this large check repeated keys as they arrive rather than when they close.
    static let earlyDuplicateCheck = 64

    let limits: YAMLLimits
    var nodes: [FlatNode] = []
    var children: [Int32] = []
    var text: [UInt8] = []
    var tags: [String] = []
    var pending: [Int32] = []
    var documentRoots: [(root: Int32, start: TextPosition)] = []
    var diagnostics: [YAMLDiagnostic] = []
    var duplicatesReported = 0
    var firstOmittedDuplicate: TextPosition?
    var stack: [Frame] = []
    /// Keys (and anchors, which libyaml already limits to ASCII) are matched byte for byte: `é` written
    /// as one scalar and as `e` with a combining accent are two keys, though Swift's `==` calls them equal.
    var anchors: [ExactString: (node: Int32, size: Int)] = [:]
    var aliasBudget: Int
    /// How many pairs `<<` merge keys may still copy in this file. A merge written inline is no alias,
    /// but nested merges copy their pairs into every enclosing mapping: a 15 MB file of merges nested
    /// 127 deep would copy hundreds of millions.
    var mergeBudget: Int
    var documentRoot: Int32?
    var documentStart = TextPosition(line: 1, column: 1)
    var mentionsAudregVersion = false

    init(limits: YAMLLimits) {
        self.limits = limits
        self.aliasBudget = limits.maxAliasExpansion
        self.mergeBudget = limits.maxAliasExpansion
    }

    /// The documents parsed, over one tree that holds them all.
    mutating func finish() -> [YAMLDocument] {
        let tree = YAMLTree(nodes: nodes, children: children, text: text, tags: tags)
        nodes = []
        children = []
        text = []
        return documentRoots.enumerated().map { index, document in
            YAMLDocument(root: YAMLNode(tree: tree, index: Int(document.root)), start: document.start, index: index)
        }
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>, parsers: ParserPool) {
        // Scalars' text is well under the file's size (keys, indentation and punctuation are not text):
        // half of it is a generous first guess, which saves the text array's early regrowths.
        text.reserveCapacity(buffer.count / 2)
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

    mutating func append(_ kind: FlatNode.Kind, _ style: ScalarStyle, start: TextPosition, end: TextPosition,
                         first: Int, count: Int, tag: Int32) -> Int32 {
        nodes.append(FlatNode(startLine: Int32(truncatingIfNeeded: start.line), startColumn: Int32(truncatingIfNeeded: start.column),
                              endLine: Int32(truncatingIfNeeded: end.line), endColumn: Int32(truncatingIfNeeded: end.column),
                              first: Int32(truncatingIfNeeded: first), count: Int32(truncatingIfNeeded: count),
                              tag: tag, kind: kind, style: style))
        return Int32(truncatingIfNeeded: nodes.count - 1)
    }

    mutating func tagIndex(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> Int32 {
        guard let pointer else { return -1 }
        tags.append(String(cString: pointer))
        return Int32(truncatingIfNeeded: tags.count - 1)
    }

    /// Returns false when a limit or an error stops the parse.
    mutating func handle(_ event: inout yaml_event_t) -> Bool {
        let start = position(event.start_mark)
        let end = position(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            stack.removeAll()
            pending.removeAll(keepingCapacity: true)
            anchors.removeAll()
            documentRoot = nil
            documentStart = start
        case YAML_DOCUMENT_END_EVENT:
            let root = documentRoot ?? append(.scalar, .plain, start: documentStart, end: documentStart, first: text.count, count: 0, tag: -1)
            documentRoots.append((root, documentStart))
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let first = text.count
            if let value = scalar.value, scalar.length > 0 {
                let bytes = UnsafeBufferPointer(start: value, count: scalar.length)
                if !mentionsAudregVersion, bytes[0] == UInt8(ascii: "a"), bytes.starts(with: RegistryFileFilter.apiVersionPrefix.utf8) {
                    mentionsAudregVersion = true
                }
                text.append(contentsOf: bytes)
            }
            let node = append(.scalar, style(scalar.style), start: start, end: end, first: first, count: scalar.length, tag: tagIndex(scalar.tag))
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
            // The copy shares the anchored value's children, which keep their own positions (where the
            // anchored value was written); only the alias site's span is its own, so messages about the
            // alias itself point at it.
            var copy = nodes[Int(target.node)]
            copy.startLine = Int32(truncatingIfNeeded: start.line)
            copy.startColumn = Int32(truncatingIfNeeded: start.column)
            copy.endLine = Int32(truncatingIfNeeded: end.line)
            copy.endColumn = Int32(truncatingIfNeeded: end.column)
            nodes.append(copy)
            return complete(Int32(truncatingIfNeeded: nodes.count - 1), size: target.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            guard stack.count < limits.maxDepth else {
                fail("nesting deeper than \(limits.maxDepth) levels", at: start)
                return false
            }
            let data = event.data.sequence_start
            stack.append(Frame(isMapping: false, start: start, tag: tagIndex(data.tag), anchor: optionalString(data.anchor), pendingStart: pending.count))
        case YAML_MAPPING_START_EVENT:
            guard stack.count < limits.maxDepth else {
                fail("nesting deeper than \(limits.maxDepth) levels", at: start)
                return false
            }
            let data = event.data.mapping_start
            stack.append(Frame(isMapping: true, start: start, tag: tagIndex(data.tag), anchor: optionalString(data.anchor), pendingStart: pending.count))
        case YAML_SEQUENCE_END_EVENT:
            guard let frame = stack.popLast(), !frame.isMapping else { return false }
            let first = children.count
            children.append(contentsOf: pending[frame.pendingStart...])
            pending.removeSubrange(frame.pendingStart...)
            let node = append(.sequence, .plain, start: frame.start, end: end, first: first, count: children.count - first, tag: frame.tag)
            return complete(node, size: frame.size, anchor: frame.anchor)
        case YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast(), frame.isMapping else { return false }
            let first = children.count
            guard mergeAndCheckDuplicates(frame.pendingStart) else { return false }
            pending.removeSubrange(frame.pendingStart...)
            let node = append(.mapping, .plain, start: frame.start, end: end, first: first, count: (children.count - first) / 2, tag: frame.tag)
            return complete(node, size: frame.size, anchor: frame.anchor)
        default:
            break
        }
        return true
    }

    mutating func complete(_ node: Int32, size: Int, anchor: String?) -> Bool {
        if let anchor { anchors[ExactString(anchor)] = (node, size) }
        guard !stack.isEmpty else {
            documentRoot = node
            return true
        }
        let top = stack.count - 1
        stack[top].size += size
        guard stack[top].isMapping, (pending.count - stack[top].pendingStart) % 2 == 1 else {
            // An item of a sequence, or a mapping's key waiting for its value.
            pending.append(node)
            return true
        }
        let key = pending[pending.count - 1]
        if nodes[Int(key)].kind == .scalar && !isMergeKey(key) {
            if stack[top].keyIndex == nil, (pending.count - stack[top].pendingStart) / 2 >= Self.earlyDuplicateCheck {
                // Repeats among the pairs so far are reported now, so reports stay in file order.
                var index: [ExactString: TextPosition] = [:]
                var kept: [Int32] = []
                var pair = stack[top].pendingStart
                while pair + 1 < pending.count {
                    let earlierKey = pending[pair]
                    if nodes[Int(earlierKey)].kind == .scalar && !isMergeKey(earlierKey) {
                        let name = exactText(earlierKey)
                        if let first = index[name] {
                            reportDuplicate(name.text, at: nodes[Int(earlierKey)].start, first: first)
                            pair += 2
                            continue
                        }
                        index[name] = nodes[Int(earlierKey)].start
                    }
                    kept.append(earlierKey)
                    kept.append(pending[pair + 1])
                    pair += 2
                }
                kept.append(key)
                pending.replaceSubrange(stack[top].pendingStart..., with: kept)
                stack[top].keyIndex = index
            }
            if stack[top].keyIndex != nil {
                let name = exactText(key)
                if let first = stack[top].keyIndex?[name] {
                    reportDuplicate(name.text, at: nodes[Int(key)].start, first: first)
                    pending.removeLast()
                    return true
                }
                stack[top].keyIndex?[name] = nodes[Int(key)].start
            }
        }
        pending.append(node)
        return true
    }

    // The helpers below only read, but are `mutating`: called from the mutating handlers, a non-mutating
    // method made the optimizer copy the whole builder (its arrays retained and released) per call.
    mutating func isMergeKey(_ node: Int32) -> Bool {
        let flat = nodes[Int(node)]
        // `!!str <<` is a string key by its explicit tag, as in PyYAML and the YAML 1.1 merge spec.
        return flat.kind == .scalar && flat.style == .plain && flat.count == 2
            && text[Int(flat.first)] == 0x3C && text[Int(flat.first) + 1] == 0x3C
            && (flat.tag < 0 || tags[Int(flat.tag)].utf8.elementsEqual("tag:yaml.org,2002:merge".utf8))
    }

    /// A scalar's text, for keys compared by hash.
    mutating func exactText(_ node: Int32) -> ExactString {
        let flat = nodes[Int(node)]
        return ExactString(String(decoding: text[Int(flat.first)..<Int(flat.first + flat.count)], as: UTF8.self))
    }

    mutating func scalarText(_ node: Int32) -> String { exactText(node).text }

    /// Whether two scalar nodes hold the same bytes.
    mutating func sameScalar(_ a: Int32, _ b: Int32) -> Bool {
        let first = nodes[Int(a)]
        let second = nodes[Int(b)]
        guard first.kind == .scalar, second.kind == .scalar, first.count == second.count else { return false }
        // Indexed directly: a closure here would capture, and so copy, the whole builder.
        var index = 0
        while index < Int(first.count) {
            if text[Int(first.first) + index] != text[Int(second.first) + index] { return false }
            index += 1
        }
        return true
    }

    mutating func kindDescription(_ node: Int32) -> String {
        let flat = nodes[Int(node)]
        let isNull = flat.kind == .scalar && flat.style == .plain && text.withUnsafeBufferPointer {
            YAMLNode.isNullText(UnsafeBufferPointer(rebasing: $0[Int(flat.first)..<Int(flat.first + flat.count)]))
        }
        return YAMLNode.describe(flat.kind, isNull: isNull)
    }

    /// Moves the pairs of the mapping closing at `pendingStart` to `children`, reporting repeated keys
    /// (at the second occurrence) and applying `<<` merge keys, whose pairs never override keys written
    /// in the mapping itself.
    /// Returns false when the merges exceed the file's budget, which stops the parse.
    mutating func mergeAndCheckDuplicates(_ pendingStart: Int) -> Bool {
        let pairCount = (pending.count - pendingStart) / 2
        var hasMerge = false
        var pair = pendingStart
        while pair + 1 < pending.count {
            if isMergeKey(pending[pair]) { hasMerge = true; break }
            pair += 2
        }
        // No `reserveCapacity` here: it grows to exactly the size asked for, so calling it at every
        // mapping's end would copy the whole array each time (quadratic in a file of many small mappings).
        // Most mappings are small and have no merge keys: compare keys pairwise then, which is cheaper
        // than hashing; large mappings use a dictionary so the cost stays linear.
        if !hasMerge && pairCount <= 12 {
            let first = children.count
            pair = pendingStart
            while pair + 1 < pending.count {
                let key = pending[pair]
                if nodes[Int(key)].kind == .scalar {
                    var kept = first
                    var earlier: Int32?
                    while kept < children.count {
                        if sameScalar(children[kept], key) { earlier = children[kept]; break }
                        kept += 2
                    }
                    if let earlier {
                        reportDuplicate(scalarText(key), at: nodes[Int(key)].start, first: nodes[Int(earlier)].start)
                        pair += 2
                        continue
                    }
                }
                children.append(key)
                children.append(pending[pair + 1])
                pair += 2
            }
            return true
        }
        var seen: [ExactString: TextPosition] = [:]
        var merges: [Int32] = []
        pair = pendingStart
        while pair + 1 < pending.count {
            let key = pending[pair]
            if isMergeKey(key) {
                merges.append(pending[pair + 1])
                pair += 2
                continue
            }
            if nodes[Int(key)].kind == .scalar {
                let name = exactText(key)
                if let first = seen[name] {
                    reportDuplicate(name.text, at: nodes[Int(key)].start, first: first)
                    pair += 2
                    continue
                }
                seen[name] = nodes[Int(key)].start
            }
            children.append(key)
            children.append(pending[pair + 1])
            pair += 2
        }
        for merge in merges {
            let mergeNode = nodes[Int(merge)]
            let sources: [Int32] = mergeNode.kind == .sequence
                ? Array(children[Int(mergeNode.first)..<Int(mergeNode.first + mergeNode.count)])
                : [merge]
            for source in sources {
                let sourceNode = nodes[Int(source)]
                guard sourceNode.kind == .mapping else {
                    diagnostics.append(YAMLDiagnostic(
                        kind: .syntax, message: "a '<<' merge key needs a mapping or a list of mappings, found \(kindDescription(source))",
                        position: sourceNode.start, related: nil))
                    continue
                }
                mergeBudget -= Int(sourceNode.count)
                if mergeBudget < 0 {
                    fail("'<<' merge keys copy more than \(limits.maxAliasExpansion) entries in this file; write the values out or merge less", at: mergeNode.start)
                    return false
                }
                var sourcePair = Int(sourceNode.first)
                let sourceEnd = sourcePair + 2 * Int(sourceNode.count)
                while sourcePair < sourceEnd {
                    let key = children[sourcePair]
                    let value = children[sourcePair + 1]
                    sourcePair += 2
                    guard nodes[Int(key)].kind == .scalar else { continue }
                    let name = exactText(key)
                    guard seen[name] == nil else { continue }
                    seen[name] = nodes[Int(key)].start
                    children.append(key)
                    children.append(value)
                }
            }
        }
        return true
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
