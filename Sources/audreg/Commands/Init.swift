import ArgumentParser
import AudregKit
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a starter registry: a policy, a team, an issuer and one service, plus the default templates.",
        discussion: """
            Writes DIR (default registry) with files that pass every rule, a copy of the JSON Schema in \
            schema/audreg-v1.json beside it (every file's yaml-language-server line points there), and the default \
            site templates in templates/ beside it. An existing file is never overwritten, and no registry file is \
            added to a folder that already holds a registry.
            """)

    @Argument(help: "The registry directory to create.")
    var directory: String = "registry"

    @Option(help: "Where to write the JSON Schema copy. Default: schema/audreg-v1.json beside DIR.")
    var schema: String?

    @Option(help: "Where to write the default templates. Default: templates/ beside DIR.")
    var templates: String?

    @Flag(help: "Do not write the default templates.")
    var noTemplates = false

    func run() throws {
        let layout = StarterRegistry.Layout(registry: directory, schema: schema, templates: templates, includeTemplates: !noTemplates)
        if StarterRegistry.registryExists(directory) {
            Terminal.diagnostic("audreg: '\(directory)' already holds a registry; only missing schema and template files are added")
        }
        let result: ScaffoldResult
        do {
            result = try Scaffold.write(StarterRegistry.files(layout))
        } catch let error as ScaffoldError {
            throw AudregCLIError(error.description)
        }
        // Templates are many small files: one line for them, one line per other file.
        let templatePrefix = layout.templates.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        func isTemplate(_ path: String) -> Bool { templatePrefix.map { path.hasPrefix($0) } ?? false }
        for path in result.written where !isTemplate(path) { Terminal.write("created  \(path)\n") }
        for path in result.kept where !isTemplate(path) { Terminal.write("kept     \(path) (exists)\n") }
        if let folder = layout.templates {
            let written = result.written.filter(isTemplate).count
            let kept = result.kept.filter(isTemplate).count
            if written > 0 { Terminal.write("created  \(folder)/ (\(written) default templates)\n") }
            if kept > 0 { Terminal.write("kept     \(kept) existing files in \(folder)/\n") }
        }
        if !StarterRegistry.registryExists(directory) { return }
        Terminal.diagnostic("next: audreg validate \(directory), then audreg new service NAME --owner TEAM --audience URL --issuer ISSUER --registry \(directory)")
    }
}
