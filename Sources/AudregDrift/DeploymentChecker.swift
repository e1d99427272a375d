import Foundation
import AudregCore

/// Compares one Service's `deployments` entry with the config it names. Findings point at the config
/// file (path relative to the registry directory) and relate to the registry entry.
public struct DeploymentChecker: Sendable {
    /// What every reader is given beside the file (Spring properties and profiles).
    public var settings: DeploymentReadSettings

    public init(settings: DeploymentReadSettings = DeploymentReadSettings()) {
        self.settings = settings
    }

    /// `source` resolved against the registry file that names it, relative to the registry directory and
    /// normalized (`services/production/../../../deploy/x.yaml` becomes `../deploy/x.yaml`).
    /// An absolute `source` stays absolute (and is then refused unless it lies in the repository root).
    public static func configPath(source: String, registryFile: String) -> String {
        if source.hasPrefix("/") { return normalize(source) }
        let base = (registryFile as NSString).deletingLastPathComponent
        return normalize(base.isEmpty ? source : base + "/" + source)
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    public func check(service: Service, deployment: Deployment, index: RegistryIndex, registryDirectory: String,
                      root: RepositoryRoot?, source: any DocumentSource) async -> [Finding] {
        let deploymentRelated = RelatedLocation(deployment.location, entity: service.ref, message: "the registry's deployment entry")
        func finding(_ rule: String, _ message: String, at location: SourceLocation, related: [RelatedLocation] = []) -> Finding {
            Finding(ruleID: rule, severity: DriftRuleIDs.severity(of: rule), message: "service '\(service.name)': \(message)",
                    location: location, entity: service.ref, related: related + [deploymentRelated])
        }

        // Read the config: a file beside the registry, or a URL (an Envoy admin /config_dump).
        let sourceText = deployment.source.value
        let bytes: [UInt8]
        let file: String
        if sourceText.hasPrefix("http://") || sourceText.hasPrefix("https://") {
            file = sourceText
            switch await source.fetch(sourceText) {
            case .failure(let failure):
                return [finding("config-provider-missing", "the config at \(sourceText) cannot be fetched: \(failure.reason)", at: deployment.source.location)]
            case .success(let document):
                guard document.status == 200 else {
                    return [finding("config-provider-missing", "the config at \(sourceText) cannot be fetched: HTTP \(document.status)", at: deployment.source.location)]
                }
                bytes = document.body
            }
        } else {
            file = Self.configPath(source: sourceText, registryFile: service.origin.file)
            let path = file.hasPrefix("/") ? file : (registryDirectory as NSString).appendingPathComponent(file)
            // The path is resolved and checked before anything opens it (RepositoryRoot.read); without a
            // root every local source is refused, so a failure to find one never widens what is read.
            let read = root.map { $0.read(path) } ?? .failure(.outside)
            switch read {
            case .success(let contents):
                bytes = contents
            case .failure(.outside):
                return [finding(SourceOutsideRootRule.id,
                                "the \(deployment.kind.value.rawValue) config source \(file) resolves outside the repository root, so audreg does not read it; keep deployment configs inside the repository, or pass --root",
                                at: deployment.source.location)]
            case .failure(.missing):
                return [finding("config-provider-missing", "the \(deployment.kind.value.rawValue) config \(file) does not exist",
                                at: deployment.source.location)]
            case .failure(.file(let failure)):
                return [finding("config-provider-missing", "the \(deployment.kind.value.rawValue) config \(file) cannot be read: \(failure.message)",
                                at: deployment.source.location)]
            }
        }

        let reader = deployment.kind.value.reader
        let config: DeployedConfig
        do {
            config = try reader.read(bytes, file: file, settings: settings)
        } catch let error {
            return [finding("config-provider-missing", "\(file) cannot be read as \(deployment.kind.value.rawValue) config: \(error.message)",
                            at: error.location ?? deployment.source.location,
                            related: error.location == nil ? [] : [RelatedLocation(deployment.source.location, entity: service.ref, message: "named here")])]
        }

        var providers = config.providers
        if let wanted = deployment.provider {
            providers = providers.filter { $0.isNamed(wanted.value) }
            if providers.isEmpty {
                let found = Array(Set(config.providers.compactMap { $0.name?.value })).sorted()
                return [finding("config-provider-missing",
                                "\(config.providerNoun) '\(wanted.value)' is not in \(file)" + (found.isEmpty ? " (it has none)" : " (found: \(found.joined(separator: ", ")))"),
                                at: config.providersLocation,
                                related: [RelatedLocation(wanted.location, entity: service.ref, message: "the provider the registry names")])]
            }
        } else if providers.isEmpty {
            return [finding("config-provider-missing", "\(file) has no \(config.providerNoun)", at: config.providersLocation)]
        }

        var findings: [Finding] = []
        let accepted = service.accepts.compactMap { index.issuers[$0.issuer.value] }
        let registryAudiences = service.audiences
        let audiencesRelated = [RelatedLocation(service.audiencesLocation, entity: service.ref, message: "the audiences the registry lists")]
        // The registry requires tokens of a service that accepts issuers.
        let requiresTokens = !service.accepts.isEmpty
        let acceptedNames = accepted.map { "'\($0.name)'" }.joined(separator: ", ")

        func compareAudiences(_ label: String, _ audiences: [Located<ExactString>], at location: SourceLocation) {
            let expected = Set(registryAudiences.map(\.value))
            for audience in audiences where !expected.contains(audience.value) {
                findings.append(finding("config-audience-broadened",
                                        "\(label) accepts audience '\(audience.value)', which the registry does not list for this service (it lists \(registryAudiences.map { "'\($0.value)'" }.joined(separator: ", ")))",
                                        at: audience.location, related: audiencesRelated))
            }
            let deployed = Set(audiences.map(\.value))
            for audience in registryAudiences where !deployed.contains(audience.value) {
                findings.append(finding("config-audience-narrowed",
                                        "\(label) does not accept audience '\(audience.value)', which the registry lists: callers using it will be refused",
                                        at: location, related: [RelatedLocation(audience.location, entity: service.ref, message: "the audience in the registry")]))
            }
        }

        // Requirements of the selected providers: a weaker mode is reported once per requirement.
        let requirements = config.requirements.filter { requirement in
            deployment.provider == nil || providers.contains { requirement.applies(to: $0) }
        }
        if requiresTokens {
            for requirement in requirements where requirement.mode != .required {
                var skipped = finding("config-verification-skipped",
                                      "\(requirement.label) of \(file) \(requirement.explained), although the registry says this service requires tokens from \(acceptedNames.isEmpty ? "its accepted issuers" : acceptedNames)",
                                      at: requirement.location,
                                      related: service.accepts.map { RelatedLocation($0.location, entity: service.ref, message: "accepted issuer") })
                // Exempting some paths (health checks) is common practice and worth a look, not a
                // failure; a weaker mode, or an exemption of every path, leaves the service open.
                if requirement.mode == .disabled, !requirement.coversEveryPath, skipped.severity == .error { skipped.severity = .warning }
                findings.append(skipped)
            }
        }

        for provider in providers {
            let label = provider.name.map { "\(config.providerNoun) '\($0.value)'" } ?? config.providerNoun
            for unresolved in provider.unresolved {
                findings.append(finding("config-value-unresolved",
                                        unresolved.reason.map { "\(label): \(unresolved.setting) \($0)" }
                                            ?? "\(label): \(unresolved.setting) uses \(unresolved.placeholder), which neither the file nor --spring-property / --spring-env-file defines, so that value was not compared",
                                        at: unresolved.location))
            }
            if let nothing = provider.verifiesNothing {
                if requiresTokens {
                    findings.append(finding("config-verification-skipped",
                                            "\(label) \(nothing.value): no token from the registry's accepted issuers (\(acceptedNames)) is validated there",
                                            at: nothing.location,
                                            related: service.accepts.map { RelatedLocation($0.location, entity: service.ref, message: "accepted issuer") }))
                }
                continue
            }
            // A provider whose every use skips verification enforces none of its settings: comparing them
            // would claim a check the gateway does not make.
            let uses = requirements.filter { $0.applies(to: provider) }
            if !uses.isEmpty, uses.allSatisfy({ !$0.mode.enforcesPresentToken }) { continue }

            // Audiences.
            let audienceUnresolved = provider.unresolved.contains { $0.setting == "audiences" }
            if audienceUnresolved {
                // Noted above; a partial list would be reported as narrowed.
            } else if let caveat = provider.audienceCaveat, provider.audiences == nil {
                findings.append(finding("config-audience-unchecked", "\(label) checks no audience: \(caveat.value); \(reader.facts(for: provider).consequence)",
                                        at: caveat.location, related: audiencesRelated))
            } else if provider.audiences?.isEmpty ?? true {
                let how = provider.audiences == nil ? "sets no audiences" : "has an empty audience list"
                findings.append(finding("config-audience-unchecked", "\(label) \(how): \(reader.facts(for: provider).consequence)",
                                        at: provider.audiencesLocation, related: audiencesRelated))
            } else if let audiences = provider.audiences {
                compareAudiences(label, audiences, at: provider.audiencesLocation)
            }
            // Audiences a requirement sets for this provider replace the provider's own on its routes.
            for requirement in uses where requirement.mode.enforcesPresentToken {
                for use in requirement.providers where provider.isNamed(use.name.value) {
                    guard let overrides = use.audiences else { continue }
                    let values = overrides.map { Located(ExactString($0.value), at: $0.location) }
                    let where_ = use.audiencesLocation ?? requirement.location
                    if values.isEmpty {
                        findings.append(finding("config-audience-unchecked", "\(label), in \(requirement.label), has an empty audience list: \(reader.facts(for: provider).consequence)",
                                                at: where_, related: audiencesRelated))
                    } else {
                        compareAudiences("\(label), in \(requirement.label),", values, at: where_)
                    }
                }
            }

            // Issuers and keys.
            let issuerValues = [provider.issuer].compactMap { $0 } + provider.extraIssuers
            let issuerUnresolved = provider.unresolved.contains { $0.setting == "issuer-uri" || $0.setting == "issuer" }
            if issuerValues.isEmpty, !issuerUnresolved {
                let message = provider.issuerCaveat.map { "\(label) \($0)" } ?? "\(label) checks no issuer, so a token from any issuer whose keys it holds is accepted"
                findings.append(finding("config-issuer-mismatch", message, at: provider.location))
            }
            var matchedIssuers: [Issuer] = []
            for value in issuerValues {
                if let match = accepted.first(where: { Self.issuerMatches(value.value, $0) }) {
                    matchedIssuers.append(match)
                } else if let other = index.issuers.values.sorted(by: { $0.name < $1.name }).first(where: { Self.issuerMatches(value.value, $0) }) {
                    findings.append(finding("config-issuer-mismatch",
                                            "\(label) accepts tokens from '\(value.value)' (registry issuer '\(other.name)'), which the registry does not list in this service's accepts",
                                            at: value.location, related: other.issuer.map { [RelatedLocation($0.location, entity: other.ref, message: "that issuer")] } ?? []))
                } else {
                    let list = accepted.compactMap { issuer in issuer.issuer.map { "'\($0.value)' (\(issuer.name))" } }
                    findings.append(finding("config-issuer-mismatch",
                                            "\(label) accepts issuer '\(value.value)', which is not in the registry; the service accepts \(list.isEmpty ? "no registered issuer" : list.joined(separator: ", "))",
                                            at: value.location, related: service.accepts.map { RelatedLocation($0.location, entity: service.ref, message: "accepted issuer") }))
                }
            }
            if let jwks = provider.jwksUri {
                let candidates = matchedIssuers.isEmpty ? accepted : matchedIssuers
                let known = candidates.compactMap { $0.jwksUri }
                if !known.isEmpty, !known.contains(where: { $0.value == jwks.value }) {
                    findings.append(finding("config-issuer-mismatch",
                                            "\(label) fetches keys from \(jwks.value), the registry's JWKS URI is \(known.map(\.value).joined(separator: " or "))",
                                            at: jwks.location, related: known.map { RelatedLocation($0.location, message: "the registry's jwksUri") }))
                }
            }

            TrustChecker.check(provider, label: label, deployment: deployment, service: service) { rule, message, location, related in
                findings.append(finding(rule, message, at: location, related: related))
            }

            // Token forwarding where the registry says the service exchanges tokens.
            if let forward = provider.forwardsToken, forward.value,
               let hop = service.downstream.first(where: { $0.mode.value == .tokenExchange }) {
                findings.append(finding("config-token-forwarded",
                                        "\(label) forwards the caller's token upstream although the registry says the service exchanges tokens (e.g. for '\(hop.service.value)'); the original token, with its audience, leaves the gateway",
                                        at: forward.location, related: [RelatedLocation(hop.location, entity: service.ref, message: "token-exchange hop")]))
            }
        }
        return findings
    }

    /// A config names an issuer by its identifier; Kong may name it by its discovery URL.
    /// Byte for byte, as the gateway compares `iss`.
    static func issuerMatches(_ value: String, _ issuer: Issuer) -> Bool {
        guard let identifier = issuer.issuer?.value.text else { return false }
        if value.isExactly(identifier) { return true }
        if let discovery = issuer.discoveryUrl?.value, value.isExactly(discovery) { return true }
        let trimmed = identifier.hasSuffix("/") ? String(identifier.dropLast()) : identifier
        return value.isExactly(trimmed + "/.well-known/openid-configuration") || value.isExactly(trimmed + "/.well-known/oauth-authorization-server")
    }
}
