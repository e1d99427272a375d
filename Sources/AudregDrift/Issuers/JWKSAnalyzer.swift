import Crypto
import Foundation
import JWTKit
import X509
import AudregCore

/// One problem found in a published key set, before it is placed in the registry.
public struct KeyProblem: Sendable, Hashable {
    public var rule: any DriftRule.Type
    public var message: String

    public init(_ rule: any DriftRule.Type, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var ruleID: String { rule.description.id }

    public static func == (lhs: KeyProblem, rhs: KeyProblem) -> Bool { lhs.ruleID == rhs.ruleID && lhs.message == rhs.message }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ruleID)
        hasher.combine(message)
    }
}

/// Reads a JWKS the way a verifier would and reports what is wrong with each key. Public keys are loaded
/// with jwt-kit and certificates with swift-certificates; what they reject is reported. Messages name keys
/// by `kid` and type and never carry key material.
public struct JWKSAnalyzer: Sendable {
    /// Algorithms the issuer may sign with: the Issuer's `algorithms`, or the policy's when it lists none.
    public var allowedAlgorithms: [String]
    public var allowedFrom: String
    public var today: Day
    public var certificateWarnDays: Int

    public init(allowedAlgorithms: [String], allowedFrom: String, today: Day, certificateWarnDays: Int) {
        self.allowedAlgorithms = allowedAlgorithms
        self.allowedFrom = allowedFrom
        self.today = today
        self.certificateWarnDays = certificateWarnDays
    }

    static let curveForAlgorithm = ["ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES256K": "secp256k1"]
    static let keyTypeForAlgorithm: [String: String] = [
        "RS256": "RSA", "RS384": "RSA", "RS512": "RSA", "PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
        "ES256": "EC", "ES384": "EC", "ES512": "EC", "ES256K": "EC", "EdDSA": "OKP", "Ed25519": "OKP", "Ed448": "OKP",
        "HS256": "oct", "HS384": "oct", "HS512": "oct",
    ]

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

    public func analyze(_ body: [UInt8]) async -> Result<[KeyProblem], FetchFailure> {
        switch Self.parse(body) {
        case .failure(let failure): return .failure(failure)
        case .success(let keys): return .success(await analyze(keys: keys))
        }
    }

    func analyze(keys: [Any]) async -> [KeyProblem] {
        var problems: [KeyProblem] = []
        if keys.isEmpty {
            problems.append(KeyProblem(JWKSKidProblemRule.self, "the key set is empty: no token can be verified"))
        }
        var kidCounts: [String: Int] = [:]
        let objects = keys.compactMap { $0 as? [String: Any] }
        let mixesUses = Set(objects.compactMap { $0["use"] as? String }).contains("enc")
        for (index, item) in keys.enumerated() {
            guard let key = item as? [String: Any] else {
                problems.append(KeyProblem(JWKSWeakKeyRule.self, "keys[\(index)] is not a JSON object"))
                continue
            }
            let kid = key["kid"] as? String
            let name = kid.map { "key '\($0)'" } ?? "keys[\(index)]"
            if let kid { kidCounts[kid, default: 0] += 1 } else {
                problems.append(KeyProblem(JWKSKidProblemRule.self,
                                           "\(name) has no kid, so verifiers cannot pick it by the token's header and rotation breaks"))
            }
            problems.append(contentsOf: await analyze(key: key, name: name, mixesUses: mixesUses))
        }
        for (kid, count) in kidCounts.sorted(by: { $0.key < $1.key }) where count > 1 {
            problems.append(KeyProblem(JWKSKidProblemRule.self,
                                       "kid '\(kid)' is used by \(count) keys; a verifier may pick the wrong one"))
        }
        return problems
    }

