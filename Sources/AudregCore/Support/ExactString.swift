import Foundation

/// A value that JWT libraries and gateways compare byte for byte: an audience (`aud`), an issuer
/// (`iss`), or an entity name used as a key. RFC 7519 §2 compares StringOrURI values "with no
/// transformations or canonicalizations applied", and Envoy, Istio, Spring Security, jwt-kit and jose do
/// exactly that. Swift's `String ==`, `Hashable` and `<` do not: they treat canonically equivalent
/// strings as equal (U+00FC equals "u" + U+0308), so an audience kept as a `String` would make audreg
/// report collisions no JWT library has, and miss the difference between the two.
///
/// This type compares, hashes and orders by the exact UTF-8 bytes. It deliberately offers no `==` with
/// `String`: a security comparison that mixes the two does not compile. Lenient comparisons (case,
/// normalization, look-alikes) are the confusable rule's business and say so in their names.
public struct ExactString: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The value exactly as written.
    public let text: String

    public init(_ text: String) {
        var text = text
        // Native strings hold contiguous UTF-8; bridged or lazily built ones are made so once here, so
        // every comparison below takes the fast path.
        text.makeContiguousUTF8()
        self.text = text
    }

    public init(stringLiteral value: String) { self.init(value) }

    public var description: String { text }
    public var utf8: String.UTF8View { text.utf8 }
    public var isEmpty: Bool { text.utf8.isEmpty }

    public static func == (lhs: ExactString, rhs: ExactString) -> Bool {
        // memcmp: `elementsEqual` compares a byte at a time, and the index of names looks every name up.
        lhs.withBytes { left in
            rhs.withBytes { right in
                left.count == right.count && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        withBytes { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Byte order: deterministic, and the same order the reports and the site have always shown for
    /// ASCII values.
    public static func < (lhs: ExactString, rhs: ExactString) -> Bool { ExactText.precedes(lhs.text, rhs.text) }

    private func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        text.withUTF8Bytes(body)
    }
}

extension String {
    /// The string's UTF-8 as one buffer: its own storage when it is contiguous (native strings), a
    /// copy otherwise (bridged or lazily built ones), so byte-level encoders work on either.
    package func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(utf8).withUnsafeBufferPointer(body)
    }

    /// Byte-for-byte equality, for the few places that compare a raw `String` with a claim value (a token's
    /// `aud` read from JSON, a value in a gateway's config) before it becomes an `ExactString`.
    /// Whether the UTF-8 starts with `prefix`'s. `hasPrefix` compares `Character`s: `"." + U+0301` does
    /// not start with "." for it, though its first byte is a dot, as `ls` sees it.
    package func hasBytePrefix(_ prefix: String) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// Whether the UTF-8 ends with `suffix`'s. `hasSuffix` compares `Character`s: a prepended mark such
    /// as U+0600 joins the "." of "x\u{600}.yaml" into one, so that name would not end in ".yaml" for it.
    package func hasByteSuffix(_ suffix: String) -> Bool {
        let count = utf8.count, suffixCount = suffix.utf8.count
        return count >= suffixCount && utf8.dropFirst(count - suffixCount).elementsEqual(suffix.utf8)
    }

    /// The pieces between occurrences of `separator`, split on scalars as the enforcers split their
    /// lists (Spring's and pflag's `,`, a path's `/`). `split(separator:)` on a `String` works on
    /// `Character`s: in `"a,\u{FE0F}b"` the comma and the variation selector are one, so it would find
    /// one audience where Spring finds two.
    package func splitOnScalar(_ separator: Unicode.Scalar, omittingEmptySubsequences: Bool = true) -> [String] {
        unicodeScalars.split(separator: separator, omittingEmptySubsequences: omittingEmptySubsequences)
            .map { String(String.UnicodeScalarView($0)) }
    }

    package func isExactly(_ other: String) -> Bool {
        // `utf8.count` is stored for native strings, so most unequal pairs stop here.
        guard utf8.count == other.utf8.count else { return false }
        return withUTF8Bytes { left in other.withUTF8Bytes { right in left.elementsEqual(right) } }
    }
}
