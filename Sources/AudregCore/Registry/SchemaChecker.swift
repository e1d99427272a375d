/// Checks YAML nodes against `RegistrySchema` and reports every mismatch as a `schema` finding with its position.
/// It never stops at the first problem: one run shows an author everything to fix.
struct SchemaChecker {
    let file: String
    let entity: EntityRef?
    var findings: [Finding] = []

    init(file: String, entity: EntityRef?) {
        self.file = file
        self.entity = entity
    }

    mutating func report(_ message: String, at node: YAMLNode) {
        findings.append(Finding(ruleID: LoaderRuleID.schema, severity: .error, message: message,
                                location: SourceLocation(file: file, node: node), entity: entity))
    }

    /// Where the node being checked sits, as `SchemaPath` renders it: the root and the keys and indices
    /// below it, pushed and popped as the check descends, so checking a valid document builds no path.
    private var pathRoot = ""
    private var pathBelowRoot: [SchemaPath.Component] = []

    private var path: String { SchemaPath.render(root: pathRoot, pathBelowRoot) }
    private func path(withKey key: String) -> String { SchemaPath.render(root: pathRoot, pathBelowRoot + [.key(key)]) }

    mutating func check(_ node: YAMLNode, against schema: ObjectSchema, path: SchemaPath) {
        pathRoot = path.root
        pathBelowRoot.removeAll(keepingCapacity: true)
        check(node, against: schema)
    }

    private mutating func check(_ node: YAMLNode, against schema: ObjectSchema) {
        guard let pairs = node.pairs else {
            report("\(path) must be a mapping, found \(node.kindDescription)", at: node)
            return
        }
        for pair in pairs {
            guard pair.key.isScalar else {
                report("keys in \(path) must be plain text, found \(pair.key.kindDescription)", at: pair.key)
                continue
            }
            // Looked up as bytes: a valid document's keys never become `String`s here.
            guard let position = pair.key.withScalarBytes({ schema.names.position(of: $0) }) ?? nil else {
                let key = pair.key.scalar ?? ""
                let known = schema.fields.map(\.name)
                if let suggestion = Suggestion.closest(to: key, in: known) {
                    report("unknown key '\(key)' in \(path); did you mean '\(suggestion)'?", at: pair.key)
                } else {
                    report("unknown key '\(key)' in \(path); expected one of: \(known.joined(separator: ", "))", at: pair.key)
                }
                continue
            }
            if pair.value.isNull && !schema.fields[position].required { continue }
            pathBelowRoot.append(.key(schema.fields[position].name))
            check(pair.value, against: schema.fields[position].type)
            pathBelowRoot.removeLast()
        }
        for position in schema.names.required {
            let name = schema.fields[position].name
            if let value = node[name] {
                if value.isNull { report("\(path(withKey: name)) is required but empty", at: value) }
            } else {
                report("\(path) is missing required key '\(name)'", at: node)
            }
        }
    }

    private mutating func check(_ node: YAMLNode, against type: SchemaType) {
        switch type {
        case .string(let format):
            guard let text = node.scalar, !node.isNull || format == .text else {
                report("\(path) must be \(format.expectation), found \(node.kindDescription)", at: node)
                return
            }
            if let problem = format.problem(with: text) {
                report("\(path) \(problem)", at: node)
            }
        case .integer(let minimum):
            guard let text = node.scalar, let value = Int(text) else {
                report("\(path) must be a whole number, found \(node.scalar.map { "'\($0)'" } ?? node.kindDescription)", at: node)
                return
            }
            if value < minimum {
                report("\(path) must be at least \(minimum), found \(value)", at: node)
            }
        case .boolean:
            guard let text = node.scalar, text.isExactly("true") || text.isExactly("false") else {
                report("\(path) must be true or false", at: node)
                return
            }
        case .list(let element):
            guard let items = node.items else {
                report("\(path) must be a list, found \(node.kindDescription)", at: node)
                return
            }
            for (index, item) in items.enumerated() {
                pathBelowRoot.append(.index(index))
                check(item, against: element)
                pathBelowRoot.removeLast()
            }
        case .object(let schema):
            check(node, against: schema)
        case .map(let value):
            guard let pairs = node.pairs else {
                report("\(path) must be a mapping, found \(node.kindDescription)", at: node)
                return
            }
            for pair in pairs {
                guard let key = pair.key.scalar else {
                    report("keys in \(path) must be plain text", at: pair.key)
                    continue
                }
                pathBelowRoot.append(.key(key))
                check(pair.value, against: value)
                pathBelowRoot.removeLast()
            }
        }
    }
}

