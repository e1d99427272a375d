/// Characters a reviewer cannot see in a pull request. The check runs in the loader, over every key and
/// value of the YAML tree and over each file's path, because the entity builder keeps only the fields it
/// knows and the file name never reaches the rules.
public struct UnsafeCharacterRule: Rule {
    public static let id = "unsafe-character"

    public static let description = RuleDescription(
        id: id,
        name: "Unsafe character",
        defaultSeverity: .error,
        stage: .loading,
        summary: "A key, value or file name holds a control, bidirectional-control, zero-width, tag or blank character.",
        rationale: """
            A registry is reviewed as text in pull requests. Bidirectional overrides (the "Trojan Source" \
            class, CVE-2021-42574) reorder what the reviewer sees, zero-width characters make two audiences \
            that look the same differ byte for byte, tag characters (U+E0000-U+E007F) spell out hidden ASCII, \
            blank letters (such as U+3164 HANGUL FILLER) make a value look empty or padded, and control characters end lines in logs, comments and \
            generated files. Whatever the reviewer approved, the gateways would compare the hidden bytes. \
            Line feeds and tabs are allowed only in values written as block scalars (`|`, `>`) or spread over \
            several lines, where they are visible.
            """,
        remediation: "Retype the reported string; the message names each hidden code point. Write multi-line text as a block scalar (`description: |`).",
        references: ["CVE-2021-42574 (Trojan Source)", "Unicode UAX #9 (bidirectional controls)", "Unicode UTS #39 §3.1"],
        controls: ["PR.PS-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [↓"https://orders.api.example.com\\u202E", ↓"https://orders\\u200B.api.example.com"]
                  ↓"owner\\u2066": x
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata:
                  name: orders-api
                  title: ↓"Orders\\r\\n::warning file=x::forged"
                  description: ↓"tab\\tinside one line"
                  environment: ↓"prod\\U000E0041\\U000E0064"
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata:
                  name: orders-api
                  title: Bestellungen – Übersicht 注文
                  description: |
                    Line one,
                    \tline two after a tab.
                spec: {audiences: [https://orders.api.example.com]}
                """),
        ])

    public init() {}
    public func check(_ context: RuleContext) -> [Finding] { [] }

    /// Findings for one parsed file: its path, then every key and value of every document, each string
    /// once (aliases repeat nodes at the same position). Messages name the code points but do not quote
    /// the string: the position points at it, and every sink escapes what it shows.
    static func findings(in parse: YAMLParseResult, file: String, bytes: [UInt8]? = nil) -> [Finding] {
        var findings: [Finding] = []
        if let problem = problem(in: file, allowLineBreaks: false) {
            findings.append(finding("file name", problem, at: SourceLocation(file: file, line: 1, column: 1), entity: nil))
        }
        // Almost every registry file is plain text: when no byte of it could start an unsafe scalar or
        // an escape that makes one, no key or value can hold one, and the walk over its nodes is skipped.
        if let bytes, !mayHoldUnsafeScalar(bytes) { return findings }
        var reported = Set<TextPosition>()
        for document in parse.documents {
            let entity = entityRef(of: document.root)
            var stack: [(node: YAMLNode, isKey: Bool)] = [(document.root, false)]
            while let item = stack.popLast() {
                let (node, isKey) = item
                if let items = node.items {
                    for item in items.reversed() { stack.append((item, false)) }
                } else if let pairs = node.pairs {
                    for pair in pairs.reversed() {
                        stack.append((pair.value, false))
                        stack.append((pair.key, true))
                    }
                } else if let value = node.scalar, let style = node.scalarStyle {
                    let multiLine = style == .literal || style == .folded || node.end.line > node.start.line
                    guard let problem = problem(in: value, allowLineBreaks: !isKey && multiLine),
                          reported.insert(node.start).inserted else { continue }
                    findings.append(finding(isKey ? "key" : "value", problem,
                                            at: SourceLocation(file: file, node: node), entity: entity))
                }
            }
        }
        return findings
    }

    /// Whether raw YAML bytes could yield an unsafe scalar: a control byte other than tab and line feed,
    /// a lead byte of an unsafe non-ASCII scalar (`UnsafeScalar.isLeadByte`), or a backslash, which starts
    /// the escapes of double-quoted scalars (`"\u202E"` is all ASCII in the file).
    static func mayHoldUnsafeScalar(_ bytes: [UInt8]) -> Bool {
        // Every registry file's bytes pass through here, so the test is one table lookup per byte.
        unsafeScalarBytes.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { buffer in buffer.contains { table[Int($0)] } }
        }
    }

    static func mayStartUnsafeScalar(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x0A && byte != 0x09) || byte == 0x7F || byte == 0x5C || UnsafeScalar.isLeadByte(byte)
    }

    /// `mayStartUnsafeScalar` for each byte value.
    static let unsafeScalarBytes: [Bool] = (0...255).map { mayStartUnsafeScalar(UInt8($0)) }

    /// The distinct unsafe scalars of `text`, in order of first appearance.
    static func problem(in text: String, allowLineBreaks: Bool) -> [Unicode.Scalar]? {
        guard UnsafeScalar.containsAny(text) else { return nil }
        var found: [Unicode.Scalar] = []
        for scalar in text.unicodeScalars where UnsafeScalar.kind(scalar) != nil {
            if allowLineBreaks && (scalar == "\n" || scalar == "\t") { continue }
            if !found.contains(scalar) { found.append(scalar) }
        }
        return found.isEmpty ? nil : found
    }

    static func finding(_ subject: String, _ scalars: [Unicode.Scalar], at location: SourceLocation, entity: EntityRef?) -> Finding {
        let named = scalars.prefix(3).map { "\(UnsafeScalar.describe($0)) (\(UnsafeScalar.kind($0)!.rawValue))" }
        let more = scalars.count > 3 ? " and \(scalars.count - 3) more" : ""
        return Finding(ruleID: id, severity: .error,
                       message: "\(subject) holds \(named.joined(separator: ", "))\(more), which a reviewer cannot see; retype it without them",
                       location: location, entity: entity)
    }

    /// The document's entity when its kind and name are valid, as the entity builder names it.
    static func entityRef(of root: YAMLNode) -> EntityRef? {
        guard let kind = root["kind"]?.scalar.flatMap(EntityKind.init(rawValue:)),
              let name = root["metadata"]?["name"]?.scalar, EntityName.isValid(name) else { return nil }
        return EntityRef(kind, name)
    }
}
