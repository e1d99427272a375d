import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the registry for governance tools (OSCAL) and gateways.",
        subcommands: [OSCAL.self, Envoy.self, Istio.self, EnvoyGateway.self, Nginx.self, AWSTrust.self])

    struct OSCAL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oscal",
            abstract: "An OSCAL component-definition (one component per service), with catalogs for frameworks NIST does not publish in OSCAL.",
            discussion: """
                Without --out, prints the component-definition JSON. With --out DIR, writes DIR/component-definition.json and \
                DIR/catalogs/<framework>.json, and lists on stderr the catalogs an earlier export wrote there for frameworks \
                it no longer exports (recorded in DIR/.audreg-export-oscal); --prune removes them. UUIDs are derived from names, so exports of an unchanged registry are identical. \
                The registry is validated first: a finding at or above --fail-on refuses the export (pass --fail-on never \
                to export a registry whose failing controls the document should show).

                Example:
                  audreg export oscal registry --out oscal/

                Exit status: 0 when written; 1 when refused because of findings (listed on stderr); 2 for a usage error.
                """)

        @Argument(help: "The registry directory.", completion: .directory)
        var directory: String = "registry"

        @Option(name: .shortAndLong, help: "A directory to write the component definition and catalogs into.")
        var out: String?

        @Flag(help: "With --out: remove the catalogs an earlier export wrote there for frameworks no longer exported (listed in DIR/.audreg-export-oscal, unchanged since, and with the catalog's own UUID). Without it they are only listed on stderr.")
        var prune = false

        @Option(help: ArgumentHelp(FailThreshold.help + " Default: error."))
        var failOn: FailThreshold = .error

        @OptionGroup var date: DateOptions

        @OptionGroup var controlOptions: ControlOptions

        @OptionGroup var paths: RootOptions

        @OptionGroup var driftOptions: DriftEvidenceOptions

        func run() throws {
            let today = try date.resolved()
            let controls = try controlOptions.catalog()
            let report = try Validator(today: today, timing: ProcessSettings.timing).validate(directory: directory, loader: paths.loader)
            let reportPaths = paths.reportPaths(registry: directory)
            try ExportGate.check(report, failOn: failOn, paths: reportPaths)
            let export = OSCALExport(report: report, controls: controls, today: today, drift: DriftReportBinding.bind(try driftOptions.report(), toRegistryAt: directory, root: paths.root),
                                     maxDriftAgeDays: driftOptions.maxDriftAge)
            let definition: String
            do {
                definition = try export.componentDefinition().serialized()
            } catch {
                throw AudregCLIError(error.description(paths: reportPaths))
            }
            guard let out else {
                Terminal.write(definition)
                return
            }
            var files = [("component-definition.json", definition)]
            for framework in export.catalogsToExport {
                files.append(("catalogs/\(framework.id).json", export.catalog(framework).serialized()))
            }
            if prune { try OutputFiles.checkPrune(report, paths: reportPaths) }
            let outcome = try OutputFiles.write(files, into: out, format: "oscal", stale: export.staleFiles(), prune: prune, complete: true)
            OutputFiles.report(outcome, count: files.count, directory: out)
        }
    }
}

/// The drift evidence for control status, shared by `build` and `export oscal`.
struct DriftEvidenceOptions: ParsableArguments {
    @Option(help: "The JSON output of an earlier 'audreg drift --format json' run. Without it, controls evidenced by drift rules are not assessed.")
    var driftReport: String?

    @Option(help: "Days after which a drift report no longer assesses controls (its findings still count), against --today.")
    var maxDriftAge: Int = DriftEvidence.defaultMaxAgeDays

    func validate() throws {
        guard maxDriftAge >= 0 else { throw ValidationError("--max-drift-age must be 0 or more days") }
    }

    func report() throws -> DriftReport? {
        guard let driftReport else { return nil }
        do { return try DriftReport.read(path: driftReport) } catch { throw AudregCLIError(error.description) }
    }
}

