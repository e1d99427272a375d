import Foundation
import AudregCore
import AudregDrift

/// What `explain` looks at: a compact token, or claims alone.
public enum TokenMaterial: Sendable {
    case token(String)
    /// A JSON object of claims: everything but the signature, `alg` and `typ` can be checked.
    case claims(Data)
}

/// Where the issuer's keys come from.
public enum KeySource: Sendable {
    /// A JWKS file or an http(s) URL given on the command line.
    case given(String)
    /// The `jwksUri` of the registry's Issuer whose `issuer` equals the token's `iss`.
    case registry
    /// Already loaded (tests).
    case loaded(KeySet)
}

public struct ExplainError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Answers, for one token at one service: is it authentic, was it issued for this service, is it within its
/// lifetime, and is it admitted with which scopes. The registry says what the service accepts; jwt-kit checks
/// the signature; every claim check is done here against one clock so the answer is reproducible.
public struct TokenExplainer: Sendable {
    public var registry: Registry
    /// Seconds since 1970: the moment `exp`, `nbf` and `iat` are checked against.
    public var now: Int
    /// How long fetching a JWKS may take, in seconds.
    public var fetchTimeout: Int64 = 10
    /// Which addresses a JWKS may be fetched from; by default public unicast addresses only.
    public var network = NetworkPolicy()

    public init(registry: Registry, now: Int) {
        self.registry = registry
        self.now = now
    }

    public func explain(_ material: TokenMaterial, service name: String, keys keySource: KeySource = .registry) async throws -> Explanation {
        let index = registry.index()
        guard let service = index.services[name] else {
            let names = registry.services.map(\.name).sorted()
            var close = Suggestion.closest(to: name, in: names).map { [$0] } ?? []
            close += names.filter { ($0.contains(name) || name.contains($0)) && !close.contains($0) }.prefix(3)
            throw ExplainError("no service '\(name)' in the registry" + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?")
                               + " (\(names.count) services: audreg validate lists them)")
        }

        var header: [String: TokenValue] = [:]
        let claims: [String: TokenValue]
        let claimNames: [String]
        var decoded: DecodedToken?
        switch material {
        case .token(let text):
            do {
                let token = try DecodedToken(compact: Self.compactToken(from: text))
                header = token.header
                claims = token.claims
                claimNames = token.claimNames
                decoded = token
            } catch {
                throw ExplainError(error.description)
            }
        case .claims(let data):
            guard let object = try? JSONDecoder().decode([String: TokenValue].self, from: data) else {
                throw ExplainError("the claims file is not a JSON object")
            }
            switch StrictJSON.parse([UInt8](data)) {
            case .failure(.duplicateMember):
                throw ExplainError("the claims repeat a member name: verifiers disagree on which one counts (RFC 7519 §4), so audreg does not explain them")
            case .failure:
                throw ExplainError("the claims file is not plain UTF-8 JSON (no byte order mark, no UTF-16): parsers would read it differently")
            case .success: break
            }
            claims = object
            claimNames = DecodedToken.memberNames(data) ?? Array(object.keys)
        }

        let iss = claims["iss"]?.string
        // `iss` and `aud` are compared byte for byte, as the libraries that will check this token do.
        // Several Issuer entities may name one `iss`: a verifier configured for this service accepts the
        // token through the one the service trusts, so that one is preferred over the first.
        let candidates = iss.map { value in registry.issuers.filter { $0.issuer?.value == ExactString(value) } } ?? []
        let issuer = candidates.first { candidate in service.accepts.contains { $0.issuer.value == candidate.name } } ?? candidates.first
        let accepted = issuer.flatMap { issuer in service.accepts.first { $0.issuer.value == issuer.name } }

        var checks: [ExplainCheck] = []
        checks.append(await authentic(service: service, header: header, token: decoded, iss: iss, issuer: issuer,
                                      accepted: accepted, keySource: keySource))
        let (audience, others) = issuedFor(service: service, claims: claims)
        checks.append(audience)
        checks.append(timely(service: service, claims: claims, accepted: accepted))
        checks.append(requiredClaims(service: service, claimNames: claimNames, accepted: accepted))
        let (admitted, scopes, roles) = self.admitted(service: service, claims: claims, previous: checks)
        checks.append(admitted)

        return Explanation(service: service.name, header: Self.shownHeader(header), claims: Self.shownClaims(claims),
                           checks: checks, otherServices: others, grantedScopes: scopes, grantedRoles: roles,
                           now: now, claimsOnly: decoded == nil)
    }

