import ArgumentParser
import Foundation
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

@main
struct Audreg: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audreg",
        abstract: "Keep a registry of which service accepts which JWT audiences, prove it sound, publish it, and check that deployments match it.",
        discussion: """
            Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for a usage error or a registry that cannot be read.
            """,
        version: AudregVersion.long,
        subcommands: [Validate.self, Rules.self, Schema.self, Export.self, Generate.self, Diff.self, Build.self, Serve.self, Templates.self, Drift.self, Explain.self, Init.self, New.self, Import.self])

    /// Exit codes are part of the contract: 0 clean, 1 findings, 2 usage or unreadable input.
    static func main() async {
        Allocator.configure()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as AudregCLIError {
            // Messages quote registry names and paths: one escaped line each, like findings.
            FileHandle.standardError.write(Data("audreg: error: \(TerminalText.escape(error.message))\n".utf8))
            Foundation.exit(2)
        } catch let error as RegistryError {
            FileHandle.standardError.write(Data("audreg: error: \(TerminalText.escape(error.description))\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// An error audreg itself reports, with what to do next.
struct AudregCLIError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

enum Terminal {
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    static var colorAllowed: Bool { stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func diagnostic(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}

extension Severity: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}

/// An organization's own frameworks (SOC 2, ISO 27001, an internal standard), added to the built-in ones.
struct ControlOptions: ParsableArguments {
    @Option(help: "A folder of control catalog files (*.yaml, the shape of controls/ in the audreg repository) to add to the built-in frameworks.")
    var controls: String?

    func catalog() throws -> ControlCatalog {
        guard let controls else { return .builtIn }
        do {
            return try ControlCatalog.withAdditions(from: controls)
        } catch let error as ControlCatalogError {
            throw AudregCLIError("\(error.description); fix the control catalog file")
        } catch {
            throw AudregCLIError("cannot read control catalogs in '\(controls)': \(error.localizedDescription)")
        }
    }
}

/// The date that date checks use; `--today` fixes it for reproducible runs.
struct DateOptions: ParsableArguments {
    @Option(help: "The date (YYYY-MM-DD) that exception and certificate expiry are checked against. Default: today (UTC).")
    var today: String?

    func resolved() throws -> Day {
        guard let today else { return Day.today(now: Date().timeIntervalSince1970) }
        guard let day = Day(today) else { throw ValidationError("--today must be a date written YYYY-MM-DD, got '\(today)'") }
        return day
    }

    func validate() throws { _ = try resolved() }
}
