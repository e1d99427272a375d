import Foundation
import AudregCore
import AudregDrift

/// A JSON value from a token's header or claims.
public indirect enum TokenValue: Decodable, Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([TokenValue])
    case object([String: TokenValue])
    case null

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([TokenValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: TokenValue].self))
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// A string, or the strings of an array (how `aud` and `scp` may be written).
    public var strings: [String]? {
        switch self {
        case .string(let value): return [value]
        case .array(let items):
            let strings = items.compactMap(\.string)
            return strings.count == items.count ? strings : nil
        default: return nil
        }
    }

    /// Compact JSON-ish text for display.
    public var display: String {
        switch self {
        case .string(let value): return value
        case .number(let value): return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.display).joined(separator: ", ") + "]"
        case .object(let members): return "{" + members.keys.sorted().map { "\($0): \(members[$0]!.display)" }.joined(separator: ", ") + "}"
        }
    }
}

/// A compact JWS split into its decoded header and claims. The signature stays in `signingToken` only for
/// verification; nothing derived from it is ever shown.
public struct DecodedToken: Sendable {
    public var header: [String: TokenValue]
    public var claims: [String: TokenValue]
    /// The payload's member names exactly as written. `claims` is keyed by `String`, whose hashing takes
    /// canonically equivalent names (é as U+00E9 and as e + U+0301) for one; a claim's presence is
    /// decided on these.
    public var claimNames: [String]
    /// The compact token, handed to jwt-kit for signature verification.
    let signingToken: String

    public enum DecodeError: Error, CustomStringConvertible, Sendable {
        case notCompact(Int)
        case badPart(String)
        case duplicateMember(String)

        public var description: String {
            switch self {
            case .notCompact(let parts):
                return "not a compact JWT: expected three dot-separated parts, found \(parts)\(parts == 5 ? " (an encrypted JWE?)" : "")"
            case .badPart(let part): return "the token's \(part) is not base64url-encoded JSON"
            case .duplicateMember(let part):
                return "the token's \(part) repeats a member name: verifiers disagree on which one counts (jose takes the last, others the first or refuse; RFC 7519 §4), so audreg does not explain it"
            }
        }
    }

    public init(compact text: String) throws(DecodeError) {
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .notCompact(parts.count) }
        guard let header = Self.decode(parts[0]) else { throw .badPart("header") }
        guard let payload = Self.base64URLDecode(String(parts[1])),
              let claims = try? JSONDecoder().decode([String: TokenValue].self, from: payload) else { throw .badPart("payload") }
        // Foundation's decoder keeps the first of two members with one name, without a word: a token
        // that repeats `aud` (or `alg`, `exp`) means one thing to audreg and another to a verifier.
        // And what the strict parser refuses at all (a BOM, UTF-16) Foundation would still read, past the
        // point where a repeated member would be seen: only JSON both read the same is explained.
        for (name, bytes) in [("header", Self.base64URLDecode(String(parts[0]))), ("payload", payload)] {
            guard let bytes else { continue }
            switch StrictJSON.parse([UInt8](bytes)) {
            case .failure(.duplicateMember): throw .duplicateMember(name)
            case .failure: throw .badPart(name)
            case .success: break
            }
        }
        self.header = header
        self.claims = claims
        self.claimNames = Self.memberNames(payload) ?? Array(claims.keys)
        self.signingToken = token
    }

    static func decode(_ part: Substring) -> [String: TokenValue]? {
        guard let data = base64URLDecode(String(part)) else { return nil }
        return try? JSONDecoder().decode([String: TokenValue].self, from: data)
    }

    /// The member names of a JSON object, byte for byte; nil when it is not one StrictJSON reads (a name
    /// repeated byte for byte among them: then the dictionary's names are all there is).
    static func memberNames(_ data: Data) -> [String]? {
        guard case .success(.object(let members)) = StrictJSON.parse([UInt8](data)) else { return nil }
        return members.map { $0.name }
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}

public enum TimeText {
    /// `2026-12-01T10:00:00Z`.
    public static func utc(_ seconds: Int) -> String {
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let rest = seconds - days * 86_400
        let day = Day(ordinal: days)
        let h = String(rest / 3600).leftPadded(to: 2)
        let m = String(rest % 3600 / 60).leftPadded(to: 2)
        let s = String(rest % 60).leftPadded(to: 2)
        return "\(day)T\(h):\(m):\(s)Z"
    }

    /// `1h30m` for a span of seconds.
    static func span(_ seconds: Int) -> String { TokenLifetime(seconds: abs(seconds)).description }

    /// Parses `2026-12-01T10:05:00Z`, `2026-12-01` (midnight UTC) or seconds since 1970.
    public static func parse(_ text: String) -> Int? {
        if let seconds = Int(text) { return seconds }
        if let day = Day(text) { return day.ordinal * 86_400 }
        guard text.count == 20, text.hasSuffix("Z"), let day = Day(String(text.prefix(10))) else { return nil }
        let chars = Array(text)
        guard chars[10] == "T", chars[13] == ":", chars[16] == ":",
              let h = Int(String(chars[11...12])), let m = Int(String(chars[14...15])), let s = Int(String(chars[17...18])),
              (0..<24).contains(h), (0..<60).contains(m), (0..<61).contains(s) else { return nil }
        return day.ordinal * 86_400 + h * 3600 + m * 60 + s
    }
}