enum ExportPruneHelp {
    static let text = "With --out: remove the files an earlier export of this format wrote there for services the registry no longer defines. Only a file listed in DIR/.audreg-export-FORMAT with its bytes unchanged, named as this format names a service's file, and (except aws-trust) starting with the header it writes for that service. Off by default: removing a service's file also removes the token requirement it set for a workload that may still run."
}

/// Options shared by the gateway exporters.
struct GatewayExportOptions: ParsableArguments {
    @Argument(help: "The registry directory.", completion: .directory)
    var directory: String = "registry"

    @Option(help: "Export one service only.")
    var service: String?

    @Option(name: .shortAndLong, help: "A directory to write one file per service into; files an earlier export of this format wrote there for services no longer in the registry are listed on stderr (see --prune). Without it, the files are printed, separated by ---.")
    var out: String?

    @Flag(help: ArgumentHelp(ExportPruneHelp.text))
    var prune = false

    @Option(help: ArgumentHelp(FailThreshold.help + " Default: error: a gateway should never enforce a registry that fails its own rules."))
    var failOn: FailThreshold = .error

    @OptionGroup var date: DateOptions

    @OptionGroup var paths: RootOptions

    func export(_ format: GatewayFormat, namespace: String? = nil) throws {
        // Envoy and nginx compare audiences leniently, so each config is checked against every other
        // service's audiences (LenientAudiences); a service that did not load cannot be checked against.
        let lenient = format == .envoy || format == .envoyGateway || format == .nginx
        try export(format: format.rawValue, stale: { GatewayExport(registry: $0).staleFiles(format) }, check: { report, paths in
            guard lenient, let problem = LoadedWhole.problem(report, paths: paths) else { return }
            let how = format == .nginx ? "an nginx map compares keys ignoring case" : "Envoy compares audiences without an http:// or https:// prefix and a trailing '/'"
            throw AudregCLIError("export \(format.rawValue) needs a registry that loaded whole, whatever --fail-on says, and \(problem): \(how), so audreg cannot tell whether a config it writes would also admit tokens for a service that failed to load; fix it, then export again. Nothing was written")
        }) { registry throws(GatewayExportError) in
            try GatewayExport(registry: registry, namespace: namespace).files(format, service: service)
        }
    }

    /// Validates, then writes what `make` generates from the registry; its errors are usage errors.
    /// `format` names the folder's record of what this format wrote (`ExportRecord`).
    /// `stale` gives the format's rule for which recorded files are its own and stale (`StaleFiles`).
    /// `check` may refuse the validated registry for what this format needs beyond `--fail-on`.
    func export<Failure: Error & CustomStringConvertible>(format: String, stale: (Registry) -> StaleFiles, check: (ValidationReport, ReportPaths) throws -> Void = { _, _ in },
                                                          _ make: (Registry) throws(Failure) -> [(String, String)]) throws {
        let report = try Validator(today: try date.resolved(), timing: ProcessSettings.timing).validate(directory: directory, loader: paths.loader)
        let reportPaths = paths.reportPaths(registry: directory)
        try ExportGate.check(report, failOn: failOn, paths: reportPaths)
        try check(report, reportPaths)
        let files: [(String, String)]
        do {
            files = try make(report.registry)
        } catch let error as any RegistryLocatedError {
            throw AudregCLIError(error.description(paths: reportPaths))
        } catch {
            throw AudregCLIError(error.description)
        }
        if let out {
            if prune { try OutputFiles.checkPrune(report, paths: reportPaths) }
            let outcome = try OutputFiles.write(files, into: out, format: format, stale: stale(report.registry), prune: prune, complete: service == nil)
            OutputFiles.report(outcome, count: files.count, directory: out)
        } else {
            Terminal.write(files.map(\.1).joined(separator: "---\n"))
        }
    }
}

