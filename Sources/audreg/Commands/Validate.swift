import ArgumentParser
import AudregKit

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a registry against audreg/v1 and every rule.",
        discussion: "Reads every *.yaml and *.yml file below DIR in sorted order. Reports go to stdout; diagnostics to stderr.")

    @Argument(help: "The registry directory.")
    var directory: String = "registry"

    @Option(name: .shortAndLong, help: "Output format: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: OutputFormat = .text

    @Option(help: "Exit 1 when a finding is at or above this severity: error, warning or note.")
    var failOn: Severity = .error

    @OptionGroup var date: DateOptions

    @OptionGroup var paths: RootOptions

    @OptionGroup var findingLimit: FindingLimitOptions

    func run() throws {
        let report = findingLimit.apply(try Validator(today: try date.resolved()).validate(directory: directory, loader: paths.loader))
        let options = ReportOptions(color: format == .text && Terminal.colorAllowed,
                                    pathPrefix: ReportOptions.pathPrefix(forRegistry: directory))
        Terminal.write(format.render(report, options: options))
        if report.fails(at: failOn) { throw ExitCode(1) }
    }
}
