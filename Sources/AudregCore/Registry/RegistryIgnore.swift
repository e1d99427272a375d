import Foundation

/// What the registry walk leaves out besides hidden entries: audreg's own output folders (marked with a
/// `.audreg-site` file by `build`) and the patterns of an `.audregignore` file at the registry's root,
/// in gitignore syntax (`#` comments, `!` to re-include, a trailing `/` for folders only, a `/` inside
/// or at the start to anchor at the root, `*`, `?`, `[…]` and `**`).
public struct RegistryIgnore: Sendable {
    /// The file `build` writes into every site folder it makes, so a site built inside the registry
    /// folder is never read back as registry.
    public static let siteMarker = ".audreg-site"
    public static let fileName = ".audregignore"

    struct Pattern: Sendable {
        var regex: NSRegularExpression
        var negated: Bool
        var directoryOnly: Bool
    }

    var patterns: [Pattern] = []

    public init() {}

    /// Reads `.audregignore` from the registry root when there is one.
    public init(directory: String) {
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let text = FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) } ?? ""
        self.init(text: text)
    }

    public init(text: String) {
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var line = String(rawLine)
            while line.hasSuffix(" ") && !line.hasSuffix("\\ ") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negated = false
            if line.hasPrefix("!") { negated = true; line.removeFirst() }
            if line.hasPrefix("\\") { line.removeFirst() }
            var directoryOnly = false
            if line.hasSuffix("/") { directoryOnly = true; line.removeLast() }
            let anchored = line.contains("/")
            if line.hasPrefix("/") { line.removeFirst() }
            guard !line.isEmpty, let regex = try? NSRegularExpression(pattern: "^" + (anchored ? "" : "(?:.*/)?") + Self.regex(forGlob: line) + "$") else { continue }
            patterns.append(Pattern(regex: regex, negated: negated, directoryOnly: directoryOnly))
        }
    }

    /// Whether `relativePath` (from the registry root, `/`-separated) is ignored; the last matching
    /// pattern decides, as in git.
    public func ignores(_ relativePath: String, isDirectory: Bool) -> Bool {
        var ignored = false
        let range = NSRange(relativePath.startIndex..., in: relativePath)
        for pattern in patterns where !pattern.directoryOnly || isDirectory {
            if pattern.regex.firstMatch(in: relativePath, range: range) != nil { ignored = !pattern.negated }
        }
        return ignored
    }

    static func isSiteFolder(_ directory: String) -> Bool {
        var info = stat()
        return lstat((directory as NSString).appendingPathComponent(siteMarker), &info) == 0
    }

    static func regex(forGlob glob: String) -> String {
        var output = ""
        let characters = Array(glob)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                if index + 1 < characters.count, characters[index + 1] == "*" {
                    // `**/` is any number of folders; a trailing `**` is everything below.
                    if index + 2 < characters.count, characters[index + 2] == "/" {
                        output += "(?:.*/)?"
                        index += 3
                    } else {
                        output += ".*"
                        index += 2
                    }
                    continue
                }
                output += "[^/]*"
            case "?":
                output += "[^/]"
            case "[":
                if let close = characters[(index + 1)...].firstIndex(of: "]") {
                    var set = String(characters[(index + 1)..<close])
                    if set.hasPrefix("!") { set = "^" + set.dropFirst() }
                    output += "[" + set.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                    index = close + 1
                    continue
                }
                output += "\\["
            case "\\":
                if index + 1 < characters.count {
                    output += NSRegularExpression.escapedPattern(for: String(characters[index + 1]))
                    index += 2
                    continue
                }
                output += "\\\\"
            default:
                output += NSRegularExpression.escapedPattern(for: String(character))
            }
            index += 1
        }
        return output
    }
}
