import Testing
@testable import AudregCore
import AudregTestHelpers

/// The issuer rules judge facts that drift read; here the facts are written by hand, so each rule's
/// check is tested in core, without a network, jwt-kit or swift-certificates.
@Suite("Issuer rules over published facts")
struct IssuerRuleTests {
    static let today = Day(year: 2026, month: 6, day: 1)!

    static func issuer(_ issuer: String = "https://idp.example.com", jwks: String = "https://idp.example.com/keys") throws -> Issuer {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        directory.write("issuers.yaml", """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec:
              issuer: \(issuer)
              discoveryUrl: https://idp.example.com/.well-known/openid-configuration
              jwksUri: \(jwks)

            """)
        return try #require(try RegistryLoader().load(directory: directory.path).registry.issuers.first)
    }

    static func keySet(_ keys: [PublishedKey]) -> PublishedKeySet {
        PublishedKeySet(keys: keys, allowedAlgorithms: ["RS256"], allowedFrom: "issuer's algorithms", today: today, certificateWarnDays: 30)
    }

    static func rsa(_ index: Int = 0, kid: String = "k1", bits: Int = 2048) -> PublishedKey {
        PublishedKey(index: index, kid: kid, hasKidMember: true, kty: "RSA", alg: "RS256", use: "sig", modulusBits: bits)
    }

    @Test("a short modulus is weak; jwt-kit's refusal counts only for a key it was asked about")
    func weakKeys() {
        #expect(JWKSWeakKeyRule.check(Self.keySet([Self.rsa()])).isEmpty)
        let short = JWKSWeakKeyRule.check(Self.keySet([Self.rsa(bits: 1024)]))
        #expect(short.map(\.message) == ["key 'k1' (RSA) has a 1024-bit modulus; at least 2048 bits are required (RFC 7518 §3.3)"])
        var refused = Self.rsa()
        refused.libraryRejection = "bad exponent"
        #expect(refused.asksLibrary)
        #expect(JWKSWeakKeyRule.check(Self.keySet([refused])).map(\.message) == ["key 'k1' (RSA) is rejected by jwt-kit: bad exponent"])
        refused.privateMembers = ["d"]
        #expect(!refused.asksLibrary)
        #expect(JWKSWeakKeyRule.check(Self.keySet([refused])).isEmpty)
        #expect(JWKSPrivateKeyMaterialRule.check(Self.keySet([refused])).map(\.ruleID) == ["jwks-private-key-material"])
    }

