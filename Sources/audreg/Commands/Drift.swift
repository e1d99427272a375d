import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

/// `audreg drift [check] DIR` runs the checks; `audreg drift merge` combines shard reports. The check is
/// the default subcommand rather than the group's own run, because a group with its own DIR argument
/// would read `merge` as the registry folder.
struct Drift: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare the registry with what issuers publish and what gateways enforce.",
        discussion: """
            'audreg drift DIR' is 'audreg drift check DIR'; see 'audreg drift check --help' for its options.
            """,
        subcommands: [DriftCheck.self, Drift.Merge.self],
        defaultSubcommand: DriftCheck.self)
}

struct DriftCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare the registry with what issuers publish and what gateways enforce (the default).",
        usage: """
            audreg drift [DIR] [--format text|json|sarif|github|junit] [--fail-on error|warning|note|never]
                         [--skip-issuers] [--skip-deployments] [--save DIR | --offline DIR] [--root DIR] [<more options>]
            """,
        discussion: """
            Fetches each Issuer's discovery document and JWKS, and reads each Service deployment's Envoy, Istio, \
            Spring Boot or Kong config, and reports every difference in the formats of `validate`, with the same \
            exit codes. Only public addresses are connected to unless --allow-loopback or --allow-network CIDR \
            says otherwise; the check applies to the address connected to and to every redirect. --offline DIR \
            replays a --save DIR run without touching the network. The JSON output \
            carries the run's time, mode and coverage ("drift": {"checkedAt", "mode", "coverage"}: the issuers \
            whose keys and the services whose deployed configs it read, and, as "unchecked" with why, those \
            it could not, whatever severity the policy gives their findings); give it to 'audreg build --drift-report' or \
            'audreg export oscal --drift-report' to show the run and assess the controls its rules evidence.

            Examples:
              audreg drift registry --format json > drift.json
              audreg drift registry --skip-issuers --format github
              audreg drift registry --offline saved/
              audreg drift registry --shard 2/3 --format json > drift-2.json

            With --shard K/N the run checks a stable 1/N of the issuers and services (by a hash of each \
            name), for CI jobs side by side; 'audreg drift merge' combines their JSON reports into one \
            (see docs/ci.md).

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

    @Option(help: "Seconds allowed for each request, connection to last byte.")
    var timeout: Double = 10

    @Option(help: "Seconds allowed for all requests together.")
    var deadline: Double = 300

    @Option(help: "Requests in flight at once.")
    var concurrency: Int = 16

    @Option(help: "A PEM file of extra CA certificates to trust, for internal PKI.")
    var caBundle: String?

    @Flag(help: "Do not verify TLS certificates of servers on 127.0.0.0/8 (test setups only; connecting there also needs --allow-loopback).")
    var insecureLoopback = false

    @OptionGroup var network: NetworkOptions

    @Option(help: "Read saved responses from this directory (written by --save) instead of the network.")
    var offline: String?

    @Option(help: "Save every fetched response (private key members redacted) and a manifest in this directory.")
    var save: String?

    @Option(help: "Warn about x5c certificates that expire within this many days.")
    var certWarnDays: Int = 30

    @Flag(help: "Skip the JWKS and discovery checks.")
    var skipIssuers = false

    @Flag(help: "Skip the deployed-config checks.")
    var skipDeployments = false

    @Option(help: ArgumentHelp("Check only shard K of N: a stable 1/N of the issuers and services, the same for a name on every run and machine. Combine the N JSON reports with 'audreg drift merge'.", valueName: "K/N"))
    var shard: String?

    @OptionGroup var paths: RootOptions

    @OptionGroup var findingLimit: FindingLimitOptions

    @OptionGroup(title: "Spring Boot configs") var spring: SpringOptions

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        guard deadline > 0 else { throw ValidationError("--deadline must be positive") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
        guard certWarnDays >= 0 else { throw ValidationError("--cert-warn-days must not be negative") }
        if offline != nil, save != nil { throw ValidationError("--offline and --save cannot be combined") }
        if let shard {
            if case .failure(let problem) = DriftShard.parse(shard) { throw ValidationError(problem.message) }
            // merge rebuilds the whole run's findings from the shards' lists, so none may be cut.
            if findingLimit.maxFindings != nil { throw ValidationError("--shard and --max-findings cannot be combined: 'audreg drift merge' needs every finding of each shard") }
        }
        if let caBundle, !FileManager.default.isReadableFile(atPath: caBundle) {
            throw ValidationError("--ca-bundle '\(caBundle)' cannot be read")
        }
    }

    func run() async throws {
        let today = try date.resolved()
        let loaded = try paths.loader.load(directory: directory)
        var options = DriftOptions(today: today)
        options.root = paths.root
        options.certificateWarnDays = certWarnDays
        options.checkIssuers = !skipIssuers
        options.checkDeployments = !skipDeployments
        if let shard { options.shard = try DriftShard.parse(shard).get() }
        let springSettings = try spring.settings()
        options.springProperties = springSettings.springProperties
        options.springProfiles = springSettings.springProfiles

        let policy = try network.policy()
        var http: HTTPDocumentSource?
        let source: any DocumentSource
        var saving: SavingDocumentSource?
        var run = DriftRun(checkedAt: DriftRun.now(environment: ProcessInfo.processInfo.environment), mode: .live)
        do {
            if let offline {
                let replay = try OfflineDocumentSource(directory: offline)
                run = DriftRun(checkedAt: replay.takenAt, mode: .offline)
                Terminal.diagnostic("audreg: --offline replays the issuer responses saved \(replay.takenAt.map { "at \(TerminalText.escape($0))" } ?? "at an unknown time")"
                                    + (skipDeployments ? "" : "; deployment configs are read as they are now, not from the save"))
                source = replay
            } else {
                var fetch = HTTPFetchOptions()
                fetch.timeout = .milliseconds(Int64(timeout * 1000))
                fetch.deadline = .milliseconds(Int64(deadline * 1000))
                fetch.concurrency = concurrency
                fetch.caBundle = caBundle
                fetch.insecureLoopback = insecureLoopback
                fetch.network = policy
                let live = try HTTPDocumentSource(options: fetch)
                http = live
                if let save {
                    let recorder = try SavingDocumentSource(upstream: live, directory: save)
                    saving = recorder
                    source = recorder
                } else {
                    source = live
                }
            }
        } catch {
            throw AudregCLIError(error.reason)
        }

        let reporter = Terminal.progress(label: "drift", unit: "checks")
        var progress: DriftProgress?
        var ticker: Task<Void, Never>?
        if let reporter {
            progress = { @Sendable done, total in reporter.update(done: done, total: total) }
            ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    if !Task.isCancelled { reporter.tick() }
                }
            }
        }
        run.registry = DriftIdentity.registryDigest(of: loaded, root: paths.root)
        if let shard = options.shard {
            run.shard = DriftRun.ShardRecord(shard: shard, options: DriftIdentity.optionsDigest(options, mode: run.mode))
        }
        let outcome = await DriftRunner(options: options).check(loaded, registryDirectory: directory, source: source, progress: progress)
        var report = outcome.report
        run.notes = outcome.notes
        run.coverage = outcome.coverage
        ticker?.cancel()
        reporter?.finish()
        await http?.shutdown()
        if let saving {
            do { try await saving.writeManifest(takenAt: DriftRun.now(environment: ProcessInfo.processInfo.environment)) } catch { throw AudregCLIError(error.reason) }
        }

        // Config files live outside the registry (`../deploy/…`); reports name them, like registry files,
        // as paths that open from the current directory.
        report = findingLimit.apply(report)
        let reportOptions = ReportOptions(color: format == .text && Terminal.colorAllowed, paths: paths.reportPaths(registry: directory),
                                          command: "drift", driftRun: run, failOn: failOn.severity)
        Terminal.write(format.render(report, options: reportOptions))
        if failOn.fails(report) { throw ExitCode(1) }
    }
}
