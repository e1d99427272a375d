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

    /// Splits at the ASCII delimiters of RFC 3986 (see `URLSpans`).
    public init?(_ text: String) {
        guard let spans = URLSpans(text) else { return nil }
        self.init(text, spans)
    }

    /// The parts of `text` where `spans`, found in that same text, put them.
    init(_ text: String, _ spans: URLSpans) {
        (scheme, userInfo, host, port, path, query, fragment) = text.withUTF8Bytes { bytes in
            func part(_ span: URLSpans.Span) -> String? {
                span.isPresent ? String(decoding: UnsafeBufferPointer(rebasing: bytes[span.range]), as: UTF8.self) : nil
            }
            return (part(URLSpans.Span(0, spans.schemeEnd))!, part(spans.userInfo), part(spans.host)!, part(spans.port),
                    part(spans.path)!, part(spans.query), part(spans.fragment))
        }
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

/// Where each part of an absolute URL lies in its text, as UTF-8 offsets: what `URLParts` is made from,
/// and small enough (nothing allocated) to keep for every audience of a registry, where the parts as
/// strings were a visible share of `validate`'s peak (BENCHMARKS.md, "A leaner registry in memory").
///
/// Splits at the ASCII delimiters of RFC 3986, looking at UTF-8 bytes rather than characters: a
/// delimiter byte never occurs inside a multi-byte sequence, so every part is whole UTF-8, and grapheme
/// breaking is the slow part of walking a String, which matters since every audience of the registry is
/// parsed. (A delimiter followed by a combining mark is therefore still a delimiter, as RFC 3986, which
/// knows no graphemes, has it.)
struct URLSpans: Hashable, Sendable {
    struct Span: Hashable, Sendable {
        // 32 bits: registry files are at most 16 MiB.
        private let start: Int32
        private let end: Int32
        static let absent = Span(-1, -1)

        init(_ start: Int, _ end: Int) {
            self.start = Int32(start)
            self.end = Int32(end)
        }

        var isPresent: Bool { start >= 0 }
        var range: Range<Int> { Int(start)..<Int(end) }
    }

    let schemeEnd: Int
    let userInfo: Span
    let host: Span
    let port: Span
    let path: Span
    let query: Span
    let fragment: Span

    init?(_ text: String) {
        guard let spans = text.withUTF8Bytes({ Self.split($0) }) else { return nil }
        self = spans
    }

    private init(schemeEnd: Int, userInfo: Span, host: Span, port: Span, path: Span, query: Span, fragment: Span) {
        self.schemeEnd = schemeEnd
        self.userInfo = userInfo
        self.host = host
        self.port = port
        self.path = path
        self.query = query
        self.fragment = fragment
    }

    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> URLSpans? {
        guard bytes.count < Int(Int32.max), let colon = bytes.firstIndex(of: ASCII.colon),
              URLParts.isScheme(bytes[..<colon]) else { return nil }
        let start = colon + 3
        guard start <= bytes.count, bytes[colon + 1] == ASCII.slash, bytes[colon + 2] == ASCII.slash else { return nil }
        var end = bytes.count
        var fragment = Span.absent, query = Span.absent
        if let hash = bytes[start..<end].firstIndex(of: ASCII.hash) {
            fragment = Span(hash + 1, end)
            end = hash
        }
        if let question = bytes[start..<end].firstIndex(of: ASCII.question) {
            query = Span(question + 1, end)
            end = question
        }
        let authorityEnd = bytes[start..<end].firstIndex(of: ASCII.slash) ?? end
        var authorityStart = start
        var userInfo = Span.absent
        if let at = bytes[authorityStart..<authorityEnd].lastIndex(of: ASCII.at) {
            userInfo = Span(authorityStart, at)
            authorityStart = at + 1
        }
        var host: Span
        var port = Span.absent
        if authorityStart < authorityEnd, bytes[authorityStart] == ASCII.openBracket,
           let close = bytes[authorityStart..<authorityEnd].firstIndex(of: ASCII.closeBracket) {
            let afterClose = close + 1
            host = Span(authorityStart, afterClose)
            if afterClose < authorityEnd {
                // `[::1]evil` is no host: taking the brackets alone would call it the loopback address.
                guard bytes[afterClose] == ASCII.colon else { return nil }
                port = Span(afterClose + 1, authorityEnd)
            }
        } else if let portColon = bytes[authorityStart..<authorityEnd].lastIndex(of: ASCII.colon) {
            host = Span(authorityStart, portColon)
            port = Span(portColon + 1, authorityEnd)
        } else {
            host = Span(authorityStart, authorityEnd)
        }
        guard !host.range.isEmpty else { return nil }
        if port.isPresent, !bytes[port.range].allSatisfy(ASCII.isDigit) { return nil }
        return URLSpans(schemeEnd: colon, userInfo: userInfo, host: host, port: port, path: Span(authorityEnd, end),
                        query: query, fragment: fragment)
    }
}

extension URLParts {
    /// Why `text`, a URL something fetches, does not name a plain network host (`scheme://host[:port]`,
    /// the host a DNS name or an IP literal, the port 1–65535); nil when it does, or when `text` is not
    /// `scheme://…` at all (the caller says what it needs then). Looked at on bytes, as the fetchers do:
    /// nginx (`ngx_parse_url`) and curl read `unix:` right after `//`, in any case, as a local Unix
    /// socket (`https://unix:/run/x.sock:/keys` connects to `/run/x.sock`), which `URLParts` takes for
    /// host `unix` with an empty port. A name of other characters (`${HOST}`, `%2F`, a non-ASCII name not
    /// written in its `xn--` form) or user info before `@` is no host that is looked up as written.
    public static func networkHostProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard let colon = bytes.firstIndex(of: ASCII.colon), isScheme(bytes[..<colon]),
              bytes.count >= colon + 3, bytes[colon + 1] == ASCII.slash, bytes[colon + 2] == ASCII.slash else { return nil }
        let rest = bytes[(colon + 3)...]
        if rest.count >= 5, ASCII.lowercased(String(decoding: rest.prefix(5), as: UTF8.self)).isExactly("unix:") {
            return "names a local Unix socket ('unix:' after '//'), which nginx and curl connect to instead of a network host"
        }
        let authority = rest.prefix { $0 != ASCII.slash && $0 != ASCII.question && $0 != ASCII.hash }
        if authority.contains(ASCII.at) {
            return "has user info before '@'; nginx takes it for part of the host name, and a key set URL carries no credentials"
        }
        var host = authority[...], port: ArraySlice<UInt8>?
        if authority.first == ASCII.openBracket {
            guard let close = authority.firstIndex(of: ASCII.closeBracket) else { return "has a '[' that no ']' closes, so it names no IP literal" }
            host = authority[...close]
            let inside = authority[(authority.startIndex + 1)..<close]
            guard !inside.isEmpty, inside.allSatisfy({ ASCII.isDigit($0) || $0 == ASCII.colon || $0 == ASCII.dot || (0x61...0x66).contains($0 | 0x20) }) else {
                return "has '\(String(decoding: host, as: UTF8.self))' as its host, which is no IPv6 address (hex digits, ':' and '.')"
            }
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == ASCII.colon else { return "has text after its IP literal's ']' that is no ':port'" }
                port = after.dropFirst()
            }
        } else if let last = authority.lastIndex(of: ASCII.colon) {
            host = authority[..<last]
            port = authority[(last + 1)...]
        }
        let name = String(decoding: host, as: UTF8.self)
        if authority.first != ASCII.openBracket {
            // A DNS name (letters, digits, '-', '_') in dot-separated labels, or a dotted IPv4 address;
            // one trailing '.' (an absolute name) is allowed.
            let labels = (host.last == ASCII.dot ? host.dropLast() : host).split(separator: ASCII.dot, omittingEmptySubsequences: false)
            guard !host.isEmpty, labels.allSatisfy({ label in
                !label.isEmpty && label.allSatisfy { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == ASCII.minus || $0 == UInt8(ascii: "_") }
            }) else {
                return host.isEmpty ? "names no host" : "has '\(name)' as its host, which is no DNS name (ASCII letters, digits, '-', '_' in labels between dots; an internationalized name in its xn-- form) or IP address"
            }
        }
        if let port {
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(ASCII.isDigit), let number = Int(String(decoding: port, as: UTF8.self)), (1...65535).contains(number) else {
                return port.isEmpty ? "has a ':' after its host with no port" : "has '\(String(decoding: port, as: UTF8.self))' as its port, which is no port number (1 to 65535)"
            }
        }
        return nil
    }
}
