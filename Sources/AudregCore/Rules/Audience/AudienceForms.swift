import Foundation

/// The ways two different audience strings can still be mistaken for one another. RFC 7519 compares
/// audiences as exact strings, but some libraries and every human reviewer are more lenient; these are
/// the lenient forms, applied one at a time so that a message can say which difference was found.
public enum AudienceForms {
    /// The steps of the lenient key, in the order they must run: percent-decoding first, since `%41` is
    /// an `A` that the case steps must see; case-folding of the scheme and host (case-insensitive by
    /// RFC 3986 §3.1 and §3.2.2) apart from case elsewhere, which servers do compare and which is named
    /// as a difference of its own.
    public enum Step: String, CaseIterable, Sendable {
        case percentEncoding = "percent-encoding of unreserved characters"
        case punycode = "an IDNA (punycode, xn--) spelling of the host"
        case unicodeNormalization = "Unicode normalization (NFC, NFD or NFKC forms)"
        case confusableCharacters = "look-alike characters (Unicode UTS #39 confusables)"
        case schemeAndHostCase = "letter case in the scheme or host"
        case urlSyntax = "URL syntax that names the same resource (user info, an empty or zero-padded port, an empty query or fragment, a trailing dot in the host)"
        case defaultPort = "a default port"
        case dotSegments = "dot segments (./ and ../)"
        case trailingSlash = "a trailing slash"
        case otherCase = "letter case outside the scheme and host (which servers compare)"
        case schemePrefix = "an http:// or https:// prefix (which Envoy's audience check ignores)"

        func apply(_ text: String) -> String {
            switch self {
            case .percentEncoding: return AudienceForms.decodeUnreserved(text)
            case .punycode: return AudienceForms.decodingPunycodeHost(text)
            // NFKC leaves ASCII unchanged, and most audiences are ASCII: skip the costly call for them.
            case .unicodeNormalization: return AudienceForms.isASCII(text) ? text : text.precomposedStringWithCompatibilityMapping
            case .confusableCharacters: return AudienceForms.skeleton(text)
            case .schemeAndHostCase: return AudienceForms.lowercasingSchemeAndHost(text)
            case .urlSyntax: return AudienceForms.removingEquivalentSyntax(text)
            case .defaultPort: return AudienceForms.removeDefaultPort(text)
            case .dotSegments: return AudienceForms.removeDotSegments(text)
            case .trailingSlash: return AudienceForms.removeTrailingSlash(text)
            case .otherCase: return AudienceForms.lowercasingOutsideSchemeAndHost(text)
            case .schemePrefix: return AudienceForms.removingHTTPScheme(text)
            }
        }
    }

    /// The key under which lenient comparison would treat two audiences as one. Keys are compared as
    /// exact strings: after NFKC, canonically equivalent spellings have one key anyway.
    public static func confusableKey(_ audience: String) -> ExactString {
        ExactString(key(audience, skipping: nil))
    }

    private static func key(_ audience: String, skipping skipped: Step?) -> String {
        Step.allCases.reduce(audience) { $1 == skipped ? $0 : $1.apply($0) }
    }

    /// Every difference between two audiences that share a confusable key, for messages: each step
    /// without which the two keys would differ. Where steps overlap (a decomposed accent is both a
    /// normalization and a look-alike difference), none is needed alone, and the steps that first bring
    /// the two together are named instead.
    public static func differences(between first: String, and second: String) -> [Step] {
        if first.isExactly(second) { return [] }
        let needed = Step.allCases.filter { step in
            !key(first, skipping: step).isExactly(key(second, skipping: step))
        }
        if !needed.isEmpty { return needed }
        var steps: [Step] = []
        var a = first
        var b = second
        for step in Step.allCases {
            let nextA = step.apply(a)
            let nextB = step.apply(b)
            if !nextA.isExactly(a) || !nextB.isExactly(b) { steps.append(step) }
            a = nextA
            b = nextB
            if a.isExactly(b) { break }
        }
        return steps
    }

