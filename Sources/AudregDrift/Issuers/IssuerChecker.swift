import Foundation
import AudregCore

/// Fetches what one Issuer publishes (discovery document, JWKS), reads it into facts (`IssuerContext`)
/// and runs the catalog's issuer rules over them. Findings sit on the registry field whose URL was
/// fetched, so they point at the line to fix or review.
public struct IssuerChecker: Sendable {
    public var today: Day
    public var certificateWarnDays: Int
    /// The rules that judge what an issuer publishes: the catalog's issuer rules.
    public var rules: [any IssuerRule.Type]

    public init(today: Day, certificateWarnDays: Int, catalog: RuleCatalog = .builtIn) {
        self.today = today
        self.certificateWarnDays = certificateWarnDays
        self.rules = catalog.issuerRules
    }

    public func check(_ issuer: Issuer, policy: Policy, source: any DocumentSource) async -> [Finding] {
        await inspect(issuer, policy: policy, source: source).findings
    }

    /// The findings, and the notes (`DriftNote`) about what was read that are not findings: a document
    /// read as JSON though its content type is not a JSON one.
    public func inspect(_ issuer: Issuer, policy: Policy, source: any DocumentSource) async -> (findings: [Finding], notes: [DriftNote]) {
        let result = await examine(issuer, policy: policy, source: source)
        return (result.findings, result.notes)
    }

    /// `inspect`'s findings and notes, and why the issuer's published keys could not be read (nil when
    /// they were). The reason comes from what was fetched, not from a finding: a policy that turns
    /// jwks-unreachable off hides the finding, not the fact that nothing was compared.
    func examine(_ issuer: Issuer, policy: Policy, source: any DocumentSource) async -> (findings: [Finding], notes: [DriftNote], unread: String?) {
        let (context, notes) = await read(issuer, policy: policy, source: source)
        return (rules.flatMap { $0.check(context) }, notes, Self.unread(context))
    }

    /// Why `context` holds no key set to judge, or a discovery document the registry names that was
    /// not read; nil when both were read.
    static func unread(_ context: IssuerContext) -> String? {
        var reasons: [String] = []
        if let discovery = context.discovery, case .unusable(let reason) = discovery.outcome {
            reasons.append("discovery document \(discovery.url.value) not read (\(reason))")
        }
        if let jwks = context.jwks {
            switch jwks.outcome {
            case .unfetched(let reason), .unusable(let reason): reasons.append("JWKS \(jwks.url.value) not read (\(reason))")
            case .keySet: break
            }
        } else if let discovery = context.discovery, case .read = discovery.outcome {
            reasons.append("discovery document \(discovery.url.value) names no jwks_uri, so no key set was read")
        } else if context.discovery == nil {
            reasons.append("no JWKS URL to read")
        }
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Fetches the issuer's documents and reads them into what the issuer rules judge.
    func read(_ issuer: Issuer, policy: Policy, source: any DocumentSource) async -> (context: IssuerContext, notes: [DriftNote]) {
        var notes: [DriftNote] = []

        // The registry's JWKS is fetched while discovery is, so an issuer costs one timeout, not two.
        let registryJWKS = issuer.jwksUri?.value
        async let prefetched: Result<FetchedDocument, FetchFailure>? = registryJWKS == nil ? nil : source.fetch(registryJWKS!)
        var discovery: PublishedDiscovery?
        var discoveredJWKS: Located<String>?
        if let discoveryUrl = issuer.discoveryUrl {
            switch await Self.fetchJSON(discoveryUrl.value, source: source) {
            case .failure(let failure):
                discovery = PublishedDiscovery(url: discoveryUrl, outcome: .unusable(reason: failure.reason))
            case .success(let (document, leaks, contentType)):
                if let note = DriftNote.contentType(contentType, of: "The discovery document", subject: discoveryUrl.value) { notes.append(note) }
                let published = DiscoveryDocument(issuer: document["issuer"] as? String, jwksUri: document["jwks_uri"] as? String,
                                                  leaks: leaks.map { PrivateMemberLeak(path: $0.path, members: $0.members) })
                discovery = PublishedDiscovery(url: discoveryUrl, outcome: .read(published))
                if issuer.jwksUri == nil, let publishedJWKS = published.jwksUri {
                    discoveredJWKS = Located(publishedJWKS, at: discoveryUrl.location)
                }
            }
        }

        let early = await prefetched
        guard let jwks = issuer.jwksUri ?? discoveredJWKS else {
            return (IssuerContext(issuer: issuer, discovery: discovery, jwks: nil), notes)
        }
        func context(_ outcome: PublishedJWKS.Outcome, leaks: [PrivateMemberLeak] = []) -> (context: IssuerContext, notes: [DriftNote]) {
            let published = PublishedJWKS(url: jwks, fromDiscovery: issuer.jwksUri == nil, outcome: outcome, leaks: leaks)
            return (IssuerContext(issuer: issuer, discovery: discovery, jwks: published), notes)
        }
        let fetched: Result<FetchedDocument, FetchFailure>
        if let early { fetched = early } else { fetched = await source.fetch(jwks.value) }
        let document: FetchedDocument
        switch fetched {
        case .failure(let failure):
            return context(.unfetched(reason: failure.reason))
        case .success(let value):
            document = value
        }
        if let problem = Self.responseProblem(document) { return context(.unusable(reason: problem)) }
        // Private members anywhere in the document (a bare JWK, a nested object, a second key list);
        // the keys of the top-level `keys` array are the key facts', which name them by kid.
        var leaks: [PrivateMemberLeak] = []
        if case .success(let node) = StrictJSON.parse(document.body) {
            if let note = DriftNote.contentType(document.contentType, of: "The JWKS", subject: jwks.value) { notes.append(note) }
            leaks = KeyMaterial.leakPaths(in: node, skipKeySet: true).map { PrivateMemberLeak(path: $0.path, members: $0.members) }
        }
        let allowed = issuer.algorithms.isEmpty ? policy.effectiveAllowedAlgorithms : issuer.algorithms.map(\.value)
        let analyzer = JWKSAnalyzer(allowedAlgorithms: allowed,
                                    allowedFrom: issuer.algorithms.isEmpty ? "policy's allowedAlgorithms" : "issuer's algorithms",
                                    today: today, certificateWarnDays: certificateWarnDays, rules: [])
        // Only the facts: this checker's issuer rules judge them, key-set rules among them.
        switch await analyzer.keySet(document.body) {
        case .failure(let failure): return context(.unusable(reason: failure.reason), leaks: leaks)
        case .success(let keySet): return context(.keySet(keySet), leaks: leaks)
        }
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
