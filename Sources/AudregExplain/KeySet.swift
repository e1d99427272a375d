import Foundation
import JWTKit
import AudregCore
import AudregDrift

/// One key of a JWK Set, kept as its raw JSON so that a key jwt-kit cannot decode does not spoil the set.
/// Only `kid`, `kty`, `crv` and `alg` are ever shown.
public struct KeySetEntry: Sendable {
    public var kid: String?
    public var kty: String?
    public var alg: String?
    public var use: String?
    /// `crv` of an EC or OKP key, named when jwt-kit cannot use the curve.
    public var curve: String?
    let json: Data

    public var label: String { kid.map { "kid \($0)" } ?? "a key without kid" }
}

/// A JWK Set read key by key: jwt-kit 5.8 rejects a whole set for one `oct` key or one key without `kid`.
public struct KeySet: Sendable {
    public var entries: [KeySetEntry]
    /// Where it came from, for messages.
    public var source: String

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(json data: Data, source: String) throws(LoadError) {
        // With a repeated member name, which key (or which `kid`) counts depends on the parser.
        if case .failure(let problem) = StrictJSON.parse([UInt8](data)) {
            throw LoadError(description: "\(source) is not a usable JWK Set: \(problem.description)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let keys = object["keys"] as? [Any] else {
            throw LoadError(description: "\(source) is not a JWK Set (a JSON object with a \"keys\" array)")
        }
        var entries: [KeySetEntry] = []
        for case let key as [String: Any] in keys {
            guard let json = try? JSONSerialization.data(withJSONObject: key) else { continue }
            entries.append(KeySetEntry(kid: key["kid"] as? String, kty: key["kty"] as? String, alg: key["alg"] as? String,
                                       use: key["use"] as? String, curve: key["crv"] as? String, json: json))
        }
        self.entries = entries
        self.source = source
    }

    public static func load(file path: String) throws(LoadError) -> KeySet {
        // A key set is a few KiB; the bound matches the one for fetched key sets.
        switch BoundedFile.data(path, limit: 1 << 20) {
        case .success(let data): return try KeySet(json: data, source: path)
        case .failure(let failure): throw LoadError(description: "cannot read the JWKS file '\(path)': \(failure.message)")
        }
    }

    /// Fetches a JWKS over HTTP(S) the way drift does: the network policy checked on the address actually
    /// connected to and on every redirect, a timeout and a size cap; failures are fixed classes of reason.
    public static func fetch(url: String, timeoutSeconds: Int64 = 10, maxBytes: Int = 1 << 20,
                             network: NetworkPolicy = NetworkPolicy()) async throws(LoadError) -> KeySet {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw LoadError(description: "'\(url)' is not an http(s) URL")
        }
        var options = HTTPFetchOptions()
        options.timeout = .seconds(timeoutSeconds)
        options.deadline = .seconds(timeoutSeconds * 2 + 1)
        options.maxBodyBytes = maxBytes
        options.concurrency = 1
        options.network = network
        let source: HTTPDocumentSource
        do {
            source = try HTTPDocumentSource(options: options)
        } catch {
            throw LoadError(description: "cannot fetch \(url): \(error.reason)")
        }
        let fetched = await source.fetch(url)
        await source.shutdown()
        switch fetched {
        case .failure(let failure):
            throw LoadError(description: "cannot fetch \(url): \(failure.reason)")
        case .success(let document):
            guard document.status == 200 else {
                throw LoadError(description: "GET \(url) answered HTTP \(document.status)")
            }
            return try KeySet(json: Data(document.body), source: url)
        }
    }

    /// Algorithms a key type can verify.
    static func compatible(kty: String?, alg: String) -> Bool {
        switch kty {
        case "RSA": return alg.hasPrefix("RS") || alg.hasPrefix("PS")
        case "EC": return alg.hasPrefix("ES")
        case "OKP": return alg == "EdDSA" || alg == "Ed25519"
        default: return false
        }
    }

    /// The curves each curve-based algorithm is defined on (RFC 7518 §3.4, RFC 8037 §3.1, RFC 8812 §3.2).
    static let curves: [String: [String]] = [
        "ES256": ["P-256"], "ES384": ["P-384"], "ES512": ["P-521"], "ES256K": ["secp256k1"], "EdDSA": ["Ed25519", "Ed448"], "Ed25519": ["Ed25519"],
    ]

    /// The outcome of checking a signature.
    public struct Verification: Sendable {
        public var status: CheckStatus
        public var message: String
    }

