import ArgumentParser
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of audreg/v1 for editors and YAML language servers.",
        discussion: """
            A copy is committed as schema/audreg-v1.json (and 'audreg init' writes one into the registry); point \
            yaml-language-server at it.

            Example:
              audreg schema > schema/audreg-v1.json

            Exit status: 0.
            """)

    func run() throws {
        Terminal.write(JSONSchemaExport.document().serialized())
    }
}
