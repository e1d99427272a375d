import Crypto
import Foundation
import JWTKit
import X509
import AudregCore

/// Reads a JWKS the way a verifier would, into facts about each key (`PublishedKey`) that the key-set
/// rules judge. Public keys are loaded with jwt-kit and certificates with swift-certificates; what they
/// reject becomes a fact. The facts carry no key material: sizes, member names, the libraries' scrubbed
/// refusals, a certificate's dates.
public struct JWKSAnalyzer: Sendable {
    /// Algorithms the issuer may sign with: the Issuer's `algorithms`, or the policy's when it lists none.
    public var allowedAlgorithms: [String]
    public var allowedFrom: String
    public var today: Day
    public var certificateWarnDays: Int
    /// What `analyze` judges the keys by: the key-set rules of a catalog.
    public var rules: [any KeySetRule.Type]

    public init(allowedAlgorithms: [String], allowedFrom: String, today: Day, certificateWarnDays: Int,
                rules: [any KeySetRule.Type] = RuleCatalog.builtIn.keySetRules) {
        self.allowedAlgorithms = allowedAlgorithms
        self.allowedFrom = allowedFrom
        self.today = today
        self.certificateWarnDays = certificateWarnDays
        self.rules = rules
    }

    /// Parses the body; `nil` with a reason when it is not a key set at all.
    public static func parse(_ body: [UInt8]) -> Result<[Any], FetchFailure> {
        // Strict first: with duplicate member names, which key set is "the" one depends on the parser.
        if case .failure(let problem) = StrictJSON.parse(body) { return .failure(FetchFailure(problem.description)) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) else {
            return .failure(FetchFailure("body is not JSON"))
        }
        guard let dictionary = object as? [String: Any] else { return .failure(FetchFailure("body is not a JSON object, so not a JWKS")) }
        guard let keys = dictionary["keys"] as? [Any] else { return .failure(FetchFailure("body has no \"keys\" array, so not a JWKS")) }
        return .success(keys)
    }

    /// What the key-set rules find in the body, or why it is no key set.
    public func analyze(_ body: [UInt8]) async -> Result<[KeyProblem], FetchFailure> {
        switch await keySet(body) {
        case .failure(let failure): return .failure(failure)
        case .success(let keySet): return .success(rules.flatMap { $0.check(keySet) })
        }
    }

    /// The body read into facts, or why it is no key set.
    public func keySet(_ body: [UInt8]) async -> Result<PublishedKeySet, FetchFailure> {
        switch Self.parse(body) {
        case .failure(let failure): return .failure(failure)
        case .success(let keys): return .success(await keySet(keys: keys))
        }
    }

    func keySet(keys: [Any]) async -> PublishedKeySet {
        var facts: [PublishedKey] = []
        for (index, item) in keys.enumerated() { facts.append(await Self.facts(of: item, index: index)) }
        return PublishedKeySet(keys: facts, allowedAlgorithms: allowedAlgorithms, allowedFrom: allowedFrom, today: today,
                               certificateWarnDays: certificateWarnDays)
    }

    static func facts(of item: Any, index: Int) async -> PublishedKey {
        guard let key = item as? [String: Any] else { return PublishedKey(index: index, isObject: false) }
        var facts = PublishedKey(index: index, kid: key["kid"] as? String, hasKidMember: key["kid"] != nil,
                                 kty: key["kty"] as? String, alg: key["alg"] as? String, use: key["use"] as? String,
                                 crv: key["crv"] as? String,
                                 privateMembers: KeyMaterial.privateMembers.filter { key[$0] != nil }.sorted(),
                                 hasSecretMember: key["k"] != nil,
                                 modulusBits: (key["n"] as? String).flatMap(base64URLDecode).map(bitLength))
        // jwt-kit is asked only about keys whose shape can be loaded (a private or malformed key is
        // reported from its members alone).
        if facts.asksLibrary { facts.libraryRejection = await jwtKitRejection(key) }
        if let x5c = key["x5c"] as? [Any], !x5c.isEmpty {
            facts.certificate = certificate(x5c[0], key: key)
        }
        return facts
    }

