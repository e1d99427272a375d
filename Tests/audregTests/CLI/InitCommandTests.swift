import Foundation
import Testing
import AudregTestHelpers

/// `audreg init`: nothing written outside DIR, and a starter registry written whole or not at all.
@Suite("audreg init (CLI)")
struct InitCommandTests {
    static func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test("a schema folder that is a link to an outside folder is refused, and nothing is written")
    func linkedSchemaFolder() throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        try FileManager.default.createDirectory(atPath: directory.path + "/outside", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.path + "/registry", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/registry/schema", withDestinationPath: "../outside")
        let result = try audreg("init", "registry", in: directory.path)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("'registry/schema' is a symbolic link"), "\(result.stderr)")
        #expect(result.stderr.contains("replace the link with a folder"), "\(result.stderr)")
        #expect(try Self.entries(directory.path + "/outside") == [])
        #expect(try Self.entries(directory.path + "/registry") == ["schema"])
    }

    @Test("a folder path that is a regular file stops init before anything is written")
    func folderIsAFile() throws {
        let directory = TemporaryDirectory()
        directory.write("registry/issuers", "not a folder\n")
        let result = try audreg("init", "registry", in: directory.path)
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("audreg: error: cannot write 'registry/issuers/"), "\(result.stderr)")
        #expect(result.stderr.contains("'registry/issuers' is a file, not a folder"), "\(result.stderr)")
        #expect(try Self.entries(directory.path + "/registry") == ["issuers"])
        // Nothing half-made: a second run, once the file is moved away, writes the whole registry.
        try FileManager.default.removeItem(atPath: directory.path + "/registry/issuers")
        let again = try audreg("init", "registry", in: directory.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/registry/issuers/example-idp.yaml"))
    }
}
