/// The output formats of `validate` and `drift`. Exhaustive: the compiler checks that each has a reporter.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, sarif, github, junit

    public func render(_ report: ValidationReport, options: ReportOptions) -> String {
        switch self {
        case .text: return TextReporter.render(report, options: options)
        case .json: return JSONReporter.render(report, options: options)
        case .sarif: return SARIFReporter.render(report, options: options)
        case .github: return GitHubReporter.render(report, options: options)
        case .junit: return JUnitReporter.render(report, options: options)
        }
    }
}

/// What reporters need besides the findings. Reporters are pure functions of these two values.
public struct ReportOptions: Sendable {
    /// Colour the text output (only on a terminal, never with NO_COLOR: the CLI decides).
    public var color: Bool
    /// How files are named: see `ReportPaths`.
    public var paths: ReportPaths
    /// The command that produced the report, for JUnit and SARIF (`validate` or `drift`).
    public var command: String
    /// Set for `drift`: when and how the run looked, written into the JSON report for `build --drift-report`.
    public var driftRun: DriftRun?
    /// The `--fail-on` threshold: JUnit marks findings at or above it as failures and lists the rest as
    /// passed cases, so the test report agrees with the exit status. Nil for `--fail-on never`.
    public var failOn: Severity?

    public init(color: Bool = false, paths: ReportPaths = ReportPaths(), command: String = "validate", driftRun: DriftRun? = nil,
                failOn: Severity? = .error) {
        self.color = color
        self.paths = paths
        self.command = command
        self.driftRun = driftRun
        self.failOn = failOn
    }

    public init(color: Bool = false, pathPrefix: String, command: String = "validate", driftRun: DriftRun? = nil, failOn: Severity? = .error) {
        self.init(color: color, paths: ReportPaths(registry: pathPrefix), command: command, driftRun: driftRun, failOn: failOn)
    }
}