    /// Verifies the token's signature with jwt-kit against the key its `kid` names. The kid is matched here,
    /// not by jwt-kit, which would otherwise fall back to the first key for an unknown kid.
    public func verify(_ token: DecodedToken) async -> Verification {
        guard let alg = token.header["alg"]?.string else {
            return Verification(status: .fail, message: "the header has no alg")
        }
        let kid = token.header["kid"]?.string
        let candidates: [KeySetEntry]
        if let kid {
            // Byte for byte, as Envoy, jose and jwt-kit match a kid: `==` would let a token's kid é (U+00E9)
            // select a key whose kid is e + U+0301.
            candidates = entries.filter { $0.kid?.isExactly(kid) == true }
            if candidates.isEmpty {
                let known = entries.compactMap(\.kid)
                return Verification(status: .fail, message: "kid \(kid) is not in the issuer's key set (\(source): \(known.isEmpty ? "no kids" : known.joined(separator: ", "))); the token was not signed by this issuer's keys")
            }
        } else {
            candidates = entries
        }
        var problems: [String] = []
        // Keys audreg cannot use (a curve jwt-kit lacks, such as secp256k1 for ES256K, or a key it cannot
        // read) prove nothing either way: the token may be genuine, so the signature is "not checked".
        var unusable: [String] = []
        for entry in candidates {
            if entry.kty == "oct" {
                problems.append("\(entry.label) is a symmetric (oct) key; a published key set must not hold one and audreg never verifies with it")
                continue
            }
            if let use = entry.use, use != "sig" {
                problems.append("\(entry.label) is for use \(use), not for signatures")
                continue
            }
            guard Self.compatible(kty: entry.kty, alg: alg) else {
                problems.append("\(entry.label) is a \(entry.kty ?? "typeless") key, which cannot verify \(alg)")
                continue
            }
            // A key on another curve can never verify this alg: it is ruled out, never "not checked", or a
            // secp256k1 key beside the real P-256 one would hide a forged ES256 token without kid.
            if let curve = entry.curve, let needed = Self.curves[alg], !needed.contains(where: { $0.isExactly(curve) }) {
                problems.append("\(entry.label) is a \(curve) key, which cannot verify \(alg)")
                continue
            }
            // Byte for byte: `!=` takes ES256 + KELVIN SIGN for the key's ES256K.
            if let keyAlg = entry.alg, !keyAlg.isExactly(alg) {
                problems.append("\(entry.label) is for \(keyAlg), but the token says \(alg) (RFC 8725 §3.1: one algorithm per key)")
                continue
            }
            switch await Self.verify(token, with: entry) {
            case .success:
                return Verification(status: .pass, message: "signature verified with \(entry.label) (\(entry.kty ?? "?"), \(alg)) from \(source)")
            case .failure(let reason):
                problems.append("\(entry.label): \(reason)")
            case .unusable(let reason):
                unusable.append("\(entry.label): \(reason)")
            }
        }
        if !unusable.isEmpty {
            return Verification(status: .notChecked, message: "signature not checked: audreg cannot verify \(alg) with "
                                + (unusable + problems).joined(separator: "; ") + "; verify it with the issuer's own library")
        }
        if problems.isEmpty {
            return Verification(status: .fail, message: "no key in \(source) can verify this token")
        }
        return Verification(status: .fail, message: problems.joined(separator: "; "))
    }

    enum KeyOutcome {
        case success
        case failure(String)
        /// jwt-kit cannot read or use the key: nothing is known about the signature.
        case unusable(String)
    }

    static func verify(_ token: DecodedToken, with entry: KeySetEntry) async -> KeyOutcome {
        var json = entry.json
        if entry.kid == nil, var object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] {
            // jwt-kit needs a kid to add a key; this collection holds this one key only.
            object["kid"] = "audreg-candidate"
            json = (try? JSONSerialization.data(withJSONObject: object)) ?? json
        }
        let jwk: JWK
        do {
            jwk = try JSONDecoder().decode(JWK.self, from: json)
        } catch {
            return .unusable("jwt-kit cannot read this key (\(entry.kty ?? "no kty")\(entry.curve.map { ", curve \($0)" } ?? ""))")
        }
        let keys = JWTKeyCollection()
        do {
            try await keys.add(jwk: jwk)
        } catch {
            return .unusable("jwt-kit cannot use this key (\(entry.kty ?? "no kty")\(entry.curve.map { ", curve \($0)" } ?? ""))")
        }
        do {
            _ = try await keys.verify(token.signingToken, as: UncheckedClaims.self)
            return .success
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            return .failure("the signature does not verify: the token was forged or altered after signing")
        } catch {
            return .failure("the signature does not verify (\(String(describing: (error as? JWTError)?.errorType ?? .generic)))")
        }
    }
}

/// Claims decoded without checks: audreg checks `exp`, `aud` and the rest itself, against its own clock.
struct UncheckedClaims: JWTPayload {
    init(from decoder: Decoder) throws {}
    func encode(to encoder: Encoder) throws {}
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
