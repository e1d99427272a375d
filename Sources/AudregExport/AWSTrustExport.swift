import Foundation
import AudregCore

/// AWS IAM role trust-policy conditions for the registry's federation trusts: for each service whose
/// deployments state `trust.subjects`, and each issuer it accepts, the `Condition` block that pins the
/// token's audience (the service's audiences) and subject (the stated subjects), keyed by the issuer's
/// host as IAM names an OIDC provider (`HOST[/PATH]:aud`). With an account ID, the whole trust policy.
/// `drift` (kind `aws-iam-trust-policy`) reads the policy back with the same audiences and subjects.
public struct AWSTrustExport: Sendable {
    public var registry: Registry
    /// The AWS account that holds the IAM OIDC provider; nil writes the Condition block alone.
    public var account: String?
    /// The ARN partition (`aws`, `aws-cn`, `aws-us-gov`).
    public var partition = "aws"

    public init(registry: Registry, account: String? = nil) {
        self.registry = registry
        self.account = account
    }

    /// `HOST[/PATH]` of an `https` issuer, as IAM names its OIDC provider; nil for any other issuer.
    public static func providerHost(issuer: String) -> String? {
        // Byte for byte: a combining mark after the last '/' must not hide it.
        var bytes = Array(issuer.utf8)
        guard bytes.starts(with: Array("https://".utf8)) else { return nil }
        bytes.removeFirst("https://".utf8.count)
        while bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// The subjects stated for the service's IAM trust, in order, each once (compared byte for byte).
    /// Only deployments of kind aws-iam-trust-policy count: subjects stated for a Vault role or any
    /// other deployment belong to that one, and must not widen the role's trust.
    static func subjects(_ service: Service) -> [ExactString] {
        var seen = Set<ExactString>()
        return located(service).map(\.value).filter { seen.insert($0).inserted }
    }

    static func located(_ service: Service) -> [Located<ExactString>] {
        roleDeployments(service).flatMap { $0.trust?.subjects ?? [] }
    }

    static func roleDeployments(_ service: Service) -> [Deployment] {
        service.deployments.filter { $0.kind.value.rawValue.isExactly("aws-iam-trust-policy") && !($0.trust?.subjects.isEmpty ?? true) }
    }

    /// The policies to write for a service: one per role (deployment), each with only its own subjects.
    /// Merging them would let a subject stated for a sandbox role assume the production one. Roles that
    /// state the same subjects share one policy, named as before; otherwise each file is named after its
    /// deployment's source file, which must then be a plain file name.
    static func roles(_ service: Service) throws(AWSTrustExportError) -> [(name: String?, subjects: [ExactString])] {
        var groups: [(deployment: Deployment, subjects: [ExactString])] = []
        for deployment in roleDeployments(service) {
            var seen = Set<ExactString>()
            groups.append((deployment, (deployment.trust?.subjects ?? []).map(\.value).filter { seen.insert($0).inserted }))
        }
        let distinct = Set(groups.map { Set($0.subjects) })
        guard distinct.count > 1 else { return groups.first.map { [(nil, $0.subjects)] } ?? [] }
        // Keyed ignoring ASCII case: on a case-insensitive file system (macOS, Windows) `deploy-role.Prod.json`
        // and `deploy-role.prod.json` are one file, and one role's policy would replace the other's.
        var names: [ExactString: (name: String, source: Located<String>)] = [:]
        return try groups.map { group throws(AWSTrustExportError) in
            var name = (group.deployment.source.value as NSString).lastPathComponent
            if name.hasSuffix(".json") { name.removeLast(5) }
            let plain = !name.isEmpty && !name.hasPrefix(".") && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F || byte == 0x2E
            }
            let source = group.deployment.source
            guard plain else { throw .roleName(service: service.name, source: source.value, at: source.location) }
            if let other = names.updateValue((name, source), forKey: ExactString(ASCII.lowercased(name))) {
                if other.name.isExactly(name) { throw .roleName(service: service.name, source: source.value, at: source.location) }
                throw .roleNameCase(service: service.name, source: source.value, other: other.source.value, otherAt: other.source.location, at: source.location)
            }
            return (name, group.subjects)
        }
    }

    /// IAM's StringLike treats `*` and `?` as wildcards; a subject without them is compared exactly.
    static func isPattern(_ value: ExactString) -> Bool {
        value.text.unicodeScalars.contains { $0 == "*" || $0 == "?" }
    }

