import Foundation
import AudregCore

/// What a page template is rendered with: the page's view model under `page`, and what every page
/// needs at the top of the context stack (`root`, `chrome`), so rows nested anywhere can write
/// `{{root}}{{href}}`. The chrome comes from the page's descriptor, not from its view model.
struct PageContext {
    let root: String
    let chrome: PageChrome
    let page: any PageModel

    init(chrome: PageChrome, page: any PageModel) {
        root = chrome.root
        self.chrome = chrome
        self.page = page
    }

    init(_ page: PageInstance) { self.init(chrome: page.chrome, page: page.model) }
}

public struct SiteBuildOptions: Sendable {
    public var outputDirectory: String
    /// Where overrides are looked up; nil uses only the built-in templates.
    public var templatesDirectory: String?
    public var today: Day
    public var engine: TokenFlowGraph.Engine
    /// The last `audreg drift --format json` run, shown on the service, issuer and Drift pages.
    public var drift: DriftReport?
    /// A drift report older than this (against `today`) assesses no control.
    public var maxDriftAgeDays = DriftEvidence.defaultMaxAgeDays
    /// The registry's git commit, dating the registry evidence; nil leaves it undated.
    public var registryRevision: RegistryRevision?
    /// Whether the phases' durations are reported (the executable reads AUDREG_TIMING).
    public var timing: TimingOptions = .off
    /// Called between the phases of a build to give freed memory back to the system (the executable
    /// tunes the allocator; the library does not).
    public var releaseFreedPages: @Sendable () -> Void = {}
    /// The site's name (`--title`).
    public var siteTitle = SiteModel.siteTitle
    /// Links to the code host and each file's last commit.
    public var source = SourceEvidence()
    /// The trust history (`--history`); nil: none.
    public var history: TrustHistory?
    /// Where unchanged pages may be taken from (Incremental/); `.none` renders every page (`--full`).
    public var reuse = SiteBuildReuse.output
    /// Recorded in the manifest; another version renders every page. Tests fake a new version here.
    var version = AudregVersion.long
    /// The registry the site is built from: an output folder that is it, or holds it, is refused, since
    /// replacing the output would replace the registry.
    public var registryDirectory: String?

    public init(outputDirectory: String, templatesDirectory: String?, today: Day, engine: TokenFlowGraph.Engine = .auto,
                drift: DriftReport? = nil) {
        self.outputDirectory = outputDirectory
        self.templatesDirectory = templatesDirectory
        self.today = today
        self.engine = engine
        self.drift = drift
    }
}

public struct SiteBuildResult: Sendable {
    public var htmlPages: Int
    public var markdownPages: Int
    public var files: Int
    public var tokenFlowEngine: String
    /// Pages (each an HTML and a Markdown file) taken unchanged from the earlier site.
    public var reusedPages = 0
    /// Pages rendered again, though made from the same inputs, because their file in the earlier site
    /// had changed since audreg wrote it (edited, replaced, a symlink, gone); part of the rendered ones.
    public var changedFilePages = 0
    /// Why no page was taken from an earlier site; nil when the build was incremental.
    public var fullBuildReason: String?

    /// What `build` and `serve` say of the pages after "N HTML pages": " (2 rendered, 10090 unchanged)",
    /// with the pages rendered again because their file changed; empty for a full build.
    public var reuseSummary: String {
        guard fullBuildReason == nil else { return "" }
        let changed = changedFilePages > 0 ? "; \(changedFilePages) re-rendered because their file changed since the last build" : ""
        return " (\(htmlPages - reusedPages) rendered, \(reusedPages) unchanged\(changed))"
    }
}

/// Builds the HTML and Markdown trees into a temporary sibling of the output directory and swaps it in
/// only when everything was written, so a failed build leaves the previous site untouched and pages of
/// deleted entities disappear.
public enum SiteBuilder {
    /// A file in every built site, so the builder never replaces a directory it did not make.
    public static let markerFile = RegistryIgnore.siteMarker
    /// The Markdown tree: `markdown/mkdocs.yml` and `markdown/docs/…`.
    public static let markdownDocs = "markdown/docs/"

