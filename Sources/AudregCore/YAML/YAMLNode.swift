/// A 1-based position in a text file. Columns count Unicode scalars, as libyaml does.
public struct TextPosition: Hashable, Comparable, Sendable, Codable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: TextPosition, rhs: TextPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}

/// How a scalar was written. Values in string fields are taken exactly as written whatever the style,
/// so `no`, `on` and `0x1F` stay text; the style only matters to messages and to `<<` merge keys.
public enum ScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// Every node of one parsed file in three flat arrays: a tree of nested enums and arrays cost a
/// `String`, an array and a reference count per node, and most of `validate`'s time went to building
/// and freeing it (BENCHMARKS.md, "A flat YAML tree"). Nodes are immutable once parsed.
final class YAMLTree: Sendable {
    let nodes: [FlatNode]
    /// The children of every collection, each collection's in one run: a sequence's items, a mapping's
    /// keys and values alternating.
    let children: [Int32]
    /// The bytes of every scalar, each scalar's in one run (UTF-8, as libyaml delivers it).
    let text: [UInt8]
    /// Explicit tags, which few files have.
    let tags: [String]

    /// The tree of no nodes, behind the empty `YAMLItems.none` and `YAMLPairs.none`.
    static let empty = YAMLTree(nodes: [], children: [], text: [], tags: [])

    init(nodes: [FlatNode], children: [Int32], text: [UInt8], tags: [String]) {
        self.nodes = nodes
        self.children = children
        self.text = text
        self.tags = tags
    }

    /// The value under the scalar key `key` (compared byte for byte) in the mapping `node`.
    func value(in node: FlatNode, forKey key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard node.kind == .mapping else { return nil }
        return text.withUnsafeBufferPointer { text in
            children.withUnsafeBufferPointer { children in
                nodes.withUnsafeBufferPointer { nodes in
                    var pair = Int(node.first)
                    let end = pair + 2 * Int(node.count)
                    while pair < end {
                        let keyNode = nodes[Int(children[pair])]
                        if keyNode.kind == .scalar, Int(keyNode.count) == key.count,
                           Self.bytesEqual(text, Int(keyNode.first), key) {
                            return Int(children[pair + 1])
                        }
                        pair += 2
                    }
                    return nil
                }
            }
        }
    }

    static func bytesEqual(_ text: UnsafeBufferPointer<UInt8>, _ offset: Int, _ other: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < other.count {
            if text[offset + index] != other[index] { return false }
            index += 1
        }
        return true
    }
}

/// One node of a `YAMLTree`. For a scalar, `first` and `count` are its bytes in `text`; for a sequence,
/// its items in `children`; for a mapping, its pairs (twice as many entries) in `children`.
struct FlatNode: Sendable {
    enum Kind: UInt8, Sendable { case scalar, sequence, mapping }

    var startLine: Int32
    var startColumn: Int32
    var endLine: Int32
    var endColumn: Int32
    var first: Int32
    var count: Int32
    /// Index into `tags`, or -1.
    var tag: Int32
    var kind: Kind
    var style: ScalarStyle

    var start: TextPosition { TextPosition(line: Int(startLine), column: Int(startColumn)) }
    var end: TextPosition { TextPosition(line: Int(endLine), column: Int(endColumn)) }
}

