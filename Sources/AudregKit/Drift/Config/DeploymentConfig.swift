import Foundation

/// One JWT provider (Envoy provider, Istio jwtRule, Spring resource server, Kong plugin) as deployed,
/// every value with its position in the config file.
public struct DeployedProvider: Sendable {
    /// The provider name, RequestAuthentication name, or Kong service/route/plugin name; nil for Spring.
    public var name: Located<String>?
    /// Other names that select this provider (a Kong plugin's route, service and instance name).
    public var aliases: [String] = []
    public var issuer: Located<String>?
    /// Further issuers accepted (Kong `issuers_allowed`).
    public var extraIssuers: [Located<String>] = []
    public var jwksUri: Located<String>?
    /// nil when the config sets no audience check at all. Exact values: gateways compare byte for byte.
    public var audiences: [Located<ExactString>]?
    /// Where the audience list is written, or where it belongs when absent.
    public var audiencesLocation: SourceLocation
    /// Why a present setting still checks nothing (Kong's `audience`), reported with config-audience-unchecked.
    public var audienceCaveat: Located<String>?
    /// `forward: true` (Envoy), `forwardOriginalToken: true` (Istio), Kong openid-connect's default
    /// `upstream_access_token_header`.
    public var forwardsToken: Located<Bool>?
    public var location: SourceLocation

    public init(name: Located<String>?, location: SourceLocation) {
        self.name = name
        self.location = location
        self.audiencesLocation = location
    }

    /// Sets the audiences from a reader's strings, kept byte for byte.
    mutating func setAudiences(_ values: [Located<String>]) {
        audiences = values.map { Located(ExactString($0.value), at: $0.location) }
    }

    public func isNamed(_ wanted: String) -> Bool {
        name?.value == wanted || aliases.contains(wanted)
    }
}

/// What a reader found in one file (or config dump).
public struct DeployedConfig: Sendable {
    public var file: String
    public var providers: [DeployedProvider]
    /// Where to report a provider that is not there: the providers block, or the file's start.
    public var providersLocation: SourceLocation
    /// What the kind calls a provider, for messages ("Envoy provider", "RequestAuthentication").
    public var providerNoun: String

    public init(file: String, providers: [DeployedProvider], providersLocation: SourceLocation, providerNoun: String) {
        self.file = file
        self.providers = providers
        self.providersLocation = providersLocation
        self.providerNoun = providerNoun
    }
}

/// Why a config could not be read, with the position when there is one.
public struct DeploymentReadError: Error, Sendable {
    public var message: String
    public var location: SourceLocation?
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
}

/// One reader per deployment kind. `file` is the path used in findings.
public protocol DeploymentConfigReader: Sendable {
    static var kind: DeploymentKind { get }
    func read(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> DeployedConfig
}

public enum DeploymentReaders {
    public static let all: [any DeploymentConfigReader] = [EnvoyJWTAuthnReader(), IstioRequestAuthenticationReader(),
                                                           SpringBootResourceServerReader(), KongDeclarativeReader()]

    public static func reader(for kind: DeploymentKind) -> any DeploymentConfigReader {
        all.first { type(of: $0).kind == kind }!
    }
}

/// Shared YAML helpers for readers: parse through the registry's libyaml loader and keep positions.
enum ConfigYAML {
    static func documents(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [YAMLDocument] {
        let result = YAMLParser.parse(bytes: bytes)
        if let diagnostic = result.diagnostics.first(where: { $0.kind == .syntax }) {
            throw DeploymentReadError("not valid YAML: \(diagnostic.message)",
                                      at: SourceLocation(file: file, start: diagnostic.position))
        }
        return result.documents
    }

    static func string(_ node: YAMLNode?, file: String) -> Located<String>? {
        guard let node, let value = node.scalar, !node.isNull else { return nil }
        return Located(value, at: SourceLocation(file: file, node: node))
    }

    static func bool(_ node: YAMLNode?, file: String) -> Located<Bool>? {
        guard let node, let value = node.scalar else { return nil }
        switch value.lowercased() {
        case "true", "yes", "on": return Located(true, at: SourceLocation(file: file, node: node))
        case "false", "no", "off": return Located(false, at: SourceLocation(file: file, node: node))
        default: return nil
        }
    }

    /// A list of strings; a single scalar counts as a one-item list (Spring and Kong accept both).
    static func strings(_ node: YAMLNode?, file: String) -> [Located<String>]? {
        guard let node, !node.isNull else { return nil }
        if let items = node.sequence { return items.compactMap { string($0, file: file) } }
        if let value = node.scalar {
            // Spring binds "a,b" to a list.
            var column = node.start.column + (node.content.isQuoted ? 1 : 0)
            var result: [Located<String>] = []
            for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                let leading = part.prefix { $0 == " " }.count
                let trimmed = part.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty {
                    result.append(Located(trimmed, at: SourceLocation(file: file, line: node.start.line, column: column + leading)))
                }
                column += part.unicodeScalars.count + 1
            }
            return result
        }
        return nil
    }

    static func location(_ node: YAMLNode, file: String) -> SourceLocation {
        SourceLocation(file: file, line: node.start.line, column: node.start.column)
    }

    /// The key node of `key` in a mapping, for findings about a whole entry.
    static func keyNode(_ mapping: YAMLNode, _ key: String) -> YAMLNode? {
        mapping.mapping?.first(where: { $0.key.scalar == key })?.key
    }
}

extension YAMLNode.Content {
    var isQuoted: Bool {
        if case .scalar(_, let style) = self { return style == .singleQuoted || style == .doubleQuoted }
        return false
    }
}
