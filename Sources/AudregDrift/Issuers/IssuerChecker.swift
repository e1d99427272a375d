import Foundation
import AudregCore

/// Compares what one Issuer publishes (discovery document, JWKS) with what the registry says about it.
/// Findings sit on the registry field whose URL was fetched, so they point at the line to fix or review.
public struct IssuerChecker: Sendable {
    public var today: Day
    public var certificateWarnDays: Int

    public init(today: Day, certificateWarnDays: Int) {
        self.today = today
        self.certificateWarnDays = certificateWarnDays
    }

    public func check(_ issuer: Issuer, policy: Policy, source: any DocumentSource) async -> [Finding] {
        await inspect(issuer, policy: policy, source: source).findings
    }

    /// The findings, and the notes (`DriftNote`) about what was read that are not findings: a document
    /// read as JSON though its content type is not a JSON one.
    public func inspect(_ issuer: Issuer, policy: Policy, source: any DocumentSource) async -> (findings: [Finding], notes: [DriftNote]) {
        var findings: [Finding] = []
        var notes: [DriftNote] = []
        func add(_ rule: any DriftRule.Type, _ message: String, at location: SourceLocation, related: [RelatedLocation] = []) {
            findings.append(Finding(ruleID: rule.description.id, severity: rule.description.defaultSeverity, message: "issuer '\(issuer.name)': \(message)",
                                    location: location, entity: issuer.ref, related: related))
        }

        // The registry's JWKS is fetched while discovery is, so an issuer costs one timeout, not two.
        let registryJWKS = issuer.jwksUri?.value
        async let prefetched: Result<FetchedDocument, FetchFailure>? = registryJWKS == nil ? nil : source.fetch(registryJWKS!)
        var discoveredJWKS: Located<String>?
        if let discoveryUrl = issuer.discoveryUrl {
            switch await Self.fetchJSON(discoveryUrl.value, source: source) {
            case .failure(let failure):
                add(JWKSUnreachableRule.self, "discovery document \(discoveryUrl.value) cannot be used: \(failure.reason)", at: discoveryUrl.location)
            case .success(let (document, leaks, contentType)):
                if let note = DriftNote.contentType(contentType, of: "The discovery document", subject: discoveryUrl.value) { notes.append(note) }
                for leak in leaks {
                    add(JWKSPrivateKeyMaterialRule.self, "the discovery document at \(discoveryUrl.value) holds private key members (\(leak.members.joined(separator: ", "))) at \(leak.path): anyone who reads it can sign tokens; rotate the key now",
                        at: discoveryUrl.location)
                }
                let published = document["issuer"] as? String
                if let expected = issuer.issuer {
                    if published == nil {
                        add(DiscoveryIssuerMismatchRule.self, "the discovery document at \(discoveryUrl.value) has no issuer; the registry says '\(expected.value)'",
                            at: expected.location, related: [RelatedLocation(discoveryUrl.location, entity: issuer.ref, message: "the discovery document fetched")])
                    } else if let published, !published.isExactly(expected.value.text) {
                        add(DiscoveryIssuerMismatchRule.self, "the discovery document says issuer '\(published)', the registry '\(expected.value)'; tokens carry the published one, so services configured from the registry refuse them (or trust the wrong party)",
                            at: expected.location, related: [RelatedLocation(discoveryUrl.location, entity: issuer.ref, message: "the discovery document fetched")])
                    }
                }
                let publishedJWKS = document["jwks_uri"] as? String
                if let jwksUri = issuer.jwksUri {
                    if publishedJWKS == nil {
                        add(DiscoveryJWKSMismatchRule.self, "the discovery document has no jwks_uri; the registry says \(jwksUri.value)",
                            at: jwksUri.location, related: [RelatedLocation(discoveryUrl.location, entity: issuer.ref, message: "the discovery document fetched")])
                    } else if let publishedJWKS, publishedJWKS != jwksUri.value {
                        add(DiscoveryJWKSMismatchRule.self, "the discovery document publishes jwks_uri \(publishedJWKS), the registry \(jwksUri.value); gateways that discover keys use the published one",
                            at: jwksUri.location, related: [RelatedLocation(discoveryUrl.location, entity: issuer.ref, message: "the discovery document fetched")])
                    }
                } else if let publishedJWKS {
                    discoveredJWKS = Located(publishedJWKS, at: discoveryUrl.location)
                }
            }
        }

        let early = await prefetched
        guard let jwks = issuer.jwksUri ?? discoveredJWKS else { return (findings, notes) }
        let via = issuer.jwksUri == nil ? " (from the discovery document)" : ""
        let fetched: Result<FetchedDocument, FetchFailure>
        if let early { fetched = early } else { fetched = await source.fetch(jwks.value) }
        let document: FetchedDocument
        switch fetched {
        case .failure(let failure):
            add(JWKSUnreachableRule.self, "JWKS \(jwks.value)\(via) cannot be fetched: \(failure.reason)", at: jwks.location)
            return (findings, notes)
        case .success(let value):
            document = value
        }
        if let problem = Self.responseProblem(document) {
            add(JWKSUnreachableRule.self, "JWKS \(jwks.value)\(via) cannot be used: \(problem)", at: jwks.location)
            return (findings, notes)
        }
        // Private members anywhere in the document (a bare JWK, a nested object, a second key list);
        // the keys of the top-level `keys` array are the analyzer's, which names them by kid.
        if case .success(let node) = StrictJSON.parse(document.body) {
            if let note = DriftNote.contentType(document.contentType, of: "The JWKS", subject: jwks.value) { notes.append(note) }
            for leak in KeyMaterial.leakPaths(in: node, skipKeySet: true) {
                add(JWKSPrivateKeyMaterialRule.self, "JWKS \(jwks.value)\(via) holds private key members (\(leak.members.joined(separator: ", "))) at \(leak.path): anyone who reads it can sign tokens; rotate the key now",
                    at: jwks.location)
            }
        }
        let allowed = issuer.algorithms.isEmpty ? policy.effectiveAllowedAlgorithms : issuer.algorithms.map(\.value)
        let analyzer = JWKSAnalyzer(allowedAlgorithms: allowed,
                                    allowedFrom: issuer.algorithms.isEmpty ? "policy's allowedAlgorithms" : "issuer's algorithms",
                                    today: today, certificateWarnDays: certificateWarnDays)
        switch await analyzer.analyze(document.body) {
        case .failure(let failure):
            add(JWKSUnreachableRule.self, "JWKS \(jwks.value)\(via) cannot be used: \(failure.reason)", at: jwks.location)
        case .success(let problems):
            for problem in problems { add(problem.rule, "JWKS \(jwks.value): \(problem.message)", at: jwks.location) }
        }
        return (findings, notes)
    }

