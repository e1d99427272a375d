import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Explain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain why one token is, or is not, accepted by one service.",
        discussion: """
            Answers, each on its own line with pass or fail and why: is the token authentic (signature against the \
            issuer's JWKS, alg allowed, typ), was it issued for this service (aud; if it belongs to another service, \
            which), is it within its lifetime (exp, nbf, iat, lifetime against maxLifetime), are the required claims \
            present, and is it admitted with which scopes. The signature is verified with jwt-kit against --jwks, or \
            the issuer's jwksUri from the registry. The token's signature and key material are never printed. \
            Prefer --token - (standard input) or --token-file to --token TOKEN, which lands in your shell history.

            Example:
              pbpaste | audreg explain registry --service orders-api --token -

            Exit status: 0 admitted, 1 rejected (or unverified when a token was given), 2 usage or unreadable input.
            """)

    @Argument(help: "The registry directory.", completion: .directory)
    var directory: String = "registry"

    @Option(help: "The service the token is presented to.")
    var service: String

    @Option(help: "The token (compact JWS, or an Authorization header value 'Bearer eyJ…'); - reads it from standard input.")
    var token: String?

    @Option(help: "A file holding the token; - reads it from standard input.")
    var tokenFile: String?

    @Option(help: "A JSON file of claims, without a token: the signature, alg and typ are marked not checked.")
    var claims: String?

    @Option(help: "The issuer's key set: a JWKS file or an http(s) URL. Default: the issuer's jwksUri in the registry.")
    var jwks: String?

    @OptionGroup var network: NetworkOptions

    @Option(help: "The moment to check exp, nbf and iat against: 2026-12-01T10:05:00Z, a date, or seconds since 1970. Default: now.")
    var now: String?

    @Option(name: .shortAndLong, help: "text or json.")
    var format: CatalogFormat = .text

    @OptionGroup var paths: RootOptions

    func validate() throws {
        let given = [token, tokenFile, claims].compactMap { $0 }.count
        guard given == 1 else { throw ValidationError("give exactly one of --token, --token-file and --claims") }
        if let now, TimeText.parse(now) == nil {
            throw ValidationError("--now must be a UTC time written 2026-12-01T10:05:00Z, a date, or seconds since 1970; got '\(now)'")
        }
    }

    /// A token or claims file is a few KiB; anything past 1 MiB is not one.
    static let inputLimit = 1 << 20

    static func reason(_ read: Result<[UInt8], BoundedFile.Failure>) -> String {
        if case .failure(let failure) = read { return failure.message }
        return "not UTF-8 text"
    }

    func run() async throws {
        let loaded = try RegistryLoader(root: paths.root).load(directory: directory)
        let material: TokenMaterial
        if let token, token != "-" {
            material = .token(token)
        } else if token == "-" {
            // Bounded as --token-file is: `yes | audreg explain --token -` must not fill the memory.
            let read = BoundedFile.readStandardInput(limit: Self.inputLimit)
            guard case .success(let bytes) = read, let text = String(bytes: bytes, encoding: .utf8) else {
                throw AudregCLIError("cannot read a token from standard input: \(Self.reason(read)); pipe one compact JWS into audreg explain --token -")
            }
            material = .token(text)
        } else if let tokenFile {
            let read = tokenFile == "-" ? BoundedFile.readStandardInput(limit: Self.inputLimit) : BoundedFile.read(tokenFile, limit: Self.inputLimit)
            guard case .success(let bytes) = read, let text = String(bytes: bytes, encoding: .utf8) else {
                throw AudregCLIError("cannot read the token file '\(tokenFile)': \(Self.reason(read)); give a file holding one compact JWS")
            }
            material = .token(text)
        } else {
            let path = claims ?? ""
            let read = BoundedFile.read(path, limit: Self.inputLimit)
            guard case .success(let bytes) = read else {
                throw AudregCLIError("cannot read the claims file '\(path)': \(Self.reason(read)); give a JSON file of claims")
            }
            material = .claims(Data(bytes))
        }
        let moment = now.flatMap(TimeText.parse) ?? Int(Date().timeIntervalSince1970)
        var explainer = TokenExplainer(registry: loaded.registry, now: moment)
        explainer.network = try network.policy()
        let explanation: Explanation
        do {
            explanation = try await explainer.explain(material, service: service, keys: jwks.map(KeySource.given) ?? .registry)
        } catch let error as ExplainError {
            throw AudregCLIError(error.description)
        }
        switch format {
        case .text: Terminal.write(ExplanationRenderer.text(explanation, color: Terminal.colorAllowed))
        case .json: Terminal.write(ExplanationRenderer.json(explanation))
        }
        switch explanation.verdict {
        case .admitted: return
        case .unverified where explanation.claimsOnly: return
        default: throw ExitCode(1)
        }
    }
}
