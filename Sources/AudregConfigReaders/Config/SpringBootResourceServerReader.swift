import AudregCore
/// Spring Boot's resource server settings, `spring.security.oauth2.resourceserver.jwt.*`, from
/// `application.yml` (nested or dotted keys, several documents) or `application.properties`. Keys are
/// matched the way Spring's relaxed binding does (`issuer-uri`, `issuerUri`, `issuer_uri`). There is one
/// provider, without a name; when several documents set a key, the last one wins (profile documents
/// included: drift does not know which profile runs).
///
/// `${name}` and `${name:default}` placeholders are resolved as Spring resolves them: from properties
/// given to drift (`--spring-property`, `--spring-env-file`, which win as command-line arguments and the
/// environment do), then from any key of the same file. A value that stays unresolved is not compared.
public struct SpringBootResourceServerReader: DeploymentConfigReader {
    public static let kind = DeploymentKind.springBoot
    static let prefix = ["spring", "security", "oauth2", "resourceserver", "jwt"]
    static let settingNames = ["issueruri": "issuer-uri", "jwkseturi": "jwk-set-uri", "audiences": "audiences"]

    /// Properties from outside the file, by name as given.
    public var externalProperties: [String: String]

    public init(externalProperties: [String: String] = [:]) {
        self.externalProperties = externalProperties
    }

    /// A setting as read: its value node (YAML) or value text (properties), and the key's position.
    struct Setting {
        var values: [Located<String>]
        var keyLocation: SourceLocation
    }

    static func normalize(_ key: String) -> String {
        key.lowercased().filter { $0 != "-" && $0 != "_" }
    }

