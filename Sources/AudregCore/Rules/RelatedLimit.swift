/// Cross-entity rules relate each finding to the other entities involved. A registry where thousands
/// of services share one audience must not produce thousands of related locations per finding
/// (quadratic output), so lists are capped and the message says how many were left out.
public enum RelatedLimit {
    public static let locations = 20
    public static let names = 5

    /// `'a', 'b', 'c' and 7 more`
    public static func names(_ names: [String]) -> String {
        list(names.map { "'\($0)'" })
    }

    /// Items as written, deduplicated and sorted, the first few shown.
    public static func list(_ items: [String]) -> String {
        let unique = Array(Set(items)).sorted()
        let shown = unique.prefix(Self.names).joined(separator: ", ")
        return unique.count > Self.names ? "\(shown) and \(unique.count - Self.names) more" : shown
    }
}

extension RelatedLimit {
    /// Names from a sorted, deduplicated list, leaving out one; constant work per call.
    public static func names(sortedUnique: [String], excluding excluded: String) -> String {
        var shown: [String] = []
        for name in sortedUnique where name != excluded {
            shown.append("'\(name)'")
            if shown.count == names { break }
        }
        let total = sortedUnique.count - 1
        let list = shown.joined(separator: ", ")
        return total > names ? "\(list) and \(total - names) more" : list
    }
}

extension Array {
    /// The first `RelatedLimit.locations` elements that are not `excluded`, scanning no further than needed.
    func capped(excluding isExcluded: (Element) -> Bool) -> [Element] {
        var result: [Element] = []
        for element in self where !isExcluded(element) {
            result.append(element)
            if result.count == RelatedLimit.locations { break }
        }
        return result
    }
}
