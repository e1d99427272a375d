/// An absolute URL split into its RFC 3986 parts, without any normalization: audiences are compared
/// as exact strings, so the parts are kept as written and normalizing is the caller's explicit choice.
public struct URLParts: Hashable, Sendable {
    public var scheme: String
    public var userInfo: String?
    public var host: String
    public var port: String?
    public var path: String
    public var query: String?
    public var fragment: String?

    /// Splits at the ASCII delimiters of RFC 3986, looking at UTF-8 bytes rather than characters: a
    /// delimiter byte never occurs inside a multi-byte sequence, and grapheme breaking is the slow part of
    /// walking a String, which matters since every audience of the registry is parsed. (A delimiter
    /// followed by a combining mark is therefore still a delimiter, as RFC 3986, which knows no graphemes,
    /// has it.)
    public init?(_ text: String) {
        let bytes = text.utf8
        guard let colon = bytes.firstIndex(of: ASCII.colon) else { return nil }
        guard Self.isScheme(bytes[..<colon]) else { return nil }
        var rest = text[bytes.index(after: colon)...]
        guard rest.utf8.starts(with: "//".utf8) else { return nil }
        rest = rest[rest.utf8.index(rest.startIndex, offsetBy: 2)...]
        if let hash = rest.utf8.firstIndex(of: ASCII.hash) {
            fragment = String(rest[rest.utf8.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.utf8.firstIndex(of: ASCII.question) {
            query = String(rest[rest.utf8.index(after: question)...])
            rest = rest[..<question]
        }
        let authorityEnd = rest.utf8.firstIndex(of: ASCII.slash) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        path = String(rest[authorityEnd...])
        if let at = authority.utf8.lastIndex(of: ASCII.at) {
            userInfo = String(authority[..<at])
            authority = authority[authority.utf8.index(after: at)...]
        }
        if authority.utf8.first == ASCII.openBracket, let close = authority.utf8.firstIndex(of: ASCII.closeBracket) {
            let afterClose = authority.utf8.index(after: close)
            host = String(authority[..<afterClose])
            if afterClose < authority.endIndex, authority.utf8[afterClose] == ASCII.colon {
                port = String(authority[authority.utf8.index(after: afterClose)...])
            }
        } else if let portColon = authority.utf8.lastIndex(of: ASCII.colon) {
            host = String(authority[..<portColon])
            port = String(authority[authority.utf8.index(after: portColon)...])
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { return nil }
        if let port, !port.utf8.allSatisfy(ASCII.isDigit) { return nil }
        self.scheme = String(text[..<colon])
    }

    /// The URL written back from its parts; the text it was parsed from when nothing was changed.
    public var text: String {
        var result = scheme + "://"
        if let userInfo { result += userInfo + "@" }
        result += host
        if let port { result += ":" + port }
        result += path
        if let query { result += "?" + query }
        if let fragment { result += "#" + fragment }
        return result
    }

    /// True for 127.0.0.0/8, ::1 and localhost, where plain http is acceptable for tests and sidecars.
    public var isLoopback: Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered.hasSuffix(".localhost") || lowered == "[::1]" { return true }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

extension URLParts {
    /// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    static func isScheme<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, ASCII.isLetter(first) else { return false }
        return bytes.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == ASCII.plus || $0 == ASCII.minus || $0 == ASCII.dot }
    }
}

extension URLParts {
    /// The issuer's own discovery document (OpenID Connect Discovery §4, RFC 8414 §3): `/.well-known/…`
    /// after the issuer without its trailing `/`, on bytes.
    public static func discoveryURL(issuer: String, document: String = "openid-configuration") -> String {
        (issuer.hasByteSuffix("/") ? String(issuer.utf8.dropLast())! : issuer) + "/.well-known/" + document
    }
}
