/// One registry entity of any kind. Every file's entities wait in an array of these until the files are
/// merged, so the kinds stored inline are boxed: a `Service` is a reference already, while an inline
/// `Issuer` or `Policy` would make every element, a service's too, hundreds of bytes.
enum AnyEntity: Sendable {
    case service(Service)
    indirect case issuer(Issuer)
    indirect case team(Team)
    indirect case policy(Policy)
}

/// Turns the parsed documents of one file into entities. Shape problems were reported by `SchemaChecker`;
/// here a value that does not fit is simply left out, so the rules never see malformed data.
struct EntityBuilder {
    /// The one name every location of this file shares.
    let fileName: SourceFileName
    var file: String { fileName.text }

    init(file: String) { fileName = SourceFileName(file) }

    struct FileResult: Sendable {
        var entities: [AnyEntity] = []
        var findings: [Finding] = []
        /// False for YAML that is not audreg's (Compose, Kubernetes, Backstage…): not listed among the
        /// registry's files, and nothing in it is reported beyond a note when it looks like audreg's.
        var isRegistryFile = true
    }

    static func entities(in parse: YAMLParseResult, file: String, bytes: [UInt8]) -> FileResult {
        var result = FileResult()
        switch RegistryFileFilter.classify(parse, bytes: bytes) {
        case .registry:
            break
        case .skipped:
            result.isRegistryFile = false
            return result
        case .skippedLookingLikeRegistry(let message, let line, let column):
            result.isRegistryFile = false
            result.findings.append(Finding(ruleID: LoaderRuleID.schema, severity: .note, message: message,
                                           location: SourceLocation(file: file, line: line, column: column)))
            return result
        }
        for diagnostic in parse.diagnostics {
            switch diagnostic.kind {
            case .syntax: result.findings.append(YAMLSyntaxRule.finding(diagnostic, file: file, bytes: bytes))
            case .duplicateKey: result.findings.append(DuplicateKeyRule.finding(diagnostic, file: file, documents: parse.documents))
            }
        }
        result.findings += UnsafeCharacterRule.findings(in: parse, file: file, bytes: bytes)
        let builder = EntityBuilder(file: file)
        for document in parse.documents {
            builder.build(document, into: &result)
        }
        return result
    }

    func location(_ node: YAMLNode) -> SourceLocation { SourceLocation(file: fileName, node: node) }

    /// The entity a document defines, for the document whose text holds `position`.
    static func documentEntity(at position: TextPosition, in documents: [YAMLDocument]) -> EntityRef? {
        guard let document = documents.last(where: { $0.start <= position && $0.root.start <= position }) else { return nil }
        let root = document.root
        guard root.end >= position,
              let kind = root["kind"]?.scalar.flatMap(EntityKind.init(rawValue:)),
              let name = root["metadata"]?["name"]?.scalar, EntityName.isValid(name) else { return nil }
        return EntityRef(kind, name)
    }

    func build(_ document: YAMLDocument, into result: inout FileResult) {
        let root = document.root
        if root.isNull { return }
        guard root.isMapping else {
            result.findings.append(Finding(ruleID: LoaderRuleID.schema, severity: .error,
                message: "each document must be a mapping with apiVersion, kind, metadata and spec; found \(root.kindDescription)",
                location: location(root)))
            return
        }
        let kindNode = root["kind"]
        let kind = kindNode?.scalar.flatMap(EntityKind.init(rawValue:))
        let nameNode = root["metadata"]?["name"]
        let name = nameNode?.scalar.flatMap { EntityName.isValid($0) ? $0 : nil }
        let ref = kind.flatMap { kind in name.map { EntityRef(kind, $0) } }

        var checker = SchemaChecker(file: file, entity: ref)
        for pair in root.pairs ?? .none {
            guard pair.key.isScalar else { continue }
            if pair.key.hasScalar("apiVersion") || pair.key.hasScalar("kind") || pair.key.hasScalar("metadata") { continue }
            if pair.key.hasScalar("spec") {
                if let kind, !pair.value.isNull {
                    checker.check(pair.value, against: RegistrySchema.spec(for: kind), path: "spec")
                }
            } else {
                let key = pair.key.scalar ?? ""
                let known = RegistrySchema.document.fields.map(\.name)
                let hint = Suggestion.closest(to: key, in: known).map { "; did you mean '\($0)'?" } ?? "; expected apiVersion, kind, metadata and spec"
                checker.report("unknown top-level key '\(key)'\(hint)", at: pair.key)
            }
        }
        if let apiVersion = root["apiVersion"] {
            if !apiVersion.hasScalar(RegistrySchema.apiVersion) {
                checker.report("unsupported apiVersion '\(apiVersion.scalar ?? apiVersion.kindDescription)'; this version of audreg reads \(RegistrySchema.apiVersion)", at: apiVersion)
            }
        } else {
            checker.report("document is missing 'apiVersion: \(RegistrySchema.apiVersion)'", at: root)
        }
        if let kindNode {
            if kind == nil {
                let text = kindNode.scalar ?? kindNode.kindDescription
                let known = EntityKind.allCases.map(\.rawValue)
                let hint = Suggestion.closest(to: text, in: known).map { "; did you mean '\($0)'?" } ?? "; expected \(known.joined(separator: ", "))"
                checker.report("unknown kind '\(text)'\(hint)", at: kindNode)
            }
        } else {
            checker.report("document is missing 'kind' (\(EntityKind.allCases.map(\.rawValue).joined(separator: ", ")))", at: root)
        }
        if let metadata = root["metadata"] {
            checker.check(metadata, against: RegistrySchema.metadata, path: "metadata")
        } else {
            checker.report("document is missing 'metadata' with at least a name", at: root)
        }
        result.findings.append(contentsOf: checker.findings)

        guard let kind, let name, let nameNode, root["apiVersion"]?.hasScalar(RegistrySchema.apiVersion) == true,
              let metadataNode = root["metadata"] else { return }
        let kindKey = root.key("kind")
        let origin = EntityOrigin(file: file, location: location(kindKey ?? root), documentIndex: document.index)
        let metadata = self.metadata(metadataNode, name: Located(name, at: location(nameNode)))
        let spec = root["spec"].flatMap { $0.isMapping ? $0 : nil }
        switch kind {
        case .service:
            let service = service(metadata, origin, spec, documentRoot: root)
            result.findings.append(contentsOf: repeatedAudiences(of: service))
            result.entities.append(.service(service))
        case .issuer: result.entities.append(.issuer(issuer(metadata, origin, spec)))
        case .team: result.entities.append(.team(Team(metadata: metadata, origin: origin, contact: text(spec?["contact"]))))
        case .policy: result.entities.append(.policy(policy(metadata, origin, spec)))
        }
    }

