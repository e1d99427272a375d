import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregServe

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preview the site: build it, serve it on 127.0.0.1, rebuild on every change and reload open pages.",
        discussion: """
            Builds the site as 'audreg build' does, into a temporary folder, and serves it on http://127.0.0.1:PORT/ \
            (another interface only with --host). Every 200 ms it looks for changes to the registry's YAML files, \
            the template overrides and --controls, rebuilds, and open pages reload by themselves. While the registry \
            has findings at or above --fail-on, or a file cannot be read, every page shows them in an overlay \
            (file:line:column) over the last good build; fixing them removes it. The preview uses nothing from git's \
            history (as 'audreg build --no-git-evidence'): build the site to see trust history and source links. \
            Pages are changed only as they are served (the reload script and the overlay): nothing is written to \
            --out or the committed site.

            Examples:
              audreg serve registry
              audreg serve registry --port 0          (a free port; the URL is printed)
              audreg serve . --templates my-templates --controls my-controls

            Exit status: runs until stopped; 130 after Ctrl-C (SIGINT) and 143 after SIGTERM, with the temporary \
            builds removed; 2 for a usage error, a registry folder that does not exist, or an address that \
            cannot be listened on (such as a port in use).
            """)

    @Argument(help: "The registry directory.", completion: .directory)
    var directory: String = "registry"

    @Option(help: "The interface to listen on. Anything but a loopback address (127.0.0.1, ::1) exposes the preview to the network.")
    var host: String = "127.0.0.1"

    @Option(help: "The TCP port; 0 picks a free one (the URL is printed).")
    var port: Int = 8080

    @Option(help: "Template overrides, watched for changes. Default: ./templates when it exists.")
    var templates: String?

    @Option(help: "Show the overlay (and keep the last good build) when a finding is at or above this severity: error, warning, note, or never.")
    var failOn: FailThreshold = .error

    @Option(help: "Token-flow layout: auto, graphviz or built-in (as for 'audreg build').")
    var layout: TokenFlowGraph.Engine = .auto

    @Option(help: "The JSON output of an earlier 'audreg drift --format json' run, read once at start.")
    var driftReport: String?

    @Option(help: "The site's name, in every page's title and header.")
    var title: String = SiteModel.siteTitle

    @OptionGroup var date: DateOptions

    @OptionGroup var controlOptions: ControlOptions

    @OptionGroup var paths: RootOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard !host.isEmpty else { throw ValidationError("--host must not be empty") }
        guard !title.isEmpty else { throw ValidationError("--title must not be empty") }
    }

    func run() async throws {
        guard #available(macOS 14, *) else { throw AudregCLIError("audreg serve needs macOS 14 or later") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw AudregCLIError("registry directory '\(directory)' does not exist; pass the folder that holds your audreg/v1 YAML files")
        }
        let today = try date.resolved()
        var drift: DriftReport?
        if let driftReport { drift = DriftReportBinding.bind(try DriftReport.read(path: driftReport), toRegistryAt: directory, root: paths.root) }
        let templatesDirectory = Templates.overrides(templates)
        var site = SiteBuildOptions(outputDirectory: "", templatesDirectory: templatesDirectory, today: today, engine: layout, drift: drift)
        site.siteTitle = title
        site.timing = ProcessSettings.timing
        let settings = PreviewSettings(registry: directory, loader: paths.loader, today: today, failOn: failOn.severity, site: site,
                                       controlsDirectory: controlOptions.controls, reportPaths: paths.reportPaths(registry: directory))
        var watched = [WatchedTree(path: directory, suffixes: [".yaml", ".yml", RegistryIgnore.fileName], root: paths.root)]
        if let templatesDirectory { watched.append(WatchedTree(path: templatesDirectory)) }
        if let controls = controlOptions.controls { watched.append(WatchedTree(path: controls, suffixes: [".yaml", ".yml"])) }

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("audreg-serve-\(getpid())-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        InterruptCleanup.shared.register(work)
        InterruptSignals.install(cleanup: .shared, outcome: "the preview's temporary builds were removed")
        defer {
            InterruptCleanup.shared.unregister(work)
            try? FileManager.default.removeItem(atPath: work)
        }
        let host = host
        let server = PreviewServer(settings: settings, watched: watched, host: host, port: port, workDirectory: work) { line in
            Terminal.diagnostic(line)
        }
        do {
            try await server.run { port in
                let shown = host.contains(":") ? "[\(host)]" : host
                Terminal.write("audreg: serving \(TerminalText.escape(directory)) at http://\(shown):\(port)/ (Ctrl-C stops)\n")
            }
        } catch {
            throw AudregCLIError("cannot listen on \(host):\(port): \(error); choose another --port, or --port 0 for a free one")
        }
    }
}