    // MARK: Authentic

    func authentic(service: Service, header: [String: TokenValue], token: DecodedToken?, iss: String?, issuer: Issuer?,
                   accepted: AcceptedIssuer?, keySource: KeySource) async -> ExplainCheck {
        var failures: [String] = []
        var passes: [String] = []
        var unchecked: [String] = []
        let trusted = service.accepts.map(\.issuer.value)

        if let iss {
            if let issuer {
                if accepted != nil {
                    passes.append("iss \(iss) is \(issuer.name), which \(service.name) trusts")
                } else {
                    failures.append("iss \(iss) is \(issuer.name), which \(service.name) does not trust (it accepts \(trusted.isEmpty ? "no issuer" : trusted.joined(separator: ", ")))")
                }
            } else if let (near, how) = registry.issuers.lazy.compactMap({ issuer in issuer.issuer.flatMap { Self.nearMiss($0.value.text, iss) }.map { (issuer, $0) } }).first {
                failures.append("iss \(iss) differs from \(near.name)'s issuer \(near.issuer!.value) only by \(how); iss must match exactly (RFC 9068 §4)")
            } else {
                failures.append("iss \(iss) is not an issuer in the registry")
            }
        } else {
            failures.append("the token has no iss, so its keys cannot be tied to an issuer (RFC 8725 §3.8)")
        }

        let alg = header["alg"]?.string
        if token != nil {
            if let alg {
                if alg.lowercased() == "none" {
                    failures.append("alg none: the token is unsigned, and an unsigned token is never authentic (RFC 8725 §3.2, RFC 9068 §4)")
                } else {
                    let lists = Self.algorithmLists(service: service, accepted: accepted, issuer: issuer, policy: registry.policy)
                    // Byte for byte: `contains` would take ES256 + KELVIN SIGN (U+212A) for an allowed ES256K.
                    let lacking = lists.filter { list in !list.algorithms.contains { $0.isExactly(alg) } }
                    if lacking.isEmpty {
                        passes.append("alg \(alg) is allowed")
                    } else {
                        let allowed = lists[0].algorithms.filter { candidate in lists.allSatisfy { $0.algorithms.contains { $0.isExactly(candidate) } } }
                        failures.append("alg \(alg) is not allowed here (allowed: \(allowed.isEmpty ? "no algorithm" : allowed.joined(separator: ", "))): "
                                        + "not in \(lacking.map { "\($0.owner) (\($0.algorithms.joined(separator: ", ")))" }.joined(separator: " or "))")
                    }
                }
            } else {
                failures.append("the header has no alg")
            }

            if let crit = header["crit"] {
                failures.append("the header marks \(crit.display) as critical; audreg understands no JWS extension, so the token must be rejected (RFC 7515 §4.1.11)")
            }
            for field in ["jku", "x5u", "jwk", "x5c"] where header[field] != nil {
                passes.append("header \(field) ignored: keys come only from the issuer's registered key set (RFC 8725 §3.10)")
            }

            let required = accepted?.tokenTypes?.map(\.value) ?? []
            let typ = header["typ"]?.string
            if accepted == nil {
                // What the service requires of typ is written per issuer it accepts; for any other issuer
                // nothing can be said, so nothing passes.
                unchecked.append("not checked: typ, since no issuer that \(service.name) accepts applies to this token")
            } else if !required.isEmpty {
                if let typ {
                    if required.map(Self.normalizedType).contains(Self.normalizedType(typ)) {
                        passes.append("typ \(typ) is accepted")
                    } else {
                        let kind = Self.normalizedType(typ) == "jwt" ? " (an ID token or another kind of JWT, not an access token)" : ""
                        failures.append("typ is \(typ)\(kind); \(service.name) requires \(required.joined(separator: " or ")) (RFC 9068 §4, RFC 8725 §3.11)")
                    }
                } else {
                    failures.append("the header has no typ; \(service.name) requires \(required.joined(separator: " or "))")
                }
            } else if let typ {
                passes.append("typ \(typ) (\(service.name) does not check typ)")
            }

            if let token, alg?.lowercased() != "none" {
                switch await keys(for: issuer, source: keySource) {
                case .success(let keySet):
                    let verification = await keySet.verify(token)
                    switch verification.status {
                    case .pass: passes.append(verification.message)
                    case .fail: failures.append(verification.message)
                    case .notChecked: unchecked.append(verification.message)
                    }
                case .failure(let reason):
                    unchecked.append("signature not checked: \(reason)")
                }
            }
        } else {
            unchecked.append("signature, alg and typ not checked: only claims were given (--claims)")
        }

        if !failures.isEmpty {
            return ExplainCheck(.authentic, .fail, failures[0], details: failures.dropFirst().map { "fail: \($0)" } + passes.map { "ok: \($0)" } + unchecked)
        }
        if !unchecked.isEmpty {
            return ExplainCheck(.authentic, .notChecked, unchecked[0], details: passes.map { "ok: \($0)" })
        }
        let who = issuer.map { "signed by \($0.name)" } ?? "signed"
        let summary = "\(who) with \(alg ?? "?")" + (header["kid"]?.string.map { " (kid \($0))" } ?? "")
            + (header["typ"]?.string.map { ", typ \($0)" } ?? "")
        return ExplainCheck(.authentic, .pass, summary, details: passes.map { "ok: \($0)" })
    }

