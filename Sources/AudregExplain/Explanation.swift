import AudregCore
import AudregDrift
/// The outcome of one check.
public enum CheckStatus: String, Sendable, Hashable, Codable {
    case pass
    case fail
    /// Could not be checked: claims given without a token, or the issuer's keys could not be read.
    case notChecked = "not checked"
}

/// What `audreg explain` asks of a token at a service, in the order it asks.
public enum ExplainQuestion: String, Sendable, Hashable, Codable, CaseIterable {
    /// Signed by an issuer the service trusts, with an allowed algorithm and the right `typ`.
    case authentic
    /// `aud` names one of the service's audiences.
    case issuedForService = "issued for this service"
    /// `exp`, `nbf`, `iat`, and the lifetime against `maxLifetime`.
    case timely = "within its lifetime"
    /// The claims the service requires are present.
    case claims = "required claims"
    /// Admitted, and with which scopes and roles.
    case admitted
}

public struct ExplainCheck: Sendable, Hashable {
    public var question: ExplainQuestion
    public var status: CheckStatus
    /// Why, in one line.
    public var reason: String
    /// Further lines: each sub-check that passed or failed.
    public var details: [String]

    public init(_ question: ExplainQuestion, _ status: CheckStatus, _ reason: String, details: [String] = []) {
        self.question = question
        self.status = status
        self.reason = reason
        self.details = details
    }
}

public enum ExplainVerdict: String, Sendable, Hashable, Codable {
    case admitted
    case rejected
    /// Nothing failed, but the signature was not checked.
    case unverified
}

/// Everything `audreg explain` says about one token at one service. It holds the decoded header and claims
/// it shows, never the signature and never key material.
public struct Explanation: Sendable {
    public var service: String
    /// Shown header fields: alg, typ, kid (empty for claims given without a token).
    public var header: [(name: String, value: String)]
    /// Shown claims, in a fixed order, times also written as UTC dates.
    public var claims: [(name: String, value: String)]
    public var checks: [ExplainCheck]
    /// Services whose audience the token carries, when it is not this service's.
    public var otherServices: [String]
    public var grantedScopes: [String]
    public var grantedRoles: [String]
    /// The moment the time checks used (seconds since 1970).
    public var now: Int
    /// True when only claims were given (no signature to check).
    public var claimsOnly: Bool

    public func check(_ question: ExplainQuestion) -> ExplainCheck? { checks.first { $0.question == question } }

    public var verdict: ExplainVerdict {
        if checks.contains(where: { $0.status == .fail }) { return .rejected }
        if checks.contains(where: { $0.status == .notChecked }) { return .unverified }
        return .admitted
    }
}