    func analyze(key: [String: Any], name: String, mixesUses: Bool) async -> [KeyProblem] {
        var problems: [KeyProblem] = []
        let kty = key["kty"] as? String
        let alg = key["alg"] as? String
        let use = key["use"] as? String
        let typeName = kty.map { "\(name) (\($0))" } ?? name

        // Private material first: it is the worst thing a JWKS can hold.
        let leaked = KeyMaterial.privateMembers.filter { key[$0] != nil }.sorted()
        if !leaked.isEmpty {
            problems.append(KeyProblem(JWKSPrivateKeyMaterialRule.self,
                                       "\(typeName) publishes private members \(leaked.joined(separator: ", ")): anyone can sign tokens with it; rotate the key now"))
        }
        if kty == "oct", key["k"] != nil {
            problems.append(KeyProblem(JWKSPrivateKeyMaterialRule.self,
                                       "\(typeName) is a symmetric key published with its secret 'k': anyone can sign tokens with it"))
        }

        var weak = false
        switch kty {
        case "RSA":
            if let n = key["n"] as? String, let bytes = Self.base64URLDecode(n) {
                let bits = Self.bitLength(bytes)
                if bits < 2048 {
                    weak = true
                    problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(typeName) has a \(bits)-bit modulus; at least 2048 bits are required (RFC 7518 §3.3)"))
                }
            } else {
                weak = true
                problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(typeName) has no valid base64url 'n'"))
            }
        case "EC":
            let crv = key["crv"] as? String
            if let alg, let expected = Self.curveForAlgorithm[alg], crv != expected {
                weak = true
                problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(typeName) is on curve \(crv ?? "(none)") but says alg \(alg), which needs \(expected)"))
            } else if crv == nil || !["P-256", "P-384", "P-521", "secp256k1"].contains(crv!) {
                weak = true
                problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(typeName) has unknown curve '\(crv ?? "(none)")'"))
            }
        case "OKP":
            let crv = key["crv"] as? String
            if !["Ed25519", "Ed448"].contains(crv ?? "") {
                weak = true
                problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(typeName) has curve '\(crv ?? "(none)")', which cannot verify EdDSA signatures"))
            }
        case "oct":
            weak = true // reported above or below; never loaded as a verification key
            if key["k"] == nil {
                problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(typeName) is a symmetric key in a public key set; public verifiers cannot use it"))
            }
        default:
            weak = true
            problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(name) has \(kty.map { "unknown kty '\($0)'" } ?? "no kty"); verifiers will skip or reject it"))
        }

        // Algorithms.
        if use != "enc" {
            if let alg {
                if let kty, let expectedType = Self.keyTypeForAlgorithm[alg], expectedType != kty {
                    problems.append(KeyProblem(JWKSAlgorithmMismatchRule.self, "\(typeName) says alg \(alg), which needs a \(expectedType) key"))
                } else if !allowedAlgorithms.contains(alg) {
                    problems.append(KeyProblem(JWKSAlgorithmMismatchRule.self,
                                               "\(typeName) is for \(alg), which is not among the \(allowedFrom) (\(allowedAlgorithms.joined(separator: ", ")))"))
                }
            } else if kty != nil {
                problems.append(KeyProblem(JWKSAlgorithmMismatchRule.self,
                                           "\(typeName) has no alg, so a verifier may accept it with any algorithm its type allows (RFC 8725 §3.1); publish alg"))
            }
        }
        if use == nil, mixesUses {
            problems.append(KeyProblem(JWKSAlgorithmMismatchRule.self,
                                       "\(typeName) has no use although the set holds encryption keys; OpenID Connect Discovery requires use on every key then"))
        }

        // A library's view of the public key: what jwt-kit refuses, verifiers built on it refuse too.
        if !weak, leaked.isEmpty, key["kid"] != nil {
            if let reason = await Self.jwtKitRejection(key) {
                problems.append(KeyProblem(JWKSWeakKeyRule.self, "\(typeName) is rejected by jwt-kit: \(reason)"))
            }
        }

        if let x5c = key["x5c"] as? [Any], !x5c.isEmpty {
            problems.append(contentsOf: checkCertificate(x5c[0], key: key, name: typeName))
        }
        return problems
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

    func checkCertificate(_ entry: Any, key: [String: Any], name: String) -> [KeyProblem] {
        guard let text = entry as? String, let der = Data(base64Encoded: text) else {
            return [KeyProblem(JWKSCertificateExpiringRule.self, "\(name): x5c[0] is not base64 (x5c uses standard base64, not base64url)")]
        }
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: [UInt8](der))
        } catch {
            return [KeyProblem(JWKSCertificateExpiringRule.self, "\(name): x5c[0] is not a DER X.509 certificate (swift-certificates: \(Self.scrub(String(describing: error), key: key)))")]
        }
        var problems: [KeyProblem] = []
        let expiryDay = Day.today(now: certificate.notValidAfter.timeIntervalSince1970)
        let left = today.days(until: expiryDay)
        // notAfter is the last instant of validity (RFC 5280), so one at 00:00:00Z today is over for the day.
        if certificate.notValidAfter.timeIntervalSince1970 <= Double(today.ordinal) * 86_400 || left < 0 {
            problems.append(KeyProblem(JWKSCertificateExpiringRule.self, "\(name): its x5c certificate expired on \(expiryDay)"))
        } else if left <= certificateWarnDays {
            problems.append(KeyProblem(JWKSCertificateExpiringRule.self,
                                       "\(name): its x5c certificate expires on \(expiryDay), in \(left) day\(left == 1 ? "" : "s") (warning at \(certificateWarnDays))"))
        }
        if let matches = Self.certificate(certificate, matches: key, pem: Self.pem(der)), !matches {
            problems.append(KeyProblem(JWKSCertificateExpiringRule.self, "\(name): its x5c certificate holds a different public key than the JWK beside it"))
        }
        return problems
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
