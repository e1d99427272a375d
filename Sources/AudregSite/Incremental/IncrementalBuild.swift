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
/// linked, is rendered. A page's files are linked only while they are still the ones audreg wrote
/// (`SiteFileStamps`): the manifest vouches for what a page was made from, not for what is on disk now.
/// Every build writes the manifest, so a full build and an incremental one give the same bytes.
final class IncrementalBuild: Sendable {
    let version: String
    let templates: String
    /// The folder unchanged pages are linked from; nil: every page is rendered.
    let source: String?
    /// Why every page is rendered (no earlier site, `--full`, another version…); nil when pages may be reused.
    let fullBuildReason: String?
    /// Per page of the earlier site: its fingerprint, and its files' stamps (nil: none recorded).
    private let previous: [String: (fingerprint: PageFingerprint, files: SiteFileStamps.Page?)]
    /// Per job (written by the one worker that runs it, read after all have finished): its page's path
    /// and fingerprint, nil for a page that cannot be fingerprinted.
    private let pages = Locked<[(path: String, fingerprint: PageFingerprint)?]>([])
    /// Per job, as above: the stamps of the page's two files in the folder being built.
    private let stamps = Locked<[SiteFileStamps.Page?]>([])
    private let reusedCount = Locked(0)
    private let changedCount = Locked(0)

    init(reuse: SiteBuildReuse, output: URL, version: String, templates: TemplateSet) {
        self.version = version
        self.templates = SiteManifest.fingerprint(templates)
        let folder: String? = switch reuse {
        case .none: nil
        case .output: output.path
        case .folder(let path): path
        }
        var reason: String?
        var previous: [String: (fingerprint: PageFingerprint, files: SiteFileStamps.Page?)] = [:]
        if let folder {
            switch Self.read(folder) {
            case .unusable(let why): reason = why
            case .found(let manifest, let manifestStamp):
                if !manifest.version.utf8.elementsEqual(version.utf8) {
                    reason = "the site was built by \(manifest.version)"
                } else if !manifest.templates.utf8.elementsEqual(self.templates.utf8) {
                    reason = "the templates changed"
                } else {
                    switch Self.readStamps(folder, manifest: manifestStamp) {
                    case .unusable(let why): reason = why
                    case .found(let stamps):
                        var files: [String: SiteFileStamps.Page] = [:]
                        files.reserveCapacity(stamps.pages.count)
                        for page in stamps.pages { files[page.path] = page.files }
                        previous.reserveCapacity(manifest.pages.count)
                        for page in manifest.pages { previous[page.path] = (page.fingerprint, files[page.path]) }
                    }
                }
            }
        } else {
            reason = "--full"
        }
        source = reason == nil ? folder : nil
        fullBuildReason = reason
        self.previous = previous
    }

    /// The most of a manifest or file record read: a 100,000-service site's are about 20 MiB.
    static let manifestLimit = 256 << 20

    private enum Read {
        case unusable(String)
        /// The manifest, and the stamp of its file as it was read.
        case found(SiteManifest, FileStamp)
    }

