import Foundation

/// A security control from a framework: `NHI6:2025`, `PR.AA-05`, `GOVERN 1.6`.
public struct Control: Sendable, Hashable {
    public var id: String
    public var title: String
    public var text: String
    public var url: String?
    /// Old or informal IDs that resolve to this control (CSF 1.1's `PR.AC-4`, the misnamed `NHI-07`).
    public var aliases: [String]
    /// Rules that evidence this control, declared by the catalog file (organizations' own frameworks);
    /// built-in rules declare their controls in their own files instead.
    public var declaredRules: [String]
    public var frameworkID: String
}

public struct Framework: Sendable, Hashable {
    public var id: String
    public var title: String
    public var shortTitle: String
    public var version: String
    public var url: String?
    /// The OSCAL catalog published by the framework's owner, when there is one.
    public var oscalCatalog: String?
    public var controls: [Control]
}

/// Problems in a control catalog file, with the position to fix.
public struct ControlCatalogError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// The frameworks audreg maps rules to. Built-in catalogs come from `controls/*.yaml` compiled into the
/// binary; an organization adds its own (SOC 2, ISO 27001, an internal standard) as files of the same shape.
public struct ControlCatalog: Sendable {
    public var frameworks: [Framework]
    /// IDs match byte for byte.
    private var byID: [ExactString: Control]
    /// Aliases that more than one control lists, because the old control was split (CSF 1.1's PR.AC-01
    /// became PR.AA-01 and PR.AA-05): resolving one to a single control would claim the other half.
    private var splitAliases: [ExactString: [Control]]

    public init(frameworks: [Framework]) {
        self.frameworks = frameworks.sorted { ExactText.precedes($0.id, $1.id) }
        var byID: [ExactString: Control] = [:]
        var aliasOwners: [ExactString: [Control]] = [:]
        for framework in self.frameworks {
            for control in framework.controls {
                byID[ExactString(control.id)] = control
                for alias in control.aliases { aliasOwners[ExactString(alias), default: []].append(control) }
            }
        }
        var splitAliases: [ExactString: [Control]] = [:]
        for (alias, owners) in aliasOwners where byID[alias] == nil {
            if owners.count == 1 { byID[alias] = owners[0] } else { splitAliases[alias] = owners }
        }
        self.byID = byID
        self.splitAliases = splitAliases
    }

    /// Resolves an ID or a documented alias; nil for an alias of a control that was split into several.
    public func control(_ id: String) -> Control? { byID[ExactString(id)] }

    /// The controls an alias was split into (`PR.AC-01`: PR.AA-01 and PR.AA-05), or the one it names.
    public func controls(forAlias id: String) -> [Control] {
        splitAliases[ExactString(id)] ?? control(id).map { [$0] } ?? []
    }

    public func framework(_ id: String) -> Framework? { frameworks.first { $0.id.isExactly(id) } }

    public static let builtIn: ControlCatalog = {
        let files = EmbeddedControls.files.filter { $0.key.hasPrefix("controls/") }.sorted { $0.key < $1.key }
        // The embedded catalogs are checked by the test suite; a failure here is a build defect.
        let frameworks = files.map { try! parse($0.value, file: $0.key) }
        return ControlCatalog(frameworks: frameworks)
    }()

