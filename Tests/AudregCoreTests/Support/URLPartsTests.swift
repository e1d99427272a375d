import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("URL parts")
struct URLPartsTests {
    @Test("splits an absolute URL into its parts as written")
    func parts() throws {
        let url = try #require(URLParts("HTTPS://alice@Orders.Example.com:8443/v1/a%20b?x=1#top"))
        #expect(url.scheme == "HTTPS")
        #expect(url.userInfo == "alice")
        #expect(url.host == "Orders.Example.com")
        #expect(url.port == "8443")
        #expect(url.path == "/v1/a%20b")
        #expect(url.query == "x=1")
        #expect(url.fragment == "top")
        let literal = try #require(URLParts("https://[::1]:9000"))
        #expect(literal.host == "[::1]")
        #expect(literal.port == "9000")
        #expect(URLParts("https://bücher.example/日本")?.host == "bücher.example")
        #expect(URLParts("https://bücher.example/日本")?.path == "/日本")
    }

    @Test("refuses what is not an absolute URL with an authority",
          arguments: ["orders-api", "urn:example:orders", "https:/one-slash", "1http://x", "https://", "https://:80/",
                      "https://host:8o/", "ht tp://host", "://host", "https://user@/path", "http://[::1]evil/", "http://[::1]x:80/"])
    func refuses(text: String) {
        #expect(URLParts(text) == nil, "\(text)")
    }

    /// The parser looks at bytes; the one it replaced looked at characters. Over strings without
    /// combining marks the two must agree on every part.
    @Test("agrees with the character-based parser it replaced", arguments: 0..<8)
    func agreesWithCharacterParser(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let pieces = ["https", "http", "urn", "x+y.z-1", ":", "//", "/", "?", "#", "@", "[", "]", ":443", "::1", "host", "example.com",
                      "a", "1", "-", ".", "%2F", "é", "日本", "😀", " ", "\u{7F}", "*"]
        for _ in 0..<2_000 {
            var text = ""
            if Bool.random(using: &random) { text = ["https://", "http://", "HTTPS://[", "s://u@"].randomElement(using: &random)! }
            for _ in 0..<Int.random(in: 0...9, using: &random) { text += pieces.randomElement(using: &random)! }
            let bytes = URLParts(text)
            let characters = CharacterURLParts(text)
            #expect(bytes.map(Fields.init) == characters.map(Fields.init), "\(text.debugDescription)")
        }
    }

    @Test("a delimiter followed by a combining mark is still a delimiter")
    func combiningMark() {
        // As characters, "/\u{301}" is one grapheme and not "/"; as RFC 3986 has it, it is "/" then U+0301.
        #expect(URLParts("https://host/\u{301}a")?.path == "/\u{301}a")
    }
}

private struct Fields: Equatable {
    var scheme, host, path: String
    var userInfo, port, query, fragment: String?

    init(_ url: URLParts) {
        (scheme, host, path, userInfo, port, query, fragment) = (url.scheme, url.host, url.path, url.userInfo, url.port, url.query, url.fragment)
    }

    init(_ url: CharacterURLParts) {
        (scheme, host, path, userInfo, port, query, fragment) = (url.scheme, url.host, url.path, url.userInfo, url.port, url.query, url.fragment)
    }
}

/// The character-based parser `URLParts` used until 2026-11-30, kept as the oracle for the byte-based one.
private struct CharacterURLParts {
    var scheme: String
    var userInfo: String?
    var host: String
    var port: String?
    var path: String
    var query: String?
    var fragment: String?

    init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }) else { return nil }
        var rest = text[text.index(after: colon)...]
        guard rest.hasPrefix("//") else { return nil }
        rest = rest.dropFirst(2)
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        if let question = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        path = String(rest[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            // Since 2026-12-07: text after the bracket other than a port is not a URL.
            if after.hasPrefix(":") { port = String(after.dropFirst()) } else if !after.isEmpty { return nil }
        } else if let portColon = authority.lastIndex(of: ":") {
            host = String(authority[..<portColon])
            port = String(authority[authority.index(after: portColon)...])
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { return nil }
        if let port, !port.allSatisfy({ $0.isASCII && $0.isNumber }) { return nil }
        self.scheme = String(scheme)
    }
}
