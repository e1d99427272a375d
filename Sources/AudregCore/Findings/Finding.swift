/// How much a finding matters. Ordered so that `error > warning > note`.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The kinds of registry entity. Raw values are the `kind:` strings of audreg/v1.
public enum EntityKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case service = "Service"
    case issuer = "Issuer"
    case team = "Team"
    case policy = "Policy"

    public static func < (lhs: EntityKind, rhs: EntityKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Names one entity, written `Service/orders-api`.
public struct EntityRef: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var kind: EntityKind
    public var name: String

    public init(_ kind: EntityKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    public static func < (lhs: EntityRef, rhs: EntityRef) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
        return ExactText.precedes(lhs.name, rhs.name)
    }

    public static func == (lhs: EntityRef, rhs: EntityRef) -> Bool { lhs.kind == rhs.kind && lhs.name.isExactly(rhs.name) }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        ExactText.hash(name, into: &hasher)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = EntityRef(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an entity reference: \(text)"))
        }
        self = parsed
    }

    /// `Kind/name`, split at the first `/` scalar: a combining mark after the slash cannot hide it.
    package init?(parsing text: String) {
        let scalars = text.unicodeScalars
        guard let slash = scalars.firstIndex(of: "/"), scalars.index(after: slash) < scalars.endIndex,
              let kind = EntityKind(rawValue: String(scalars[..<slash])) else { return nil }
        self.init(kind, String(scalars[scalars.index(after: slash)...]))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A span in a file: `file` is relative to the registry directory (or as given for files outside it),
/// lines and columns are 1-based.
public struct SourceLocation: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    // A registry holds a location for every value it read, so the name of the file is one reference
    // shared by all the locations in that file (8 bytes rather than a `String`'s 16), and lines and
    // columns are 32-bit: files are at most 16 MiB, so none comes near the limit.
    private var fileName: SourceFileName
    private var storedLine: Int32
    private var storedColumn: Int32
    private var storedEndLine: Int32
    private var storedEndColumn: Int32

    public var line: Int { Int(storedLine) }
    public var column: Int { Int(storedColumn) }
    public var endLine: Int { Int(storedEndLine) }
    public var endColumn: Int { Int(storedEndColumn) }

    public var file: String {
        get { fileName.text }
        set { fileName = SourceFileName.named(newValue) }
    }

    public init(file: String, line: Int, column: Int, endLine: Int? = nil, endColumn: Int? = nil) {
        self.init(file: SourceFileName.named(file), line: line, column: column, endLine: endLine, endColumn: endColumn)
    }

    package init(file: SourceFileName, line: Int, column: Int, endLine: Int? = nil, endColumn: Int? = nil) {
        fileName = file
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
        storedEndLine = Int32(clamping: endLine ?? line)
        storedEndColumn = Int32(clamping: endColumn ?? column)
    }

    private enum CodingKeys: String, CodingKey {
        case file, line, column, endLine, endColumn
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(file: try container.decode(String.self, forKey: .file), line: try container.decode(Int.self, forKey: .line),
                  column: try container.decode(Int.self, forKey: .column), endLine: try container.decode(Int.self, forKey: .endLine),
                  endColumn: try container.decode(Int.self, forKey: .endColumn))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        try container.encode(endLine, forKey: .endLine)
        try container.encode(endColumn, forKey: .endColumn)
    }

    public init(file: String, start: TextPosition, end: TextPosition? = nil) {
        self.init(file: file, line: start.line, column: start.column, endLine: end?.line, endColumn: end?.column)
    }

    public init(file: String, node: YAMLNode) {
        self.init(file: SourceFileName.named(file), node: node)
    }

    package init(file: SourceFileName, node: YAMLNode) {
        // A span that ends on a later line than it starts is kept; libyaml's end marks of block
        // collections sit at the start of the next token, which can be column 1 of a later line.
        self.init(file: file, line: node.start.line, column: node.start.column, endLine: node.end.line,
                  endColumn: node.end.column)
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if !lhs.sameFile(as: rhs) { return ExactText.precedes(lhs.file, rhs.file) }
        // The end too, as `==` compares it: two spans from one start are ordered, never "neither".
        return (lhs.storedLine, lhs.storedColumn, lhs.storedEndLine, lhs.storedEndColumn)
            < (rhs.storedLine, rhs.storedColumn, rhs.storedEndLine, rhs.storedEndColumn)
    }

    public static func == (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        lhs.storedLine == rhs.storedLine && lhs.storedColumn == rhs.storedColumn && lhs.storedEndLine == rhs.storedEndLine
            && lhs.storedEndColumn == rhs.storedEndColumn && lhs.sameFile(as: rhs)
    }

    /// Whether both locations are in the file of the same name, byte for byte.
    public func sameFile(as other: SourceLocation) -> Bool {
        fileName === other.fileName || fileName.text.isExactly(other.fileName.text)
    }

    public func hash(into hasher: inout Hasher) {
        ExactText.hash(file, into: &hasher)
        hasher.combine(storedLine)
        hasher.combine(storedColumn)
        hasher.combine(storedEndLine)
        hasher.combine(storedEndColumn)
    }
}

