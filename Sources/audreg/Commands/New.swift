import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create one registry entity file that passes every rule, or explain why not.",
        subcommands: [ServiceFile.self, TeamFile.self, IssuerFile.self])

    /// Where the registry is: the positional DIR, or `--registry` as the older spelling.
    struct RegistryLocation: ParsableArguments {
        @Argument(help: "The registry directory.", completion: .directory)
        var directory: String?

        @Option(name: .customLong("registry"), help: ArgumentHelp("The registry directory (the same as DIR).", visibility: .hidden))
        var registryOption: String?

        var resolved: String { directory ?? registryOption ?? "registry" }
    }

    /// Writes a planned file, or prints why it was refused and exits 1, as every `new` help page says.
    static func write(_ plan: () throws -> NewService.Plan) throws {
        let planned: NewService.Plan
        do {
            planned = try plan()
        } catch let error as ScaffoldError {
            Terminal.diagnostic("audreg: \(TerminalText.escape(error.description))\(error.findings.isEmpty ? "" : ":")")
            for finding in error.findings {
                Terminal.diagnostic("  \(finding.severity.rawValue) \(finding.ruleID): \(TerminalText.escape(finding.message))")
            }
            throw ExitCode(1)
        }
        let result = try Scaffold.write([planned.file])
        guard result.written == [planned.file.path] else {
            Terminal.diagnostic("audreg: '\(planned.file.path)' already exists; audreg new never overwrites a file")
            throw ExitCode(1)
        }
        Terminal.write("created  \(TerminalText.escape(planned.file.path))\n")
    }

    static let exitStatus = "Exit status: 0 when the file was written; 1 when it was refused (the reasons are printed) or exists; 2 for a usage error."

    struct ServiceFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "service",
            abstract: "Write one Service file: its audience, the issuer it trusts, and safe defaults.",
            discussion: """
                The owner Team and the Issuer must exist, the audience must belong to no other service, and the \
                registry with the new file must raise no finding about it; otherwise nothing is written. \
                Defaults: typ at+jwt, the issuer's first allowed algorithm, maxLifetime 15m (or the policy's \
                maximum if lower), requiredClaims iss, sub, aud, exp, iat, jti. Never overwrites a file.

                Example:
                  audreg new service orders-api registry --owner team-orders --audience https://orders.api.example.com --issuer corp-idp

                \(New.exitStatus)
                """)

        @Argument(help: "The service name (lowercase letters, digits and hyphens).")
        var name: String

        @OptionGroup var registry: RegistryLocation

        @Option(help: "The Team that owns the service.")
        var owner: String

        @Option(help: "The exact aud value the service accepts, e.g. https://orders.api.example.com.")
        var audience: String

        @Option(help: "The Issuer whose tokens the service accepts.")
        var issuer: String

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

        @Option(name: [.customShort("o"), .customLong("out"), .customLong("output")],
                help: "The file to write (default: services/ENVIRONMENT/NAME.yaml or services/NAME.yaml in the registry).")
        var output: String?

        @Option(help: "The JSON Schema for the yaml-language-server line (default: the nearest schema/audreg-v1.json in or above the registry).")
        var schema: String?

        @OptionGroup var date: DateOptions

        func run() throws {
            let request = NewService(name: name, owner: owner, audience: audience, issuer: issuer, environment: environment,
                                     title: title, description: description, scopes: scopes, algorithms: algorithms,
                                     maxLifetime: maxLifetime, output: output, schema: schema)
            let today = try date.resolved()
            try New.write { try request.plan(registryDirectory: registry.resolved, today: today) }
        }
    }

    struct TeamFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "team",
            abstract: "Write one Team file.",
            discussion: """
                Example:
                  audreg new team team-orders registry --contact orders@example.com

                \(New.exitStatus)
                """)

        @Argument(help: "The team name (lowercase letters, digits and hyphens).")
        var name: String

        @OptionGroup var registry: RegistryLocation

        @Option(help: "How to reach the team (an address or a channel).")
        var contact: String?

        @Option(help: "Display name (default: NAME).")
        var title: String?

        @Option(help: "What the team owns, in a sentence.")
        var description: String?

        @Option(name: [.customShort("o"), .customLong("out")], help: "The file to write (default: teams/NAME.yaml in the registry).")
        var output: String?

        @Option(help: "The JSON Schema for the yaml-language-server line.")
        var schema: String?

        @OptionGroup var date: DateOptions

        func run() throws {
            let request = NewTeam(name: name, contact: contact, title: title, description: description, output: output, schema: schema)
            let today = try date.resolved()
            try New.write { try request.plan(registryDirectory: registry.resolved, today: today) }
        }
    }

    struct IssuerFile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "issuer",
            abstract: "Write one Issuer file: its exact iss, where its keys are, and its algorithms.",
            discussion: """
                Example:
                  audreg new issuer corp-idp registry --owner platform-identity --issuer https://id.example.com \\
                    --jwks-uri https://id.example.com/.well-known/jwks.json --algorithm RS256

                \(New.exitStatus)
                """)

        @Argument(help: "The issuer's name in the registry (lowercase letters, digits and hyphens).")
        var name: String

        @OptionGroup var registry: RegistryLocation

        @Option(help: "The Team that owns the issuer.")
        var owner: String

        @Option(help: "The exact iss value its tokens carry.")
        var issuer: String

        @Option(help: "Where it publishes its public keys.")
        var jwksUri: String?

        @Option(help: "Its OpenID Connect discovery or RFC 8414 metadata URL.")
        var discoveryUrl: String?

        @Option(name: .customLong("algorithm"), help: "A signing algorithm; repeat for several (default: the policy's first allowed one).")
        var algorithms: [String] = []

        @Option(help: "Environment.")
        var environment: String?

        @Option(help: "Display name (default: NAME).")
        var title: String?

        @Option(name: [.customShort("o"), .customLong("out")], help: "The file to write (default: issuers/NAME.yaml in the registry).")
        var output: String?

        @Option(help: "The JSON Schema for the yaml-language-server line.")
        var schema: String?

        @OptionGroup var date: DateOptions

        func run() throws {
            let request = NewIssuer(name: name, owner: owner, issuer: issuer, jwksUri: jwksUri, discoveryUrl: discoveryUrl,
                                    algorithms: algorithms, environment: environment, title: title, output: output, schema: schema)
            let today = try date.resolved()
            try New.write { try request.plan(registryDirectory: registry.resolved, today: today) }
        }
    }
}
