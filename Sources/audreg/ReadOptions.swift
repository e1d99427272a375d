import ArgumentParser
import AudregKit
import Foundation

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
    /// cut is visible in every output format without changing any of them.
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