    static func jwtKitRejection(_ key: [String: Any]) async -> String? {
        var publicPart = key
        publicPart.removeValue(forKey: "x5c")
        guard let data = try? JSONSerialization.data(withJSONObject: publicPart) else { return "cannot re-encode the key" }
        do {
            let jwk = try JSONDecoder().decode(JWK.self, from: data)
            _ = try await JWTKeyCollection().add(jwk: jwk)
            return nil
        } catch {
            return scrub(String(describing: error), key: key)
        }
    }

    /// Library messages are short, but drop anything that looks like a key member, just in case.
    static func scrub(_ text: String, key: [String: Any]) -> String {
        var result = text
        for case let value as String in key.values where value.count >= 16 {
            result = result.replacingOccurrences(of: value, with: "…")
        }
        if result.count > 200 { result = String(result.prefix(200)) + "…" }
        return result
    }

    static func certificate(_ entry: Any, key: [String: Any]) -> PublishedCertificate {
        guard let text = entry as? String, let der = Data(base64Encoded: text) else { return .notBase64 }
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: [UInt8](der))
        } catch {
            return .notDER(reason: scrub(String(describing: error), key: key))
        }
        return .parsed(PublishedCertificateFacts(notAfter: certificate.notValidAfter.timeIntervalSince1970,
                                                 keyMatches: Self.certificate(certificate, matches: key, pem: pem(der))))
    }

    static func pem(_ der: Data) -> String {
        "-----BEGIN CERTIFICATE-----\n" + der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed]) + "\n-----END CERTIFICATE-----\n"
    }

    /// `nil` when the comparison cannot be made (an unsupported key type).
    static func certificate(_ certificate: Certificate, matches key: [String: Any], pem: String) -> Bool? {
        switch key["kty"] as? String {
        case "RSA":
            guard let n = (key["n"] as? String).flatMap(base64URLDecode), let e = (key["e"] as? String).flatMap(base64URLDecode) else { return nil }
            guard let primitives = try? Insecure.RSA.PublicKey(certificatePEM: pem).getKeyPrimitives() else {
                // An EC or Ed25519 certificate beside an RSA key is a mismatch, as the other branches report.
                let other = P256.Signing.PublicKey(certificate.publicKey) != nil || P384.Signing.PublicKey(certificate.publicKey) != nil
                    || P521.Signing.PublicKey(certificate.publicKey) != nil || Curve25519.Signing.PublicKey(certificate.publicKey) != nil
                return other ? false : nil
            }
            return stripZeros([UInt8](primitives.modulus)) == stripZeros(n) && stripZeros([UInt8](primitives.publicExponent)) == stripZeros(e)
        case "EC":
            guard let x = (key["x"] as? String).flatMap(base64URLDecode), let y = (key["y"] as? String).flatMap(base64URLDecode) else { return nil }
            let raw: Data?
            switch key["crv"] as? String {
            case "P-256": raw = P256.Signing.PublicKey(certificate.publicKey)?.rawRepresentation
            case "P-384": raw = P384.Signing.PublicKey(certificate.publicKey)?.rawRepresentation
            case "P-521": raw = P521.Signing.PublicKey(certificate.publicKey)?.rawRepresentation
            default: return nil
            }
            guard let raw else { return false }
            return [UInt8](raw) == x + y
        case "OKP":
            guard key["crv"] as? String == "Ed25519", let x = (key["x"] as? String).flatMap(base64URLDecode) else { return nil }
            guard let raw = Curve25519.Signing.PublicKey(certificate.publicKey)?.rawRepresentation else { return false }
            return [UInt8](raw) == x
        default:
            return nil
        }
    }

    static func stripZeros(_ bytes: [UInt8]) -> [UInt8] { Array(bytes.drop { $0 == 0 }) }

    static func bitLength(_ bytes: [UInt8]) -> Int {
        let trimmed = stripZeros(bytes)
        guard let first = trimmed.first else { return 0 }
        return (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") || text.hasSuffix("=") else { return nil }
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map { [UInt8]($0) }
    }
}