extension Export {
    struct Envoy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Envoy jwt_authn filter configuration: one provider per (service, issuer), audiences exactly the registry's.",
            discussion: """
                The registry is validated first; a finding at or above --fail-on refuses the export.

                Example:
                  audreg export envoy registry --out envoy/

                Exit status: 0 when written; 1 when refused because of findings (listed on stderr); 2 for a usage error.
                """)

        @OptionGroup var options: GatewayExportOptions

        func run() throws { try options.export(.envoy) }
    }

    struct Istio: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Istio RequestAuthentication and AuthorizationPolicy per service (audiences never empty).",
            discussion: """
                The registry is validated first; a finding at or above --fail-on refuses the export.

                Example:
                  audreg export istio registry --namespace shop --out istio/

                Exit status: 0 when written; 1 when refused because of findings (listed on stderr); 2 for a usage error.
                """)

        @OptionGroup var options: GatewayExportOptions

        @Option(help: "Kubernetes namespace for the resources.")
        var namespace: String?

        func run() throws { try options.export(.istio, namespace: namespace) }
    }

    struct EnvoyGateway: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "envoy-gateway",
            abstract: "Envoy Gateway SecurityPolicy per service: one JWT provider per accepted issuer, audiences exactly the registry's.",
            discussion: """
                Each policy targets the HTTPRoute named after its service (a comment marks the guess). The registry \
                is validated first; a finding at or above --fail-on refuses the export.

                Example:
                  audreg export envoy-gateway registry --namespace shop --out envoy-gateway/

                Exit status: 0 when written; 1 when refused because of findings (listed on stderr); 2 for a usage error.
                """)

        @OptionGroup var options: GatewayExportOptions

        @Option(help: "Kubernetes namespace for the policies.")
        var namespace: String?

        func run() throws { try options.export(.envoyGateway, namespace: namespace) }
    }

    struct Nginx: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "nginx",
            abstract: "NGINX Plus auth_jwt per service: maps on $jwt_claim_aud and $jwt_claim_iss required by auth_jwt_require.",
            discussion: """
                One <service>.conf per service, to include in nginx's http block: a map per claim giving 1 only for \
                the registry's audiences and issuers, and a server block with auth_jwt, auth_jwt_key_request (an \
                internal location that proxies to the issuer's JWKS URI) and auth_jwt_require on both maps; add \
                its listen, server_name and locations. A value nginx cannot carry as plain data (a line break or \
                other control character, a bidi control, two audiences that differ only in case, which a map \
                cannot tell apart, a $ in a JWKS URI) refuses the export, as does a JWKS URI that is not \
                https://host[:port]/path with a DNS name or IP address as host (nginx reads https://unix:... as a \
                Unix socket on the gateway host), and so does a service whose issuers have \
                different JWKS URIs: nginx verifies a token with every key it fetched, so one issuer could sign \
                tokens in another's name. The registry is validated first; a \
                finding at or above --fail-on refuses the export.

                Example:
                  audreg export nginx registry --service orders-api --out nginx/

                Exit status: 0 when written; 1 when refused because of findings (listed on stderr); 2 for a usage \
                error or a value nginx cannot carry.
                """)

        @OptionGroup var options: GatewayExportOptions

        func run() throws { try options.export(.nginx) }
    }

    struct AWSTrust: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aws-trust",
            abstract: "AWS IAM role trust-policy Condition blocks pinning aud and sub, for services whose deployments state trust.subjects.",
            discussion: """
                One JSON file per service and accepted https issuer (per IAM role too, when roles state different subjects: SERVICE.SOURCE.json): the Condition block with StringEquals on HOST:aud \
                (the service's audiences) and on HOST:sub (the deployments' trust.subjects; StringLike when a subject \
                has a * or ? wildcard), HOST being the issuer URL without https:// as IAM names the OIDC provider. \
                With --account, the whole trust policy (Principal.Federated is that account's OIDC provider), \
                which 'audreg drift' reads back as kind aws-iam-trust-policy. The registry is validated first; a \
                finding at or above --fail-on refuses the export.

                Example:
                  audreg export aws-trust registry --service deploy-role --account 111122223333

                Exit status: 0 when written; 1 when refused because of findings (listed on stderr); 2 for a usage error.
                """)

        @OptionGroup var options: GatewayExportOptions

        @Option(help: "The 12-digit AWS account ID holding the IAM OIDC provider: writes whole trust policies instead of Condition blocks.")
        var account: String?

        func validate() throws {
            if let account, account.utf8.count != 12 || !account.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                throw ValidationError("--account must be a 12-digit AWS account ID")
            }
        }

        func run() throws {
            try options.export(format: "aws-trust", stale: { AWSTrustExport(registry: $0).staleFiles() }) { registry throws(AWSTrustExportError) in
                try AWSTrustExport(registry: registry, account: account).files(service: options.service)
            }
        }
    }
}

