import AudregCore

/// Which recorded files an `export --out DIR --prune` may remove. The record in DIR is no proof that
/// audreg wrote a file: DIR is often committed, so anyone who can change it can add a line with the right
/// SHA-256 for any file there. A file is only removed when, besides matching its record, its name is one
/// this format itself gives a file and, where the format writes a header, the file starts with the header
/// the format writes for the same name. Every check names something the registry no longer defines: the
/// file of a service (or framework) the registry still defines is never removed, whatever the record says.
public struct StaleFiles {
    /// Whether `path` (below DIR) is a name this format gives a file, for a service or framework that the
    /// registry no longer defines. Returns what it was made for (`service/orders-api`), nil otherwise.
    public var owner: (String) -> String?
    /// Whether the file's bytes start as this format starts the file it names `path`.
    public var isGenerated: (_ path: String, _ contents: [UInt8]) -> Bool

    public init(owner: @escaping (String) -> String?, isGenerated: @escaping (String, [UInt8]) -> Bool) {
        self.owner = owner
        self.isGenerated = isGenerated
    }

    /// The stem of a top-level `STEM.EXT` name; nil for a name in a folder or with another extension.
    static func stem(_ path: String, extension ext: String) -> String? {
        let suffix = "." + ext
        guard !path.utf8.contains(UInt8(ascii: "/")), path.utf8.count > suffix.utf8.count,
              path.utf8.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) else { return nil }
        return String(decoding: path.utf8.dropLast(suffix.utf8.count), as: UTF8.self)
    }

    /// Only files that already match a record line get here, so the copy into a `String` is rare.
    static func contains(_ contents: [UInt8], _ text: String) -> Bool {
        String(decoding: contents, as: UTF8.self).hasSubstring(text)
    }

    static func startsWith(_ contents: [UInt8], _ prefix: String) -> Bool {
        contents.count >= prefix.utf8.count && contents.prefix(prefix.utf8.count).elementsEqual(prefix.utf8)
    }
}
