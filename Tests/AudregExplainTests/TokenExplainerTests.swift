import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregExplain
import AudregTestHelpers

/// Tokens minted by python3-jwcrypto (Fixtures/tokens/mint.py), verified by jwt-kit through audreg.
@Suite("Explain a token")
struct TokenExplainerTests {
    static let now = TokenFixtures.now
    static let tokens = PRSupport.path("Tests/Fixtures/tokens")

    static func registry() throws -> Registry {
        try RegistryLoader().load(directory: PRSupport.path("registry")).registry
    }

    static func token(_ name: String) throws -> String {
        try PRSupport.read("\(tokens)/\(name).jwt")
    }

    static func explain(_ name: String, at service: String = "orders-api", jwks: String = "jwks.json") async throws -> Explanation {
        let keys = try KeySet.load(file: "\(tokens)/\(jwks)")
        return try await TokenExplainer(registry: try registry(), now: now)
            .explain(.token(try token(name)), service: service, keys: .loaded(keys))
    }

    static func status(_ explanation: Explanation, _ question: ExplainQuestion) -> CheckStatus? {
        explanation.check(question)?.status
    }

    @Test("a valid token is admitted, with its scopes")
    func valid() async throws {
        let explanation = try await Self.explain("valid")
        #expect(explanation.verdict == .admitted, "\(explanation.checks)")
        #expect(explanation.checks.allSatisfy { $0.status == .pass })
        #expect(explanation.grantedScopes == ["orders.read", "orders.write"])
        let authentic = try #require(explanation.check(.authentic))
        #expect(authentic.reason.contains("corp-idp"))
        #expect(authentic.details.contains { $0.contains("signature verified with kid corp-2026-rs") })
        #expect(explanation.check(.timely)?.reason.contains("lifetime 10m within orders-api's maxLifetime 15m") == true)
    }

    @Test("an ES256 token at payments-api is admitted")
    func es256() async throws {
        let explanation = try await Self.explain("payments-es256", at: "payments-api")
        #expect(explanation.verdict == .admitted, "\(explanation.checks)")
        #expect(explanation.grantedScopes == ["payments.authorize"])
    }

    @Test("a token for another service fails 'issued for this service' and names that service")
    func otherService() async throws {
        let explanation = try await Self.explain("other-service")
        #expect(explanation.verdict == .rejected)
        #expect(Self.status(explanation, .authentic) == .pass)
        let check = try #require(explanation.check(.issuedForService))
        #expect(check.status == .fail)
        #expect(check.reason.contains("payments-api"))
        #expect(explanation.otherServices == ["payments-api"])
        #expect(ExplanationRenderer.text(explanation).contains("this token is for payments-api"))
    }

    @Test("an expired token fails the lifetime check")
    func expired() async throws {
        let explanation = try await Self.explain("expired")
        #expect(explanation.verdict == .rejected)
        #expect(Self.status(explanation, .authentic) == .pass)
        #expect(Self.status(explanation, .issuedForService) == .pass)
        let check = try #require(explanation.check(.timely))
        #expect(check.status == .fail)
        #expect(check.reason.contains("expired at 2026-12-01T08:10:00Z"))
        #expect(Self.status(explanation, .admitted) == .fail)
    }

    @Test("an alg none token is never authentic")
    func algNone() async throws {
        let explanation = try await Self.explain("alg-none")
        #expect(explanation.verdict == .rejected)
        let check = try #require(explanation.check(.authentic))
        #expect(check.status == .fail)
        #expect(check.reason.contains("alg none"))
    }

    @Test("a forged signature fails, even with the genuine kid")
    func forged() async throws {
        let explanation = try await Self.explain("forged")
        #expect(explanation.verdict == .rejected)
        let check = try #require(explanation.check(.authentic))
        #expect(check.status == .fail)
        #expect(check.reason.contains("signature does not verify"), "\(check.reason)")
        #expect(Self.status(explanation, .issuedForService) == .pass)
    }

    @Test("a payload altered after signing fails")
    func tampered() async throws {
        let explanation = try await Self.explain("tampered")
        #expect(Self.status(explanation, .authentic) == .fail)
        #expect(explanation.verdict == .rejected)
    }

