import ArgumentParser
import Foundation
import AudregCore

extension DeploymentKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Start a registry from deployed configs: services, issuers and deployments for what they enforce.",
        discussion: """
            Reads each PATH (a config file, or a folder read recursively, skipping hidden entries), detects each \
            file's kind from its content (--kind forces one), and writes into DIR one file per service \
            (services/NAME.yaml: its audiences, the issuers it accepts, and a deployment entry per config, \
            whose source is relative to the file), one per issuer value (issuers/NAME.yaml with its jwksUri) \
            and a team that owns them all (teams/imported.yaml). Providers with the same audiences share a \
            service. Every name the configs do not give is guessed and marked \
            "# audreg import: guessed from … — confirm". What could not be imported (a file of no known kind, a \
            provider that checks no issuer, a value from a placeholder, providers one deployment entry cannot select apart) is listed on stderr with its \
            file:line:column. `audreg drift DIR --skip-issuers` over the same configs then finds no difference \
            between the registry and what was imported beyond those notes; the configs' own weaknesses (an \
            unchecked audience, an optional token) remain, and are the point.

            Nothing is ever overwritten: when a file to write exists, nothing is written. The files are \
            written into a temporary folder inside DIR and moved into place only when all of them were written.

            Example:
              audreg import deploy/ --out registry && audreg validate registry

            Exit status: 0 when the registry was written (what could not be imported is listed on stderr); \
            1 when no config held anything to import (nothing written); 2 for a usage error, a PATH that \
            cannot be read, a file in DIR that would be overwritten, or a folder in DIR that is a link or a \
            file (nothing written).
            """)

    @Argument(help: "Config files or folders to read.", completion: .file())
    var paths: [String]

    @Option(name: .shortAndLong, help: "The folder to write the registry into (created if missing).", completion: .directory)
    var out: String

    @Option(help: "Read every file as this kind instead of detecting it.")
    var kind: DeploymentKind?

    @OptionGroup(title: "Spring Boot configs") var spring: SpringOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one config file or folder to import") }
    }

    func run() throws {
        let outAbsolute = Self.absolute(out)
        var inputs: [RegistryImport.Input] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw AudregCLIError("'\(path)' does not exist")
            }
            let files = isFolder.boolValue ? Self.walk(path, skipping: outAbsolute) : [path]
            for file in files {
                switch BoundedFile.read(file) {
                case .success(let bytes):
                    inputs.append(RegistryImport.Input(display: file, absolutePath: Self.absolute(file), bytes: bytes))
                case .failure(let failure):
                    throw AudregCLIError("cannot read '\(file)': \(failure.message)")
                }
            }
        }
        let plan = RegistryImport(forcedKind: kind, settings: try spring.settings()).plan(inputs, outDirectory: outAbsolute)
        if !plan.notMapped.isEmpty {
            Terminal.diagnostic("not imported or imported with a difference drift will report:")
            // A bullet, not only indentation: a line that starts with a file's name (a file named `:`
            // gives `:: …`) could otherwise open a CI runner's command once its white space is trimmed.
            for line in plan.notMapped { Terminal.diagnostic("  - " + line) }
        }
        guard !plan.files.isEmpty else {
            Terminal.diagnostic("audreg: nothing to import: no config of a known kind with a provider was found; nothing written")
            throw ExitCode(1)
        }
        let written: [String]
        do {
            written = try RegistryImport.write(plan.files, into: out)
        } catch {
            throw AudregCLIError(error.description)
        }
        for path in written { Terminal.write("created  \(TerminalText.escape(path))\n") }
        Terminal.diagnostic("guessed names to confirm (marked \"\(RegistryImport.guessedMarker)\" in the files):")
        for line in plan.guessed { Terminal.diagnostic("  " + line) }
        Terminal.diagnostic("imported \(plan.imported.count) config\(plan.imported.count == 1 ? "" : "s") into \(plan.serviceCount) service\(plan.serviceCount == 1 ? "" : "s") and \(plan.issuerCount) issuer\(plan.issuerCount == 1 ? "" : "s"): \(plan.imported.map { "\(TerminalText.escape($0.0)) (\($0.1))" }.joined(separator: ", "))")
        Terminal.diagnostic("next: audreg validate \(TerminalText.escape(out)), then audreg drift \(TerminalText.escape(out)) --skip-issuers")
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    /// Regular files under `folder`, sorted, without hidden entries, symbolic links or the output folder.
    static func walk(_ folder: String, skipping out: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var files: [String] = []
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !name.hasBytePrefix(".") {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let type = try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType else { continue }
            if type == .typeDirectory {
                // On bytes: `!=` on String calls an NFC and an NFD name equal, and would skip a folder of
                // configs whose name only looks like the output folder's.
                if !absolute(path).isExactly(out) { files += walk(path, skipping: out) }
            } else if type == .typeRegular {
                files.append(path)
            }
        }
        return files
    }
}