    /// An audience listed twice changes nothing a token can do, but it is the mark of a bad merge, and it is
    /// no second audience: `multiple-audiences` counts distinct values, and this warning names the repeat.
    /// Repeats are exact repeats, byte for byte, as the gateways compare them.
    func repeatedAudiences(of service: Service) -> [Finding] {
        guard service.audiences.count > 1 else { return [] }
        var firstListed: [ExactString: SourceLocation] = [:]
        var findings: [Finding] = []
        for audience in service.audiences {
            if let first = firstListed[audience.value] {
                findings.append(Finding(ruleID: LoaderRuleID.schema, severity: .warning,
                                        message: "audience '\(audience.value)' is listed twice in spec.audiences; remove the repeat",
                                        location: audience.location, entity: service.ref,
                                        related: [RelatedLocation(first, entity: service.ref, message: "first listed here")]))
            } else {
                firstListed[audience.value] = audience.location
            }
        }
        return findings
    }

    // MARK: - Typed readers: each returns nil for a value that does not fit, which the checker already reported.

    func text(_ node: YAMLNode?) -> Located<String>? {
        guard let node, !node.isNull, let value = node.scalar else { return nil }
        return Located(value, at: location(node))
    }

    func formatted(_ node: YAMLNode?, _ format: StringFormat) -> Located<String>? {
        guard let value = text(node), format.problem(with: value.value) == nil else { return nil }
        return value
    }

    /// A duration, parsed once: `StringFormat.duration` accepts exactly the texts `TokenLifetime` parses.
    func duration(_ node: YAMLNode?) -> Located<TokenLifetime>? {
        guard let value = text(node), let lifetime = TokenLifetime(value.value) else { return nil }
        return Located(lifetime, at: value.location)
    }

    func texts(_ node: YAMLNode?, format: StringFormat = .text) -> [Located<String>]? {
        guard let items = node?.items else { return nil }
        var values: [Located<String>] = []
        values.reserveCapacity(items.count)
        for item in items { if let value = formatted(item, format) { values.append(value) } }
        return values
    }

    func objects(_ node: YAMLNode?) -> [YAMLNode] {
        (node?.items ?? .none).filter(\.isMapping)
    }

    func integer(_ node: YAMLNode?, minimum: Int) -> Located<Int>? {
        guard let value = text(node), let number = Int(value.value), number >= minimum else { return nil }
        return Located(number, at: value.location)
    }

    func metadata(_ node: YAMLNode, name: Located<String>) -> EntityMetadata {
        var labels: [(key: String, value: String)] = []
        for pair in node["labels"]?.pairs ?? .none {
            if let key = pair.key.scalar, let value = pair.value.scalar { labels.append((key, value)) }
        }
        return EntityMetadata(
            name: name,
            title: text(node["title"]),
            owner: formatted(node["owner"], .name),
            environment: text(node["environment"]),
            description: text(node["description"]),
            labels: labels.sorted { ExactText.precedes($0.key, $1.key) })
    }

    func exceptions(_ node: YAMLNode?) -> [RuleException] {
        objects(node).compactMap { item in
            guard let rule = text(item["rule"]) else { return nil }
            let expires = formatted(item["expires"], .date).flatMap { value in Day(value.value).map { Located($0, at: value.location) } }
            return RuleException(rule: rule, reason: text(item["reason"]), approvedBy: text(item["approvedBy"]),
                                 expires: expires, ticket: text(item["ticket"]), location: location(item))
        }
    }