/// The name of a file that locations point into, made once per file read and shared by its locations.
package final class SourceFileName: Sendable {
    package let text: String

    package init(_ text: String) { self.text = text }

    /// The name last made from text, so that the locations a reader makes one after another in the
    /// same file (a config reader passes its file's name as text for each value) share one name instead
    /// of each allocating its own. Only a cache: a name made afresh compares equal all the same.
    private static let recent = Locked<SourceFileName?>(nil)

    package static func named(_ text: String) -> SourceFileName {
        recent.withLock { last in
            if let last, last.text.isExactly(text) { return last }
            let made = SourceFileName(text)
            last = made
            return made
        }
    }
}

/// Equality, order and hashing on UTF-8 bytes for the text a finding carries (file names, messages that
/// quote registry values or a JWKS `kid`). Swift's `String` `==`, `<` and hash treat canonically equivalent
/// text as equal, so two findings about `\u{E9}.yaml` and `e\u{301}.yaml`, or about two keys whose `kid`s
/// differ that way, would be merged into one and the second would never be reported.
package enum ExactText {
    package static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.withUTF8Bytes { left in rhs.withUTF8Bytes { right in left.lexicographicallyPrecedes(right) } }
    }

    package static func hash(_ text: String, into hasher: inout Hasher) {
        text.withUTF8Bytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        // A terminator, so ("ab", "c") and ("a", "bc") hash differently when strings are combined in a row.
        hasher.combine(0xFF as UInt8)
    }

    package static func equal(_ lhs: String?, _ rhs: String?) -> Bool {
        switch (lhs, rhs) {
        case (nil, nil): return true
        case let (left?, right?): return left.isExactly(right)
        default: return false
        }
    }
}

/// A value read from the registry together with where it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

extension Located: Equatable where Value: Equatable {}
extension Located: Hashable where Value: Hashable {}

/// Another place that explains a finding: the other service that shares an audience, the first of two duplicate keys.
public struct RelatedLocation: Hashable, Sendable, Codable {
    public var location: SourceLocation
    public var entity: EntityRef?
    public var message: String?

    public static func == (lhs: RelatedLocation, rhs: RelatedLocation) -> Bool {
        lhs.location == rhs.location && lhs.entity == rhs.entity && ExactText.equal(lhs.message, rhs.message)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(location)
        hasher.combine(entity)
        if let message { ExactText.hash(message, into: &hasher) } else { hasher.combine(0 as UInt8) }
    }

    public init(_ location: SourceLocation, entity: EntityRef? = nil, message: String? = nil) {
        self.location = location
        self.entity = entity
        self.message = message
    }
}

/// One result of validating a registry or checking it against what is deployed.
public struct Finding: Hashable, Sendable {
    public var ruleID: String
    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    public var entity: EntityRef?
    public var related: [RelatedLocation]

    public init(ruleID: String, severity: Severity, message: String, location: SourceLocation, entity: EntityRef? = nil, related: [RelatedLocation] = []) {
        self.ruleID = ruleID
        self.severity = severity
        self.message = message
        self.location = location
        self.entity = entity
        self.related = related
    }

    /// The order every report uses: by file, position, rule, then message, so output is byte-identical between
    /// runs. Text is ordered by its bytes, so two findings that differ only in canonically equivalent text
    /// still have one order.
    public static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        if !lhs.location.sameFile(as: rhs.location) { return ExactText.precedes(lhs.location.file, rhs.location.file) }
        if lhs.location.line != rhs.location.line { return lhs.location.line < rhs.location.line }
        if lhs.location.column != rhs.location.column { return lhs.location.column < rhs.location.column }
        if !lhs.ruleID.isExactly(rhs.ruleID) { return ExactText.precedes(lhs.ruleID, rhs.ruleID) }
        if !lhs.message.isExactly(rhs.message) { return ExactText.precedes(lhs.message, rhs.message) }
        return ExactText.precedes(lhs.entity?.description ?? "", rhs.entity?.description ?? "")
    }

    /// Byte-exact (see `ExactText`): a finding is a repeat of another only when every byte of it is.
    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        lhs.severity == rhs.severity && lhs.location == rhs.location && lhs.entity == rhs.entity && lhs.related == rhs.related
            && lhs.ruleID.isExactly(rhs.ruleID) && lhs.message.isExactly(rhs.message)
    }

    public func hash(into hasher: inout Hasher) {
        ExactText.hash(ruleID, into: &hasher)
        hasher.combine(severity)
        ExactText.hash(message, into: &hasher)
        hasher.combine(location)
        hasher.combine(entity)
        hasher.combine(related)
    }
}
