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

    @Flag(help: "Do not date registry evidence with the registry's last git commit (git log -1).")
    var noGitEvidence = false

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
        options.timing = ProcessSettings.timing
        options.releaseFreedPages = Allocator.releaseFreedPages
        options.registryRevision = noGitEvidence ? nil : RegistryRevision.read(directory: directory)
        // The site builder reports no page counts, so the line shows the elapsed time of the longest part.
        let progress = Terminal.progress(label: "build", unit: "writing the site")
        let ticker = progress.map(Terminal.ticker)
        defer { ticker?.cancel(); progress?.finish() }
        progress?.tick()
        do {
            let result = try SiteBuilder.build(report: report, options: options, controls: try controlOptions.catalog())
            ticker?.cancel()
            progress?.finish()
            Terminal.diagnostic("audreg: built \(out): \(result.htmlPages) HTML pages, \(result.markdownPages) Markdown pages, token flow drawn with the \(result.tokenFlowEngine)")
        } catch let error as SiteBuildError {
            throw AudregCLIError("\(error.description); the previous site is unchanged")
        }
    }
}
