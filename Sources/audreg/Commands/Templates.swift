import ArgumentParser
import AudregKit
import Foundation

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the site's templates and which file each page uses.",
        subcommands: [List.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every page with its HTML and Markdown template, and every template with its source.")

        @Option(help: "Template overrides. Default: ./templates when it exists.")
        var templates: String?

        func run() throws {
            let directory = templates ?? (FileManager.default.fileExists(atPath: "templates") ? "templates" : nil)
            let set: TemplateSet
            do {
                set = try TemplateSet.resolve(overrides: directory)
            } catch let error as SiteBuildError {
                throw AudregCLIError(error.description)
            }
            Terminal.write(TemplateListing.text(set))
        }
    }
}
