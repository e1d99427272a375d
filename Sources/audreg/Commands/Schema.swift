import ArgumentParser
import AudregKit

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of audreg/v1 for editors and YAML language servers.",
        discussion: "A copy is committed as schema/audreg-v1.json; point yaml-language-server at it.")

    func run() throws {
        Terminal.write(JSONSchemaExport.document().serialized())
    }
}