    /// The earlier site's manifest, or why there is none to use.
    private static func read(_ folder: String) -> Read {
        guard FileManager.default.fileExists(atPath: folder + "/" + SiteBuilder.markerFile) else { return .unusable("no earlier site") }
        // Stamped from the descriptor it is read from, so the stamp is the bytes' and not a later file's.
        // Not through a link, only a regular file, and only so much: a committed `.audreg-manifest` that
        // links to /dev/zero would otherwise be read until memory runs out.
        let descriptor = open(folder + "/" + SiteManifest.fileName, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard descriptor >= 0 else { return .unusable("no manifest") }
        defer { close(descriptor) }
        guard let stamp = FileStamp.open(descriptor),
              case .success(let data) = BoundedFile.read(descriptor: descriptor, limit: manifestLimit) else { return .unusable("no manifest") }
        let text = String(decoding: data, as: UTF8.self)
        guard let manifest = SiteManifest(text: text) else {
            if text.hasPrefix(SiteManifest.formatName + " "), !text.hasPrefix(SiteManifest.formatLine + "\n") {
                return .unusable("the manifest is of another format")
            }
            return .unusable("the manifest is unreadable")
        }
        return .found(manifest, stamp)
    }

    private enum ReadStamps {
        case unusable(String)
        case found(SiteFileStamps)
    }

    /// The earlier site's record of its files, when it is the one written with the manifest just read.
    private static func readStamps(_ folder: String, manifest: FileStamp) -> ReadStamps {
        guard case .success(let data) = BoundedFile.read(folder + "/" + SiteFileStamps.fileName, limit: manifestLimit, followLinks: false) else {
            return .unusable("no record of the site's files")
        }
        guard let stamps = SiteFileStamps(bytes: data) else {
            return .unusable("the record of the site's files is unreadable")
        }
        // A manifest that is not the one audreg wrote (a committed one changed in a pull request) could
        // give a page whose inputs changed its new fingerprint, and keep the stale page.
        guard stamps.manifest == manifest else { return .unusable("the manifest changed since the last build") }
        return .found(stamps)
    }

    /// Called once the jobs are known, before any worker starts.
    func begin(jobs: Int) {
        pages.withLock { $0 = Array(repeating: nil, count: jobs) }
        stamps.withLock { $0 = Array(repeating: nil, count: jobs) }
    }

    var reused: Int { reusedCount.withLock { $0 } }
    /// Pages whose fingerprint was unchanged but whose file in the earlier site was not the one audreg
    /// wrote (edited, replaced, a symlink, gone), so they were rendered again.
    var changedFiles: Int { changedCount.withLock { $0 } }

    /// Fingerprints the `index`th job's page and, when the earlier site's files were made from the same
    /// fingerprint and are still the files audreg wrote, links both into `directory`. False: the caller
    /// renders the page.
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
        let fingerprint = hasher.fingerprint
        pages.withLock { $0[index] = (path, fingerprint) }
        guard let source, let earlier = previous[path], earlier.fingerprint == fingerprint else { return false }
        guard let recorded = earlier.files else {
            changedCount.withLock { $0 += 1 }
            return false
        }
        let files = [(path + ".html", recorded.html), (SiteBuilder.markdownDocs + path + ".md", recorded.markdown)]
        var linked: [String] = []
        for (file, stamp) in files {
            let origin = source + "/" + file, target = directory.path + "/" + file
            // Linked first and then stamped by the new name (a symlink is linked as itself, not followed),
            // so the file checked is the file kept, even if the earlier site's name is replaced meanwhile.
            let kept = linkat(AT_FDCWD, origin, AT_FDCWD, target, 0) == 0
            if kept { linked.append(target) }
            if kept && FileStamp.regularFile(at: target) == stamp { continue }
            // A linked file shares the earlier site's bytes: it must not be there when the page is
            // rendered, or writing it would change the earlier site too.
            for done in linked { unlink(done) }
            // Not linked with the file as audreg wrote it: only a file that cannot be linked here (on
            // another device) is not counted as changed.
            if kept || FileStamp.regularFile(at: origin) != stamp { changedCount.withLock { $0 += 1 } }
            return false
        }
        stamps.withLock { $0[index] = recorded }
        reusedCount.withLock { $0 += 1 }
        return true
    }

    /// Records the stamps of the `index`th job's files, just rendered into the folder being built.
    func rendered(at index: Int, html: FileStamp?, markdown: FileStamp?) {
        guard let html, let markdown else { return }
        stamps.withLock { $0[index] = SiteFileStamps.Page(html: html, markdown: markdown) }
    }

    /// The manifest of the site just built, from every job's fingerprint, in job order.
    func manifest() -> SiteManifest {
        SiteManifest(version: version, templates: templates, pages: pages.withLock { $0.compactMap { $0 } })
    }

    /// The record of the site just built: every fingerprinted page with both files stamped, in job order.
    private func stampedPages() -> some Sequence<(path: String, files: SiteFileStamps.Page)> {
        let pages = pages.withLock { $0 }, stamps = stamps.withLock { $0 }
        return zip(pages, stamps).lazy.compactMap { page, files -> (path: String, files: SiteFileStamps.Page)? in
            guard let page, let files else { return nil }
            return (page.path, files)
        }
    }

    /// Writes the manifest, the record of the site's files and the `.gitignore` that keeps that record
    /// out of a committed site, into the folder being built. Returns how many files it wrote.
    func writeManifest(into directory: URL) throws -> Int {
        // Both are megabytes at 50,000 pages: written as they are made, not held whole.
        let buffer = OutputBuffer(capacity: 65_536)
        let manifest = manifest()
        let (_, stamp) = try SiteFileWriter(path: directory.appendingPathComponent(SiteManifest.fileName).path).write(from: buffer) {
            manifest.write(to: buffer)
        }
        // Without the manifest's stamp no record is written, and the next build renders every page.
        if let stamp {
            let pages = stampedPages()
            _ = try SiteFileWriter(path: directory.appendingPathComponent(SiteFileStamps.fileName).path).write(from: buffer) {
                SiteFileStamps.write(manifest: stamp, pages: pages, to: buffer)
            }
        }
        // The record differs on every build and machine; a site committed to git (as this project's
        // site/ is) must not hold it, and a `.gitignore` in the site does that for every repository
        // without each having to know the name. Its bytes are the same on every build.
        var ignore = "# Written by audreg build: the record of this folder's files differs on every build.\n/\(SiteFileStamps.fileName)\n"
        try ignore.withUTF8 {
            try SiteBuilder.write(UnsafeRawBufferPointer($0), toPath: directory.appendingPathComponent(".gitignore").path)
        }
        return 3
    }
}
