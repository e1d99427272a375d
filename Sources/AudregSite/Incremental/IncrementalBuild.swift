import AudregCore
import Foundation

/// Which earlier site a build may take unchanged pages from.
public enum SiteBuildReuse: Sendable, Equatable {
    /// Render every page (`build --full`).
    case none
    /// The site being replaced (the output folder), when its manifest matches this build.
    case output
    /// Another site audreg built (`serve` reuses the build it is showing).
    case folder(String)
}

/// One build's use of an earlier site: fingerprints every page (its path, template, chrome and view
/// model: everything its two files are rendered from, with the template set and the audreg version
/// checked once for the whole site) and, where the earlier site's manifest has the same fingerprint,
/// hard-links that site's two files into the folder being built instead of rendering them. The new
/// folder is still swapped in as a whole, so a failed build leaves the previous site untouched, and
/// the manifest is trusted only to skip work: a page without a fingerprint, or whose files cannot be
/// linked, is rendered. Every build writes the manifest, so a full build and an incremental one give
/// the same bytes.
final class IncrementalBuild: Sendable {
    let version: String
    let templates: String
    /// The folder unchanged pages are linked from; nil: every page is rendered.
    let source: String?
    /// Why every page is rendered (no earlier site, `--full`, another version…); nil when pages may be reused.
    let fullBuildReason: String?
    private let previous: [String: String]
    /// Per job (written by the one worker that runs it, read after all have finished): its page's path
    /// and fingerprint, nil for a page that cannot be fingerprinted.
    private let pages = Locked<[(path: String, fingerprint: String)?]>([])
    private let reusedCount = Locked(0)

    init(reuse: SiteBuildReuse, output: URL, version: String, templates: TemplateSet) {
        self.version = version
        self.templates = SiteManifest.fingerprint(templates)
        let folder: String? = switch reuse {
        case .none: nil
        case .output: output.path
        case .folder(let path): path
        }
        var reason: String?
        var previous: [String: String] = [:]
        if let folder {
            switch Self.read(folder) {
            case .unusable(let why): reason = why
            case .found(let manifest):
                if !manifest.version.utf8.elementsEqual(version.utf8) {
                    reason = "the site was built by \(manifest.version)"
                } else if !manifest.templates.utf8.elementsEqual(self.templates.utf8) {
                    reason = "the templates changed"
                } else {
                    previous.reserveCapacity(manifest.pages.count)
                    for page in manifest.pages { previous[page.path] = page.fingerprint }
                }
            }
        } else {
            reason = "--full"
        }
        source = reason == nil ? folder : nil
        fullBuildReason = reason
        self.previous = previous
    }

    private enum Read {
        case unusable(String)
        case found(SiteManifest)
    }

    /// The earlier site's manifest, or why there is none to use.
    private static func read(_ folder: String) -> Read {
        guard FileManager.default.fileExists(atPath: folder + "/" + SiteBuilder.markerFile) else { return .unusable("no earlier site") }
        guard let data = FileManager.default.contents(atPath: folder + "/" + SiteManifest.fileName) else { return .unusable("no manifest") }
        guard let manifest = SiteManifest(text: String(decoding: data, as: UTF8.self)) else { return .unusable("the manifest is unreadable") }
        return .found(manifest)
    }

    /// Called once the jobs are known, before any worker starts.
    func begin(jobs: Int) {
        pages.withLock { $0 = Array(repeating: nil, count: jobs) }
    }

    var reused: Int { reusedCount.withLock { $0 } }

    /// Fingerprints the `index`th job's page and, when the earlier site's files were made from the same
    /// fingerprint, links both into `directory`. False: the caller renders the page.
    func reuse(_ job: SiteBuilder.Job, page: PageInstance, at index: Int, into directory: URL, hasher: inout Fingerprinter) -> Bool {
        let path = page.path
        guard let fingerprinted = page.model as? Fingerprinted else { return false }
        hasher.reset()
        hasher.add(path)
        hasher.add(job.descriptor.template)
        // The context a page is rendered with: its root and chrome, then the page (PageContext).
        hasher.add(page.chrome.root)
        page.chrome.fingerprint(into: &hasher)
        fingerprinted.fingerprint(into: &hasher)
        let fingerprint = hasher.digest
        pages.withLock { $0[index] = (path, fingerprint) }
        guard let source, previous[path] == fingerprint else { return false }
        let files = [path + ".html", SiteBuilder.markdownDocs + path + ".md"]
        var linked: [String] = []
        for file in files {
            let target = directory.path + "/" + file
            guard link(source + "/" + file, target) == 0 else {
                // A linked file shares the earlier site's bytes: it must not be there when the page is
                // rendered, or writing it would change the earlier site too.
                for done in linked { unlink(done) }
                return false
            }
            linked.append(target)
        }
        reusedCount.withLock { $0 += 1 }
        return true
    }

    /// The manifest of the site just built, from every job's fingerprint, in job order.
    func manifest() -> SiteManifest {
        SiteManifest(version: version, templates: templates, pages: pages.withLock { $0.compactMap { $0 } })
    }

    /// Writes the manifest into the folder being built.
    func writeManifest(into directory: URL) throws {
        var text = manifest().text
        try text.withUTF8 { try SiteBuilder.write(UnsafeRawBufferPointer($0), toPath: directory.appendingPathComponent(SiteManifest.fileName).path) }
    }
}