/// Where a node sits in a document (`spec.accepts[0].issuer`): a root and the keys and list indices
/// below it, rendered only when a message needs it.
struct SchemaPath: ExpressibleByStringLiteral {
    enum Component {
        case key(String)
        case index(Int)
    }

    var root: String

    init(stringLiteral value: String) { root = value }

    static func render(root: String, _ components: [Component]) -> String {
        var text = root
        for component in components {
            switch component {
            case .key(let key): text += ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

extension StringFormat {
    var expectation: String {
        switch self {
        case .text: return "text"
        case .name: return "a name"
        case .url: return "a URL"
        case .issuerValue: return "a string (StringOrURI)"
        case .duration: return "a duration such as 15m"
        case .date: return "a date YYYY-MM-DD"
        case .oneOf(let values): return "one of \(values.joined(separator: ", "))"
        }
    }

    /// Why `text` does not fit this format, or nil when it does.
    func problem(with text: String) -> String? {
        switch self {
        case .text:
            return nil
        case .name:
            return EntityName.isValid(text) ? nil
                : "'\(text)' is not a valid name: use 1 to 63 lowercase letters, digits and hyphens, starting with a letter or digit"
        case .issuerValue:
            // `iss` is a StringOrURI (RFC 7519 §4.1.1): `testing@secure.istio.io` is as valid as a URL.
            // What is wrong with a value (empty, padded, a ':' that is not a URI) is claim-value-invalid's.
            return nil
        case .url:
            return URLParts(text) == nil ? "'\(text)' is not an absolute URL (scheme://host...)" : nil
        case .duration:
            return TokenLifetime(text) == nil ? "'\(text)' is not a duration; write it as 30s, 15m, 1h, 7d or a sum such as 1h30m" : nil
        case .date:
            return Day(text) == nil ? "'\(text)' is not a date; write it as YYYY-MM-DD" : nil
        case .oneOf(let values):
            // Byte for byte: `ES256\u{212A}` (KELVIN SIGN) is not `ES256K`, though Swift's `==` says so.
            if values.contains(where: { $0.isExactly(text) }) { return nil }
            // The allowed values are ASCII, so a value that only looks like one is shown with its other
            // scalars as code points: "'ES256\u{212A}' is not allowed; did you mean 'ES256K'?".
            let shown = Suggestion.withCodePoints(text)
            if let suggestion = Suggestion.closest(to: text, in: values) {
                return "'\(shown)' is not allowed; did you mean '\(suggestion)'?"
            }
            return "'\(shown)' is not allowed; expected one of: \(values.joined(separator: ", "))"
        }
    }
}

public enum EntityName {
    /// `[a-z0-9][a-z0-9-]{0,62}`, checked by hand so nothing like `../x` or a Unicode look-alike passes.
    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard (1...63).contains(bytes.count) else { return false }
        var index = 0
        for byte in bytes {
            let isLower = byte >= 0x61 && byte <= 0x7A
            let isDigit = byte >= 0x30 && byte <= 0x39
            let isHyphen = byte == 0x2D
            guard isLower || isDigit || (isHyphen && index > 0) else { return false }
            index += 1
        }
        return true
    }
}

package enum Suggestion {
    /// The closest candidate within a small edit distance, for "did you mean" messages.
    /// Distances count Unicode scalars, not `Character`s, which compare canonically equivalent
    /// strings as equal: a look-alike is one edit away from what it imitates, not zero.
    package static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = Array(word.lowercased().unicodeScalars)
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, Array(candidate.lowercased().unicodeScalars))
            let allowed = max(1, min(3, candidate.count / 3))
            if distance <= allowed, best == nil || distance < best!.1 {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions.
    /// `text` with every scalar outside printable ASCII written as `\u{XXXX}`.
    package static func withCodePoints(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var twoBack = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], twoBack[j - 2] + 1)
                }
            }
            (twoBack, previous, current) = (previous, current, twoBack)
        }
        return previous[b.count]
    }
}
