import Foundation
@testable import AudregCore
@testable import AudregDrift

/// Helpers for the pull-request workflow tests (diff, explain, scaffolding, CI files), kept in one namespace.
package enum PRSupport {
    package static let today = Day(year: 2026, month: 12, day: 1)!

    package static var packageRoot: String { Paths.packageRoot }

    package static func path(_ relative: String) -> String { (packageRoot as NSString).appendingPathComponent(relative) }

    package static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// A new empty temporary directory.
    package static func temporaryDirectory(_ label: String = "pr") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audreg-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A copy of the example registry in a fresh temporary directory: tests edit the copy, never registry/.
    package static func copyOfExampleRegistry() throws -> String {
        let root = try temporaryDirectory("registry")
        let copy = (root as NSString).appendingPathComponent("registry")
        try FileManager.default.copyItem(atPath: path("registry"), toPath: copy)
        return copy
    }

    /// Replaces exactly one occurrence of `old` in a file of a registry copy; fails loudly if the text moved.
    package static func edit(_ registry: String, _ file: String, replacing old: String, with new: String) throws {
        let full = (registry as NSString).appendingPathComponent(file)
        let text = try read(full)
        let parts = text.components(separatedBy: old)
        guard parts.count == 2 else { throw EditError(message: "'\(old)' occurs \(parts.count - 1) times in \(file)") }
        try parts.joined(separator: new).write(toFile: full, atomically: true, encoding: .utf8)
    }

    package struct EditError: Error, CustomStringConvertible {
        package var message: String
        package var description: String { message }
    }

    package static var executable: String { Paths.executable }

    package typealias Output = ProcessResult

    /// The shared runner, with colour off as a user's pipe would have it.
    package static func run(_ executable: String, _ arguments: [String], in directory: String? = nil, timeout: Double = 120) throws -> Output {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        return try AudregTestHelpers.run(executable, arguments, in: directory, environment: environment, timeout: timeout)
    }

    package static func audreg(_ arguments: [String], in directory: String? = nil) throws -> Output {
        try run(executable, arguments, in: directory)
    }

    package static func git(_ arguments: [String], in directory: String) throws -> Output {
        try run("/usr/bin/env", ["git", "-c", "user.name=audreg tests", "-c", "user.email=tests@audreg.invalid",
                                 "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + arguments, in: directory)
    }
}
