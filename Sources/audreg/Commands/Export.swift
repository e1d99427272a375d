import ArgumentParser
import AudregKit
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the registry for governance tools (OSCAL) and gateways.",
        subcommands: [OSCAL.self, Envoy.self, Istio.self])

    struct OSCAL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "oscal",
            abstract: "An OSCAL component-definition (one component per service), with catalogs for frameworks NIST does not publish in OSCAL.",
            discussion: """
                Without --out, prints the component-definition JSON. With --out DIR, writes DIR/component-definition.json and \
                DIR/catalogs/<framework>.json. UUIDs are derived from names, so exports of an unchanged registry are identical.
                """)

        @Argument(help: "The registry directory.")
        var directory: String = "registry"

        @Option(help: "A directory to write the component definition and catalogs into.")
        var out: String?

        @OptionGroup var date: DateOptions

        @OptionGroup var controlOptions: ControlOptions

        @OptionGroup var driftOptions: DriftEvidenceOptions

        func run() throws {
            let today = try date.resolved()
            let controls = try controlOptions.catalog()
            let report = try Validator(today: today).validate(directory: directory)
            let export = OSCALExport(report: report, controls: controls, today: today, drift: try driftOptions.report(),
                                     maxDriftAgeDays: driftOptions.maxDriftAge)
            guard let out else {
                Terminal.write(export.componentDefinition().serialized())
                return
            }
            var files = [("component-definition.json", export.componentDefinition().serialized())]
            for framework in export.catalogsToExport {
                files.append(("catalogs/\(framework.id).json", export.catalog(framework).serialized()))
            }
            try OutputFiles.write(files, into: out)
            Terminal.diagnostic("wrote \(files.count) files to \(out)")
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

/// Options shared by the gateway exporters.
struct GatewayExportOptions: ParsableArguments {
    @Argument(help: "The registry directory.")
    var directory: String = "registry"

    @Option(help: "Export one service only.")
    var service: String?

    @Option(help: "A directory to write one file per service into. Without it, the files are printed, separated by ---.")
    var out: String?

    func export(_ format: GatewayFormat, namespace: String? = nil) throws {
        let loaded = try RegistryLoader().load(directory: directory)
        let errors = loaded.findings.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw AudregCLIError("the registry has \(errors.count) loading error(s), first: \(errors[0].location): \(errors[0].message); run 'audreg validate' and fix them before exporting")
        }
        let files: [(String, String)]
        do {
            files = try GatewayExport(registry: loaded.registry, namespace: namespace).files(format, service: service)
        } catch {
            throw AudregCLIError(error.description)
        }
        if let out {
            try OutputFiles.write(files, into: out)
            Terminal.diagnostic("wrote \(files.count) files to \(out)")
        } else {
            Terminal.write(files.map(\.1).joined(separator: "---\n"))
        }
    }
}

extension Export {
    struct Envoy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Envoy jwt_authn filter configuration: one provider per (service, issuer), audiences exactly the registry's.")

        @OptionGroup var options: GatewayExportOptions

        func run() throws { try options.export(.envoy) }
    }

    struct Istio: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Istio RequestAuthentication and AuthorizationPolicy per service (audiences never empty).")

        @OptionGroup var options: GatewayExportOptions

        @Option(help: "Kubernetes namespace for the resources.")
        var namespace: String?

        func run() throws { try options.export(.istio, namespace: namespace) }
    }
}

/// Writes a set of files into a directory, creating folders as needed, each file atomically.
enum OutputFiles {
    static func write(_ files: [(String, String)], into directory: String) throws {
        for (relative, contents) in files {
            let path = (directory as NSString).appendingPathComponent(relative)
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(contents.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw AudregCLIError("cannot write '\(path)': \(error.localizedDescription); check that the folder is writable")
            }
        }
    }
}