    public func condition(host: String, audiences: [ExactString], subjects: [ExactString]) -> JSONValue {
        let aud: (String, JSONValue) = ("\(host):aud", .array(audiences.map { .string($0.text) }))
        let sub: (String, JSONValue) = ("\(host):sub", .array(subjects.map { .string($0.text) }))
        if subjects.contains(where: Self.isPattern) {
            return .object([("StringEquals", .object([aud])), ("StringLike", .object([sub]))])
        }
        return .object([("StringEquals", .object([aud, sub]))])
    }

    public func document(host: String, audiences: [ExactString], subjects: [ExactString], account: String) -> JSONValue {
        .object([
            ("Version", "2012-10-17"),
            ("Statement", .array([.object([
                ("Effect", "Allow"),
                ("Principal", .object([("Federated", .string("arn:\(partition):iam::\(account):oidc-provider/\(host)"))])),
                ("Action", "sts:AssumeRoleWithWebIdentity"),
                ("Condition", condition(host: host, audiences: audiences, subjects: subjects)),
            ])])),
        ])
    }

    /// One JSON file per (service, issuer): `SERVICE.json`, or `SERVICE.ISSUER.json` when the service
    /// accepts several issuers. Services without stated subjects are left out: a condition without `sub`
    /// is the trust `config-trust-subject-unpinned` reports.
    /// The names `files` gives: top-level `SERVICE[.ROLE][.ISSUER].json`, the service an entity name
    /// (so it holds no `.`) that this registry does not define. JSON has no header comment, so a file
    /// counts as generated when it starts as `files` starts one (a Condition block, or a whole trust
    /// policy with `--account`) and pins both `aud` and `sub`: a hand-written policy of the right name
    /// is not removed because a record line names it.
    public func staleFiles() -> StaleFiles {
        let defined = Set(registry.services.map { ExactString($0.name) })
        return StaleFiles(owner: { path in
            guard let stem = StaleFiles.stem(path, extension: "json") else { return nil }
            let parts = stem.splitOnScalar(".", omittingEmptySubsequences: false)
            guard let service = parts.first, EntityName.isValid(service), !defined.contains(ExactString(service)),
                  parts.dropFirst().allSatisfy({ part in
                      !part.isEmpty && part.utf8.allSatisfy { byte in
                          (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
                      }
                  }) else { return nil }
            return EntityRef(.service, service).description
        }, isGenerated: { _, contents in
            Self.generatedStarts.contains { StaleFiles.startsWith(contents, $0) }
                && StaleFiles.contains(contents, ":aud\"") && StaleFiles.contains(contents, ":sub\"")
        })
    }

    /// How the files `files` writes begin, up to the first value taken from the registry, as the
    /// serializer writes them.
    static let generatedStarts: [String] = {
        let marker = "\u{1}"
        var export = AWSTrustExport(registry: Registry(), account: marker)
        export.partition = marker
        return [export.condition(host: marker, audiences: [], subjects: []),
                export.document(host: marker, audiences: [], subjects: [], account: marker)].map { value in
            let text = value.serialized()
            let escaped = JSONValue.string(marker).serialized(pretty: false)
            guard let range = text.range(of: String(escaped.dropFirst().dropLast())) else { return text }
            return String(text[..<range.lowerBound])
        }
    }()

    public func files(service only: String? = nil) throws(AWSTrustExportError) -> [(String, String)] {
        let index = registry.index()
        var services = registry.services.sorted { $0.name < $1.name }
        if let only {
            guard let service = index.services[only] else {
                throw .unknownService(only, known: index.services.keys.sorted())
            }
            guard !Self.subjects(service).isEmpty else { throw .noSubjects(only) }
            services = [service]
        }
        var files: [(String, String)] = []
        var seen = Set<String>()
        for service in services where seen.insert(service.name).inserted {
            guard !Self.subjects(service).isEmpty else { continue }
            guard !service.audiences.isEmpty else { throw .noTarget(service: service.name, reason: "it lists no audiences to pin aud to", at: service.audiencesLocation) }
            let issuers = service.accepts.compactMap { accepted in
                index.issuers[accepted.issuer.value].flatMap { issuer in
                    issuer.issuer.flatMap { Self.providerHost(issuer: $0.value.text) }.map { (accepted.issuer.value, $0) }
                }
            }
            var named = Set<ExactString>()
            if let twice = service.accepts.first(where: { !named.insert(ExactString($0.issuer.value)).inserted }) {
                throw .noTarget(service: service.name, reason: "it lists issuer '\(twice.issuer.value)' twice under accepts (duplicate-name); keep one entry", at: twice.location)
            }
            guard !issuers.isEmpty else {
                throw .noTarget(service: service.name, reason: "it accepts no issuer with an https iss, which is what IAM names an OIDC provider by",
                                at: service.accepts.first?.location ?? service.origin.location)
            }
            let roles = try Self.roles(service)
            for (name, host) in issuers {
                let audiences = service.audiences.map(\.value)
                // IAM reads `${…}` in a condition value as a policy variable: `${token.actions.githubusercontent.com:sub}`
                // as a subject would compare `sub` with itself. A value with `$` is refused rather than
                // escaped, so the policy says exactly what the registry says.
                let stated = service.audiences + Self.located(service)
                if let value = stated.first(where: { $0.value.utf8.contains(UInt8(ascii: "$")) }) {
                    throw .policyVariable(service: service.name, value: value.value.text, at: value.location)
                }
                // A pattern that admits any repository or workload (`*`, `repo:acme/*`) would be written as
                // StringLike and trusted as such: the export refuses what drift reports as unpinned.
                for subject in Self.located(service) where Self.isPattern(subject.value) {
                    let pattern = DeployedTrust.Pattern(claim: "sub", value: Located(subject.value.text, at: subject.location), isGlob: true)
                    if let reason = FederationSubject.unpinnedReason(pattern) {
                        throw .unpinnedSubject(service: service.name, value: subject.value.text, reason: reason, at: subject.location)
                    }
                }
                for role in roles {
                    let value = account.map { document(host: host, audiences: audiences, subjects: role.subjects, account: $0) }
                        ?? condition(host: host, audiences: audiences, subjects: role.subjects)
                    let stem = role.name.map { "\(service.name).\($0)" } ?? service.name
                    files.append((issuers.count == 1 ? "\(stem).json" : "\(stem).\(name).json", value.serialized()))
                }
            }
        }
        return files
    }
}

/// Descriptions are raw text, quoting registry values as written: the CLI escapes the whole message for
/// the terminal once, where it prints it.
public enum AWSTrustExportError: RegistryLocatedError, Equatable {
    case unknownService(String, known: [String])
    case noSubjects(String)
    case policyVariable(service: String, value: String, at: SourceLocation)
    case unpinnedSubject(service: String, value: String, reason: String, at: SourceLocation)
    case noTarget(service: String, reason: String, at: SourceLocation)
    case roleName(service: String, source: String, at: SourceLocation)
    /// Two roles' file names that differ only in ASCII case: `other`, at `otherAt`, came first.
    case roleNameCase(service: String, source: String, other: String, otherAt: SourceLocation, at: SourceLocation)

