import Foundation

/// One audience of one service: what the audience rules look at, without copying the whole Service.
/// A class, so the many rules that go over every audience pass one reference around per audience.
public final class AudienceUse: Sendable {
    // One of these exists per audience for the whole of `validate`, so it keeps no copy of what it can
    // get from what it has (the name is the ref's; the overlap key is the audience's own text).

    /// The service's position in `registry.services`.
    public let serviceIndex: Int
    public let ref: EntityRef
    public let environment: String?
    public let audience: Located<ExactString>
    /// Where the parts of the audience as a URL lie: found once, since three rules read them (parsing
    /// in each cost `diff` 9% more CPU at 10,000 services), and kept as offsets rather than strings.
    private let urlSpans: URLSpans?
    /// For a URL without query or fragment: the normalized origin and path (`https://api.example.com/a/b`),
    /// and where each of its ancestors ends in it (`https://api.example.com/`, then `…/a`), as UTF-8
    /// offsets. Worked out once, on all cores, for the overlap rule.
    public let hierarchyKey: HierarchyKey?
    public let ancestorEnds: [Int]

    init(serviceIndex: Int, ref: EntityRef, environment: String?, audience: Located<ExactString>) {
        self.serviceIndex = serviceIndex
        self.ref = ref
        self.environment = environment
        self.audience = audience
        let spans = URLSpans(audience.value.text)
        urlSpans = spans
        if let spans, let (origin, segments) = AudienceForms.hierarchy(URLParts(audience.value.text, spans)) {
            var key = origin + "/"
            var ends: [Int] = []
            ends.reserveCapacity(segments.count)
            for (depth, segment) in segments.enumerated() {
                ends.append(key.utf8.count - (depth == 0 ? 0 : 1))
                key += segment + "/"
            }
            if !segments.isEmpty { key.removeLast() }
            hierarchyKey = HierarchyKey(key, writtenAs: audience.value.text)
            ancestorEnds = ends
        } else {
            hierarchyKey = nil
            ancestorEnds = []
        }
    }

    public var name: String { ref.name }
    /// The audience as a URL, or nil for names such as `urn:…` without `//` or plain words.
    public var url: URLParts? { urlSpans.map { URLParts(audience.value.text, $0) } }
    public var value: ExactString { audience.value }
    /// The audience as written, for messages and for lenient comparisons that say what they ignore.
    public var text: String { audience.value.text }
    public var location: SourceLocation { audience.location }
}

/// An audience's normalized origin and path, or the start of it (an ancestor's key), compared and
/// hashed as UTF-8 bytes. Almost every audience is its own key or its key without the final `/`, so
/// the key shares the audience's storage instead of holding a copy, and an ancestor is a shorter
/// length rather than a new string.
public struct HierarchyKey: Hashable, Sendable {
    private let base: String
    private let appendsSlash: Bool
    /// How many bytes of `base` (followed by `/` when `appendsSlash`) the key covers.
    public let length: Int

    init(_ key: String, writtenAs audience: String) {
        let audienceBytes = audience.utf8.count
        if key.isExactly(audience) {
            self.init(base: audience, appendsSlash: false, length: audienceBytes)
        } else if key.utf8.count == audienceBytes + 1, key.utf8.last == ASCII.slash, key.utf8.starts(with: audience.utf8) {
            self.init(base: audience, appendsSlash: true, length: audienceBytes + 1)
        } else {
            var key = key
            key.makeContiguousUTF8()
            self.init(base: key, appendsSlash: false, length: key.utf8.count)
        }
    }

    private init(base: String, appendsSlash: Bool, length: Int) {
        var base = base
        base.makeContiguousUTF8()
        self.base = base
        self.appendsSlash = appendsSlash
        self.length = length
    }

    /// The key's first `length` bytes: an ancestor's key.
    public func prefix(_ length: Int) -> HierarchyKey {
        HierarchyKey(base: base, appendsSlash: appendsSlash, length: min(max(length, 0), self.length))
    }

    /// The key as text, for messages and tests.
    public var text: String {
        let fromBase = min(length, base.utf8.count)
        var text = String(Substring(base.utf8.prefix(fromBase)))
        if length > fromBase { text += "/" }
        return text
    }

    /// The bytes before the last one, and the last one. Two keys are equal when both are, however each
    /// splits between `base` and the appended slash.
    private func withParts<Result>(_ body: (UnsafeBufferPointer<UInt8>, UInt8?) -> Result) -> Result {
        var base = base
        return base.withUTF8 { bytes in
            guard length > 0 else { return body(UnsafeBufferPointer(rebasing: bytes[0..<0]), nil) }
            let last = length > bytes.count ? ASCII.slash : bytes[length - 1]
            return body(UnsafeBufferPointer(rebasing: bytes[0..<(length - 1)]), last)
        }
    }

    public static func == (lhs: HierarchyKey, rhs: HierarchyKey) -> Bool {
        guard lhs.length == rhs.length else { return false }
        return lhs.withParts { leftHead, leftLast in
            rhs.withParts { rightHead, rightLast in
                leftLast == rightLast && (leftHead.isEmpty || memcmp(leftHead.baseAddress!, rightHead.baseAddress!, leftHead.count) == 0)
            }
        }
    }

    public func hash(into hasher: inout Hasher) {
        withParts { head, last in
            hasher.combine(bytes: UnsafeRawBufferPointer(head))
            hasher.combine(last)
        }
    }
}