    @Test("an unknown kid fails instead of falling back to the first key")
    func unknownKid() async throws {
        let explanation = try await Self.explain("unknown-kid")
        let check = try #require(explanation.check(.authentic))
        #expect(check.status == .fail)
        #expect(check.reason.contains("kid attacker-1 is not in the issuer's key set"))
    }

    @Test("an ID token (typ JWT) fails where at+jwt is required")
    func idToken() async throws {
        let explanation = try await Self.explain("id-token")
        #expect(explanation.verdict == .rejected)
        let check = try #require(explanation.check(.authentic))
        #expect(check.status == .fail)
        #expect(check.reason.contains("typ is JWT"))
        #expect(check.reason.contains("at+jwt"))
        // The signature itself is genuine: that is said too.
        #expect(check.details.contains { $0.contains("signature verified") })
    }

    @Test("a token living longer than maxLifetime fails")
    func longLived() async throws {
        let explanation = try await Self.explain("long-lived")
        let check = try #require(explanation.check(.timely))
        #expect(check.status == .fail)
        #expect(check.reason.contains("lifetime 2h exceeds orders-api's maxLifetime 15m"))
    }

    @Test("a token not yet valid fails")
    func notYetValid() async throws {
        let explanation = try await Self.explain("not-yet-valid")
        #expect(explanation.check(.timely)?.reason.contains("not valid before 2026-12-01T11:00:00Z") == true)
    }

    @Test("an HS256 token is refused: algorithm not allowed, and a symmetric key is never used")
    func hs256() async throws {
        let explanation = try await Self.explain("hs256", jwks: "jwks-mixed.json")
        let check = try #require(explanation.check(.authentic))
        #expect(check.status == .fail)
        #expect(check.reason.contains("alg HS256 is not allowed"))
        #expect(check.details.contains { $0.contains("symmetric (oct) key") })
    }

    @Test("a key set with an oct key and a key without kid still verifies tokens, key by key")
    func mixedKeySet() async throws {
        let explanation = try await Self.explain("valid", jwks: "jwks-mixed.json")
        #expect(explanation.verdict == .admitted, "\(explanation.checks)")
        let es = try await Self.explain("payments-es256", at: "payments-api", jwks: "jwks-mixed.json")
        #expect(es.verdict == .admitted)
    }

    @Test("claims alone: signature not checked, everything else checked")
    func claimsOnly() async throws {
        let data = try #require(FileManager.default.contents(atPath: "\(Self.tokens)/claims.json"))
        let explanation = try await TokenExplainer(registry: try Self.registry(), now: Self.now).explain(.claims(data), service: "orders-api")
        #expect(explanation.claimsOnly)
        #expect(Self.status(explanation, .authentic) == .notChecked)
        #expect(explanation.check(.authentic)?.reason.contains("not checked") == true)
        #expect(Self.status(explanation, .issuedForService) == .pass)
        #expect(Self.status(explanation, .timely) == .pass)
        #expect(explanation.verdict == .unverified)
    }