    /// Every list a token's `alg` must be in: the service's own list for this issuer, the issuer's and the
    /// policy's. A verifier configured from the registry accepts only what all of them allow; taking the
    /// first list that is written would pass an algorithm the issuer never signs with or the policy forbids.
    static func algorithmLists(service: Service, accepted: AcceptedIssuer?, issuer: Issuer?, policy: Policy) -> [(owner: String, algorithms: [String])] {
        var lists: [(owner: String, algorithms: [String])] = []
        if let own = accepted?.algorithms { lists.append(("\(service.name)'s accepted algorithms", own.map(\.value))) }
        if let issuer, !issuer.algorithms.isEmpty { lists.append(("issuer \(issuer.name)'s algorithms", issuer.algorithms.map(\.value))) }
        lists.append(("the policy's allowedAlgorithms", policy.effectiveAllowedAlgorithms))
        return lists
    }

    enum KeyLookup {
        case success(KeySet)
        case failure(String)
    }

    func keys(for issuer: Issuer?, source: KeySource) async -> KeyLookup {
        do {
            switch source {
            case .loaded(let keySet):
                return .success(keySet)
            case .given(let location):
                if location.hasPrefix("https://") || location.hasPrefix("http://") {
                    return .success(try await KeySet.fetch(url: location, timeoutSeconds: fetchTimeout, network: network))
                }
                return .success(try KeySet.load(file: location))
            case .registry:
                guard let issuer else { return .failure("the issuer is unknown, so there is no JWKS to check against") }
                guard let uri = issuer.jwksUri?.value else {
                    return .failure("issuer \(issuer.name) has no jwksUri in the registry; pass --jwks FILE|URL")
                }
                return .success(try await KeySet.fetch(url: uri, timeoutSeconds: fetchTimeout, network: network))
            }
        } catch {
            return .failure("\(error.description); pass --jwks FILE to check against a saved key set")
        }
    }

    /// The compact JWS inside what a person pastes: an `Authorization` header value (`Bearer eyJ…`), or a
    /// token with a line break or spaces around it.
    static func compactToken(from text: String) -> String {
        var token = Substring(text).trimmingWhitespace()
        for prefix in ["Authorization:", "Bearer "] where token.lowercased().hasPrefix(prefix.lowercased()) {
            token = Substring(token.dropFirst(prefix.count)).trimmingWhitespace()
        }
        return String(token)
    }

    /// `application/at+jwt` and `at+jwt` name the same type (RFC 7515 §4.1.9); comparison ignores case.
    static func normalizedType(_ typ: String) -> String {
        var value = typ.lowercased()
        if value.hasPrefix("application/") { value.removeFirst("application/".count) }
        return value
    }

