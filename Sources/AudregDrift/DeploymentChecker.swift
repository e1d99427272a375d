import Foundation
import AudregCore

/// Compares one Service's `deployments` entry with the config it names. Findings point at the config
/// file (path relative to the registry directory) and relate to the registry entry.
public struct DeploymentChecker: Sendable {
    /// What every reader is given beside the file (Spring properties and profiles).
    public var settings: DeploymentReadSettings

    /// The rules that compare a config once it is read: the catalog's deployment rules.
    public var rules: [any DeploymentRule.Type]
    /// The rules that report a config that cannot be compared: the catalog's read rules.
    public var readRules: [any DeploymentReadRule.Type]

    public init(settings: DeploymentReadSettings = DeploymentReadSettings(), catalog: RuleCatalog = .builtIn) {
        self.settings = settings
        self.rules = catalog.deploymentRules
        self.readRules = catalog.deploymentReadRules
    }

    /// `source` resolved against the registry file that names it, relative to the registry directory and
    /// normalized (`services/production/../../../deploy/x.yaml` becomes `../deploy/x.yaml`).
    /// An absolute `source` stays absolute (and is then refused unless it lies in the repository root).
    public static func configPath(source: String, registryFile: String) -> String {
        if source.hasBytePrefix("/") { return normalize(source) }
        let base = PathText.parent(registryFile)
        return normalize(base.isEmpty ? source : base + "/" + source)
    }

    static func normalize(_ path: String) -> String {
        // Components split and compared on scalars, as the file system reads the path: `x/\u{FE0F}/..`
        // is three components to it, while `Character`s would join the slash and the selector.
        var parts: [String] = []
        for part in path.splitOnScalar("/") {
            if part.isExactly(".") { continue }
            if part.isExactly(".."), let last = parts.last, !last.isExactly("..") {
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return (path.hasBytePrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    public func check(service: Service, deployment: Deployment, index: RegistryIndex, registryDirectory: String,
                      root: RepositoryRoot?, source: any DocumentSource) async -> [Finding] {
        await examine(service: service, deployment: deployment, index: index, registryDirectory: registryDirectory, root: root, source: source).findings
    }

    /// `check`'s findings, and why the config was not compared in full (nil when it was): it could not be
    /// read, or a value or a requirement in it could not be resolved. The reason comes from the read, not from a finding,
    /// so a policy that turns the finding off does not make the config look compared.
    func examine(service: Service, deployment: Deployment, index: RegistryIndex, registryDirectory: String,
                 root: RepositoryRoot?, source: any DocumentSource) async -> (findings: [Finding], unmade: String?) {
        let read = await readConfig(service: service, deployment: deployment, index: index, registryDirectory: registryDirectory, root: root, source: source)
        switch read {
        case .failure(let problem):
            return (readRules.flatMap { $0.check(problem.failure) }, problem.failure.problem.summary)
        case .success(let context):
            let unresolved = context.providers.flatMap(\.unresolved)
            // A requirement in a form the reader does not know leaves its routes' enforcement unknown.
            let unread = context.requirements.filter { $0.mode == .unknown }
            let reasons = unresolved.map { value in value.reason.map { "\(value.setting) \($0)" } ?? "\(value.setting) uses \(value.placeholder)" }
                + unread.map { "\($0.label) \($0.explained)" }
            let unmade = reasons.isEmpty ? nil
                : "a value in it could not be resolved, so it was not compared (" + reasons.joined(separator: "; ") + ")"
            return (rules.flatMap { $0.check(context) }, unmade)
        }
    }

    /// Reads the config the entry names and selects its providers, or says why there is nothing to compare.
    func readConfig(service: Service, deployment: Deployment, index: RegistryIndex, registryDirectory: String, root: RepositoryRoot?,
                    source: any DocumentSource) async -> Result<DeploymentContext, ReadProblem> {
        func problem(_ problem: DeploymentReadFailure.Problem) -> Result<DeploymentContext, ReadProblem> {
            .failure(ReadProblem(failure: DeploymentReadFailure(service: service, deployment: deployment, problem: problem)))
        }

        // Read the config: a file beside the registry, or a URL (an Envoy admin /config_dump).
        let sourceText = deployment.source.value
        let bytes: [UInt8]
        let file: String
        if sourceText.hasBytePrefix("http://") || sourceText.hasBytePrefix("https://") {
            file = sourceText
            switch await source.fetch(sourceText) {
            case .failure(let failure):
                return problem(.unfetched(url: sourceText, reason: failure.reason))
            case .success(let document):
                guard document.status == 200 else {
                    return problem(.unfetched(url: sourceText, reason: "HTTP \(document.status)"))
                }
                bytes = document.body
            }
        } else {
            file = Self.configPath(source: sourceText, registryFile: service.origin.file)
            let path = file.hasBytePrefix("/") ? file : (registryDirectory as NSString).appendingPathComponent(file)
            // The path is resolved and checked before anything opens it (RepositoryRoot.read); without a
            // root every local source is refused, so a failure to find one never widens what is read.
            let read = root.map { $0.read(path) } ?? .failure(.outside)
            switch read {
            case .success(let contents):
                bytes = contents
            case .failure(.outside):
                return problem(.outsideRoot(file: file))
            case .failure(.missing):
                return problem(.missing(file: file))
            case .failure(.file(let failure)):
                return problem(.unreadable(file: file, message: failure.message))
            }
        }

        let reader = deployment.kind.value.reader
        let config: DeployedConfig
        do {
            config = try reader.read(bytes, file: file, settings: settings)
        } catch let error {
            return problem(.unparsable(file: file, message: error.message, location: error.location))
        }

        var providers = config.providers
        if let wanted = deployment.provider {
            providers = providers.filter { $0.isNamed(wanted.value) }
            if providers.isEmpty {
                let found = Set(config.providers.compactMap { $0.name.map { ExactString($0.value) } }).sorted().map(\.text)
                return problem(.providerNotFound(file: file, noun: config.providerNoun, wanted: wanted, found: found, at: config.providersLocation))
            }
        } else if providers.isEmpty {
            return problem(.noProviders(file: file, noun: config.providerNoun, at: config.providersLocation))
        }
        return .success(DeploymentContext(service: service, deployment: deployment, index: index, file: file, config: config,
                                          reader: reader, providers: providers))
    }

    /// Why a deployment's config could not be compared, for the read rules.
    struct ReadProblem: Error {
        var failure: DeploymentReadFailure
    }
}

extension DeploymentReadFailure.Problem {
    /// Why the config was not compared, for the report's coverage.
    var summary: String {
        switch self {
        case .unfetched(let url, let reason): return "\(url) could not be fetched (\(reason))"
        case .outsideRoot(let file): return "\(file) lies outside the repository root, so it was not read"
        case .missing(let file): return "\(file) does not exist"
        case .unreadable(let file, let message): return "\(file) could not be read (\(message))"
        case .unparsable(let file, let message, _): return "\(file) could not be parsed (\(message))"
        case .providerNotFound(let file, let noun, let wanted, _, _): return "\(file) has no \(noun) named '\(wanted.value)'"
        case .noProviders(let file, let noun, _): return "\(file) has no \(noun)"
        }
    }
}