    public static func build(report: ValidationReport, options: SiteBuildOptions, catalog: RuleCatalog = .builtIn,
                             controls: ControlCatalog = .builtIn) throws -> SiteBuildResult {
        let output = URL(fileURLWithPath: options.outputDirectory).standardizedFileURL
        try checkOutput(output, registry: options.registryDirectory)
        if options.engine == .graphviz && TokenFlowGraph.findDot() == nil {
            throw SiteBuildError.output("--layout graphviz needs Graphviz's dot on the PATH (apt-get install graphviz), or use --layout auto")
        }
        var timing = PhaseTiming(options.timing)
        options.releaseFreedPages()
        let templates = try TemplateSet.resolve(overrides: options.templatesDirectory)
        // Compiled before any work: a template the engine does not support stops the build here.
        let library = try PageRenderer(templates: templates)
        let incremental = IncrementalBuild(reuse: options.reuse, output: output, version: options.version, templates: templates)
        timing.lap("templates, and the earlier site's manifest and file record")
        // The picture and the view models are independent; drawing it on another core hides its cost.
        let drawn = Locked<(picture: TokenFlowGraph.Picture, seconds: Double)?>(nil)
        let drawing = DispatchGroup()
        let services = report.registry.services
        let engine = options.engine
        DispatchQueue.global().async(group: drawing) {
            let start = DispatchTime.now().uptimeNanoseconds
            let picture = TokenFlowGraph.picture(services: services, engine: engine)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            drawn.withLock { $0 = (picture, seconds) }
        }
        var model = SiteModel.build(report: report, catalog: catalog, controls: controls, today: options.today,
                                    tokenFlow: TokenFlowGraph.Picture(svg: "", engine: ""), drift: options.drift,
                                    maxDriftAgeDays: options.maxDriftAgeDays, registryRevision: options.registryRevision,
                                    siteTitle: options.siteTitle, source: options.source, history: options.history)
        let modelSeconds = timing.sinceLap
        drawing.wait()
        let (picture, drawingSeconds) = drawn.withLock { $0! }
        model.setTokenFlow(picture)
        timing.lap("view models (\(PhaseTiming.format(modelSeconds)) s) and token flow (\(picture.engine), \(PhaseTiming.format(drawingSeconds)) s)")
        options.releaseFreedPages()
        defer { timing.report() }

        let fileManager = FileManager.default
        let parent = output.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent("\(output.lastPathComponent).tmp-\(getpid())")
        try? fileManager.removeItem(at: temporary)
        removeAbandonedTemporaries(of: output)
        // An interrupt (SIGINT, SIGTERM) removes the temporary folder and exits; the previous site stays.
        let cleanup = InterruptCleanup.shared
        cleanup.critical { cleanup.setCommittedLocked(false) }
        cleanup.register(temporary.path)
        defer { cleanup.unregister(temporary.path) }
        do {
            try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
            // Made here, not found: a folder or link someone put at this name beforehand is refused.
            try fileManager.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw SiteBuildError.output("cannot create '\(temporary.path)': \(error.localizedDescription)")
        }
        do {
            let counts = try render(model: model, templates: templates, library: library, into: temporary, timing: &timing,
                                    incremental: incremental)
            let written = try incremental.writeManifest(into: temporary)
            timing.lap("manifest and file record")
            try swap(temporary, into: output)
            timing.lap("swap")
            return SiteBuildResult(htmlPages: counts.html, markdownPages: counts.markdown, files: counts.files + written, tokenFlowEngine: picture.engine,
                                   reusedPages: incremental.reused, changedFilePages: incremental.changedFiles,
                                   fullBuildReason: incremental.fullBuildReason)
        } catch {
            try? fileManager.removeItem(at: temporary)
            throw error
        }
    }