    /// Status only. The content type is not checked: Envoy's `remote_jwks`, jose and the other libraries
    /// that gateways use read a key set served as `application/octet-stream` (an S3 bucket, Python's
    /// `http.server`) as JSON, so drift checks what they check; a body that is not JSON is reported by
    /// the parser that reads it, and one that is, under another content type, gets a note.
    static func responseProblem(_ document: FetchedDocument) -> String? {
        document.status == 200 ? nil : "HTTP \(document.status)"
    }

    /// A JSON object read strictly (duplicate member names refused), with where it holds private key
    /// members and the content type it was served as.
    static func fetchJSON(_ url: String, source: any DocumentSource) async
        -> Result<([String: Any], [(path: String, members: [String])], String?), FetchFailure> {
        switch await source.fetch(url) {
        case .failure(let failure): return .failure(failure)
        case .success(let document):
            if let problem = responseProblem(document) { return .failure(FetchFailure(problem)) }
            let node: StrictJSON.Node
            switch StrictJSON.parse(document.body) {
            case .failure(let problem): return .failure(FetchFailure(problem.description))
            case .success(let value): node = value
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(document.body)) else { return .failure(FetchFailure("body is not JSON")) }
            guard let dictionary = object as? [String: Any] else { return .failure(FetchFailure("body is not a JSON object")) }
            return .success((dictionary, KeyMaterial.leakPaths(in: node, skipKeySet: false), document.contentType))
        }
    }

}