/// Writes a set of files into a directory, creating folders as needed: all or none. Every target is
/// checked before anything is written, every file is written beside its target under a temporary name,
/// and only when all are written are they renamed into place, so a folder that is applied as a whole never
/// holds half an export.
///
/// The folder's `ExportRecord` for `format` lists what earlier exports wrote. A file it lists that this
/// export does not make is stale only when `stale` (the format's own rule) says its name and its first
/// bytes are those the format gives a service or framework the registry no longer defines: the record
/// can be forged by anyone who can change a committed folder, so it alone removes nothing. Stale files
/// are only listed on stderr unless `prune`: removing one also removes the token requirement it
/// configured for a workload that may still run. With `prune`, a stale file is removed when its bytes are
/// still the ones recorded; one edited since stops the export, named. Every other listed file stays and
/// stays listed.
enum OutputFiles {
    struct Outcome {
        /// Stale files removed (with `prune`) or left in place (without).
        var stale: [(path: String, owner: String)] = []
        /// Files the record lists that a complete export no longer makes but that are not audreg's to
        /// remove: a file of a service the registry still defines (an aws-trust policy for an issuer it
        /// no longer accepts), or one not in the form the format writes.
        var kept: [String] = []
        var pruned = false
    }

    /// `complete`: every service was exported (no `--service`), so a recorded file not made is no longer made.
    static func write(_ files: [(String, String)], into directory: String, format: String, stale rule: StaleFiles, prune: Bool,
                      complete: Bool) throws -> Outcome {
        let paths = files.map { (directory as NSString).appendingPathComponent($0.0) }
        var seen = Set<ExactString>()
        if let twice = paths.first(where: { !seen.insert(ExactString($0)).inserted }) {
            throw AudregCLIError("cannot write '\(twice)': the export made two files of that name; report this, and export with --service meanwhile. Nothing was written")
        }
        // A case-insensitive file system (macOS, Windows, and a checkout of the folder there) takes two
        // names that differ only in ASCII case for one file: the second would replace the first. The
        // formats refuse such names where the registry gives them, naming where; this is the last check.
        var folded: [ExactString: String] = [:]
        for path in paths {
            if let other = folded.updateValue(path, forKey: ExactString(ASCII.lowercased(path))) {
                throw AudregCLIError("cannot write '\(other)' and '\(path)': the names differ only in case, and a case-insensitive file system (macOS, Windows) takes them for one file, so one would replace the other; report this, and export with --service meanwhile. Nothing was written")
            }
        }
        if let odd = files.first(where: { !ExportRecord.isPlain($0.0) }) {
            throw AudregCLIError("cannot write '\(odd.0)' into '\(directory)': the name climbs out of the folder or holds a control character; report this. Nothing was written")
        }
        let recordPath = (directory as NSString).appendingPathComponent(ExportRecord.fileName(format: format))
        // Below --out, every folder must be a folder: `catalogs` committed as a link to `../elsewhere`
        // would have the files written wherever it leads (and `lstat` below looks through it). --out
        // itself may be a link, as the caller named that place.
        let folders = files.map { file -> String? in
            let parent = PathText.parent(file.0)
            return parent.isEmpty ? nil : parent
        }
        for (path, folder) in zip(paths, folders) + [(recordPath, nil)] {
            if let problem = ContainedFolders.obstacle(base: directory, relative: folder) {
                throw AudregCLIError("cannot write '\(path)': \(problem). Nothing was written")
            }
        }
        for path in paths + [recordPath] {
            var status = stat()
            if lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
                let kind = status.st_mode & S_IFMT == S_IFDIR ? "a folder" : status.st_mode & S_IFMT == S_IFLNK ? "a symbolic link" : "not a regular file"
                throw AudregCLIError("cannot write '\(path)': it is \(kind); remove it or choose another --out. Nothing was written")
            }
        }
        let earlier: ExportRecord?
        do throws(ExportRecord.Unreadable) {
            earlier = try ExportRecord.read(recordPath)
        } catch {
            throw AudregCLIError("cannot read what earlier exports wrote to '\(directory)': \(error.reason); remove the files of services no longer in the registry and then the record, or export into an empty folder. Nothing was written")
        }
        var record = ExportRecord(entries: files.map { ExportRecord.Entry(path: $0.0, digest: ExportRecord.digest($0.1.utf8)) })
        let made = Set(files.map { ExactString($0.0) })
        var outcome = Outcome(pruned: prune)
        var stale: [String] = []
        for entry in earlier?.entries ?? [] where !made.contains(ExactString(entry.path)) {
            let path = (directory as NSString).appendingPathComponent(entry.path)
            let parent = PathText.parent(entry.path)
            // A folder on the way that is a link could lead anywhere: nothing below it is looked at.
            let contained = ContainedFolders.obstacle(base: directory, relative: parent.isEmpty ? nil : parent) == nil
            var status = stat()
            if contained, lstat(path, &status) != 0, errno == ENOENT { continue }
            guard contained, let owner = rule.owner(entry.path),
                  status.st_mode & S_IFMT == S_IFREG,
                  case .success(let bytes) = BoundedFile.read(path, followLinks: false),
                  rule.isGenerated(entry.path, bytes) else {
                // Not a file this format makes for something the registry dropped: whatever the record
                // says, it is not audreg's to remove.
                record.entries.append(entry)
                if complete, contained, status.st_mode & S_IFMT == S_IFREG { outcome.kept.append(path) }
                continue
            }
            guard prune else {
                record.entries.append(entry)
                outcome.stale.append((path, owner))
                continue
            }
            let digest = ExportRecord.digest(bytes)
            guard entry.digests.contains(where: { $0.isExactly(digest) }) else {
                throw AudregCLIError("cannot remove '\(path)', which an earlier export wrote for \(owner), no longer in the registry: it changed since; remove or move it yourself if it is no longer wanted, then export again. Nothing was written")
            }
            outcome.stale.append((path, owner))
            stale.append(path)
        }
        // Two records: the one renamed in first still accepts each file's bytes from before, in case
        // the export stops before replacing it; the last one renamed in lists only what was written.
        let first = record.accepting(earlier: earlier) { path in
            guard case .success(let bytes) = BoundedFile.read((directory as NSString).appendingPathComponent(path), followLinks: false) else { return nil }
            return ExportRecord.digest(bytes)
        }
        let firstText = first.text, lastText = record.text
        let records = firstText.isExactly(lastText) ? [firstText] : [firstText, lastText]
        var temporaries: [String] = []
        var makeFolders = ContainedFolders(base: directory)
        do {
            for ((path, text), relative) in zip(zip(paths, files.map(\.1)) + records.map({ (recordPath, $0) }), folders + records.map { _ in nil }) {
                let folder = PathText.parent(path)
                // Checked again as each folder is made: a link swapped in since the check stops the write.
                do throws(ContainedFolders.Problem) {
                    try makeFolders.make(relative)
                } catch {
                    throw AudregCLIError("cannot write '\(path)': \(error.reason); check that --out is a writable folder with no symbolic link below it. Nothing was written")
                }
                // A random part: a run killed midway leaves its file behind, and the next run may get its PID.
                var descriptor: Int32 = -1
                var temporary = ""
                for _ in 0..<8 {
                    temporary = (folder as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).audreg-\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp")
                    descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
                    if descriptor >= 0 || errno != EEXIST { break }
                }
                guard descriptor >= 0 else {
                    throw AudregCLIError("cannot write '\(path)': \(String(cString: strerror(errno))); check that the folder is writable. Nothing was written")
                }
                temporaries.append(temporary)
                let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                do {
                    try handle.write(contentsOf: Data(text.utf8))
                    try handle.close()
                } catch {
                    throw AudregCLIError("cannot write '\(path)': \((error as NSError).localizedDescription). Nothing was written")
                }
            }
            // Stale files go before anything is replaced: a run stopped midway has then removed what
            // should go rather than kept it. The record goes in first: it lists every file written from
            // here on, so none is forgotten.
            for (index, path) in stale.enumerated() where unlink(path) != 0 && errno != ENOENT {
                let reason = String(cString: strerror(errno))
                throw AudregCLIError("cannot remove '\(path)', which an earlier export wrote and this one no longer makes: \(reason); remove it yourself. \(index) such files were already removed, nothing was written")
            }
            let fileTemporaries = Array(temporaries[..<paths.count]), recordTemporaries = Array(temporaries[paths.count...])
            let moves = [(recordTemporaries[0], recordPath)] + zip(fileTemporaries, paths).map { ($0, $1) }
                + recordTemporaries.dropFirst().map { ($0, recordPath) }
            let removed = stale.isEmpty ? "" : "; \(stale.count) stale \(stale.count == 1 ? "file was" : "files were") already removed"
            for (index, (temporary, path)) in moves.enumerated() {
                guard rename(temporary, path) == 0 else {
                    let reason = String(cString: strerror(errno))
                    guard index <= paths.count else {
                        throw AudregCLIError("cannot move the new '\(path)' into place: \(reason); all \(paths.count) files were replaced\(removed), and the record in place still also accepts their earlier bytes, which export again tidies")
                    }
                    throw AudregCLIError("cannot move the new '\(path)' into place: \(reason); \(max(index - 1, 0)) of \(paths.count) files were already replaced\(removed); export again to finish")
                }
            }
            temporaries = []
        } catch {
            for temporary in temporaries { unlink(temporary) }
            makeFolders.removeCreated()
            throw error
        }
        return outcome
    }

    /// `--prune` removes what the registry no longer defines, so it needs a registry that loaded whole
    /// (`LoadedWhole`): a service in a file that did not parse, or one whose name is invalid, is missing
    /// from the registry and would look removed, and removing its gateway config opens the workload.
    /// `--fail-on never` lets the export go on; it does not make the pruning safe.
    static func checkPrune(_ report: ValidationReport, paths: ReportPaths) throws {
        if let problem = LoadedWhole.problem(report, paths: paths) {
            throw AudregCLIError("--prune needs a registry that loaded whole, and \(problem): a service that failed to load would look removed, and pruning would delete the config that still protects it; fix it, or export without --prune. Nothing was written")
        }
    }

    /// The "wrote" line, and the stale files removed or left. Record text, so escaped.
    static func report(_ outcome: Outcome, count: Int, directory: String) {
        let listing = outcome.stale.map { "'\(TerminalText.escape($0.path))' (\(TerminalText.escape($0.owner)))" }.joined(separator: ", ")
        let files = outcome.stale.count == 1 ? "file" : "files"
        if outcome.stale.isEmpty {
            Terminal.diagnostic("wrote \(count) files to \(TerminalText.escape(directory))")
        } else if outcome.pruned {
            Terminal.diagnostic("wrote \(count) files to \(TerminalText.escape(directory)); removed \(outcome.stale.count) stale \(files) an earlier export wrote for what the registry no longer defines: \(listing)")
        } else {
            Terminal.diagnostic("wrote \(count) files to \(TerminalText.escape(directory))")
            Terminal.diagnostic("audreg: \(outcome.stale.count) stale \(files) an earlier export wrote for what the registry no longer defines, left in place: \(listing); export again with --prune to remove \(outcome.stale.count == 1 ? "it" : "them") (a gateway then stops requiring a token for a workload that may still run)")
        }
        if !outcome.kept.isEmpty {
            let shown = outcome.kept.prefix(10).map { "'\(TerminalText.escape($0))'" }.joined(separator: ", ")
            let more = outcome.kept.count > 10 ? " and \(outcome.kept.count - 10) more" : ""
            let files = outcome.kept.count == 1 ? "file" : "files"
            Terminal.diagnostic("audreg: \(outcome.kept.count) \(files) the folder's record lists, which this export no longer makes, left in place: \(shown)\(more); audreg removes only a file in its format's form for what the registry no longer defines, so remove \(outcome.kept.count == 1 ? "it" : "them") yourself if no longer wanted")
        }
    }
}