    // MARK: Issued for this service

    func issuedFor(service: Service, claims: [String: TokenValue]) -> (ExplainCheck, [String]) {
        guard let value = claims["aud"] else {
            return (ExplainCheck(.issuedForService, .fail, "the token has no aud, so it is not restricted to any service (RFC 8725 §3.9)"), [])
        }
        guard let audiences = value.strings, !audiences.isEmpty else {
            return (ExplainCheck(.issuedForService, .fail, "aud is not a string or an array of strings"), [])
        }
        let own = Set(service.audiences.map(\.value))
        let owners: [ExactString: [String]] = Dictionary(grouping: registry.services.flatMap { s in s.audiences.map { ($0.value, s.name) } },
                                                         by: \.0).mapValues { $0.map(\.1) }
        let matching = audiences.filter { own.contains(ExactString($0)) }
        let foreign = audiences.filter { !own.contains(ExactString($0)) }
        var others: [String] = []
        for audience in foreign {
            for owner in owners[ExactString(audience)] ?? [] where owner != service.name && !others.contains(owner) { others.append(owner) }
        }
        if let match = matching.first {
            var details: [String] = []
            if !others.isEmpty {
                details.append("the token also opens \(others.joined(separator: ", ")): a token for several services works at each of them (RFC 8707 §3)")
            }
            return (ExplainCheck(.issuedForService, .pass, "aud \(match) is \(service.name)'s audience", details: details), others)
        }
        var details: [String] = []
        for audience in foreign {
            if let names = owners[ExactString(audience)] {
                details.append("\(audience) belongs to \(names.joined(separator: ", "))")
            } else if let (near, how) = service.audiences.lazy.compactMap({ own in Self.nearMiss(own.value.text, audience).map { (own, $0) } }).first {
                details.append("\(audience) differs from \(service.name)'s audience \(near.value) only by \(how); audiences compare exactly (RFC 7519 §2)")
            } else {
                details.append("\(audience) belongs to no service in the registry")
            }
        }
        let expected = service.audiences.map(\.value.text).joined(separator: ", ")
        let reason: String
        if !others.isEmpty {
            reason = "the token was issued for \(others.joined(separator: ", ")), not \(service.name) (aud \(audiences.joined(separator: ", ")); \(service.name) accepts \(expected))"
        } else {
            reason = "aud \(audiences.joined(separator: ", ")) is not \(service.name)'s audience (\(expected.isEmpty ? "it has none" : expected))"
        }
        return (ExplainCheck(.issuedForService, .fail, reason, details: details), others)
    }

    /// What separates two values that lenient comparison would take for one (case, a trailing slash,
    /// Unicode normalization, look-alikes...), or nil when they are equal byte for byte or unrelated.
    static func nearMiss(_ registered: String, _ presented: String) -> String? {
        guard !registered.isExactly(presented),
              AudienceForms.confusableKey(registered) == AudienceForms.confusableKey(presented) else { return nil }
        return AudienceForms.differences(between: registered, and: presented).map(\.rawValue).joined(separator: ", ")
    }

    // MARK: Lifetime

    /// A NumericDate as whole seconds, or nil when it is not a finite number within years 0-9999: a
    /// token may carry `1e19` or `-9e18`, which must be reported, not converted into a trap or overflow.
    static func numericDate(_ value: TokenValue?) -> Int? {
        numericDateValue(value).map { Int($0.rounded(.down)) }
    }

    /// The NumericDate as written, fractions kept: verifiers compare `exp` and `nbf` with whole seconds
    /// (`exp <= now` is expired, `nbf > now` not yet valid), so `now + 0.5` is still valid until now + 1.
    static func numericDateValue(_ value: TokenValue?) -> Double? {
        guard let number = value?.number, number.isFinite, abs(number) <= 253_402_300_799 else { return nil }
        return number
    }

    /// jwt_verify_lib's default `clock_skew_seconds` (Envoy's and Istio's verifier).
    static let envoyClockSkew = 60

