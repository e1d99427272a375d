import Foundation
import Testing
@testable import AudregCore

@Suite("Git: finding the repository without starting git")
struct GitDiscoveryTests {
    static func folder() throws -> String {
        let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("audreg-git-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: root + "/a/b/c", withIntermediateDirectories: true)
        return root
    }

    @Test("no .git from the folder up to the root: git would find nothing, so it is not asked")
    func outsideAnyRepository() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(!GitProcess.mayFindRepository(from: root + "/a/b/c", environment: [:]))
        let answer = try GitProcess.runBytes("git", ["rev-parse", "--show-prefix"], in: root + "/a/b/c")
        #expect(answer.status == 128 && answer.stdout.isEmpty)
        #expect(GitSource.prefix(directory: root + "/a/b/c") == nil)
        // GIT_DIR or GIT_WORK_TREE can name a repository elsewhere: then git decides.
        #expect(GitProcess.mayFindRepository(from: root + "/a/b/c", environment: ["GIT_DIR": root]))
        #expect(GitProcess.mayFindRepository(from: root + "/a/b/c", environment: ["GIT_WORK_TREE": root]))
        // A folder that does not exist is git's to report.
        #expect(GitProcess.mayFindRepository(from: root + "/missing", environment: [:]))
    }

    @Test("a .git folder or file above, a bare repository's layout, or a symbolic link into a repository: git is asked")
    func insideARepository() throws {
        let root = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = FileManager.default
        try files.createDirectory(atPath: root + "/a/.git", withIntermediateDirectories: false)
        #expect(GitProcess.mayFindRepository(from: root + "/a/b/c", environment: [:]))
        try files.removeItem(atPath: root + "/a/.git")
        // A worktree or a submodule has a .git file.
        try Data("gitdir: /elsewhere\n".utf8).write(to: URL(fileURLWithPath: root + "/a/b/.git"))
        #expect(GitProcess.mayFindRepository(from: root + "/a/b/c", environment: [:]))
        #expect(!GitProcess.mayFindRepository(from: root + "/a", environment: [:]), "a .git below is not git's")
        try files.removeItem(atPath: root + "/a/b/.git")
        for name in ["HEAD", "objects", "refs"] { try files.createDirectory(atPath: root + "/a/" + name, withIntermediateDirectories: false) }
        #expect(GitProcess.mayFindRepository(from: root + "/a/b/c", environment: [:]))
        for name in ["HEAD", "objects", "refs"] { try files.removeItem(atPath: root + "/a/" + name) }
        #expect(!GitProcess.mayFindRepository(from: root + "/a/b/c", environment: [:]))

        // A real repository, reached through a symbolic link from outside it: git sees the physical path.
        let repository = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let initialised = try GitProcess.run("git", ["init", "-q", repository], in: root)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        try files.createSymbolicLink(atPath: root + "/link", withDestinationPath: repository + "/a/b")
        #expect(GitProcess.mayFindRepository(from: root + "/link", environment: [:]))
        #expect(GitSource.prefix(directory: root + "/link") == "a/b/")
    }
}
