import ArgumentParser
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the rules, or show everything about one.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A table of every rule: ID, severity, summary, controls.",
            discussion: """
                Example:
                  audreg rules --format json | jq '.[].id'

                Exit status: 0; 2 for a usage error.
                """)

        @Option(name: .shortAndLong, help: "text or json.")
        var format: CatalogFormat = .text

        func run() throws {
            let catalog = RuleCatalog.builtIn
            switch format {
            case .text: Terminal.write(RuleDocumentation.table(catalog))
            case .json: Terminal.write(RuleDocumentation.json(catalog).serialized())
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything about one rule, examples included.",
            discussion: """
                Example:
                  audreg rules show audience-collision

                Exit status: 0; 2 for an unknown rule ID or a usage error.
                """)

        @Argument(help: "A rule ID, such as audience-collision.", completion: .list(RuleCatalog.builtIn.descriptions.map(\.id)))
        var id: String

        func run() throws {
            let catalog = RuleCatalog.builtIn
            guard let rule = catalog.rule(id: id) else {
                let known = catalog.descriptions.map(\.id)
                throw AudregCLIError("no rule '\(id)'\(RuleDocumentation.suggestion(for: id, in: known)); 'audreg rules' lists them all")
            }
            Terminal.write(RuleDocumentation.detail(rule, controls: ControlCatalog.builtIn))
        }
    }
}

enum CatalogFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