    /// Removes `<out>.tmp-<pid>` folders left by builds that were killed outright (SIGKILL, power loss):
    /// only those whose process no longer exists, so a concurrent build's folder is never touched.
    static func removeAbandonedTemporaries(of output: URL) {
        let prefix = output.lastPathComponent + ".tmp-"
        let parent = output.deletingLastPathComponent()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        // Bytes, not `hasPrefix`: a folder whose name only looks like the output's is never deleted.
        for name in names where name.utf8.starts(with: prefix.utf8) {
            let rest = String(decoding: name.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, rest.count == digits.count || rest.dropFirst(digits.count) == "-old",
                  let pid = Int32(digits), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: parent.appendingPathComponent(name))
            }
        }
    }

    /// Refuses to replace anything that is not a site this builder wrote (or an empty directory).
    static func checkOutput(_ output: URL, registry: String? = nil) throws {
        let path = output.path
        // By real paths and bytes: `--out registry/..` or a link to the registry is the registry's folder too.
        if let registry, let registryPath = RepositoryRoot.realPath(registry) {
            let outputPath = RepositoryRoot.realPath(path) ?? path
            if registryPath.utf8.elementsEqual(outputPath.utf8) || registryPath.hasBytePrefix(outputPath.hasByteSuffix("/") ? outputPath : outputPath + "/") {
                throw SiteBuildError.output("the output directory '\(path)' is or holds the registry '\(registry)'; choose a folder of its own, such as site")
            }
        }
        guard path != "/", output.lastPathComponent != "..", !output.lastPathComponent.isEmpty else {
            throw SiteBuildError.output("refusing to use '\(path)' as the output directory")
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        if cwd == path || cwd.hasPrefix(path + "/") {
            throw SiteBuildError.output("the output directory '\(path)' contains the current directory; choose a folder of its own, such as site")
        }
        // lstat, not stat: a link in place of the output (committed in a pull request) would have the
        // swap move the link and then delete inside whatever it points to.
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            throw SiteBuildError.output("'\(path)' is a symbolic link; audreg replaces the output folder itself and follows no link there: pass the folder it points to, or remove the link")
        case S_IFDIR: break
        default: throw SiteBuildError.output("'\(path)' exists and is not a directory")
        }
        let contents: [String]
        do { contents = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
            throw SiteBuildError.output("cannot list '\(path)' to check that audreg built it (\(error.localizedDescription)); refusing to replace it")
        }
        var marker = stat()
        let markerIsFile = lstat(path + "/" + markerFile, &marker) == 0 && (marker.st_mode & S_IFMT) == S_IFREG
        if !contents.isEmpty && !markerIsFile {
            throw SiteBuildError.output("'\(path)' is not empty and was not built by audreg (no \(markerFile) file); refusing to replace it")
        }
    }

    static func swap(_ temporary: URL, into output: URL) throws {
        let fileManager = FileManager.default
        let old = output.deletingLastPathComponent().appendingPathComponent("\(output.lastPathComponent).tmp-\(getpid())-old")
        try? fileManager.removeItem(at: old)
        let exists = fileManager.fileExists(atPath: output.path)
        let cleanup = InterruptCleanup.shared
        // Both renames happen with interrupts held off, so a signal never leaves the output half swapped;
        // afterwards an interrupt removes the old site (now only a leftover) instead of the new one.
        if cleanup.isCancelled { throw SiteBuildError.output("interrupted") }
        try cleanup.critical {
            do {
                if exists { try fileManager.moveItem(at: output, to: old) }
                try fileManager.moveItem(at: temporary, to: output)
            } catch {
                if exists && !fileManager.fileExists(atPath: output.path) { try? fileManager.moveItem(at: old, to: output) }
                throw SiteBuildError.output("cannot move the new site into '\(output.path)': \(error.localizedDescription)")
            }
            cleanup.unregisterLocked(temporary.path)
            cleanup.setCommittedLocked(true)
            if exists { cleanup.registerLocked(old.path) }
        }
        removeTree(old)
        cleanup.unregister(old.path)
    }

    /// Deletes a previous site; its biggest folders are removed in parallel, since a large site has
    /// tens of thousands of files.
    static func removeTree(_ url: URL) {
        let fileManager = FileManager.default
        // A link is removed as a link: nothing is deleted through it.
        var info = stat()
        if lstat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            unlink(url.path)
            return
        }
        var folders: [String] = []
        for top in SitePage.entityFolders + SitePage.entityFolders.map({ markdownDocs + $0 }) {
            let path = url.appendingPathComponent(top).path
            if fileManager.fileExists(atPath: path) { folders.append(path) }
        }
        let paths = folders
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            try? FileManager.default.removeItem(atPath: paths[index])
        }
        try? fileManager.removeItem(at: url)
    }

    /// One unit of rendering: a page in both trees, the `index`th of its kind (`SitePage.all[page]`).
    struct Job: Sendable {
        let page: Int
        let index: Int

        var descriptor: SitePage { SitePage.all[page] }

        /// The page kind, for AUDREG_TIMING.
        var kind: String { descriptor.name }
    }

    struct Rendered: Sendable {
        var path: String
        /// UTF-8 bytes, written to the file as they are.
        var html: [UInt8]
        var markdown: [UInt8]
    }

    /// A job's page: its root-relative path without extension, its chrome and its view model.
    static func page(_ job: Job, model: SiteModel) -> PageInstance {
        job.descriptor.page(job.index, of: model)
    }

    /// A job's root-relative path without extension, without building its page.
    static func path(_ job: Job, model: SiteModel) -> String {
        job.descriptor.path(model.context, job.index)
    }

    /// Every page, the heaviest kinds first (`SitePage.Weight`), each kind in `SitePage.all`'s order.
    static func jobs(_ model: SiteModel) -> [Job] {
        let kinds = SitePage.all.indices.sorted { (SitePage.all[$0].weight, $0) < (SitePage.all[$1].weight, $1) }
        return kinds.flatMap { kind in (0..<SitePage.all[kind].count(model)).map { Job(page: kind, index: $0) } }
    }

    /// Renders every page, in memory: root-relative output path → content. For tests and small sites.
    public static func renderAll(model: SiteModel, templates: TemplateSet) throws -> [String: String] {
        let library = try PageRenderer(templates: templates)
        var files: [String: String] = [:]
        var pages = [ExactString: String]()
        for job in jobs(model) {
            try checkUnique(path(job, model: model), of: job, among: &pages)
            let rendered = try renderJob(job, model: model, library: library)
            files[rendered.path + ".html"] = String(decoding: rendered.html, as: UTF8.self)
            files[markdownDocs + rendered.path + ".md"] = String(decoding: rendered.markdown, as: UTF8.self)
        }
        supportFiles(model: model, templates: templates, library: library) { path, produce in
            files[path] = OutputBuffer.string(capacity: 4096, produce)
        }
        return files
    }

    /// Refuses a second page at one path: a service named `index` would replace the Services list.
    static func checkUnique(_ path: String, of job: Job, among pages: inout [ExactString: String]) throws {
        if let other = pages.updateValue(job.descriptor.name, forKey: ExactString(path)) {
            throw SiteBuildError.output("two pages, '\(other)' and '\(job.descriptor.name)', would both be written to \(path).html: rename the service, control or framework whose name gives that path")
        }
    }

    static func renderJob(_ job: Job, model: SiteModel, library: PageRenderer) throws -> Rendered {
        let (path, context, html, markdown) = pageContext(job, model: model)
        guard let htmlBytes = library.render(context, withTemplate: html) else { throw SiteBuildError.render("no template \(html).mustache") }
        guard let markdownBytes = library.render(context, withTemplate: markdown) else {
            throw SiteBuildError.render("no template \(markdown).mustache")
        }
        return Rendered(path: path, html: htmlBytes, markdown: markdownBytes)
    }

    /// A job's output path (root-relative, without extension), its boxed context, and its HTML and
    /// Markdown template names.
    static func pageContext(_ job: Job, model: SiteModel, cache: BoxCache? = nil) -> (String, BoxValue, String, String) {
        pageContext(job, page: page(job, model: model), cache: cache)
    }

    /// As above, for a page already built (the incremental build builds it first to fingerprint it).
    static func pageContext(_ job: Job, page: PageInstance, cache: BoxCache? = nil) -> (String, BoxValue, String, String) {
        let context = BoxValue.object(PageContext(page).box(root: page.chrome.root, cache: cache))
        return (page.path, context, "html/\(job.descriptor.template)", "markdown/\(job.descriptor.template)")
    }

    /// Assets, the search index, mkdocs.yml and the marker file: each in turn (root-relative path, and
    /// what writes its content into a buffer), so a caller can write one before the next is made, and
    /// write a large one to its file while it is made.
    static func supportFiles(model: SiteModel, templates: TemplateSet, library: PageRenderer,
                             each: (String, (OutputBuffer) -> Void) throws -> Void) rethrows {
        for asset in templates.assets {
            try each(asset.name) { $0.append(asset.text) }
        }
        // Written straight to bytes, once for each file rather than copied from one to the other: the
        // index of a large registry is megabytes, and a JSONValue tree of it would be several times that.
        let entries = model.context.searchEntries
        try each("search-index.json") { output in
            SearchIndex.write(entries, into: output)
            output.append(UInt8(ascii: "\n"))
        }
        try each("search-index.js") { output in
            output.append("window.AUDREG_SEARCH_INDEX = ")
            SearchIndex.write(entries, into: output)
            output.append(";\n")
        }
        let mkdocs = MustacheBox.convert(MkDocsContext(model: model)).flatMap { library.render($0, withTemplate: "markdown/mkdocs.yml") } ?? []
        try each("markdown/mkdocs.yml") { $0.append(mkdocs) }
        try each(markerFile) { $0.append("This folder is written by `audreg build`; it is replaced as a whole on every build.\n") }
    }

    /// Writes the support files into the site folder; returns how many.
    static func writeSupportFiles(model: SiteModel, templates: TemplateSet, library: PageRenderer, into directory: URL) throws -> Int {
        var count = 0
        let buffer = OutputBuffer(capacity: 65_536)
        try supportFiles(model: model, templates: templates, library: library) { path, produce in
            _ = try SiteFileWriter(path: directory.appendingPathComponent(path).path).write(from: buffer) { produce(buffer) }
            count += 1
        }
        return count
    }

    static func render(model: SiteModel, templates: TemplateSet, library: PageRenderer, into directory: URL,
                       timing: inout PhaseTiming, incremental: IncrementalBuild? = nil) throws -> (html: Int, markdown: Int, files: Int) {
        let jobs = jobs(model)
        incremental?.begin(jobs: jobs.count)
        // Folders first, so parallel writers never race to create them.
        var folders = Set<String>(["assets"])
        // The table of paths is dropped before any page renders: it holds a path for every page
        // (10 MiB at 50,000 services), and the workers make each path again when they need it.
        try {
            var pages = [ExactString: String]()
            pages.reserveCapacity(jobs.count)
            for job in jobs {
                let pagePath = path(job, model: model)
                try checkUnique(pagePath, of: job, among: &pages)
                let folder = PathText.parent(pagePath)
                guard !folder.isEmpty else { continue }
                folders.insert(folder)
                folders.insert(markdownDocs + folder)
            }
        }()
        for asset in templates.assets { folders.insert(PathText.parent(asset.name)) }
        for folder in folders.sorted() {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let output = try OutputFolders(root: directory.path, folders: folders.union(["", "markdown/docs"]))
        defer { output.close() }
        // The search index and mkdocs.yml are made and written while the pages render, one at a time,
        // so none of them is held in memory longer than it takes to write it.
        let support = Locked<SupportFilesResult>(SupportFilesResult())
        let supportGroup = DispatchGroup()
        let supportFolder = directory
        DispatchQueue.global().async(group: supportGroup) {
            let start = DispatchTime.now().uptimeNanoseconds
            var result = SupportFilesResult()
            do {
                result.count = try writeSupportFiles(model: model, templates: templates, library: library, into: supportFolder)
            } catch {
                result.error = error
            }
            result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            support.withLock { $0 = result }
        }
        // One worker per core takes the next job until none is left, and reuses one output buffer. A
        // worker keeps its time per page kind and its error to itself and hands them over once, when it
        // stops: a result kept per page was 4 MiB at 50,000 services, at the build's peak.
        let nextJob = Locked(0)
        let finished = Locked(WorkerResult())
        DispatchQueue.concurrentPerform(iterations: max(1, min(ProcessInfo.processInfo.activeProcessorCount, jobs.count))) { _ in
            let buffer = OutputBuffer(capacity: 65_536)
            let cache = BoxCache()
            var hasher = Fingerprinter()
            var mine = WorkerResult()
            defer { finished.withLock { $0.merge(mine) } }
            while true {
                let index = nextJob.withLock { next in
                    defer { next += 1 }
                    return next
                }
                guard index < jobs.count else { return }
                let start = DispatchTime.now().uptimeNanoseconds
                // After an interrupt, write nothing more: the cleanup is removing the folder.
                if InterruptCleanup.shared.isCancelled {
                    mine.error = (index, "interrupted")
                    return
                }
                // Each page is built once: fingerprinted (incremental builds), then reused or rendered.
                let page = Self.page(jobs[index], model: model)
                if let incremental, incremental.reuse(jobs[index], page: page, at: index, into: directory, hasher: &hasher) {
                    mine.secondsByKind[jobs[index].kind, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    continue
                }
                do {
                    let (path, context, html, markdown) = pageContext(jobs[index], page: page, cache: cache)
                    var stamps: [FileStamp?] = []
                    for (template, file) in [(html, path + ".html"), (markdown, markdownDocs + path + ".md")] {
                        let (found, stamp) = try output.file(file).write(from: buffer) {
                            library.render(context, withTemplate: template, into: buffer, shared: cache.renderings)
                        }
                        guard found else { throw SiteBuildError.render("no template \(template).mustache") }
                        stamps.append(stamp)
                    }
                    incremental?.rendered(at: index, html: stamps[0], markdown: stamps[1])
                    buffer.removeAll(keepingAtMost: 1 << 20)
                    mine.secondsByKind[jobs[index].kind, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                } catch {
                    mine.error = (index, "\(error)")
                    return
                }
            }
        }
        supportGroup.wait()
        let result = finished.withLock { $0 }
        if let error = result.error { throw SiteBuildError.render(error.message) }
        timing.lap("pages (\(jobs.count) × 2)")
        timing.detail = result.secondsByKind.sorted { $0.value > $1.value }.map { "\($0.key) \(String(format: "%.2f", $0.value)) s" }.joined(separator: ", ")
        let supportResult = support.withLock { $0 }
        if let error = supportResult.error { throw error }
        timing.lap("assets and search index (\(PhaseTiming.format(supportResult.seconds)) s on their own thread, while the pages render)")
        return (jobs.count, jobs.count, jobs.count * 2 + supportResult.count)
    }

    /// Writes a whole file at once (see `SiteFileWriter`). Returns the file's stamp.
    @discardableResult
    static func write(_ buffer: UnsafeRawBufferPointer, toPath path: String) throws -> FileStamp? {
        let file = try SiteFileWriter(path: path)
        file.write(buffer)
        return try file.finish()
    }
}

struct MkDocsContext {
    struct Entry { let title: String; let md: String }
    let siteTitle: String
    /// The title as one double-quoted YAML scalar, for `site_name: {{{siteName}}}`: HTML escaping would
    /// show `&quot;` in MkDocs, and a raw quote or line break would end the scalar.
    let siteName: String
    let nav: [Entry]

    init(model: SiteModel) {
        siteTitle = model.siteTitle
        siteName = YAMLText.scalar(model.siteTitle)
        nav = SiteModel.navigation.map { Entry(title: $0.0, md: $0.1 + ".md") }
    }
}

/// The client-side search index: one entry per service, audience, issuer, team, rule and control.
public enum SearchIndex {
    /// A JSON array of `{"k": kind, "t": title, "u": href, "d": detail}`.
    public static func text<Entries: Collection<SearchEntry>>(_ entries: Entries) -> String {
        let output = OutputBuffer(capacity: max(64, entries.count * 128))
        write(entries, into: output)
        return String(decoding: output.bytes, as: UTF8.self)
    }

    /// The same JSON written as bytes, without a JSON tree or a string: a large registry's index is
    /// megabytes (BENCHMARKS.md).
    static func write<Entries: Sequence<SearchEntry>>(_ entries: Entries, into output: OutputBuffer) {
        output.append(UInt8(ascii: "["))
        for (number, entry) in entries.enumerated() {
            output.append(number == 0 ? "{\"k\":" : ",{\"k\":")
            JSONValue.writeString(entry.kind, to: output)
            output.append(",\"t\":")
            JSONValue.writeString(entry.title, to: output)
            output.append(",\"u\":")
            JSONValue.writeString(entry.link.href, to: output)
            output.append(",\"d\":")
            JSONValue.writeString(entry.detail, to: output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(UInt8(ascii: "]"))
    }
}

/// The folders of the site being built, opened once: each page is created relative to its folder's
/// descriptor (`openat`), so the kernel does not walk the whole path again for each of 20,000 files.
private struct OutputFolders: Sendable {
    let root: String
    let descriptors: [String: Int32]

    init(root: String, folders: Set<String>) throws {
        self.root = root
        var descriptors: [String: Int32] = [:]
        for folder in folders {
            let path = folder.isEmpty ? root : root + "/" + folder
            let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else {
                for opened in descriptors.values { _ = Foundation.close(opened) }
                throw SiteBuildError.output("cannot open '\(path)': \(String(cString: strerror(errno)))")
            }
            descriptors[folder] = descriptor
        }
        self.descriptors = descriptors
    }

    /// Opens a file at a root-relative path for writing; a folder that was not opened is reached by its
    /// full path.
    func file(_ relativePath: String) throws -> SiteFileWriter {
        let slash = relativePath.lastIndex(of: "/")
        let folder = slash.map { String(relativePath[..<$0]) } ?? ""
        let name = slash.map { String(relativePath[relativePath.index(after: $0)...]) } ?? relativePath
        let path = root + "/" + relativePath
        guard let directory = descriptors[folder] else { return try SiteFileWriter(path: path) }
        return try SiteFileWriter(descriptor: openat(directory, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644), path: path)
    }

    func close() {
        for descriptor in descriptors.values { _ = Foundation.close(descriptor) }
    }
}

/// What the thread writing the support files reports (read after the group's wait).
private struct SupportFilesResult: Sendable {
    var count = 0
    var seconds = 0.0
    var error: (any Error)?
}

/// What a rendering worker reports for one job (the job's position in `jobs`).
/// What the page workers report: render time by page kind, and the failed job that comes first in job
/// order (a worker stops at its first failure), so the error reported is the same whichever worker ran it.
private struct WorkerResult: Sendable {
    var secondsByKind: [String: Double] = [:]
    var error: (index: Int, message: String)?

    mutating func merge(_ other: WorkerResult) {
        secondsByKind.merge(other.secondsByKind, uniquingKeysWith: +)
        if let failed = other.error, error.map({ failed.index < $0.index }) ?? true { error = failed }
    }
}
