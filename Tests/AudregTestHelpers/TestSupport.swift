import Foundation
@testable import AudregCore
@testable import AudregDrift

/// A temporary directory removed when the test's value goes away.
package final class TemporaryDirectory {
    package let path: String

    package init() {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("audreg-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    package func write(_ relative: String, _ text: String) -> String {
        write(relative, bytes: Array(text.utf8))
    }

    @discardableResult
    package func write(_ relative: String, bytes: [UInt8]) -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: full, contents: Data(bytes))
        return full
    }
}

package enum Paths {
    /// The package root, found from this source file's location.
    package static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    package static var exampleRegistry: String { packageRoot + "/registry" }

    package static func fixture(_ name: String) -> String {
        packageRoot + "/Tests/Fixtures/" + name
    }

    /// The audreg executable built next to the test bundle.
    package static let executable: String = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [bundleDirectory.appendingPathComponent("audreg").path]
        // `swift test` runs the xctest bundle from .build/<config>/; the binary sits beside it.
        candidates.append(bundleDirectory.deletingLastPathComponent().appendingPathComponent("audreg").path)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        return packageRoot + "/.build/debug/audreg"
    }()
}

package struct ProcessResult {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// Runs a program to completion and captures its output: the built CLI, git and python3. A child of
/// the test process ignores SIGTERM, so a runaway one is killed with SIGKILL after `timeout` seconds.
package func run(_ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil,
         timeout: Double = 120) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let pid = process.processIdentifier
    let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
    DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
    // Read both pipes before waiting so a large output cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    watchdog.cancel()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

package func audreg(_ arguments: String..., in directory: String? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
    try run(Paths.executable, arguments, in: directory, environment: environment)
}

package func findings(_ yaml: String, today: Day = Day(year: 2026, month: 12, day: 1)!) -> [Finding] {
    Validator(today: today).validate(RegistryLoader().load(text: yaml, file: "test.yaml")).findings
}

package func positions(_ findings: [Finding], rule: String) -> [String] {
    findings.filter { $0.ruleID == rule }.map { "\($0.location.line):\($0.location.column)" }
}

/// The tokens under Tests/Fixtures/tokens (made by mint.py).
package enum TokenFixtures {
    /// 2026-12-01T10:05:00Z: five minutes after the fixtures were issued.
    package static let now = 1_796_119_500
}