    func timely(service: Service, claims: [String: TokenValue], accepted: AcceptedIssuer?) -> ExplainCheck {
        var failures: [String] = []
        var passes: [String] = []
        let exp = Self.numericDate(claims["exp"])
        let nbf = Self.numericDate(claims["nbf"])
        let iat = Self.numericDate(claims["iat"])
        let nowText = TimeText.utc(now)

        let expValue = Self.numericDateValue(claims["exp"]), nbfValue = Self.numericDateValue(claims["nbf"])
        if let exp, let expValue {
            if expValue <= Double(now) {
                failures.append("expired at \(TimeText.utc(exp)), \(TimeText.span(now - exp)) before \(nowText)")
            } else {
                passes.append("valid until \(TimeText.utc(exp)) (\(TimeText.span(exp - now)) left)")
            }
        } else if claims["exp"] != nil {
            failures.append("exp is not a NumericDate (a number of seconds between years 0 and 9999)")
        } else {
            failures.append("the token has no exp, so it never expires (RFC 9068 §2.2 requires exp)")
        }
        if let nbf, let nbfValue, nbfValue > Double(now) {
            failures.append("not valid before \(TimeText.utc(nbf)), \(TimeText.span(max(nbf - now, 1))) after \(nowText)")
        } else if nbf == nil, claims["nbf"] != nil {
            // Present but unreadable is not absent: verifiers refuse it (jose: "must be a number").
            failures.append("nbf is not a NumericDate (a number of seconds between years 0 and 9999), which verifiers refuse")
        }
        if let iat, iat > now {
            failures.append("issued in the future (iat \(TimeText.utc(iat)), after \(nowText))")
        } else if iat == nil, claims["iat"] != nil {
            failures.append("iat is not a NumericDate (a number of seconds between years 0 and 9999), which verifiers refuse")
        }
        let limit = accepted?.maxLifetime?.value ?? registry.policy.effectiveMaxTokenLifetime
        let source = accepted?.maxLifetime != nil ? "\(service.name)'s maxLifetime" : "the policy's maxTokenLifetime"
        if let exp, let start = iat ?? nbf {
            let lifetime = exp - start
            if lifetime > limit.seconds {
                failures.append("lifetime \(TimeText.span(lifetime)) exceeds \(source) \(limit)")
            } else {
                passes.append("lifetime \(TimeText.span(lifetime)) within \(source) \(limit)")
            }
        } else if exp != nil {
            passes.append("lifetime unknown: no iat or nbf")
        }
        // The verdict is the registry's, without leeway; where a verifier's default would still accept the
        // token, the check says so rather than let "rejected" read as what every gateway does.
        var notes: [String] = []
        if let exp, let expValue, expValue <= Double(now), now - exp <= Self.envoyClockSkew {
            notes.append("Envoy and Istio (jwt_verify_lib) allow \(Self.envoyClockSkew) s of clock skew by default and accept it until \(TimeText.utc(exp + Self.envoyClockSkew))")
        }
        if let nbf, let nbfValue, nbfValue > Double(now), nbf - now <= Self.envoyClockSkew {
            notes.append("Envoy and Istio accept it already, within their default \(Self.envoyClockSkew) s of clock skew")
        }
        if let iat, iat > now {
            notes.append("jwt_verify_lib does not check iat, so Envoy and Istio do not refuse it for this")
        }
        if let failure = failures.first {
            return ExplainCheck(.timely, .fail, failure, details: failures.dropFirst().map { "fail: \($0)" } + notes.map { "note: \($0)" } + passes.map { "ok: \($0)" })
        }
        return ExplainCheck(.timely, .pass, passes.joined(separator: "; "))
    }

    // MARK: Required claims

    /// `claimNames` are the names as the token writes them: a `[String: TokenValue]` lookup would let a
    /// required claim é (U+00E9) be satisfied by a claim e + U+0301, which no JWT library would take for it.
    func requiredClaims(service: Service, claimNames: [String], accepted: AcceptedIssuer?) -> ExplainCheck {
        guard let accepted else {
            return ExplainCheck(.claims, .notChecked, "not checked: unknown issuer, so no list of required claims applies")
        }
        let required = accepted.requiredClaims?.map(\.value) ?? []
        guard !required.isEmpty else {
            return ExplainCheck(.claims, .pass, "\(service.name) requires no particular claims")
        }
        let present = Set(claimNames.map { ExactString($0) })
        let missing = required.filter { !present.contains(ExactString($0)) }
        if missing.isEmpty {
            return ExplainCheck(.claims, .pass, "all present: \(required.joined(separator: ", "))")
        }
        return ExplainCheck(.claims, .fail, "missing \(missing.joined(separator: ", ")) (\(service.name) requires \(required.joined(separator: ", ")))")
    }

