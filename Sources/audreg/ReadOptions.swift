import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

/// Where the repository ends: every registry file and local deployment source must resolve inside it.
struct RootOptions: ParsableArguments {
    @Option(help: "The repository root: registry files, links and local deployment sources must resolve inside it, or they are reported and not read. Default: the registry folder's git top-level (nearest .git), else the registry folder.")
    var root: String?

    var loader: RegistryLoader { RegistryLoader(root: root) }
}

/// `--max-findings`: a bound on the findings one run lists, on top of the per-rule, per-file bound.
struct FindingLimitOptions: ParsableArguments {
    @Option(help: "List at most N findings, the most severe first. The summary and the exit status still count every finding. Default: no bound beyond \(Validator.maxFindingsPerRulePerFile) per rule per file.")
    var maxFindings: Int?

    func validate() throws {
        if let maxFindings, maxFindings < 1 { throw ValidationError("--max-findings must be at least 1") }
    }

    /// The report cut to `--max-findings`, with one line on stderr when anything was left out, so the
    /// cut is visible whatever the output format (JSON also says so in `omitted`).
    func apply(_ report: ValidationReport) -> ValidationReport {
        guard let maxFindings else { return report }
        let limited = report.limited(to: maxFindings)
        if limited.omittedCount > 0 {
            let total = limited.findings.count + limited.omittedCount
            Terminal.diagnostic("audreg: listed \(limited.findings.count) of \(total) findings (--max-findings \(maxFindings)); \(limited.omittedCount) more not listed (\(limited.omitted.errors) errors, \(limited.omitted.warnings) warnings, \(limited.omitted.notes) notes), counted in the summary and the exit status")
        }
        return limited
    }
}

extension RootOptions {
    /// How reports name files for a registry given as `directory`: paths that open from the current
    /// directory, SARIF relative to the repository root, GitHub relative to `$GITHUB_WORKSPACE`.
    func reportPaths(registry directory: String) -> ReportPaths {
        let workingDirectory = RepositoryRoot.realPath(FileManager.default.currentDirectoryPath)
        let repository = (try? RepositoryRoot.forRegistry(directory, explicit: root))?.path
        let workspace = ProcessInfo.processInfo.environment["GITHUB_WORKSPACE"].flatMap { RepositoryRoot.realPath($0) }
        return ReportPaths(registry: ReportPaths.prefix(forRegistry: directory), workingDirectory: workingDirectory,
                           repositoryRoot: repository, githubWorkspace: workspace)
    }
}

/// `--fail-on`: the severity at which a command fails (exit 1), or `never`.
enum FailThreshold: String, ExpressibleByArgument, CaseIterable {
    case error, warning, note, never

    var severity: Severity? { Severity(rawValue: rawValue) }

    static let help = "Exit 1 when a finding is at or above this severity: error, warning, note, or never."

    func fails(_ report: ValidationReport) -> Bool {
        severity.map { report.fails(at: $0) } ?? false
    }
}
