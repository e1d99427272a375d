import AudregCore
import AudregSite
import Foundation

/// Everything one preview build needs; the executable fills it from the command line, as `audreg build`
/// fills `SiteBuildOptions`.
public struct PreviewSettings: Sendable {
    public var registry: String
    public var loader: RegistryLoader
    public var today: Day
    /// Findings at or above this keep the previous build and show the overlay; nil (`--fail-on never`)
    /// builds whatever the registry holds.
    public var failOn: Severity?
    /// The site's options; `outputDirectory` is replaced by each build's fresh folder.
    public var site: SiteBuildOptions
    /// `--controls`: read again by every build, since the preview watches it.
    public var controlsDirectory: String?
    /// How findings name their files (as `audreg validate` prints them).
    public var reportPaths: ReportPaths

    public init(registry: String, loader: RegistryLoader, today: Day, failOn: Severity?, site: SiteBuildOptions,
                controlsDirectory: String?, reportPaths: ReportPaths) {
        self.registry = registry
        self.loader = loader
        self.today = today
        self.failOn = failOn
        self.site = site
        self.controlsDirectory = controlsDirectory
        self.reportPaths = reportPaths
    }
}

/// The result of one preview build.
public enum PreviewOutcome: Sendable {
    /// A complete site in `directory`.
    case built(directory: String, result: SiteBuildResult)
    /// No site: the problems that stopped it.
    case problems([PreviewProblem])
}

/// The pipeline of `audreg build` (validate, stop at --fail-on, build the site), with every failure
/// turned into problems for the overlay instead of an exit.
public enum PreviewBuilder {
    /// Builds into `output`, a folder that must not exist yet (the site builder makes it, and only when
    /// the build succeeded), taking unchanged pages from `previous`, the site being shown (`serve`
    /// rebuilds incrementally; nil renders every page).
    public static func build(_ settings: PreviewSettings, into output: String, previous: String? = nil) -> PreviewOutcome {
        let report: ValidationReport
        do {
            report = try Validator(today: settings.today).validate(directory: settings.registry, loader: settings.loader)
        } catch {
            return .problems([PreviewProblem(location: nil, message: error.description)])
        }
        if let threshold = settings.failOn, report.fails(at: threshold) {
            return .problems(problems(report.findings, atOrAbove: threshold, paths: settings.reportPaths))
        }
        var controls = ControlCatalog.builtIn
        if let directory = settings.controlsDirectory {
            do {
                controls = try ControlCatalog.withAdditions(from: directory)
            } catch let error as ControlCatalogError {
                return .problems([PreviewProblem(location: "\(error.file):\(error.line):\(error.column)", message: error.message)])
            } catch {
                return .problems([PreviewProblem(location: nil, message: "cannot read control catalogs in '\(directory)': \(error.localizedDescription)")])
            }
        }
        var options = settings.site
        options.outputDirectory = output
        options.reuse = previous.map(SiteBuildReuse.folder) ?? .none
        do {
            let result = try SiteBuilder.build(report: report, options: options, controls: controls)
            return .built(directory: output, result: result)
        } catch let error as SiteBuildError {
            return .problems([PreviewProblem(location: nil, message: error.description)])
        } catch {
            return .problems([PreviewProblem(location: nil, message: "\(error)")])
        }
    }

    /// The findings at or above `threshold`, in report order, each with its `file:line:column`.
    static func problems(_ findings: [Finding], atOrAbove threshold: Severity, paths: ReportPaths) -> [PreviewProblem] {
        findings.filter { $0.severity >= threshold }.sorted(by: Finding.reportOrder).map { finding in
            let location = finding.location
            return PreviewProblem(location: paths.display(location),
                                  severity: finding.severity, ruleID: finding.ruleID, message: finding.message)
        }
    }
}