    @Test("a certificate whose notAfter is today's first instant has expired; one a day later expires in 1 day")
    func certificateDates() {
        var key = Self.rsa()
        let midnight = Double(Self.today.ordinal) * 86_400
        key.certificate = .parsed(PublishedCertificateFacts(notAfter: midnight, keyMatches: true))
        #expect(JWKSCertificateExpiringRule.check(Self.keySet([key])).map(\.message) == ["key 'k1' (RSA): its x5c certificate expired on 2026-06-01"])
        key.certificate = .parsed(PublishedCertificateFacts(notAfter: midnight + 86_400, keyMatches: false))
        #expect(JWKSCertificateExpiringRule.check(Self.keySet([key])).map(\.message) == [
            "key 'k1' (RSA): its x5c certificate expires on 2026-06-02, in 1 day (warning at 30)",
            "key 'k1' (RSA): its x5c certificate holds a different public key than the JWK beside it",
        ])
    }

    @Test("duplicate and missing kids; an entry that is no object is the weak-key rule's alone")
    func kids() {
        let keys = [Self.rsa(0), Self.rsa(1), PublishedKey(index: 2, kty: "RSA", alg: "RS256", modulusBits: 2048), PublishedKey(index: 3, isObject: false)]
        #expect(JWKSKidProblemRule.check(Self.keySet(keys)).map(\.message) == [
            "keys[2] has no kid, so verifiers cannot pick it by the token's header and rotation breaks",
            "kid 'k1' is used by 2 keys; a verifier may pick the wrong one",
        ])
        #expect(JWKSWeakKeyRule.check(Self.keySet(keys)).map(\.message) == ["keys[3] is not a JSON object"])
        #expect(JWKSKidProblemRule.check(Self.keySet([])).map(\.message) == ["the key set is empty: no token can be verified"])
    }

    @Test("kids and JOSE names are compared byte for byte: canonically equivalent kids are two kids, a KELVIN SIGN alg is no ES256K")
    func exactKeyFacts() {
        let kids = [Self.rsa(0, kid: "caf\u{E9}"), Self.rsa(1, kid: "cafe\u{301}")]
        #expect(JWKSKidProblemRule.check(Self.keySet(kids)).isEmpty, "a verifier picks by bytes: these are different kids")
        let kelvin = PublishedKey(index: 0, kid: "k", hasKidMember: true, kty: "EC", alg: "ES256\u{212A}", use: "sig", crv: "P-256")
        #expect(kelvin.alg == "ES256\\u{212A}")
        var set = Self.keySet([kelvin])
        set.allowedAlgorithms = ["ES256K"]
        #expect(JWKSAlgorithmMismatchRule.check(set).map(\.message) == [
            "key 'k' (EC) is for ES256\\u{212A}, which is not among the issuer's algorithms (ES256K)",
        ])
        #expect(JWKSWeakKeyRule.check(set).isEmpty, "not read as ES256K, whose curve P-256 would not fit")
    }

    @Test("the discovery document's issuer is compared byte for byte, and findings sit on the registry's field")
    func discoveryIssuer() throws {
        let issuer = try Self.issuer("https://idp.example.com/t\u{FC}")
        func context(published: String?) -> IssuerContext {
            IssuerContext(issuer: issuer, discovery: PublishedDiscovery(url: issuer.discoveryUrl!, outcome: .read(
                DiscoveryDocument(issuer: published, jwksUri: "https://idp.example.com/keys", leaks: []))), jwks: nil)
        }
        #expect(DiscoveryIssuerMismatchRule.check(context(published: "https://idp.example.com/t\u{FC}")).isEmpty)
        let decomposed = DiscoveryIssuerMismatchRule.check(context(published: "https://idp.example.com/tu\u{308}"))
        #expect(decomposed.count == 1)
        #expect(decomposed.first?.location == issuer.issuer?.location)
        #expect(decomposed.first?.related.map(\.message) == ["the discovery document fetched"])
        #expect(DiscoveryIssuerMismatchRule.check(context(published: nil)).first?.message.hasSuffix("has no issuer; the registry says 'https://idp.example.com/t\u{FC}'") == true)
        #expect(DiscoveryJWKSMismatchRule.check(context(published: nil)).isEmpty)
    }

    @Test("the discovery document's jwks_uri is compared byte for byte with the registry's")
    func discoveryJWKS() throws {
        let issuer = try Self.issuer(jwks: "https://idp.example.com/k\u{E9}ys")
        func findings(_ published: String) -> [Finding] {
            DiscoveryJWKSMismatchRule.check(IssuerContext(issuer: issuer, discovery: PublishedDiscovery(url: issuer.discoveryUrl!, outcome: .read(
                DiscoveryDocument(issuer: "https://idp.example.com", jwksUri: published, leaks: []))), jwks: nil))
        }
        #expect(findings("https://idp.example.com/k\u{E9}ys").isEmpty)
        let decomposed = findings("https://idp.example.com/ke\u{301}ys")
        #expect(decomposed.count == 1, "canonically equivalent is not the same URL to a gateway")
        #expect(decomposed.first?.location == issuer.jwksUri?.location)
    }

    @Test("a key set that was not read is jwks-unreachable's, and the key-set rules find nothing in it")
    func unreachable() throws {
        let issuer = try Self.issuer()
        let jwks = PublishedJWKS(url: issuer.jwksUri!, fromDiscovery: true, outcome: .unfetched(reason: "connection refused"),
                                 leaks: [PrivateMemberLeak(path: "$.signing", members: ["d"])])
        let context = IssuerContext(issuer: issuer, discovery: nil, jwks: jwks)
        #expect(JWKSUnreachableRule.check(context).map(\.message) == [
            "issuer 'corp-idp': JWKS https://idp.example.com/keys (from the discovery document) cannot be fetched: connection refused",
        ])
        #expect(JWKSKidProblemRule.check(context).isEmpty)
        #expect(JWKSPrivateKeyMaterialRule.check(context).map(\.message) == [
            "issuer 'corp-idp': JWKS https://idp.example.com/keys (from the discovery document) holds private key members (d) at $.signing: anyone who reads it can sign tokens; rotate the key now",
        ])
    }
}