    // MARK: Admitted

    func admitted(service: Service, claims: [String: TokenValue], previous: [ExplainCheck]) -> (ExplainCheck, [String], [String]) {
        var tokenScopes: [String] = []
        if let scope = claims["scope"]?.string {
            // RFC 8693 §4.2: space-delimited, split on the scalar, so a joining mark cannot merge two scopes.
            tokenScopes = scope.splitOnScalar(" ")
        } else if let scp = claims["scp"]?.strings {
            tokenScopes = scp.flatMap { $0.splitOnScalar(" ") }
        }
        let tokenRoles = claims["roles"]?.strings ?? []
        // By bytes, as gateways match scopes and roles: a `Set<String>` would grant a defined scope é
        // (U+00E9) to a token whose scope is e + U+0301.
        let knownScopes = Set(service.scopes.map { ExactString($0.value) })
        let knownRoles = Set(service.roles.map { ExactString($0.value) })
        let scopes = tokenScopes.filter { knownScopes.contains(ExactString($0)) }
        let roles = tokenRoles.filter { knownRoles.contains(ExactString($0)) }
        var details: [String] = []
        let unknown = tokenScopes.filter { !knownScopes.contains(ExactString($0)) }
        if !unknown.isEmpty {
            details.append("scope \(unknown.joined(separator: ", ")) means nothing to \(service.name) (it defines \(service.scopes.map(\.value).joined(separator: ", ")))")
        }
        if let failed = previous.first(where: { $0.status == .fail }) {
            return (ExplainCheck(.admitted, .fail, "not admitted: \(failed.question.rawValue) failed", details: details), [], [])
        }
        var grants: [String] = []
        if !scopes.isEmpty { grants.append("scopes \(scopes.joined(separator: ", "))") }
        if !roles.isEmpty { grants.append("roles \(roles.joined(separator: ", "))") }
        let what = grants.isEmpty ? "but with no scope or role that \(service.name) defines, so it may do nothing" : "with \(grants.joined(separator: " and "))"
        if previous.contains(where: { $0.status == .notChecked }) {
            return (ExplainCheck(.admitted, .notChecked, "would be admitted \(what), if the signature is genuine", details: details), scopes, roles)
        }
        return (ExplainCheck(.admitted, .pass, "admitted \(what)", details: details), scopes, roles)
    }

    // MARK: Display

    static func shownHeader(_ header: [String: TokenValue]) -> [(name: String, value: String)] {
        ["alg", "typ", "kid", "cty"].compactMap { name in header[name].map { (name, $0.display) } }
    }

    /// The claims shown, in a fixed order; times also as UTC.
    static func shownClaims(_ claims: [String: TokenValue]) -> [(name: String, value: String)] {
        let order = ["iss", "sub", "aud", "client_id", "azp", "scope", "scp", "roles", "act", "iat", "nbf", "exp", "jti"]
        var shown: [(name: String, value: String)] = []
        for name in order {
            guard let value = claims[name] else { continue }
            if ["iat", "nbf", "exp"].contains(name), let seconds = Self.numericDate(value) {
                shown.append((name, "\(value.display) (\(TimeText.utc(seconds)))"))
            } else {
                shown.append((name, value.display))
            }
        }
        let rest = claims.keys.filter { !order.contains($0) }.sorted()
        if !rest.isEmpty { shown.append(("other claims", rest.joined(separator: ", "))) }
        return shown
    }
}

private extension Substring {
    func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.unicodeScalars.first, first.properties.isWhitespace { result = result.dropFirst() }
        while let last = result.unicodeScalars.last, last.properties.isWhitespace { result = result.dropLast() }
        return result
    }
}
