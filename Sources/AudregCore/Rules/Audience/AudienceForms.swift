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
        case unicodeNormalization = "Unicode normalization (NFC, NFD or NFKC forms)"
        case confusableCharacters = "look-alike characters (Unicode UTS #39 confusables)"
        case schemeAndHostCase = "letter case in the scheme or host"
        case defaultPort = "a default port"
        case dotSegments = "dot segments (./ and ../)"
        case trailingSlash = "a trailing slash"
        case otherCase = "letter case outside the scheme and host (which servers compare)"

        func apply(_ text: String) -> String {
            switch self {
            case .percentEncoding: return AudienceForms.decodeUnreserved(text)
            // NFKC leaves ASCII unchanged, and most audiences are ASCII: skip the costly call for them.
            case .unicodeNormalization: return AudienceForms.isASCII(text) ? text : text.precomposedStringWithCompatibilityMapping
            case .confusableCharacters: return AudienceForms.skeleton(text)
            case .schemeAndHostCase: return AudienceForms.lowercasingSchemeAndHost(text)
            case .defaultPort: return AudienceForms.removeDefaultPort(text)
            case .dotSegments: return AudienceForms.removeDotSegments(text)
            case .trailingSlash: return AudienceForms.removeTrailingSlash(text)
            case .otherCase: return AudienceForms.lowercasingOutsideSchemeAndHost(text)
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

    /// Replaces look-alikes of ASCII letters and digits with the letter or digit they imitate.
    public static func skeleton(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        var result = ""
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if let prototype = confusableMap[scalar.value] {
                result.append(prototype)
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue // accents stacked on a look-alike do not make it distinguishable in review
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

    static func removeTrailingSlash(_ text: String) -> String {
        guard text.utf8.last == UInt8(ascii: "/") else { return text }
        var result = Substring(text)
        while result.hasSuffix("/"), result.count > 1, !result.hasSuffix("://") { result = result.dropLast() }
        return String(result)
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
