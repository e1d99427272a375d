import Foundation

/// One audience of one service: what the audience rules look at, without copying the whole Service.
/// A class, so the many rules that go over every audience pass one reference around per audience.
public final class AudienceUse: Sendable {
    /// The service's position in `registry.services`.
    public let serviceIndex: Int
    public let name: String
    public let ref: EntityRef
    public let environment: String?
    public let audience: Located<ExactString>
    /// The audience as a URL, or nil for names such as `urn:…` without `//` or plain words.
    public let url: URLParts?
    /// For a URL without query or fragment: the normalized origin and path (`https://api.example.com/a/b`),
    /// and where each of its ancestors ends in it (`https://api.example.com/`, then `…/a`), as UTF-8
    /// offsets. Worked out here, on all cores, for the overlap rule.
    public let hierarchyKey: String?
    public let ancestorEnds: [Int]

    init(serviceIndex: Int, name: String, ref: EntityRef, environment: String?, audience: Located<ExactString>) {
        self.serviceIndex = serviceIndex
        self.name = name
        self.ref = ref
        self.environment = environment
        self.audience = audience
        let url = URLParts(audience.value.text)
        self.url = url
        if let url, let (origin, segments) = AudienceForms.hierarchy(url) {
            var key = origin + "/"
            var ends: [Int] = []
            ends.reserveCapacity(segments.count)
            for (depth, segment) in segments.enumerated() {
                ends.append(key.utf8.count - (depth == 0 ? 0 : 1))
                key += segment + "/"
            }
            if !segments.isEmpty { key.removeLast() }
            hierarchyKey = key
            ancestorEnds = ends
        } else {
            hierarchyKey = nil
            ancestorEnds = []
        }
    }

    public var value: ExactString { audience.value }
    /// The audience as written, for messages and for lenient comparisons that say what they ignore.
    public var text: String { audience.value.text }
    public var location: SourceLocation { audience.location }
}
