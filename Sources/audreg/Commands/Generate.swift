import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

/// Hidden: writes a synthetic registry for benchmarks and experiments.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a deterministic synthetic registry (for benchmarks).",
        shouldDisplay: false)

    @Option(help: "How many services.")
    var services: Int = 1000

    @Option(help: "Plant a problem in every n-th service (0 for none).")
    var plantEvery: Int = 997

    @Option(help: "The directory to create; it must not exist.")
    var out: String

    func run() throws {
        guard services > 0 else { throw ValidationError("--services must be positive") }
        guard !FileManager.default.fileExists(atPath: out) else {
            throw AudregCLIError("'\(out)' already exists; audreg generate only writes into a new directory")
        }
        try RegistryGenerator(services: services, plantEvery: plantEvery).write(to: out)
        Terminal.diagnostic("wrote \(services) services to \(out)")
    }
}
