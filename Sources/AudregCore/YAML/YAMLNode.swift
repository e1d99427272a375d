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

/// A YAML node that never loses where it came from.
public struct YAMLNode: Sendable {
    public enum Content: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    public var content: Content
    public var start: TextPosition
    public var end: TextPosition
    /// The explicit tag, when the author wrote one (`!!str`, `!custom`), expanded as libyaml reports it.
    public var tag: String?

    public init(content: Content, start: TextPosition, end: TextPosition, tag: String? = nil) {
        self.content = content
        self.start = start
        self.end = end
        self.tag = tag
    }

    public var scalar: String? {
        if case .scalar(let value, _) = content { return value }
        return nil
    }

    public var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    public var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// `null`, `~` or an empty plain scalar: YAML's ways of writing "nothing".
    public var isNull: Bool {
        if case .scalar(let value, .plain) = content {
            return value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL"
        }
        return false
    }

    /// The value under `key` in a mapping node (first occurrence; duplicates are reported by the parser).
    /// Keys match byte for byte: `\u{212A}ind` (KELVIN SIGN) is not `Kind`, though Swift's `==` says so.
    public subscript(key: String) -> YAMLNode? {
        mapping?.first(where: { $0.key.hasScalar(key) })?.value
    }

    /// Whether this is a scalar holding exactly `text`, byte for byte.
    public func hasScalar(_ text: String) -> Bool {
        if case .scalar(let value, _) = content { return value.isExactly(text) }
        return false
    }

    /// A short human name for the node's kind, for messages.
    public var kindDescription: String {
        switch content {
        case .scalar: return isNull ? "null" : "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
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