/// A YAML node that never loses where it came from: a handle on one node of its file's tree, so copying
/// one or walking a mapping allocates nothing.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    let tree: YAMLTree
    let index: Int

    init(tree: YAMLTree, index: Int) {
        self.tree = tree
        self.index = index
    }

    var flat: FlatNode { tree.nodes[index] }

    public var start: TextPosition { flat.start }
    public var end: TextPosition { flat.end }

    /// The explicit tag, when the author wrote one (`!!str`, `!custom`), expanded as libyaml reports it.
    public var tag: String? {
        let tag = flat.tag
        return tag < 0 ? nil : tree.tags[Int(tag)]
    }

    /// The node's content, built on demand; `scalar`, `items`, `pairs` and the subscript read the tree
    /// without building arrays.
    public var content: Content {
        let node = flat
        switch node.kind {
        case .scalar: return .scalar(scalarText(node), node.style)
        case .sequence: return .sequence(Array(YAMLItems(tree: tree, node: node)))
        case .mapping: return .mapping(Array(YAMLPairs(tree: tree, node: node)))
        }
    }

    public var scalar: String? {
        let node = flat
        return node.kind == .scalar ? scalarText(node) : nil
    }

    /// How the scalar was written, or nil for a collection.
    public var scalarStyle: ScalarStyle? {
        let node = flat
        return node.kind == .scalar ? node.style : nil
    }

    private func scalarText(_ node: FlatNode) -> String {
        tree.text.withUnsafeBufferPointer { text in
            String(decoding: UnsafeBufferPointer(rebasing: text[Int(node.first)..<Int(node.first + node.count)]), as: UTF8.self)
        }
    }

    /// Calls `body` with the scalar's UTF-8 bytes, or returns nil for a collection.
    func withScalarBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        let node = flat
        guard node.kind == .scalar else { return nil }
        return tree.text.withUnsafeBufferPointer { text in
            body(UnsafeBufferPointer(rebasing: text[Int(node.first)..<Int(node.first + node.count)]))
        }
    }

    public var sequence: [YAMLNode]? { items.map(Array.init) }
    public var mapping: [YAMLPair]? { pairs.map(Array.init) }

    /// A sequence's items, read in place.
    public var items: YAMLItems? {
        let node = flat
        return node.kind == .sequence ? YAMLItems(tree: tree, node: node) : nil
    }

    /// A mapping's pairs, read in place.
    public var pairs: YAMLPairs? {
        let node = flat
        return node.kind == .mapping ? YAMLPairs(tree: tree, node: node) : nil
    }

    public var isMapping: Bool { flat.kind == .mapping }
    public var isSequence: Bool { flat.kind == .sequence }
    public var isScalar: Bool { flat.kind == .scalar }

    /// `null`, `~` or an empty plain scalar: YAML's ways of writing "nothing".
    public var isNull: Bool {
        let node = flat
        guard node.kind == .scalar, node.style == .plain else { return false }
        return withScalarBytes(Self.isNullText) ?? false
    }

    static func isNullText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch bytes.count {
        case 0: return true
        case 1: return bytes[0] == 0x7E
        case 4:
            // null, Null, NULL
            let (n, u, l1, l2) = (bytes[0], bytes[1], bytes[2], bytes[3])
            return (n == 0x6E && u == 0x75 && l1 == 0x6C && l2 == 0x6C)
                || (n == 0x4E && u == 0x75 && l1 == 0x6C && l2 == 0x6C)
                || (n == 0x4E && u == 0x55 && l1 == 0x4C && l2 == 0x4C)
        default: return false
        }
    }

    /// The value under `key` in a mapping node (first occurrence; duplicates are reported by the parser).
    /// Keys match byte for byte: `\u{212A}ind` (KELVIN SIGN) is not `Kind`, though Swift's `==` says so.
    public subscript(key: String) -> YAMLNode? {
        let node = flat
        guard node.kind == .mapping else { return nil }
        var key = key
        let found = key.withUTF8 { tree.value(in: node, forKey: $0) }
        return found.map { YAMLNode(tree: tree, index: $0) }
    }

    /// The key node of `key` in a mapping node, for messages that point at the key.
    public func key(_ key: String) -> YAMLNode? {
        pairs?.first { $0.key.hasScalar(key) }?.key
    }

    /// Whether this is a scalar holding exactly `text`, byte for byte.
    public func hasScalar(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { wanted in
            withScalarBytes { $0.count == wanted.count && YAMLTree.bytesEqual($0, 0, wanted) } ?? false
        }
    }

    /// A short human name for the node's kind, for messages.
    public var kindDescription: String { Self.describe(flat.kind, isNull: isNull) }

    /// "null", "a scalar", "a list" or "a mapping": one wording for the node and for the tree builder.
    static func describe(_ kind: FlatNode.Kind, isNull: Bool) -> String {
        switch kind {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// A collection's run of entries in `YAMLTree.children`: what `YAMLItems` and `YAMLPairs` share.
struct ChildRun: Sendable {
    let tree: YAMLTree
    let first: Int
    let count: Int

    init(tree: YAMLTree, node: FlatNode) {
        self.tree = tree
        self.first = Int(node.first)
        self.count = Int(node.count)
    }

    static let empty = ChildRun()

    private init() {
        tree = .empty
        first = 0
        count = 0
    }

    func node(at offset: Int) -> YAMLNode { YAMLNode(tree: tree, index: Int(tree.children[first + offset])) }
}

/// A sequence's items in place in their tree.
public struct YAMLItems: RandomAccessCollection, Sendable {
    let run: ChildRun

    init(tree: YAMLTree, node: FlatNode) { run = ChildRun(tree: tree, node: node) }
    private init(run: ChildRun) { self.run = run }

    /// None at all, for `node.items ?? .none`.
    public static let none = YAMLItems(run: .empty)

    public var startIndex: Int { 0 }
    public var endIndex: Int { run.count }
    public subscript(position: Int) -> YAMLNode {
        precondition(position >= 0 && position < run.count, "index out of range")
        return run.node(at: position)
    }
}

/// A mapping's pairs in place in their tree.
public struct YAMLPairs: RandomAccessCollection, Sendable {
    let run: ChildRun

    init(tree: YAMLTree, node: FlatNode) { run = ChildRun(tree: tree, node: node) }
    private init(run: ChildRun) { self.run = run }

    /// None at all, for `node.pairs ?? .none`.
    public static let none = YAMLPairs(run: .empty)

    public var startIndex: Int { 0 }
    public var endIndex: Int { run.count }
    public subscript(position: Int) -> YAMLPair {
        precondition(position >= 0 && position < run.count, "index out of range")
        return YAMLPair(key: run.node(at: 2 * position), value: run.node(at: 2 * position + 1))
    }
}

public struct YAMLPair: Sendable {
    public var key: YAMLNode
    public var value: YAMLNode

    public init(key: YAMLNode, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

/// One `---` document of a YAML stream.
public struct YAMLDocument: Sendable {
    public var root: YAMLNode
    public var start: TextPosition
    /// The 0-based index of the document within its file.
    public var index: Int
}
