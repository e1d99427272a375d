import Foundation
@testable import AudregKit

/// Helpers for the pull-request workflow tests (diff, explain, scaffolding, CI files), kept in one namespace.
enum PRSupport {
    static let today = Day(year: 2026, month: 12, day: 1)!

    /// The package root, found from this source file's location.
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    static func path(_ relative: String) -> String { (packageRoot as NSString).appendingPathComponent(relative) }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    /// A new empty temporary directory.
    static func temporaryDirectory(_ label: String = "pr") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("audreg-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A copy of the example registry in a fresh temporary directory: tests edit the copy, never registry/.
    static func copyOfExampleRegistry() throws -> String {
        let root = try temporaryDirectory("registry")
        let copy = (root as NSString).appendingPathComponent("registry")
        try FileManager.default.copyItem(atPath: path("registry"), toPath: copy)
        return copy
    }

    /// Replaces exactly one occurrence of `old` in a file of a registry copy; fails loudly if the text moved.
    static func edit(_ registry: String, _ file: String, replacing old: String, with new: String) throws {
        let full = (registry as NSString).appendingPathComponent(file)
        let text = try read(full)
        let parts = text.components(separatedBy: old)
        guard parts.count == 2 else { throw EditError(message: "'\(old)' occurs \(parts.count - 1) times in \(file)") }
        try parts.joined(separator: new).write(toFile: full, atomically: true, encoding: .utf8)
    }

    struct EditError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// The audreg executable built next to the test bundle.
    static let executable: String = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [bundleDirectory.appendingPathComponent("audreg").path,
                          bundleDirectory.deletingLastPathComponent().appendingPathComponent("audreg").path]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return path(".build/debug/audreg")
    }()

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program that ends on its own (audreg, git) and captures its output. A child of the test
    /// process ignores SIGTERM, so a runaway one is killed with SIGKILL after `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil, timeout: Double = 120) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        let buffers = Buffers()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { buffers.err = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        watchdog.cancel()
        return Output(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                      stderr: String(decoding: buffers.err, as: UTF8.self))
    }

    static func audreg(_ arguments: [String], in directory: String? = nil) throws -> Output {
        try run(executable, arguments, in: directory)
    }

    static func git(_ arguments: [String], in directory: String) throws -> Output {
        try run("/usr/bin/env", ["git", "-c", "user.name=audreg tests", "-c", "user.email=tests@audreg.invalid",
                                 "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"] + arguments, in: directory)
    }

    private final class Buffers: @unchecked Sendable {
        var err = Data()
    }
}