/// Whether every registry document became an entity. What did not is missing from the registry as if it
/// had never been written, so a check that needs to know every service (is this file stale? would this
/// gateway's comparison merge this audience with another service's?) cannot be made without it.
enum LoadedWhole {
    /// Why the registry did not load whole, naming where as the place opens from the current directory;
    /// nil when it did. Raw text: it goes into an `AudregCLIError`, which is escaped for the terminal
    /// where it is printed.
    static func problem(_ report: ValidationReport, paths: ReportPaths) -> String? {
        if let file = report.unreadFiles.first { return "'\(paths.display(file))' did not load" }
        // Only loading decides what the registry defines, so only the loader's errors matter; an
        // exception or a policy override can hide them from the report, so both are looked through.
        let loaderRules = [LoaderRuleID.yamlSyntax, LoaderRuleID.duplicateKey, LoaderRuleID.schema]
        let fromLoader = { (finding: Finding) in finding.severity == .error && loaderRules.contains { $0.isExactly(finding.ruleID) } }
        if let error = report.findings.first(where: fromLoader) ?? report.suppressed.lazy.map(\.finding).first(where: fromLoader) {
            return "\(paths.display(error.location)) has a loader error (\(error.ruleID))"
        }
        let overrides = report.registry.policy.severityOverrides
        if let rule = loaderRules.first(where: { overrides[$0] != nil }), let override = overrides[rule] {
            return "\(paths.display(override.location)) sets \(rule) to '\(override.value)', which can hide a document that did not load"
        }
        return nil
    }
}