    @Test("output never holds the signature or key material")
    func noSecrets() async throws {
        let jwks = try PRSupport.read("\(Self.tokens)/jwks.json")
        let keyObject = try JSONSerialization.jsonObject(with: Data(jwks.utf8)) as? [String: Any]
        let keys = try #require(keyObject?["keys"] as? [[String: Any]])
        let material = keys.flatMap { key in ["n", "x", "y"].compactMap { key[$0] as? String } }
        for name in ["valid", "forged", "id-token", "tampered", "unknown-kid", "alg-none"] {
            let token = try Self.token(name).trimmingCharacters(in: .whitespacesAndNewlines)
            let signature = String(token.split(separator: ".", omittingEmptySubsequences: false)[2])
            let explanation = try await Self.explain(name)
            for output in [ExplanationRenderer.text(explanation), ExplanationRenderer.json(explanation)] {
                if !signature.isEmpty { #expect(!output.contains(signature), "\(name) output shows the signature") }
                #expect(!output.contains(token), "\(name) output shows the token")
                for value in material { #expect(!output.contains(value), "\(name) output shows key material") }
            }
        }
    }

    @Test("an unknown service is an error that names the choices")
    func unknownService() async throws {
        await #expect(throws: ExplainError.self) {
            _ = try await Self.explain("valid", at: "orders")
        }
    }

    @Test("a pasted Authorization header value, with Bearer and a line break, is read as the token")
    func bearerPrefix() async throws {
        let keys = try KeySet.load(file: "\(Self.tokens)/jwks.json")
        for pasted in ["Bearer " + (try Self.token("valid")), "  bearer \(try Self.token("valid"))\n", "Authorization: Bearer \(try Self.token("valid"))"] {
            let explanation = try await TokenExplainer(registry: try Self.registry(), now: Self.now)
                .explain(.token(pasted), service: "orders-api", keys: .loaded(keys))
            #expect(explanation.verdict == .admitted, "\(explanation.checks)")
        }
    }

    @Test("a misspelled service name gets the closest names as suggestions")
    func suggestions() async throws {
        do {
            _ = try await Self.explain("valid", at: "ordres-api")
            Issue.record("an unknown service was explained")
        } catch let error as ExplainError {
            #expect(error.description.contains("did you mean orders-api"), "\(error.description)")
        }
    }

    @Test("for an issuer the registry does not know, typ and required claims are not checked, never passed")
    func unknownIssuerIsNotChecked() async throws {
        let explanation = try await ExplainClaimsTests.explain(#"{"iss": "https://stranger.example", "aud": "https://orders.api.larkspur.example", "iat": 1796119200, "exp": 1796119800}"#)
        #expect(explanation.check(.claims)?.status == .notChecked)
        #expect(explanation.check(.claims)?.reason.contains("unknown issuer") == true)
        // A signed token at a service that does not accept its issuer: typ is not passed either.
        let signed = try await Self.explain("valid", at: "orders-api-staging")
        let details = signed.check(.authentic)?.details ?? []
        #expect(signed.check(.authentic)?.status == .fail)
        #expect(!details.contains { $0.hasPrefix("ok: typ") }, "\(details)")
        #expect(details.contains { $0.hasPrefix("not checked: typ") }, "\(details)")
        #expect(signed.check(.claims)?.status == .notChecked)
    }

    @Test("--now accepts a UTC time, a date and epoch seconds")
    func clock() {
        #expect(TimeText.parse("2026-12-01T10:05:00Z") == Self.now)
        #expect(TimeText.parse("2026-12-01") == 1_796_083_200)
        #expect(TimeText.parse("1796119500") == Self.now)
        #expect(TimeText.parse("2026-12-01 10:05") == nil)
        #expect(TimeText.utc(Self.now) == "2026-12-01T10:05:00Z")
    }
}

@Suite("Explain: claims checks")
struct ExplainClaimsTests {
    static func explain(_ claims: String, service: String = "orders-api") async throws -> Explanation {
        try await TokenExplainer(registry: try TokenExplainerTests.registry(), now: TokenExplainerTests.now)
            .explain(.claims(Data(claims.utf8)), service: service)
    }

    @Test("an iss that differs only by a trailing slash is named as such")
    func issuerNearMiss() async throws {
        let explanation = try await Self.explain(#"{"iss": "https://id.larkspur.example/", "aud": "https://orders.api.larkspur.example", "iat": 1796119200, "exp": 1796119800}"#)
        #expect(explanation.check(.authentic)?.status == .fail)
        #expect(explanation.check(.authentic)?.reason.contains("only by a trailing slash") == true)
    }

    @Test("an nbf or iat that is not a NumericDate fails, as verifiers refuse it; fractions compare as verifiers compare them")
    func unreadableTimes() async throws {
        let base = #""iss": "https://id.larkspur.example", "aud": "https://orders.api.larkspur.example", "exp": 1796119800"#
        for extra in [#""nbf": 1e19"#, #""nbf": "2099-01-01""#, #""iat": true"#] {
            let explanation = try await Self.explain("{\(base), \(extra)}")
            #expect(explanation.check(.timely)?.status == .fail, "\(extra)")
            #expect(explanation.check(.timely)?.reason.contains("is not a NumericDate") == true, "\(extra): \(explanation.check(.timely)?.reason ?? "")")
        }
        // now is 1796119500: nbf half a second ahead is not yet valid; exp half a second ahead still is.
        let notYet = try await Self.explain(#"{"iss": "https://id.larkspur.example", "aud": "https://orders.api.larkspur.example", "iat": 1796119200, "nbf": 1796119500.5, "exp": 1796119800}"#)
        #expect(notYet.check(.timely)?.status == .fail && notYet.check(.timely)?.reason.contains("not valid before") == true)
        let almost = try await Self.explain(#"{"iss": "https://id.larkspur.example", "aud": "https://orders.api.larkspur.example", "iat": 1796119200, "exp": 1796119500.5}"#)
        #expect(almost.check(.timely)?.reason.contains("expired") != true, "\(almost.check(.timely)?.reason ?? "")")
    }

    @Test("claims or a token part with a byte order mark are refused: parsers that strip it disagree on a repeated member")
    func byteOrderMarkIsRefused() async throws {
        let duplicate = Array(#"{"iss": "https://id.larkspur.example", "aud": "https://orders.api.larkspur.example", "aud": "https://payments.api.larkspur.example", "exp": 1796119800}"#.utf8)
        await #expect(throws: ExplainError.self) {
            _ = try await TokenExplainer(registry: try TokenExplainerTests.registry(), now: TokenExplainerTests.now)
                .explain(.claims(Data([0xEF, 0xBB, 0xBF] + duplicate)), service: "payments-api")
        }
        func segment(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let token = segment(Array(#"{"alg": "RS256", "typ": "at+jwt"}"#.utf8)) + "." + segment([0xEF, 0xBB, 0xBF] + duplicate) + ".c2ln"
        #expect(throws: DecodedToken.DecodeError.self) { try DecodedToken(compact: token) }
    }

    @Test("an issuer the service does not trust fails, naming the ones it does")
    func untrustedIssuer() async throws {
        let explanation = try await Self.explain(#"{"iss": "https://partners.id.larkspur.example", "aud": "https://orders.api.larkspur.example", "iat": 1796119200, "exp": 1796119800}"#)
        #expect(explanation.check(.authentic)?.reason.contains("does not trust (it accepts corp-idp)") == true)
    }

    @Test("a multi-audience token passes here and says which other services it opens")
    func multiAudience() async throws {
        let explanation = try await Self.explain(#"{"iss": "https://id.larkspur.example", "aud": ["https://orders.api.larkspur.example", "https://payments.api.larkspur.example"], "iat": 1796119200, "exp": 1796119800}"#)
        let check = try #require(explanation.check(.issuedForService))
        #expect(check.status == .pass)
        #expect(check.details.contains { $0.contains("also opens payments-api") })
    }

    @Test("missing aud, missing exp and missing required claims fail")
    func missing() async throws {
        let explanation = try await Self.explain(#"{"iss": "https://id.larkspur.example", "sub": "x"}"#)
        #expect(explanation.check(.issuedForService)?.status == .fail)
        #expect(explanation.check(.timely)?.reason.contains("no exp") == true)
        #expect(explanation.check(.claims)?.reason.contains("missing aud, exp, iat, jti") == true)
        #expect(explanation.verdict == .rejected)
    }

    @Test("repeated claim names are refused, and NumericDates out of range are reported, never trapped on")
    func duplicatesAndHugeDates() async throws {
        await #expect(throws: ExplainError.self) {
            _ = try await Self.explain(#"{"iss": "https://id.larkspur.example", "aud": "https://payments.api.larkspur.example", "aud": "https://orders.api.larkspur.example", "exp": 1796119800}"#)
        }
        let header = Data(#"{"alg":"none","alg":"RS256"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let payload = Data(#"{"iss":"x"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(throws: DecodedToken.DecodeError.self) { _ = try DecodedToken(compact: "\(header).\(payload).sig") }
        for claims in [#"{"exp": 1e19, "iat": -9e18}"#, #"{"exp": 9e18, "iat": -9e18}"#] {
            let explanation = try await Self.explain(claims)
            #expect(explanation.check(.timely)?.status == .fail)
            #expect(explanation.check(.timely)?.reason.contains("not a NumericDate") == true)
        }
    }

    @Test("when two Issuer entities name one iss, the one the service trusts is the one explained")
    func sharedIssuerValue() async throws {
        let yaml = """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: a-legacy-idp}
            spec: {issuer: https://login.example.com, jwksUri: https://login.example.com/old-keys}
            ---
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://login.example.com, jwksUri: https://login.example.com/keys}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: corp-idp}]
            """
        let registry = RegistryLoader().load(sources: [("r.yaml", Array(yaml.utf8))]).registry
        let explanation = try await TokenExplainer(registry: registry, now: TokenExplainerTests.now)
            .explain(.claims(Data(#"{"iss": "https://login.example.com", "aud": "https://orders.example.com", "iat": 1796119200, "exp": 1796119800}"#.utf8)), service: "orders-api")
        #expect(explanation.check(.authentic)?.reason.contains("a-legacy-idp") != true)
        #expect(explanation.check(.authentic)?.status != .fail, "\(String(describing: explanation.check(.authentic)))")
    }

    @Test("a token just expired, not yet valid by seconds, or issued in the future says what Envoy's default leeway accepts")
    func envoyLeewayIsNamed() async throws {
        let now = TokenExplainerTests.now
        let expired = try await Self.explain(#"{"iss": "https://id.larkspur.example", "aud": "https://orders.api.larkspur.example", "iat": \#(now - 600), "exp": \#(now - 30)}"#)
        #expect(expired.check(.timely)?.status == .fail)
        #expect(expired.check(.timely)?.details.contains { $0.hasPrefix("note: Envoy and Istio (jwt_verify_lib) allow 60 s of clock skew") } == true)
        let longAgo = try await Self.explain(#"{"iss": "https://id.larkspur.example", "aud": "https://orders.api.larkspur.example", "iat": \#(now - 600), "exp": \#(now - 300)}"#)
        #expect(longAgo.check(.timely)?.details.contains { $0.hasPrefix("note:") } == false)
        let future = try await Self.explain(#"{"iss": "https://id.larkspur.example", "aud": "https://orders.api.larkspur.example", "iat": \#(now + 300), "exp": \#(now + 600)}"#)
        #expect(future.check(.timely)?.details.contains { $0.contains("does not check iat") } == true)
    }

    @Test("scopes the service does not define are named, and grant nothing")
    func unknownScopes() async throws {
        let explanation = try await Self.explain(#"{"iss": "https://id.larkspur.example", "sub": "x", "aud": "https://orders.api.larkspur.example", "iat": 1796119200, "exp": 1796119800, "jti": "j", "scp": ["orders.read", "orders.admin"]}"#)
        #expect(explanation.grantedScopes == ["orders.read"])
        #expect(explanation.check(.admitted)?.details.contains { $0.contains("orders.admin means nothing to orders-api") } == true)
    }
}

/// Envoy, jose and jwt-kit compare a token's kid, alg and claim names byte for byte; Swift's `==`,
/// `contains` and `String`-keyed dictionaries take canonically equivalent text (é as U+00E9 and as
/// e + U+0301, KELVIN SIGN U+212A and K) for one. Each case was explained wrongly before.
@Suite("Explain: token text compared byte for byte")
struct ExplainExactTextTests {
    static let claims = #"{"iss": "https://id.larkspur.example", "sub": "x", "aud": "https://orders.api.larkspur.example", "iat": 1796119200, "exp": 1796119800, "jti": "j"}"#

    /// A compact token with an unusable signature: every check here fails before, or instead of, verifying it.
    static func token(header: String, claims: String = Self.claims) -> String {
        func segment(_ json: String) -> String {
            Data(json.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        return segment(header) + "." + segment(claims) + ".c2lnbmF0dXJl"
    }

    /// The repository's registry with orders-api's accepted issuer changed by `change`.
    static func registry(_ change: (inout AcceptedIssuer) -> Void) throws -> Registry {
        var registry = try TokenExplainerTests.registry()
        let index = try #require(registry.services.firstIndex { $0.name == "orders-api" })
        change(&registry.services[index].accepts[0])
        return registry
    }

    @Test("a token's kid é does not select a key whose kid is e + U+0301")
    func kidIsExact() async throws {
        var keys = try KeySet.load(file: "\(TokenExplainerTests.tokens)/jwks.json")
        for index in keys.entries.indices { keys.entries[index].kid = "e\u{301}" }
        let explanation = try await TokenExplainer(registry: try TokenExplainerTests.registry(), now: TokenExplainerTests.now)
            .explain(.token(Self.token(header: #"{"alg": "RS256", "typ": "at+jwt", "kid": "\#u{E9}"}"#)), service: "orders-api", keys: .loaded(keys))
        let check = try #require(explanation.check(.authentic))
        #expect(check.status == .fail)
        #expect(check.reason.contains("kid \u{E9} is not in the issuer's key set"), "\(check.reason)")
    }

    @Test("a key for ES256K does not verify a token whose alg is ES256 + KELVIN SIGN")
    func keyAlgIsExact() async throws {
        let keys = try KeySet(json: Data(#"{"keys": [{"kty": "EC", "crv": "secp256k1", "kid": "k1", "alg": "ES256K", "x": "AAAA", "y": "AAAA"}]}"#.utf8), source: "keys.json")
        let token = try DecodedToken(compact: Self.token(header: #"{"alg": "ES256\#u{212A}", "kid": "k1"}"#))
        let verification = await keys.verify(token)
        #expect(verification.status == .fail)
        #expect(verification.message.contains("kid k1 is for ES256K, but the token says ES256\u{212A}"), "\(verification.message)")
    }

    @Test("alg ES256 + KELVIN SIGN is not allowed where ES256K is")
    func allowedAlgIsExact() async throws {
        let registry = try Self.registry { $0.algorithms = [Located("ES256K", at: $0.location)] }
        let keys = try KeySet(json: Data(#"{"keys": []}"#.utf8), source: "keys.json")
        let explanation = try await TokenExplainer(registry: registry, now: TokenExplainerTests.now)
            .explain(.token(Self.token(header: #"{"alg": "ES256\#u{212A}", "typ": "at+jwt"}"#)), service: "orders-api", keys: .loaded(keys))
        let check = try #require(explanation.check(.authentic))
        #expect(check.status == .fail)
        #expect(check.reason.contains("alg ES256\u{212A} is not allowed here"), "\(check.reason)")
        #expect(!check.details.contains { $0.hasPrefix("ok: alg") }, "\(check.details)")
    }

    @Test("an alg the service lists is refused when the issuer does not sign with it or the policy forbids it")
    func algorithmListsIntersect() async throws {
        // corp-idp signs with RS256 and ES256; the default policy allows RS256, PS256, ES256 and EdDSA.
        let keys = try KeySet(json: Data(#"{"keys": []}"#.utf8), source: "keys.json")
        for (listed, alg, lacking) in [(["PS256", "RS256"], "PS256", "issuer corp-idp's algorithms (RS256, ES256)"),
                                       (["ES384", "ES256"], "ES384", "issuer corp-idp's algorithms (RS256, ES256) or the policy's allowedAlgorithms")] {
            let registry = try Self.registry { $0.algorithms = listed.map { Located($0, at: .init(file: "s.yaml", line: 1, column: 1)) } }
            let explanation = try await TokenExplainer(registry: registry, now: TokenExplainerTests.now)
                .explain(.token(Self.token(header: #"{"alg": "\#(alg)", "typ": "at+jwt"}"#)), service: "orders-api", keys: .loaded(keys))
            let check = try #require(explanation.check(.authentic))
            #expect(check.status == .fail)
            #expect(check.reason.contains("alg \(alg) is not allowed here (allowed: \(listed[1])): not in \(lacking)"), "\(check.reason)")
        }
    }

    @Test("a key on a curve jwt-kit cannot use leaves the signature not checked, never failed")
    func unusableKeyIsNotChecked() async throws {
        // secp256k1's generator point: a valid ES256K public key, which jwt-kit has no curve for.
        let keys = try KeySet(json: Data(#"{"keys": [{"kty": "EC", "crv": "secp256k1", "kid": "k1", "alg": "ES256K", "x": "eb5mfvncu6xVoGKVzocLBwKb_NstzijZWfKBWxb4F5g", "y": "SDradyajxGVdpPv8DhEIqP0XtEimhVQZnEfQj_sQ1Lg"}]}"#.utf8), source: "keys.json")
        let token = try DecodedToken(compact: Self.token(header: #"{"alg": "ES256K", "kid": "k1"}"#))
        let verification = await keys.verify(token)
        #expect(verification.status == .notChecked, "\(verification.message)")
        #expect(verification.message.hasPrefix("signature not checked: audreg cannot verify ES256K with kid k1: jwt-kit cannot"), "\(verification.message)")
        #expect(verification.message.contains("curve secp256k1"), "\(verification.message)")
    }

    @Test("a key on another curve is ruled out: beside the issuer's P-256 key, it cannot turn a forged ES256 token into 'not checked'")
    func otherCurveIsNoExcuse() async throws {
        var keys = try KeySet.load(file: "\(TokenExplainerTests.tokens)/jwks.json")
        let secp256k1 = try KeySet(json: Data(#"{"keys": [{"kty": "EC", "crv": "secp256k1", "x": "eb5mfvncu6xVoGKVzocLBwKb_NstzijZWfKBWxb4F5g", "y": "SDradyajxGVdpPv8DhEIqP0XtEimhVQZnEfQj_sQ1Lg"}]}"#.utf8), source: "keys.json")
        keys.entries += secp256k1.entries
        // An ES256 token without kid whose signature no key verifies.
        let token = try DecodedToken(compact: Self.token(header: #"{"alg": "ES256", "typ": "at+jwt"}"#))
        let verification = await keys.verify(token)
        #expect(verification.status == .fail, "\(verification.message)")
        #expect(verification.message.contains("a key without kid is a secp256k1 key, which cannot verify ES256"), "\(verification.message)")
    }

    @Test("a required claim é is missing when the token has a claim e + U+0301", arguments: [false, true])
    func requiredClaimIsExact(signed: Bool) async throws {
        let registry = try Self.registry { accepted in
            accepted.requiredClaims = (accepted.requiredClaims ?? []) + [Located("\u{E9}tage", at: accepted.location)]
        }
        let claims = String(Self.claims.dropLast()) + #", "e\#u{301}tage": "3"}"#
        let explanation = try await TokenExplainer(registry: registry, now: TokenExplainerTests.now)
            .explain(signed ? .token(Self.token(header: #"{"alg": "RS256", "typ": "at+jwt"}"#, claims: claims)) : .claims(Data(claims.utf8)),
                     service: "orders-api", keys: .loaded(try KeySet(json: Data(#"{"keys": []}"#.utf8), source: "keys.json")))
        let check = try #require(explanation.check(.claims))
        #expect(check.status == .fail)
        #expect(check.reason.hasPrefix("missing \u{E9}tage ("), "\(check.reason)")
    }

    @Test("claims whose names differ only by normalization are two claims, each present")
    func equivalentClaimNamesBothPresent() async throws {
        let registry = try Self.registry { accepted in
            accepted.requiredClaims = (accepted.requiredClaims ?? []) + [Located("\u{E9}tage", at: accepted.location), Located("e\u{301}tage", at: accepted.location)]
        }
        let claims = String(Self.claims.dropLast()) + #", "\#u{E9}tage": "3", "e\#u{301}tage": "4"}"#
        let explanation = try await TokenExplainer(registry: registry, now: TokenExplainerTests.now).explain(.claims(Data(claims.utf8)), service: "orders-api")
        #expect(explanation.check(.claims)?.status == .pass, "\(explanation.check(.claims)?.reason ?? "")")
    }

    @Test("a scope or role e + U+0301 grants nothing where the service defines \u{E9}")
    func scopesAndRolesAreExact() async throws {
        var registry = try TokenExplainerTests.registry()
        let index = try #require(registry.services.firstIndex { $0.name == "orders-api" })
        let at = registry.services[index].accepts[0].location
        registry.services[index].scopes = [Located("orders.caf\u{E9}", at: at)]
        registry.services[index].roles = [Located("caf\u{E9}-admin", at: at)]
        let claims = String(Self.claims.dropLast()) + #", "scope": "orders.cafe\#u{301}", "roles": ["cafe\#u{301}-admin"]}"#
        let explanation = try await TokenExplainer(registry: registry, now: TokenExplainerTests.now).explain(.claims(Data(claims.utf8)), service: "orders-api")
        #expect(explanation.grantedScopes.isEmpty, "\(explanation.grantedScopes)")
        #expect(explanation.grantedRoles.isEmpty, "\(explanation.grantedRoles)")
        #expect(explanation.check(.admitted)?.details.contains { $0.contains("scope orders.cafe\u{301} means nothing to orders-api") } == true)
    }
}
