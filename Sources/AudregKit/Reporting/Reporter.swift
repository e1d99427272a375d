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
    /// Prefix that turns registry-relative paths into repository-relative ones (SARIF, GitHub annotations),
    /// such as `registry/`. Empty when the registry is the current directory.
    public var pathPrefix: String
    /// The command that produced the report, for JUnit and SARIF (`validate` or `drift`).
    public var command: String
    /// Set for `drift`: when and how the run looked, written into the JSON report for `build --drift-report`.
    public var driftRun: DriftRun?

    public init(color: Bool = false, pathPrefix: String = "", command: String = "validate", driftRun: DriftRun? = nil) {
        self.color = color
        self.pathPrefix = pathPrefix
        self.command = command
        self.driftRun = driftRun
    }

    /// `registry` or `./registry/` become `registry/`; `.`, absolute paths and paths leaving the
    /// current directory give no prefix (those reports keep registry-relative paths).
    public static func pathPrefix(forRegistry directory: String) -> String {
        var path = directory
        while path.hasPrefix("./") { path.removeFirst(2) }
        while path.hasSuffix("/") { path.removeLast() }
        if path.isEmpty || path == "." || path.hasPrefix("/") || path.hasPrefix("..") { return "" }
        return path + "/"
    }

    public func repositoryPath(_ file: String) -> String {
        file.hasPrefix("/") || file.hasPrefix("..") ? file : pathPrefix + file
    }
}

public enum AudregVersion {
    public static let current = "0.1.0"
    public static let informationURI = "https://github.com/audreg/audreg"
}
