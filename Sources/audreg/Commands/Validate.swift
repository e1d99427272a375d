import ArgumentParser
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a registry against audreg/v1 and every rule.",
        discussion: """
            Reads every *.yaml and *.yml file below DIR that declares apiVersion: audreg/v1, in sorted order (other \
            YAML, hidden folders, folders built by audreg build and what .audregignore names are skipped). Reports \
            go to stdout; diagnostics to stderr. Files are named as paths that open from the current directory; \
            SARIF names them relative to the repository root (%SRCROOT%), GitHub annotations relative to \
            $GITHUB_WORKSPACE.

            Examples:
              audreg validate registry
              audreg validate . --format sarif > audreg.sarif
              audreg validate registry --format github --fail-on warning

            Exit status: 0 when no finding is at or above --fail-on; 1 when one is; 2 for a usage error or a \
            registry that cannot be read.
            """)

    @Argument(help: "The registry directory.", completion: .directory)
    var directory: String = "registry"

    @Option(name: .shortAndLong, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp(FailThreshold.help))
    var failOn: FailThreshold = .error

    @OptionGroup var date: DateOptions

    @OptionGroup var paths: RootOptions

    @OptionGroup var findingLimit: FindingLimitOptions

    func run() throws {
        let report = findingLimit.apply(try Validator(today: try date.resolved(), timing: ProcessSettings.timing).validate(directory: directory, loader: paths.loader))
        let options = ReportOptions(color: format == .text && Terminal.colorAllowed, paths: paths.reportPaths(registry: directory),
                                    failOn: failOn.severity)
        Terminal.write(format.render(report, options: options))
        ProcessSettings.exit(failOn.fails(report) ? 1 : 0, keeping: report)
    }
}
