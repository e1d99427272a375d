import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

extension TokenFlowGraph.Engine: ExpressibleByArgument {}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate the registry and build the documentation site (HTML and Markdown).",
        discussion: """
            Writes OUT/index.html (the HTML site, usable from file:// and any web server) and OUT/markdown/ \
            (GitHub-flavoured Markdown with mkdocs.yml). The site is built in a temporary sibling folder and \
            swapped in only on success: a failed build leaves the previous site as it was. Templates: \
            built-in, with files of the same relative name under --templates taking their place \
            ('audreg templates list' shows which file each page uses; 'audreg templates eject' copies one to \
            change). Set AUDREG_TIMING=1 to print how long each phase took.

            Incremental: the site folder keeps a manifest (.audreg-manifest) of what each page was made \
            from; the next build renders only the pages whose inputs changed and takes the others from the \
            previous site, with the same result as a full build. A page whose file changed since audreg \
            wrote it (by size, modification time or inode, recorded in .audreg-manifest-stat) is rendered \
            again. Another audreg version, changed templates or assets, a missing or unreadable manifest or \
            record, or --full renders every page.

            Examples:
              audreg build registry --out site
              audreg build . --out site --drift-report drift.json --fail-on never

            Exit status: 0 when built; 1 when a finding is at or above --fail-on (the previous site is kept); 2 \
            for a usage error, a registry or template that cannot be read, or an output folder audreg did not build.
            """)

    @Argument(help: "The registry directory.", completion: .directory)
    var directory: String = "registry"

    @Option(name: .shortAndLong, help: "The site folder, replaced as a whole on success.")
    var out: String = "site"

    @Option(help: "Template overrides. Default: ./templates when it exists.")
    var templates: String?

    @Option(help: "Fail (exit 1, previous site kept) when a finding is at or above this severity: error, warning, note, or never.")
    var failOn: FailThreshold = .error

    @Option(help: "Token-flow layout: auto (Graphviz dot when installed and at most \(TokenFlowGraph.dotServiceLimit) services), graphviz (require dot), or built-in.")
    var layout: TokenFlowGraph.Engine = .auto

    @Option(help: "The JSON output of an earlier 'audreg drift --format json' run, shown on the service, issuer and Drift pages; without it, controls evidenced by drift rules are not assessed.")
    var driftReport: String?

    @Option(help: "Days after which a drift report no longer assesses controls (its findings still count), against --today.")
    var maxDriftAge: Int = DriftEvidence.defaultMaxAgeDays

    @Flag(help: "Render every page, taking nothing from the previous site's manifest.")
    var full = false

    @Flag(help: "Use nothing from git's history: no commit dating the evidence, no last change per file, no trust history, no links from the git remote (--repo-url and --ref still apply).")
    var noGitEvidence = false

    @Option(help: "The site's name, in every page's title and header and in mkdocs.yml.")
    var title: String = SiteModel.siteTitle

    @Option(help: "The repository's web URL (http or https), to link \"Defined in\", findings and \"Edit this file\" to the code host (…/blob/REF/path#L12). Default: the git remote 'origin' when it is a GitHub-style URL.")
    var repoURL: String?

    @Option(help: "The branch, tag or commit the links point at. Default: the commit checked out (git rev-parse HEAD).")
    var ref: String?

    @Flag(help: "Link no commit to the code host (commit hashes are shown as text): for a history that is not the host's, such as a scripted or rewritten one.")
    var noCommitLinks = false

    @Option(help: "Show the widening and narrowing changes of the last N commits that touched the registry (a git repository), on a Trust history page and on each service page; 0 turns it off.")
    var history: Int = 100

    @OptionGroup var date: DateOptions

    @OptionGroup var controlOptions: ControlOptions

    @OptionGroup var paths: RootOptions

    func run() throws {
        let today = try date.resolved()
        let report = try Validator(today: today, timing: ProcessSettings.timing).validate(directory: directory, loader: paths.loader)
        if let threshold = failOn.severity, report.fails(at: threshold) {
            let count = report.findings.filter { $0.severity >= threshold }.count
            Terminal.diagnostic("audreg: \(count) finding(s) at or above \(threshold.rawValue); the site was not rebuilt (see 'audreg validate \(directory)', or build with --fail-on never to publish them)")
            throw ExitCode(1)
        }
        var drift: DriftReport?
        if let driftReport {
            do { drift = try DriftReport.read(path: driftReport) } catch { throw AudregCLIError("\(error.description); the previous site is unchanged") }
            drift = DriftReportBinding.bind(drift, toRegistryAt: directory, root: paths.root)
        }
        InterruptSignals.install(cleanup: .shared)
        let templatesDirectory = Templates.overrides(templates)
        if let templatesDirectory {
            for record in TemplateEjection.stale(in: templatesDirectory) {
                Terminal.diagnostic("audreg: warning: \(TerminalText.escape(templatesDirectory))/\(TerminalText.escape(record.name)) was ejected from audreg \(TerminalText.escape(record.version)), and the built-in template has changed since; compare it with a fresh copy (audreg templates eject \(TerminalText.escape(record.name)) --out /tmp/audreg-templates)")
            }
        }
        guard maxDriftAge >= 0 else { throw ValidationError("--max-drift-age must be 0 or more days") }
        var options = SiteBuildOptions(outputDirectory: out, templatesDirectory: templatesDirectory, today: today, engine: layout, drift: drift)
        options.maxDriftAgeDays = maxDriftAge
        options.registryDirectory = directory
        options.timing = ProcessSettings.timing
        options.releaseFreedPages = Allocator.releaseFreedPages
        options.registryRevision = noGitEvidence ? nil : RegistryRevision.read(directory: directory)
        guard history >= 0 else { throw ValidationError("--history must be 0 or more commits") }
        guard !title.isEmpty else { throw ValidationError("--title must not be empty") }
        options.siteTitle = title
        options.reuse = full ? .none : .output
        options.source = try sourceEvidence()
        if !noGitEvidence && history > 0 {
            do {
                options.history = try TrustHistoryReader.read(directory: directory, limit: history, today: today, limits: paths.loader.limits, timing: ProcessSettings.timing)
            } catch let error as GitBaseError {
                Terminal.diagnostic("audreg: warning: no trust history: \(TerminalText.escape(error.description))")
            }
        }
        // The site builder reports no page counts, so the line shows the elapsed time of the longest part.
        let progress = Terminal.progress(label: "build", unit: "writing the site")
        let ticker = progress.map(Terminal.ticker)
        defer { ticker?.cancel(); progress?.finish() }
        progress?.tick()
        do {
            let result = try SiteBuilder.build(report: report, options: options, controls: try controlOptions.catalog())
            ticker?.cancel()
            progress?.finish()
            Terminal.diagnostic("audreg: built \(out): \(result.htmlPages) HTML pages\(result.reuseSummary), \(result.markdownPages) Markdown pages, token flow drawn with the \(result.tokenFlowEngine)")
            ProcessSettings.exit(0, keeping: report)
        } catch let error as SiteBuildError {
            throw AudregCLIError("\(error.description); the previous site is unchanged")
        }
    }

    /// Links from --repo-url/--ref or the git remote, and each file's last commit from git log.
    func sourceEvidence() throws -> SourceEvidence {
        var evidence = SourceEvidence()
        let prefix = GitSource.prefix(directory: directory) ?? Self.relativePrefix(directory)
        if let repoURL {
            guard let ref = ref ?? (noGitEvidence ? nil : GitSource.head(directory: directory)) else {
                throw ValidationError("--repo-url needs --ref (the branch, tag or commit to link to) outside a git repository")
            }
            guard let links = SourceLinks(repoURL: repoURL, ref: ref, prefix: prefix) else {
                throw ValidationError("--repo-url must be an http or https URL without user, query or fragment (such as https://github.com/org/repo), and --ref a branch, tag or commit")
            }
            evidence.links = links
        } else if !noGitEvidence {
            evidence.links = GitSource.links(directory: directory).flatMap { links in
                ref.flatMap { SourceLinks(repoURL: links.base, ref: $0, prefix: links.prefix) } ?? links
            }
        }
        if noCommitLinks { evidence.links?.commitsOnHost = false }
        if !noGitEvidence { evidence.lastChange = GitSource.lastChanges(directory: directory) }
        return evidence
    }

    /// The registry's path in the repository when git cannot say: the folder as given, when relative
    /// and inside the current one.
    static func relativePrefix(_ directory: String) -> String {
        guard !directory.hasBytePrefix("/"), !directory.splitOnScalar("/").contains(where: { $0.isExactly("..") }) else { return "" }
        return directory
    }
}