    func service(_ metadata: EntityMetadata, _ origin: EntityOrigin, _ spec: YAMLNode?, documentRoot: YAMLNode) -> Service {
        let accepts: [AcceptedIssuer] = objects(spec?["accepts"]).compactMap { item in
            guard let issuer = formatted(item["issuer"], .name) else { return nil }
            let lifetimeNode = item["maxLifetime"]
            let lifetime = duration(lifetimeNode)
            return AcceptedIssuer(issuer: issuer,
                                  tokenTypes: texts(item["tokenTypes"]),
                                  algorithms: texts(item["algorithms"], format: .oneOf(RegistrySchema.algorithms)),
                                  maxLifetime: lifetime,
                                  requiredClaims: texts(item["requiredClaims"]),
                                  location: location(item),
                                  maxLifetimeIsInvalid: lifetime == nil && lifetimeNode != nil && !lifetimeNode!.isNull)
        }
        let hops = objects(spec?["downstream"])
        let downstream: [DownstreamHop] = hops.compactMap { item in
            guard let service = formatted(item["service"], .name), let modeText = text(item["mode"]),
                  let mode = HopMode(rawValue: modeText.value) else { return nil }
            return DownstreamHop(service: service, mode: Located(mode, at: modeText.location),
                                 description: item["description"]?.scalar, location: location(item))
        }
        let deployments: [Deployment] = objects(spec?["deployments"]).compactMap { item in
            guard let kindText = text(item["kind"]), let kind = DeploymentKind(rawValue: kindText.value),
                  let source = text(item["source"]) else { return nil }
            let trust = item["trust"].flatMap { node in
                texts(node["subjects"]).map { DeploymentTrust(subjects: $0.map { Located(ExactString($0.value), at: $0.location) }, location: location(node)) }
            }
            return Deployment(kind: Located(kind, at: kindText.location), source: source,
                              provider: text(item["provider"]), location: location(item), trust: trust)
        }
        let audiencesNode = spec?["audiences"]
        let specKey = documentRoot.key("spec")
        let audiencesKey = spec?.key("audiences")
        let audiencesAnchor = audiencesKey ?? specKey ?? documentRoot["kind"] ?? documentRoot
        let audiences = (texts(audiencesNode) ?? []).map { Located(ExactString($0.value), at: $0.location) }
        var built = Service(
            metadata: metadata, origin: origin,
            audiences: audiences,
            audiencesLocation: location(audiencesAnchor),
            accepts: accepts,
            scopes: texts(spec?["authorization"]?["scopes"]) ?? [],
            roles: texts(spec?["authorization"]?["roles"]) ?? [],
            downstream: downstream,
            deployments: deployments,
            exceptions: exceptions(spec?["exceptions"]))
        if let audiencesNode, !audiencesNode.isNull, audiencesNode.items?.count != audiences.count {
            built.audiencesAreKnown = false
        }
        built.hopsWithUnknownMode = hops.compactMap { item in
            guard let service = formatted(item["service"], .name) else { return nil }
            let modeIsKnown = text(item["mode"]).map { HopMode(rawValue: $0.value) != nil } ?? false
            return modeIsKnown ? nil : service
        }
        return built
    }

    func issuer(_ metadata: EntityMetadata, _ origin: EntityOrigin, _ spec: YAMLNode?) -> Issuer {
        Issuer(metadata: metadata, origin: origin,
               issuer: formatted(spec?["issuer"], .issuerValue).map { Located(ExactString($0.value), at: $0.location) },
               discoveryUrl: formatted(spec?["discoveryUrl"], .url),
               jwksUri: formatted(spec?["jwksUri"], .url),
               algorithms: texts(spec?["algorithms"], format: .oneOf(RegistrySchema.algorithms)) ?? [],
               exceptions: exceptions(spec?["exceptions"]))
    }

    func policy(_ metadata: EntityMetadata, _ origin: EntityOrigin, _ spec: YAMLNode?) -> Policy {
        var policy = Policy()
        policy.metadata = metadata
        policy.origin = origin
        policy.maxTokenLifetime = duration(spec?["maxTokenLifetime"])
        policy.allowedAlgorithms = texts(spec?["allowedAlgorithms"], format: .oneOf(RegistrySchema.algorithms))
        policy.maxAudiencesPerService = integer(spec?["maxAudiencesPerService"], minimum: 1)
        policy.maxExceptionDays = integer(spec?["maxExceptionDays"], minimum: 1)
        policy.genericAudiences = texts(spec?["genericAudiences"])?.map(\.value) ?? []
        for pair in spec?["severity"]?.pairs ?? .none {
            if let rule = pair.key.scalar, let level = formatted(pair.value, .oneOf(["error", "warning", "note", "off"])) {
                if Validator.fixedSeverity.contains(where: { $0.isExactly(rule) }) {
                    policy.ignoredSeverityOverrides.append(Located(rule, at: location(pair.key)))
                } else {
                    policy.severityOverrides[rule] = level
                }
            }
        }
        return policy
    }
}
