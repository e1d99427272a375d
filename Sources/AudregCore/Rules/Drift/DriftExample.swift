/// How a drift rule's example is written: a registry, then the files and responses drift would read,
/// each after a line `#> NAME`. NAME is a config file (relative to the registry, as a deployment's
/// `source`) or a URL, optionally followed by `status=CODE` and `content-type=TYPE`. `↓` markers count
/// lines and columns within their own section, so a marker in a config section is a position in that file.
///
///     apiVersion: audreg/v1
///     kind: Issuer
///     metadata: {name: corp-idp}
///     spec: {issuer: https://idp.example.com, jwksUri: ↓https://idp.example.com/keys}
///     #> https://idp.example.com/keys content-type=text/html
///     <html>sign in</html>
public struct DriftExampleSection: Sendable {
    /// `example.yaml` for the registry, else the config file or URL.
    public var name: String
    public var text: String
    public var markers: [TextPosition]
    public var status: Int
    public var contentType: String?

    public var isURL: Bool { name.hasPrefix("http://") || name.hasPrefix("https://") }
}

public enum DriftExample {
    public static let registryFile = "example.yaml"
    public static let separator = "#> "

    public static func sections(of example: RuleExample) -> [DriftExampleSection] {
        var sections: [DriftExampleSection] = []
        var current = DriftExampleSection(name: registryFile, text: "", markers: [], status: 200, contentType: "application/json")
        var line = 1
        for rawLine in example.yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if rawLine.hasPrefix(separator) {
                sections.append(current)
                let words = rawLine.dropFirst(separator.count).split(separator: " ").map(String.init)
                current = DriftExampleSection(name: words.first ?? "", text: "", markers: [], status: 200, contentType: "application/json")
                for word in words.dropFirst() {
                    if word.hasPrefix("status="), let code = Int(word.dropFirst(7)) { current.status = code }
                    if word.hasPrefix("content-type=") { current.contentType = String(word.dropFirst(13)) }
                }
                line = 1
                continue
            }
            var column = 1
            var text = ""
            for scalar in rawLine.unicodeScalars {
                if Character(scalar) == RuleExample.marker {
                    current.markers.append(TextPosition(line: line, column: column))
                    continue
                }
                text.unicodeScalars.append(scalar)
                column += 1
            }
            current.text += text + "\n"
            line += 1
        }
        sections.append(current)
        return sections
    }
}