    public var location: SourceLocation? {
        switch self {
        case .unknownService, .noSubjects: nil
        case .policyVariable(_, _, let location), .unpinnedSubject(_, _, _, let location), .noTarget(_, _, let location),
             .roleName(_, _, let location), .roleNameCase(_, _, _, _, let location): location
        }
    }

    /// The other role's place as `paths` shows it, as the error's own place is.
    public func message(paths: ReportPaths) -> String {
        guard case .roleNameCase(let name, let source, let other, let otherAt, _) = self else { return message }
        return Self.caseClash(service: name, source: source, other: other, at: paths.display(otherAt))
    }

    static func caseClash(service: String, source: String, other: String, at place: String) -> String {
        "service '\(service)': its IAM roles state different subjects, so each gets its own policy, named after its deployment's source; '\(source)' and '\(other)' (\(place)) give file names that differ only in case, which a case-insensitive file system (macOS, Windows) takes for one file, so one policy would replace the other; rename one of the sources, then export again"
    }

    public var message: String {
        switch self {
        case .unknownService(let name, let known):
            let hint = Suggestion.closest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            return "no service '\(name)' in the registry\(hint)"
        case .noSubjects(let name):
            return "service '\(name)' states no trust.subjects on any deployment, so there is no subject to pin; add them to its deployment of kind aws-iam-trust-policy"
        case .policyVariable(let name, let value, _):
            return "service '\(name)': '\(value)' holds '$', which IAM reads as the start of a policy variable (${…}) in a trust condition; remove it from the registry's audiences or trust.subjects"
        case .noTarget(let name, let reason, _):
            return "service '\(name)' states trust.subjects for an IAM role, but no trust policy can be written for it: \(reason); nothing was exported"
        case .roleNameCase(let name, let source, let other, let otherAt, _):
            return Self.caseClash(service: name, source: source, other: other, at: otherAt.description)
        case .roleName(let name, let source, _):
            return "service '\(name)': its IAM roles state different subjects, so each gets its own policy, named after its deployment's source; '\(source)' does not end in a plain, unique file name (letters, digits, '.', '_', '-'); rename it, then export again"
        case .unpinnedSubject(let name, let value, let reason, _):
            return "service '\(name)': trust subject '\(value)' is not pinned: \(reason); name the repository or workload, then export again"
        }
    }
}