    /// The built-in catalogs plus every `*.yaml` file in `directory`.
    public static func withAdditions(from directory: String) throws -> ControlCatalog {
        var frameworks = builtIn.frameworks
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasByteSuffix(".yaml") || $0.hasByteSuffix(".yml") }.sorted(by: ExactText.precedes)
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let data: Data
            switch BoundedFile.data(path) {
            case .success(let contents): data = contents
            case .failure(let failure): throw ControlCatalogError(file: path, line: 1, column: 1, message: failure.message)
            }
            let (framework, positions) = try parseLocated(String(decoding: data, as: UTF8.self), file: path)
            frameworks.removeAll { $0.id.isExactly(framework.id) }
            // Rules, pages and OSCAL find a control by its ID alone, so one ID must name one control.
            for (control, position) in zip(framework.controls, positions) {
                if let other = frameworks.first(where: { $0.controls.contains { $0.id.isExactly(control.id) } }) {
                    throw ControlCatalogError(file: path, line: position.line, column: position.column,
                                              message: "control '\(control.id)' is also a control of framework '\(other.id)'; rules, pages and OSCAL find a control by its ID, so give this one another")
                }
            }
            frameworks.append(framework)
        }
        return ControlCatalog(frameworks: frameworks)
    }

    public static func parse(_ text: String, file: String) throws -> Framework {
        try parseLocated(text, file: file).framework
    }

    /// The framework, and where each of its controls' `id` is written.
    static func parseLocated(_ text: String, file: String) throws -> (framework: Framework, positions: [TextPosition]) {
        let result = YAMLParser.parse(text)
        if let problem = result.diagnostics.first {
            throw ControlCatalogError(file: file, line: problem.position.line, column: problem.position.column, message: problem.message)
        }
        guard let root = result.documents.first?.root else {
            throw ControlCatalogError(file: file, line: 1, column: 1, message: "empty control catalog; it needs 'framework' and 'controls'")
        }
        func require(_ node: YAMLNode?, _ key: String, in parent: YAMLNode) throws -> String {
            guard let value = node?[key]?.scalar, !value.isEmpty else {
                throw ControlCatalogError(file: file, line: (node ?? parent).start.line, column: (node ?? parent).start.column,
                                          message: "missing '\(key)'")
            }
            return value
        }
        guard let frameworkNode = root["framework"] else {
            throw ControlCatalogError(file: file, line: root.start.line, column: root.start.column, message: "missing 'framework' (id, title, version)")
        }
        let frameworkID = try require(frameworkNode, "id", in: root)
        guard EntityName.isValid(frameworkID.replacingOccurrences(of: ".", with: "-")) else {
            throw ControlCatalogError(file: file, line: frameworkNode.start.line, column: frameworkNode.start.column,
                                      message: "framework id '\(frameworkID)' must be lowercase letters, digits, dots and hyphens")
        }
        guard let controlNodes = root["controls"]?.sequence else {
            throw ControlCatalogError(file: file, line: root.start.line, column: root.start.column, message: "missing 'controls' list")
        }
        var controls: [Control] = []
        var positions: [TextPosition] = []
        var seen = Set<ExactString>()
        for node in controlNodes {
            let idPosition = (node["id"] ?? node).start
            // Each alias is an OSCAL catalog's `alias` prop, whose value is an OSCAL string; rules name
            // controls by it too, so one with a space at an end or a line break would match nothing.
            for alias in node["aliases"]?.sequence ?? [] {
                if let value = alias.scalar, let problem = OSCALString.problem(value) {
                    throw ControlCatalogError(file: file, line: alias.start.line, column: alias.start.column,
                                              message: "alias '\(value)' cannot be an OSCAL prop value: \(problem); write it without")
                }
            }
            let control = Control(
                id: try require(node, "id", in: node),
                title: try require(node, "title", in: node),
                text: try require(node, "text", in: node),
                url: node["url"]?.scalar,
                aliases: node["aliases"]?.sequence?.compactMap(\.scalar) ?? [],
                declaredRules: node["rules"]?.sequence?.compactMap(\.scalar) ?? [],
                frameworkID: frameworkID)
            // IDs become page paths and OSCAL control-ids (lower-cased, ':' and ' ' as '-'): ASCII
            // letters, digits and . _ - : and space keep both exact and distinct.
            let allowed = control.id.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || Array(" ._-:".utf8).contains(byte)
            }
            guard allowed, let first = control.id.utf8.first, first != UInt8(ascii: " "), control.id.utf8.last != UInt8(ascii: " ") else {
                throw ControlCatalogError(file: file, line: idPosition.line, column: idPosition.column,
                                          message: "control id '\(control.id)' may hold only ASCII letters, digits, '.', '_', '-', ':' and inner spaces")
            }
            // OSCAL's control-id is a token, `(letter|_)(letter|digit|.|-|_)*`: as written for a framework
            // with its own OSCAL catalog (its ids are that catalog's), folded for the others.
            let startsToken = first == UInt8(ascii: "_") || ASCII.isLetter(first)
            let oscalCatalog = frameworkNode["oscalCatalog"]?.scalar != nil
            guard startsToken, !oscalCatalog || !control.id.utf8.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ":") }) else {
                throw ControlCatalogError(file: file, line: idPosition.line, column: idPosition.column,
                                          message: "control id '\(control.id)' is not an OSCAL token\(oscalCatalog ? " (this framework names an oscalCatalog, whose ids are kept as written)" : ""): it must start with a letter or '_'\(oscalCatalog ? " and hold no ':' or space" : "")")
            }
            let folded = ExactString(ASCII.lowercased(control.id).replacingOccurrences(of: ":", with: "-").replacingOccurrences(of: " ", with: "-"))
            guard seen.insert(folded).inserted else {
                throw ControlCatalogError(file: file, line: idPosition.line, column: idPosition.column,
                                          message: "control '\(control.id)' is listed twice (ignoring case, ':' and spaces, as OSCAL ids and page names do); keep one")
            }
            controls.append(control)
            positions.append(idPosition)
        }
        let framework = Framework(
            id: frameworkID,
            title: try require(frameworkNode, "title", in: root),
            shortTitle: frameworkNode["shortTitle"]?.scalar ?? frameworkNode["title"]?.scalar ?? frameworkID,
            version: frameworkNode["version"]?.scalar ?? "",
            url: frameworkNode["url"]?.scalar,
            oscalCatalog: frameworkNode["oscalCatalog"]?.scalar,
            controls: controls)
        return (framework, positions)
    }

    /// Rule IDs that evidence a control: the rules that name it, plus those its catalog declares.
    public func rules(evidencing control: Control, in rules: RuleCatalog) -> [String] {
        let named = rules.descriptions.filter { description in
            description.controls.contains { self.control($0)?.id == control.id }
        }.map(\.id)
        return Array(Set(named + control.declaredRules)).sorted()
    }
}
