import Foundation

/// Spring Boot's resource server settings, `spring.security.oauth2.resourceserver.jwt.*`, from
/// `application.yml` (nested or dotted keys, several documents) or `application.properties`. Keys are
/// matched the way Spring's relaxed binding does (`issuer-uri`, `issuerUri`, `issuer_uri`). There is one
/// provider, without a name; when several documents set a key, the last one wins.
public struct SpringBootResourceServerReader: DeploymentConfigReader {
    public static let kind = DeploymentKind.springBoot
    static let prefix = ["spring", "security", "oauth2", "resourceserver", "jwt"]

    public init() {}

    /// A setting as read: its value node (YAML) or value text (properties), and the key's position.
    struct Setting {
        var values: [Located<String>]
        var keyLocation: SourceLocation
    }

    static func normalize(_ key: String) -> String {
        key.lowercased().filter { $0 != "-" && $0 != "_" }
    }

    public func read(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> DeployedConfig {
        let settings: [String: Setting]
        if file.hasSuffix(".properties") {
            settings = readProperties(bytes, file: file)
        } else {
            settings = try readYAML(bytes, file: file)
        }
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard !settings.isEmpty else {
            return DeployedConfig(file: file, providers: [], providersLocation: start, providerNoun: "spring.security.oauth2.resourceserver.jwt configuration")
        }
        let first = settings.values.map(\.keyLocation).min() ?? start
        var provider = DeployedProvider(name: nil, location: first)
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

    func readYAML(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [String: Setting] {
        var settings: [String: Setting] = [:]
        for document in try ConfigYAML.documents(bytes, file: file) {
            walk(document.root, path: [], file: file, into: &settings)
        }
        return settings
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

    func readProperties(_ bytes: [UInt8], file: String) -> [String: Setting] {
        var settings: [String: Setting] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let scalars = Array(line.unicodeScalars)
            var start = 0
            while start < scalars.count, scalars[start] == " " || scalars[start] == "\t" { start += 1 }
            guard start < scalars.count, scalars[start] != "#", scalars[start] != "!" else { continue }
            var separator = start
            while separator < scalars.count, !["=", ":", " "].contains(scalars[separator]) { separator += 1 }
            let key = String(String.UnicodeScalarView(scalars[start..<separator]))
            var valueStart = separator
            while valueStart < scalars.count, scalars[valueStart] == " " { valueStart += 1 }
            if valueStart < scalars.count, scalars[valueStart] == "=" || scalars[valueStart] == ":" { valueStart += 1 }
            while valueStart < scalars.count, scalars[valueStart] == " " { valueStart += 1 }
            let value = String(String.UnicodeScalarView(scalars[valueStart...]))
            let path = key.split(separator: ".").map { Self.normalize(String($0)) }
            let indexed = path.last?.hasSuffix("]") == true
            let cleaned = path.map { $0.replacingOccurrences(of: #"\[\d+\]$"#, with: "", options: .regularExpression) }
            guard cleaned.count == Self.prefix.count + 1, Array(cleaned.prefix(Self.prefix.count)) == Self.prefix else { continue }
            let name = cleaned[Self.prefix.count]
            let keyLocation = SourceLocation(file: file, line: index + 1, column: start + 1)
            var values: [Located<String>] = []
            var column = valueStart + 1
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let leading = part.prefix { $0 == " " }.count
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty {
                    values.append(Located(trimmed, at: SourceLocation(file: file, line: index + 1, column: column + leading)))
                }
                column += part.unicodeScalars.count + 1
            }
            if indexed, let existing = settings[name] {
                settings[name] = Setting(values: existing.values + values, keyLocation: existing.keyLocation)
            } else {
                settings[name] = Setting(values: values, keyLocation: keyLocation)
            }
        }
        return settings
    }
}