    public func read(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> DeployedConfig {
        var settings: [String: Setting]
        var fileProperties: [String: String] = [:]
        if file.hasSuffix(".properties") {
            settings = readProperties(bytes, file: file, all: &fileProperties)
        } else {
            settings = try readYAML(bytes, file: file, all: &fileProperties)
        }
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard !settings.isEmpty else {
            return DeployedConfig(file: file, providers: [], providersLocation: start, providerNoun: "spring.security.oauth2.resourceserver.jwt configuration")
        }
        let first = settings.values.map(\.keyLocation).min() ?? start
        var provider = DeployedProvider(name: nil, location: first)
        let resolver = PlaceholderResolver(external: externalProperties, file: fileProperties)
        for name in settings.keys.sorted() {
            guard let setting = settings[name], let display = Self.settingNames[name] else { continue }
            var values: [Located<String>] = []
            for value in setting.values {
                switch resolver.resolve(value.value) {
                case .resolved(let text):
                    // A placeholder may stand for a list ("${AUDIENCES}" = "a,b").
                    let parts = text == value.value ? [text] : text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    values += parts.map { Located($0, at: value.location) }
                case .unresolved(let placeholder):
                    provider.unresolved.append(UnresolvedValue(setting: display, placeholder: placeholder, location: value.location))
                }
            }
            settings[name]?.values = values
        }
        provider.issuer = settings["issueruri"]?.values.first
        provider.jwksUri = settings["jwkseturi"]?.values.first
        if let audiences = settings["audiences"] {
            provider.setAudiences(audiences.values)
            provider.audiencesLocation = audiences.keyLocation
        }
        return DeployedConfig(file: file, providers: [provider], providersLocation: first,
                              providerNoun: "spring.security.oauth2.resourceserver.jwt configuration")
    }

    // MARK: YAML

    func readYAML(_ bytes: [UInt8], file: String, all: inout [String: String]) throws(DeploymentReadError) -> [String: Setting] {
        var settings: [String: Setting] = [:]
        for document in try ConfigYAML.documents(bytes, file: file) {
            walk(document.root, path: [], file: file, into: &settings)
            Self.flatten(document.root, path: "", into: &all, depth: 0)
        }
        return settings
    }

    /// Every scalar of a document under its dotted key, for placeholders (`a.b[0]` for list items).
    static func flatten(_ node: YAMLNode, path: String, into all: inout [String: String], depth: Int) {
        guard depth < 64 else { return }
        switch node.content {
        case .scalar(let value, _):
            if !path.isEmpty, !node.isNull { all[path] = value }
        case .sequence(let items):
            for (index, item) in items.enumerated() { flatten(item, path: "\(path)[\(index)]", into: &all, depth: depth + 1) }
        case .mapping(let pairs):
            for pair in pairs {
                guard let key = pair.key.scalar else { continue }
                flatten(pair.value, path: path.isEmpty ? key : path + "." + key, into: &all, depth: depth + 1)
            }
        }
    }

    func walk(_ node: YAMLNode, path: [String], file: String, into settings: inout [String: Setting]) {
        guard let pairs = node.mapping else { return }
        for pair in pairs {
            guard let key = pair.key.scalar else { continue }
            let keyPath = path + key.split(separator: ".").map { Self.normalize(String($0)) }
            // `audiences[0]` style keys in YAML are rare but legal.
            let cleaned = keyPath.map { $0.replacingOccurrences(of: #"\[\d+\]$"#, with: "", options: .regularExpression) }
            if cleaned.count > Self.prefix.count, Array(cleaned.prefix(Self.prefix.count)) == Self.prefix {
                let name = cleaned[Self.prefix.count]
                if let values = ConfigYAML.strings(pair.value, file: file) {
                    let keyLocation = ConfigYAML.location(pair.key, file: file)
                    if keyPath.last != cleaned.last, let existing = settings[name] {
                        settings[name] = Setting(values: existing.values + values, keyLocation: existing.keyLocation)
                    } else {
                        settings[name] = Setting(values: values, keyLocation: keyLocation)
                    }
                }
                continue
            }
            let isPrefix = cleaned.count <= Self.prefix.count && Array(Self.prefix.prefix(cleaned.count)) == cleaned
            if isPrefix { walk(pair.value, path: cleaned, file: file, into: &settings) }
        }
    }

    // MARK: properties

    /// One character of a `.properties` logical line and where it was written.
    struct PropertiesCharacter {
        var scalar: Unicode.Scalar
        var line: Int
        var column: Int
    }

    /// The logical lines of a `.properties` file: comments and blank lines dropped, a line ending in an
    /// odd number of backslashes joined with the next one (whose leading whitespace is dropped), as
    /// `java.util.Properties.load` does. Every character keeps its own line and column.
    static func logicalLines(_ bytes: [UInt8]) -> [[PropertiesCharacter]] {
        var physical: [[Unicode.Scalar]] = [[]]
        var previousWasCR = false
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { physical.append([]) }
                previousWasCR = false
            } else if scalar == "\r" {
                physical.append([])
                previousWasCR = true
            } else {
                physical[physical.count - 1].append(scalar)
                previousWasCR = false
            }
        }
        func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" || scalar == "\u{0C}" }
        var lines: [[PropertiesCharacter]] = []
        var current: [PropertiesCharacter]?
        for (index, scalars) in physical.enumerated() {
            var start = 0
            while start < scalars.count, isSpace(scalars[start]) { start += 1 }
            if current == nil, start == scalars.count || scalars[start] == "#" || scalars[start] == "!" { continue }
            var characters = (start..<scalars.count).map { PropertiesCharacter(scalar: scalars[$0], line: index + 1, column: $0 + 1) }
            let backslashes = characters.reversed().prefix { $0.scalar == "\\" }.count
            let continues = backslashes % 2 == 1
            if continues { characters.removeLast() }
            current = (current ?? []) + characters
            if !continues {
                lines.append(current!)
                current = nil
            }
        }
        if let current { lines.append(current) }
        return lines
    }

    func readProperties(_ bytes: [UInt8], file: String, all: inout [String: String]) -> [String: Setting] {
        var settings: [String: Setting] = [:]
        for characters in Self.logicalLines(bytes) {
            // The key ends at the first unescaped '=', ':' or whitespace.
            var keyScalars = String.UnicodeScalarView()
            var index = 0
            while index < characters.count {
                let scalar = characters[index].scalar
                if scalar == "\\", index + 1 < characters.count {
                    keyScalars.append(Self.unescaped(characters[index + 1].scalar))
                    index += 2
                    continue
                }
                if scalar == "=" || scalar == ":" || scalar == " " || scalar == "\t" || scalar == "\u{0C}" { break }
                keyScalars.append(scalar)
                index += 1
            }
            while index < characters.count, characters[index].scalar == " " || characters[index].scalar == "\t" { index += 1 }
            if index < characters.count, characters[index].scalar == "=" || characters[index].scalar == ":" { index += 1 }
            while index < characters.count, characters[index].scalar == " " || characters[index].scalar == "\t" { index += 1 }
            var value: [PropertiesCharacter] = []
            while index < characters.count {
                var character = characters[index]
                if character.scalar == "\\", index + 1 < characters.count {
                    character.scalar = Self.unescaped(characters[index + 1].scalar)
                    index += 1
                }
                value.append(character)
                index += 1
            }
            let key = String(keyScalars)
            all[key] = String(String.UnicodeScalarView(value.map(\.scalar)))

            let path = key.split(separator: ".").map { Self.normalize(String($0)) }
            let indexed = path.last?.hasSuffix("]") == true
            let cleaned = path.map { $0.replacingOccurrences(of: #"\[\d+\]$"#, with: "", options: .regularExpression) }
            guard cleaned.count == Self.prefix.count + 1, Array(cleaned.prefix(Self.prefix.count)) == Self.prefix, let keyStart = characters.first else { continue }
            let name = cleaned[Self.prefix.count]
            let keyLocation = SourceLocation(file: file, line: keyStart.line, column: keyStart.column)
            // Spring binds "a,b" to a list.
            var values: [Located<String>] = []
            for part in value.split(omittingEmptySubsequences: false, whereSeparator: { $0.scalar == "," }) {
                let trimmed = part.drop { $0.scalar == " " || $0.scalar == "\t" }
                guard let head = trimmed.first else { continue }
                let text = String(String.UnicodeScalarView(trimmed.map(\.scalar))).trimmingCharacters(in: .whitespaces)
                if !text.isEmpty { values.append(Located(text, at: SourceLocation(file: file, line: head.line, column: head.column))) }
            }
            if indexed, let existing = settings[name] {
                settings[name] = Setting(values: existing.values + values, keyLocation: existing.keyLocation)
            } else {
                settings[name] = Setting(values: values, keyLocation: keyLocation)
            }
        }
        return settings
    }

    static func unescaped(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar {
        case "t": return "\t"
        case "n": return "\n"
        case "r": return "\r"
        case "f": return "\u{0C}"
        default: return scalar
        }
    }
}

/// Spring's `${name}` / `${name:default}` resolution over the properties drift knows. Lookups try the
/// name as written, then its relaxed form (`MOCKWEBSERVER_URL` finds `mockwebserver.url`, as Spring's
/// environment property source does). Depth and length are bounded: every value is attacker-controlled.
struct PlaceholderResolver {
    enum Outcome: Equatable {
        case resolved(String)
        /// The first placeholder that could not be resolved, as written.
        case unresolved(String)
    }

    static let maxDepth = 16
    static let maxLength = 65_536

    let exact: [String: String]
    let relaxed: [String: String]

    init(external: [String: String], file: [String: String]) {
        var exact = file
        for (key, value) in external { exact[key] = value }
        self.exact = exact
        var relaxed: [String: String] = [:]
        for (key, value) in file { relaxed[Self.relax(key)] = value }
        for (key, value) in external { relaxed[Self.relax(key)] = value }
        self.relaxed = relaxed
    }

    static func relax(_ key: String) -> String {
        String(String.UnicodeScalarView(key.lowercased().unicodeScalars.compactMap { $0 == "-" ? nil : ($0 == "_" ? "." : $0) }))
    }

    func lookup(_ name: String) -> String? {
        exact[name] ?? relaxed[Self.relax(name)]
    }

    func resolve(_ text: String) -> Outcome {
        var budget = Self.maxLength
        return resolve(Array(text.unicodeScalars), depth: 0, budget: &budget)
    }

    private func resolve(_ scalars: [Unicode.Scalar], depth: Int, budget: inout Int) -> Outcome {
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
                  let close = Self.closingBrace(scalars, from: index + 2) else {
                output.append(scalars[index])
                index += 1
                continue
            }
            let written = String(String.UnicodeScalarView(scalars[index...close]))
            // Each placeholder costs one unit, so that `${a}${a}…` nested many levels deep stays bounded.
            budget -= 1
            guard depth < Self.maxDepth, budget >= 0 else { return .unresolved(written) }
            let inner = Array(scalars[(index + 2)..<close])
            let colon = Self.topLevelColon(inner)
            let name = String(String.UnicodeScalarView(inner[..<(colon ?? inner.count)]))
            let replacement: Outcome
            if let value = lookup(name) {
                replacement = resolve(Array(value.unicodeScalars), depth: depth + 1, budget: &budget)
            } else if let colon {
                replacement = resolve(Array(inner[(colon + 1)...]), depth: depth + 1, budget: &budget)
            } else {
                replacement = .unresolved(written)
            }
            switch replacement {
            case .unresolved(let placeholder): return .unresolved(placeholder)
            case .resolved(let value):
                budget -= value.unicodeScalars.count
                guard budget >= 0 else { return .unresolved(written) }
                output.append(contentsOf: value.unicodeScalars)
            }
            index = close + 1
        }
        return .resolved(String(output))
    }

    /// The `}` that closes a placeholder opened just before `from`, counting nested `${`.
    static func closingBrace(_ scalars: [Unicode.Scalar], from: Int) -> Int? {
        var nesting = 0
        var index = from
        while index < scalars.count {
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{" {
                nesting += 1
                index += 2
                continue
            }
            if scalars[index] == "}" {
                if nesting == 0 { return index }
                nesting -= 1
            }
            index += 1
        }
        return nil
    }

    static func topLevelColon(_ scalars: [Unicode.Scalar]) -> Int? {
        var nesting = 0
        for (index, scalar) in scalars.enumerated() {
            if scalar == "{" { nesting += 1 }
            if scalar == "}" { nesting -= 1 }
            if scalar == ":", nesting == 0 { return index }
        }
        return nil
    }
}

/// Properties given to drift for Spring placeholders: `KEY=VALUE` on the command line, or a `.env`-style
/// file (`export ` prefixes, `#` comments and one level of matching quotes allowed).
public enum SpringProperties {
    public static func parse(line: String) -> (String, String)? {
        guard let equals = line.unicodeScalars.firstIndex(of: "=") else { return nil }
        let key = String(line.unicodeScalars[..<equals]).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { return nil }
        return (key, String(line.unicodeScalars[line.unicodeScalars.index(after: equals)...]))
    }

    public static func parse(envFile text: String) -> [String: String] {
        var result: [String: String] = [:]
        for raw in text.unicodeScalars.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let parsed = parse(line: line) else { continue }
            let key = parsed.0.trimmingCharacters(in: .whitespaces)
            var value = parsed.1.trimmingCharacters(in: .whitespaces)
            let scalars = Array(value.unicodeScalars)
            if scalars.count >= 2, let first = scalars.first, first == "\"" || first == "'", scalars.last == first {
                value = String(String.UnicodeScalarView(scalars[1..<(scalars.count - 1)]))
            }
            result[key] = value
        }
        return result
    }
}
