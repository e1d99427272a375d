import AudregCore

/// `.audreg-manifest` in a built site: what built it (the audreg version and a fingerprint of every
/// template and asset byte) and, per page, the fingerprint of what its two files were rendered from.
/// The next build reads it only to skip work: a page is reused when its fingerprint is the same and
/// its files are still the ones audreg wrote (`SiteFileStamps`); anything unreadable or unexpected
/// means a full build.
struct SiteManifest: Equatable {
    static let fileName = ".audreg-manifest"
    static let formatName = "audreg-site-manifest"
    /// 2: pages are reused only with the record of their files beside the manifest; a site written with
    /// format 1 has none, so it is built in full.
    static let formatLine = "\(formatName) 2"

    var version: String
    var templates: String
    /// Root-relative page path (without extension) → fingerprint, in job order.
    var pages: [(path: String, fingerprint: PageFingerprint)]

    static func == (lhs: SiteManifest, rhs: SiteManifest) -> Bool {
        lhs.version == rhs.version && lhs.templates == rhs.templates
            && lhs.pages.elementsEqual(rhs.pages) { $0.path == $1.path && $0.fingerprint == $1.fingerprint }
    }

    /// One line each: the format, `version <v>`, `templates <hex>`, then `<hex> <path>` per page. Paths
    /// are validated names joined by `/` (no line breaks); the version is the build's own.
    var text: String { OutputBuffer.string(capacity: 128 + pages.count * 80, write) }

    /// `text`'s bytes, appended to `out` (a build drains them to the file as they come).
    func write(to out: OutputBuffer) {
        out.append("\(Self.formatLine)\nversion \(version)\ntemplates \(templates)\n")
        for page in pages {
            page.fingerprint.write(to: out)
            out.append(UInt8(ascii: " "))
            out.append(page.path)
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// nil for anything but a manifest this format writes.
    init?(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.last == "", lines.count >= 4, lines[0] == Self.formatLine,
              lines[1].hasPrefix("version "), lines[2].hasPrefix("templates ") else { return nil }
        lines.removeLast()
        version = String(lines[1].dropFirst("version ".count))
        templates = String(lines[2].dropFirst("templates ".count))
        var pages: [(path: String, fingerprint: PageFingerprint)] = []
        pages.reserveCapacity(lines.count - 3)
        for line in lines.dropFirst(3) {
            guard let space = line.firstIndex(of: " ") else { return nil }
            let path = line[line.index(after: space)...]
            guard let fingerprint = PageFingerprint(hex: line[..<space].utf8), !path.isEmpty else { return nil }
            pages.append((String(path), fingerprint))
        }
        self.pages = pages
    }

    init(version: String, templates: String, pages: [(path: String, fingerprint: PageFingerprint)]) {
        self.version = version
        self.templates = templates
        self.pages = pages
    }

    /// The fingerprint of a template set: every entry's name and bytes, in name order.
    static func fingerprint(_ templates: TemplateSet) -> String {
        var hasher = Fingerprinter()
        hasher.add(templates.entries.count)
        for entry in templates.entries {
            hasher.add(entry.name)
            hasher.add(entry.text)
        }
        return hasher.digest
    }
}
