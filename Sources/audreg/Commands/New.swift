import ArgumentParser
import AudregKit
import Foundation

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create one registry entity file, valid by construction.",
        subcommands: [ServiceFile.self])

    struct ServiceFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "service",
            abstract: "Write one Service file: its audience, the issuer it trusts, and safe defaults.",
            discussion: """
                The owner Team and the Issuer must exist, the audience must belong to no other service, and the \
                registry with the new file must raise no error finding about it; otherwise nothing is written \
                (exit 1). Defaults: typ at+jwt, the issuer's first allowed algorithm, maxLifetime 15m (or the \
                policy's maximum if lower), requiredClaims iss, sub, aud, exp, iat, jti. Never overwrites a file.
                """)

        @Argument(help: "The service name (lowercase letters, digits and hyphens).")
        var name: String

        @Option(help: "The Team that owns the service.")
        var owner: String

        @Option(help: "The exact aud value the service accepts, e.g. https://orders.api.example.com.")
        var audience: String

        @Option(help: "The Issuer whose tokens the service accepts.")
        var issuer: String

        @Option(help: "The registry directory.")
        var registry: String = "registry"

        @Option(help: "Environment (default: the issuer's).")
        var environment: String?

        @Option(help: "Display name (default: NAME).")
        var title: String?

        @Option(help: "What the service does, in a sentence.")
        var description: String?

        @Option(name: .customLong("scope"), help: "A scope the service defines; repeat for several.")
        var scopes: [String] = []

        @Option(name: .customLong("algorithm"), help: "An accepted algorithm; repeat for several (default: the issuer's first allowed one).")
        var algorithms: [String] = []

        @Option(help: "Longest accepted token lifetime, e.g. 15m.")
        var maxLifetime: String?

        @Option(name: .shortAndLong, help: "The file to write (default: services/ENVIRONMENT/NAME.yaml or services/NAME.yaml in the registry).")
        var output: String?

        @Option(help: "The JSON Schema for the yaml-language-server line (default: the nearest schema/audreg-v1.json above the registry).")
        var schema: String?

        @OptionGroup var date: DateOptions

        func run() throws {
            let request = NewService(name: name, owner: owner, audience: audience, issuer: issuer, environment: environment,
                                     title: title, description: description, scopes: scopes, algorithms: algorithms,
                                     maxLifetime: maxLifetime, output: output, schema: schema)
            let plan: NewService.Plan
            do {
                plan = try request.plan(registryDirectory: registry, today: try date.resolved())
            } catch let error as ScaffoldError {
                guard !error.findings.isEmpty else { throw AudregCLIError(error.description) }
                Terminal.diagnostic("audreg: \(error.description):")
                for finding in error.findings {
                    Terminal.diagnostic("  \(finding.severity.rawValue) \(finding.ruleID): \(TerminalText.escape(finding.message))")
                }
                throw ExitCode(1)
            }
            let result = try Scaffold.write([plan.file])
            guard result.written == [plan.file.path] else {
                throw AudregCLIError("'\(plan.file.path)' already exists; audreg new never overwrites a file")
            }
            Terminal.write("created  \(plan.file.path)\n")
            for finding in plan.findings {
                Terminal.diagnostic("  \(finding.severity.rawValue) \(finding.ruleID): \(TerminalText.escape(finding.message))")
            }
        }
    }
}
