import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// Key sets made by python3-jwcrypto and python3-cryptography (make-fixtures.sh), read the way drift reads them.
@Suite("Drift: JWKS analysis of independently made keys")
struct JWKSAnalyzerTests {
    static func problems(_ name: String, algorithms: [String] = ["RS256", "ES256", "EdDSA"], today: Day = DriftTest.today) async -> [KeyProblem] {
        let analyzer = JWKSAnalyzer(allowedAlgorithms: algorithms, allowedFrom: "issuer's algorithms", today: today, certificateWarnDays: 30)
        guard case .success(let problems) = await analyzer.analyze(DriftFixtures.bytes("jwks/\(name).json")) else {
            Issue.record("\(name) did not parse")
            return []
        }
        return problems
    }

    static func rules(_ problems: [KeyProblem]) -> [String] { problems.map(\.ruleID).sorted() }

    @Test("good key sets (RSA 2048 with x5c, P-256 with x5c, Ed25519 with x5c) raise nothing")
    func good() async {
        #expect(await Self.problems("good") == [])
        #expect(await Self.problems("rsa-2048") == [])
        #expect(await Self.problems("ec-p256") == [])
        #expect(await Self.problems("ed25519") == [])
    }

    @Test("RSA 1024 is weak and the bit count is named")
    func rsa1024() async {
        let found = await Self.problems("rsa-1024")
        #expect(Self.rules(found) == ["jwks-weak-key"])
        #expect(found.first?.message.contains("1024-bit") == true)
    }

    @Test("a leaked d is private key material, and the message carries no key material")
    func leakedD() async {
        let found = await Self.problems("leaked-d")
        #expect(Self.rules(found).contains("jwks-private-key-material"))
        let key = (DriftFixtures.jwks("leaked-d")["keys"] as! [[String: Any]])[0]
        for problem in found {
            #expect(problem.message.contains("d, dp, dq, p, q, qi") || problem.ruleID != "jwks-private-key-material")
            for member in ["d", "p", "q", "dp", "dq", "qi", "n"] {
                let value = key[member] as! String
                #expect(!problem.message.contains(value.prefix(16)), "message leaks \(member)")
            }
        }
    }

    @Test("an oct key with k is private key material")
    func octKey() async {
        #expect(Self.rules(await Self.problems("oct", algorithms: ["HS256"])).contains("jwks-private-key-material"))
    }

    @Test("duplicate and missing kids")
    func kids() async {
        let duplicate = await Self.problems("duplicate-kid")
        #expect(Self.rules(duplicate) == ["jwks-kid-problem"])
        #expect(duplicate.first?.message.contains("'rsa-2048' is used by 2 keys") == true)
        #expect(Self.rules(await Self.problems("missing-kid")) == ["jwks-kid-problem"])
    }

    @Test("expired, expiring and mismatched x5c certificates")
    func certificates() async {
        let expired = await Self.problems("expired-cert")
        #expect(Self.rules(expired) == ["jwks-certificate-expiring"])
        #expect(expired.first?.message.contains("expired on 2021-01-01") == true)
        let expiring = await Self.problems("expiring-cert")
        #expect(expiring.first?.message.contains("expires on 2026-06-15, in 14 days") == true)
        #expect(await Self.problems("expiring-cert", today: Day(year: 2026, month: 1, day: 1)!) == [])
        let mismatch = await Self.problems("cert-mismatch")
        #expect(Self.rules(mismatch) == ["jwks-certificate-expiring"])
        #expect(mismatch.first?.message.contains("different public key") == true)
    }

    @Test("EC curve that does not match alg, unknown kty")
    func weakShapes() async {
        let curve = await Self.problems("ec-wrong-curve")
        #expect(Self.rules(curve) == ["jwks-weak-key"])
        #expect(curve.first?.message.contains("P-384") == true)
        #expect(Self.rules(await Self.problems("unknown-kty")).contains("jwks-weak-key"))
    }

    @Test("alg outside the issuer's algorithms, or missing")
    func algorithms() async {
        let other = await Self.problems("alg-hs256")
        #expect(Self.rules(other) == ["jwks-algorithm-mismatch"])
        #expect(other.first?.message.contains("RS512") == true)
        #expect(Self.rules(await Self.problems("alg-missing")) == ["jwks-algorithm-mismatch"])
        #expect(Self.rules(await Self.problems("ec-p256", algorithms: ["RS256"])) == ["jwks-algorithm-mismatch"])
    }

    @Test("bodies that are not key sets are refused with a reason")
    func notJWKS() async {
        let analyzer = JWKSAnalyzer(allowedAlgorithms: ["RS256"], allowedFrom: "x", today: DriftTest.today, certificateWarnDays: 30)
        for (body, reason) in [("<html>", "not JSON"), ("[1]", "not a JSON object"), ("{\"kids\": []}", "no \"keys\" array")] {
            guard case .failure(let failure) = await analyzer.analyze(Array(body.utf8)) else {
                Issue.record("\(body) accepted")
                continue
            }
            #expect(failure.reason.contains(reason))
        }
    }

    @Test("saving redacts private members")
    func redaction() {
        let (body, redacted) = KeyMaterial.redactPrivateMembers(DriftFixtures.bytes("jwks/leaked-d.json"))
        #expect(redacted)
        let key = (DriftFixtures.jwks("leaked-d")["keys"] as! [[String: Any]])[0]
        let text = String(decoding: body, as: UTF8.self)
        #expect(!text.contains(key["d"] as! String))
        #expect(text.contains(key["n"] as! String))
        #expect(KeyMaterial.redactPrivateMembers(DriftFixtures.bytes("jwks/good.json")).redacted == false)
    }

    /// Found by the JWKS fuzz target; the key sets are its seeds in Fuzz/corpus/jwks.
    static func fuzzSeed(_ name: String, today: Day) async throws -> [KeyProblem] {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/Fuzz/corpus/jwks/" + name)))
        let analyzer = JWKSAnalyzer(allowedAlgorithms: ["RS256", "PS256", "ES256", "ES384", "EdDSA"], allowedFrom: "test", today: today,
                                    certificateWarnDays: 30)
        guard case .success(let problems) = await analyzer.analyze(bytes) else { throw FetchFailure("\(name) did not parse") }
        return problems
    }

    @Test("an RSA key whose x5c certificate holds an EC key is a mismatch, like the EC and Ed25519 cases")
    func rsaKeyWithECCertificate() async throws {
        let found = try await Self.fuzzSeed("x5c-rsa-and-mismatches.json", today: Day("2026-12-01")!)
        let mismatched = found.filter { $0.message.contains("holds a different public key") }.map { $0.message.prefix { $0 != ":" } }
        for kid in ["rsa-ec-cert", "ec-rsa-cert", "ed-rsa-cert"] {
            #expect(mismatched.contains { $0.contains(kid) }, "\(kid) is not reported: \(found.map(\.message))")
        }
        #expect(!mismatched.contains { $0.contains("'rsa'") || $0.hasSuffix("rsa") }, "the matching RSA key is not reported")
    }

    @Test("a certificate whose notAfter is 00:00:00Z today has expired")
    func expiryAtMidnight() async throws {
        let found = try await Self.fuzzSeed("x5c-p256-boundary.json", today: Day("2026-12-01")!)
        let p256 = found.filter { $0.message.contains("p256") && !$0.message.contains("p256-") }.map(\.message)
        #expect(p256.contains { $0.contains("expired on 2026-12-01") }, "\(found.map(\.message))")
        #expect(!p256.contains { $0.contains("in 0 days") })
    }
}