/// Exports validate first: a configuration generated from a registry that fails its own rules (two
/// services sharing an audience) would enforce the mistake. Refused exports list their findings on stderr.
enum ExportGate {
    static func check(_ report: ValidationReport, failOn: FailThreshold, paths: ReportPaths) throws {
        try checkNamesDefinedOnce(report.registry, paths: paths)
        guard failOn.fails(report) else { return }
        let listing = TextReporter.render(report, options: ReportOptions(color: Terminal.stderrIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil, paths: paths))
        FileHandle.standardError.write(Data(listing.utf8))
        Terminal.diagnostic("audreg: nothing exported: the registry has findings at or above --fail-on \(failOn.rawValue); fix them (see above), or pass --fail-on never to export anyway")
        throw ExitCode(1)
    }

    /// Exports find services, issuers and teams by name, so of two definitions of one name one would be
    /// written and the other dropped without a word, and the one kept may be a copy a pull request added
    /// to shadow the real one; likewise a second Policy. Refused whatever --fail-on, the policy or an
    /// exception says.
    static func checkNamesDefinedOnce(_ registry: Registry, paths: ReportPaths) throws {
        let entities = registry.services.map { ($0.ref, $0.origin.location) } + registry.issuers.map { ($0.ref, $0.origin.location) }
            + registry.teams.map { ($0.ref, $0.origin.location) }
        var first: [EntityRef: SourceLocation] = [:]
        let policies = registry.policies.compactMap(\.origin?.location)
        if policies.count > 1 {
            throw AudregCLIError("nothing exported: \(paths.display(policies[1])) is a second Policy (the first is at \(paths.display(policies[0]))), so none is in force; keep one Policy, then export again")
        }
        for (ref, location) in entities {
            guard let earlier = first.updateValue(location, forKey: ref) else { continue }
            throw AudregCLIError("nothing exported: \(paths.display(location)) defines \(ref) again (first at \(paths.display(earlier))); an export would use one definition and drop the other. Rename or remove one of them, then export again")
        }
    }
}