    static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }

    /// Envoy (jwt_verify_lib's `sanitizeAudience`) drops an `https://` or `http://` prefix and one trailing
    /// `/` from both sides before comparing: `orders.example.com` there admits a token for
    /// `https://orders.example.com/`. Last of the steps, so the URL steps before it still see a URL.
    package static func removingHTTPScheme(_ text: String) -> String {
        let bytes = text.utf8
        for prefix in ["https://", "http://"] where bytes.starts(with: prefix.utf8) {
            return String(decoding: bytes.dropFirst(prefix.utf8.count), as: UTF8.self)
        }
        return text
    }

    /// Lower-cases the scheme and, for a URL with an authority, the host; the rest keeps its case.
    static func lowercasingSchemeAndHost(_ text: String) -> String {
        lowercasing(text, schemeAndHost: true)
    }

    /// Lower-cases everything but the scheme and host: a URL's user info, path, query and fragment, the
    /// rest of a `urn:`-style value, or the whole of a plain word.
    static func lowercasingOutsideSchemeAndHost(_ text: String) -> String {
        lowercasing(text, schemeAndHost: false)
    }

    private static func lowercasing(_ text: String, schemeAndHost: Bool) -> String {
        // Lower-casing makes a new string; an ASCII value without capitals is its own lower case.
        guard text.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) || !isASCII(text) else { return text }
        func inside(_ part: String) -> String { schemeAndHost ? part.lowercased() : part }
        func outside(_ part: String) -> String { schemeAndHost ? part : part.lowercased() }
        if let url = URLParts(text) {
            var rebuilt = inside(url.scheme) + "://"
            if let userInfo = url.userInfo { rebuilt += outside(userInfo) + "@" }
            rebuilt += inside(url.host)
            if let port = url.port { rebuilt += ":" + port }
            rebuilt += outside(url.path)
            if let query = url.query { rebuilt += "?" + outside(query) }
            if let fragment = url.fragment { rebuilt += "#" + outside(fragment) }
            return rebuilt
        }
        // `urn:`, `api:` and other values without an authority: only the scheme is case-insensitive.
        let bytes = text.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), URLParts.isScheme(bytes[..<colon]) else { return outside(text) }
        return inside(String(text[..<colon])) + outside(String(text[colon...]))
    }

    private static let confusableMap: [UInt32: Character] = {
        var map: [UInt32: Character] = [:]
        map.reserveCapacity(ConfusableTable.codePoints.count)
        for (codePoint, prototype) in zip(ConfusableTable.codePoints, ConfusableTable.prototypes) {
            map[codePoint] = prototype
        }
        return map
    }()

    /// Look-alikes of the URL delimiters `-`, `.`, `/`, `:` and `@` that NFKC leaves alone (UTS #39
    /// prototypes): `orders\u{2010}api` reads as `orders-api` in review.
    static let delimiterLookAlikes: [UInt32: Character] = {
        var map: [UInt32: Character] = [:]
        for value: UInt32 in [0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2043, 0x2212, 0x02D7, 0x06D4, 0x2CBA, 0x30FC, 0xFE58, 0xFE63] { map[value] = "-" }
        for value: UInt32 in [0x3002, 0xFF61, 0x2024, 0xFE52, 0x0701, 0x0702, 0xA4F8, 0xA60E, 0x10A50, 0x0660, 0x06F0] { map[value] = "." }
        for value: UInt32 in [0x2215, 0x2044, 0x2571, 0x29F8, 0x1735, 0x2CC6, 0x3033, 0x30CE, 0x4E3F, 0x2F03] { map[value] = "/" }
        for value: UInt32 in [0x0589, 0x2236, 0xA789, 0x05C3, 0x02D0, 0x02F8, 0xA4FD, 0x0703, 0x0704, 0x16EC, 0x1803, 0x1809, 0x205A, 0xFE30, 0x2806] { map[value] = ":" }
        return map
    }()

    /// Replaces look-alikes of ASCII letters, digits and URL delimiters with what they imitate.
    public static func skeleton(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var result = ""
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if let prototype = confusableMap[scalar.value] ?? delimiterLookAlikes[scalar.value] {
                result.append(prototype)
            } else if scalar.properties.isDefaultIgnorableCodePoint {
                // UTS #39's skeleton drops what renders as nothing (joiners, variation selectors, the
                // grapheme joiner) and keeps accents: `bücher` and `bucher` are two words a reviewer tells
                // apart, while an accent on a look-alike stays on its prototype, so Cyrillic `а́` and `á` meet.
                continue
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
    }

    static func decodeUnreserved(_ text: String) -> String {
        guard text.hasSubstring("%") else { return text }
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x25, index + 2 < bytes.count,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16),
               isUnreserved(value) {
                output.append(value)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Drops what names the same resource for a lenient reader: user info (.NET's `Uri.Equals` ignores
    /// it, and a reviewer reads past it), an empty port, the zeros in front of a port, an empty query or
    /// fragment, and a trailing dot in the host (the DNS root). Everything else is kept as written.
    static func removingEquivalentSyntax(_ text: String) -> String {
        guard mayHaveEquivalentSyntax(text), var url = URLParts(text) else { return text }
        var changed = false
        if url.userInfo != nil { url.userInfo = nil; changed = true }
        if let port = url.port {
            let digits = port.utf8.drop { $0 == UInt8(ascii: "0") }
            let normalized = port.utf8.isEmpty ? nil : (digits.isEmpty ? "0" : String(decoding: digits, as: UTF8.self))
            if normalized.map({ !$0.isExactly(port) }) ?? true { url.port = normalized; changed = true }
        }
        if url.query?.utf8.isEmpty == true { url.query = nil; changed = true }
        if url.fragment?.utf8.isEmpty == true { url.fragment = nil; changed = true }
        if url.host.utf8.count > 1, url.host.utf8.last == UInt8(ascii: "."), url.host.utf8.first != UInt8(ascii: "[") {
            url.host = String(decoding: url.host.utf8.dropLast(), as: UTF8.self)
            changed = true
        }
        return changed ? url.text : text
    }

    /// A scan of the bytes that rules out most audiences before they are parsed: nothing to drop
    /// without an `@` or a port colon in the authority, an authority ending in `.`, or a `?` or `#`.
    static func mayHaveEquivalentSyntax(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let colon = bytes.firstIndex(of: ASCII.colon) else { return false }
        var index = bytes.index(after: colon)
        var slashes = 0
        while index < bytes.endIndex, bytes[index] == ASCII.slash, slashes < 2 { index = bytes.index(after: index); slashes += 1 }
        guard slashes == 2 else { return false }
        var last: UInt8 = 0
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == ASCII.at || byte == ASCII.colon || byte == ASCII.question || byte == ASCII.hash { return true }
            if byte == ASCII.slash { break }
            last = byte
            index = bytes.index(after: index)
        }
        return last == ASCII.dot || bytes.contains(ASCII.question) || bytes.contains(ASCII.hash)
    }

    /// The host's `xn--` labels decoded (RFC 3492), so `xn--bcher-kva.example.com` meets `bücher.example.com`.
    static func decodingPunycodeHost(_ text: String) -> String {
        guard text.hasSubstring("--"), ASCII.lowercased(text).hasSubstring("xn--"), var url = URLParts(text) else { return text }
        var changed = false
        let labels = url.host.splitOnScalar(".", omittingEmptySubsequences: false).map { label -> String in
            let bytes = Array(label.utf8)
            // DNS labels are at most 63 bytes, which also bounds the decoder's work.
            guard bytes.count > 4, bytes.count <= 63, ASCII.lowercased(String(decoding: bytes[0..<4], as: UTF8.self)).isExactly("xn--"),
                  let decoded = Punycode.decode(Array(bytes[4...])) else { return label }
            changed = true
            return decoded
        }
        guard changed else { return text }
        url.host = labels.joined(separator: ".")
        return url.text
    }

    static func removeDefaultPort(_ text: String) -> String {
        guard text.hasSubstring(":443") || text.hasSubstring(":80"), let url = URLParts(text), let port = url.port else { return text }
        let scheme = url.scheme.lowercased()
        guard (scheme == "https" && port == "443") || (scheme == "http" && port == "80") else { return text }
        let needle = "\(url.host):\(port)"
        guard let range = text.range(of: needle) else { return text }
        return text.replacingCharacters(in: range, with: url.host)
    }

    static func removeDotSegments(_ text: String) -> String {
        guard text.hasSubstring("/."), let url = URLParts(text), url.path.hasSubstring(".") else { return text }
        var output: [String] = []
        let segments = url.path.splitOnScalar("/", omittingEmptySubsequences: false).dropFirst()
        for segment in segments {
            if segment.isExactly(".") { continue }
            if segment.isExactly("..") {
                if !output.isEmpty { output.removeLast() }
                continue
            }
            output.append(segment)
        }
        let path = output.isEmpty ? "" : "/" + output.joined(separator: "/")
        guard let range = text.range(of: url.path) else { return text }
        return text.replacingCharacters(in: range, with: path)
    }

    /// Drops trailing slashes, keeping `scheme://` and a lone `/`; on bytes, so a long run of slashes
    /// costs its length once (`Substring.count` walked the whole string for every slash).
    static func removeTrailingSlash(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.last == UInt8(ascii: "/") else { return text }
        var end = bytes.count
        while end > 1, bytes[end - 1] == UInt8(ascii: "/") {
            // `…://` keeps its slashes: the scheme's separator is not a trailing slash.
            if end >= 3, bytes[end - 2] == UInt8(ascii: "/"), bytes[end - 3] == UInt8(ascii: ":") { break }
            end -= 1
        }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// An audience URL's origin (scheme, host and port, lower-cased, default port dropped) and path segments,
    /// for prefix comparisons. Nil for audiences that are not URLs.
    public static func hierarchy(_ url: URLParts) -> (origin: String, segments: [String])? {
        guard url.query == nil, url.fragment == nil else { return nil }
        let scheme = url.scheme.lowercased()
        var origin = "\(scheme)://\(url.host.lowercased())"
        if let port = url.port, !((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) {
            origin += ":\(port)"
        }
        let segments = url.path.splitOnScalar("/")
        return (origin, segments)
    }
}
