import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the site's templates and which file each page uses; copy the ones you want to change.",
        subcommands: [List.self, Eject.self],
        defaultSubcommand: List.self)

    /// `./templates` when it exists: the folder `build` reads overrides from.
    static func overrides(_ given: String?) -> String? {
        given ?? (FileManager.default.fileExists(atPath: "templates") ? "templates" : nil)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every page with its HTML and Markdown template, and every template with its source.",
            discussion: "Exit status: 0; 2 when the override folder cannot be read or a template does not parse.")

        @Option(help: "Template overrides. Default: ./templates when it exists.", completion: .directory)
        var templates: String?

        func run() throws {
            let set: TemplateSet
            do {
                set = try TemplateSet.resolve(overrides: Templates.overrides(templates))
            } catch let error as SiteBuildError {
                throw AudregCLIError(error.description)
            }
            Terminal.write(TemplateListing.text(set))
        }
    }

    struct Eject: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy built-in templates into the override folder, to change them.",
            discussion: """
                NAME is a template (html/service.mustache, or without .mustache) or a page of 'audreg templates list' \
                (Service copies its HTML and Markdown templates). Existing files are never overwritten. The copies are \
                recorded in .audreg-ejected with this audreg's version; 'audreg build' warns when a built-in template \
                has changed since it was copied, so a stale copy does not silently win after an upgrade.

                Example:
                  audreg templates eject html/service.mustache html/partials/head

                Exit status: 0 when copied (or already there); 1 when a name is unknown; 2 for a usage error.
                """)

        @Argument(help: "The templates or pages to copy.")
        var names: [String]

        @Option(name: [.customShort("o"), .customLong("out"), .customLong("templates")], help: "The override folder.", completion: .directory)
        var out: String = "templates"

        func run() throws {
            let plan: TemplateEjection.Plan
            do {
                plan = try TemplateEjection.plan(names, into: out)
            } catch let error as ScaffoldError {
                Terminal.diagnostic("audreg: \(TerminalText.escape(error.description))")
                throw ExitCode(1)
            }
            let result = try TemplateEjection.write(plan, into: out)
            for path in result.written { Terminal.write("created  \(TerminalText.escape(path))\n") }
            for path in result.kept { Terminal.write("kept     \(TerminalText.escape(path)) (exists)\n") }
        }
    }
}
