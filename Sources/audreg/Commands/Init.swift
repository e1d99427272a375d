import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a starter registry: a policy, a team, an issuer and one service.",
        discussion: """
            Writes into DIR (default registry; '.' for the root of a repository) files that pass every rule, \
            and a copy of the JSON Schema in DIR/schema/audreg-v1.json that every file's yaml-language-server \
            line points at. Nothing is written outside DIR, an existing file is never overwritten, and no \
            registry file is added to a folder that already holds a registry. Other YAML in DIR (Compose, \
            Kubernetes, Backstage) is left alone and never read as registry. Templates are not copied: \
            'audreg templates eject NAME' copies the ones you want to change.

            Example:
              git init && audreg init . && audreg validate .

            Exit status: 0 on success, 1 when a file cannot be written (then nothing is written: a file or a \
            link where a folder of DIR is expected is refused before the first file), 2 for a usage error.
            """)

    @Argument(help: "The registry directory to create or fill.", completion: .directory)
    var directory: String = "registry"

    @Option(help: "Where to write the JSON Schema copy. Default: DIR/schema/audreg-v1.json.")
    var schema: String?

    @Flag(help: .hidden)
    var noTemplates = false

    func run() throws {
        let layout = StarterRegistry.Layout(registry: directory, schema: schema)
        if StarterRegistry.registryExists(directory) {
            Terminal.diagnostic("audreg: '\(TerminalText.escape(directory))' already holds a registry; only a missing schema copy is added")
        }
        let result: ScaffoldResult
        do {
            result = try Scaffold.write(StarterRegistry.files(layout), inside: directory)
        } catch {
            // Not AudregCLIError, which exits 2: the help documents 1 for a file that cannot be written.
            Terminal.diagnostic("audreg: error: \(TerminalText.escape(error.description))")
            throw ExitCode(1)
        }
        for path in result.written { Terminal.write("created  \(TerminalText.escape(path))\n") }
        for path in result.kept { Terminal.write("kept     \(TerminalText.escape(path)) (exists)\n") }
        if !StarterRegistry.registryExists(directory) { return }
        Terminal.diagnostic("next: audreg validate \(TerminalText.escape(directory)), then audreg new service NAME \(directory) --owner TEAM --audience URL --issuer ISSUER")
    }
}
