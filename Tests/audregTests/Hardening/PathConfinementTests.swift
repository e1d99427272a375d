import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Attack 5 of issue 21 at unit level: which root applies, what lies inside it, and that a path outside
/// is refused before any open() (a FIFO outside the root records every open for reading).
@Suite("Hardening: paths confined to the repository root", .serialized)
struct PathConfinementTests {
    @Test("containment is by whole path components and by bytes")
    func containment() {
        #expect(RepositoryRoot.contains("/repo", root: "/repo"))
        #expect(RepositoryRoot.contains("/repo/registry/a.yaml", root: "/repo"))
        #expect(!RepositoryRoot.contains("/repository/a.yaml", root: "/repo"))
        #expect(!RepositoryRoot.contains("/etc/passwd", root: "/repo"))
        #expect(!RepositoryRoot.contains("/", root: "/repo"))
        #expect(!RepositoryRoot.contains("repo/a.yaml", root: "/repo"), "a relative path is never inside")
        #expect(RepositoryRoot.contains("/anything", root: "/"))
        // é precomposed and decomposed are equal Strings, different folders.
        #expect(!RepositoryRoot.contains("/r\u{E9}/a.yaml", root: "/re\u{301}"))
    }

    @Test("the root is the nearest folder holding .git, else the registry folder")
    func discovery() throws {
        let directory = TemporaryDirectory()
        directory.write("repo/registry/services/a.yaml", "kind: Team\n")
        let top = try #require(RepositoryRoot.realPath(directory.path))
        #expect(RepositoryRoot.discovered(forRegistry: directory.path + "/repo/registry")?.path == top + "/repo/registry")
        try FileManager.default.createDirectory(atPath: directory.path + "/repo/.git", withIntermediateDirectories: true)
        #expect(RepositoryRoot.discovered(forRegistry: directory.path + "/repo/registry/services")?.path == top + "/repo")
        // A worktree's .git is a file.
        directory.write("repo/registry/.git", "gitdir: /elsewhere\n")
        #expect(RepositoryRoot.discovered(forRegistry: directory.path + "/repo/registry")?.path == top + "/repo/registry")
    }

    @Test("--root must hold the registry folder")
    func explicitRoot() throws {
        let directory = TemporaryDirectory()
        directory.write("a/registry/t.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: t}\n")
        directory.write("b/x", "")
        #expect(throws: RegistryError.self) { try RegistryLoader(root: directory.path + "/b").load(directory: directory.path + "/a/registry") }
        #expect(throws: RegistryError.rootNotFound(directory.path + "/none")) {
            try RegistryLoader(root: directory.path + "/none").load(directory: directory.path + "/a/registry")
        }
        #expect(throws: Never.self) { try RegistryLoader(root: directory.path).load(directory: directory.path + "/a/registry") }
    }

    @Test("resolution: links followed, outside refused, missing paths outside are outside")
    func resolution() throws {
        let directory = TemporaryDirectory()
        directory.write("repo/inside.yaml", "a: 1\n")
        directory.write("outside.yaml", "secret: 1\n")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/repo/in-link.yaml", withDestinationPath: "inside.yaml")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/repo/out-link.yaml", withDestinationPath: "../outside.yaml")
        let root = try #require(RepositoryRoot(directory: directory.path + "/repo"))
        guard case .inside = root.resolve(directory.path + "/repo/in-link.yaml") else { Issue.record("link inside"); return }
        #expect(root.resolve(directory.path + "/repo/out-link.yaml") == .outside)
        #expect(root.resolve(directory.path + "/repo/../outside.yaml") == .outside)
        #expect(root.resolve("/etc/passwd") == .outside)
        #expect(root.resolve("/no/such/file") == .outside)
        #expect(root.resolve(directory.path + "/repo/missing/../../outside-missing.yaml") == .outside)
        #expect(root.resolve(directory.path + "/repo/missing.yaml") == .missing)
        #expect(root.read(directory.path + "/repo/out-link.yaml") == .failure(.outside))
        #expect(root.read(directory.path + "/repo/in-link.yaml") == .success(Array("a: 1\n".utf8)))
    }

    @Test("a registry link and a deployment source outside the root are reported and never opened")
    func neverOpened() async throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/repo/.git", withIntermediateDirectories: true)
        let fifo = directory.path + "/outside.yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        directory.write("repo/registry/services/a.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: a, owner: x}
            spec:
              audiences: [https://a.example.com]
              deployments:
                - {kind: envoy-jwt-authn, source: ../../../outside.yaml}
                - {kind: kong, source: \(fifo)}
            """)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/repo/registry/services/b.yaml", withDestinationPath: fifo)

        // A writer's open() of a FIFO returns only once a reader opens it: it notices any open by audreg.
        let watcher = FIFOWatcher(fifo)
        let registry = directory.path + "/repo/registry"
        let loaded = try RegistryLoader().load(directory: registry)
        let report = await DriftRunner(options: DriftOptions(today: DriftTest.today)).run(loaded, registryDirectory: registry, source: StaticDocumentSource([]))
        try await Task.sleep(for: .milliseconds(200))
        #expect(!watcher.opened, "audreg opened a file outside the repository root")
        watcher.release()

        let outside = loaded.findings.filter { $0.ruleID == "source-outside-root" }
        #expect(outside.map { "\($0.location.file):\($0.location.line):\($0.location.column)" } == ["services/b.yaml:1:1"])
        let sources = report.findings.filter { $0.ruleID == "source-outside-root" && $0.location.file == "services/a.yaml" }
        #expect(sources.map(\.location.line).sorted() == [7, 8], "\(report.findings.map(\.message))")
        #expect(!report.findings.contains { $0.ruleID == "config-provider-missing" })
    }

    @Test("a file larger than the limit is refused from fstat, before any byte is read")
    func sparseFile() throws {
        let directory = TemporaryDirectory()
        let path = directory.write("big.yaml", "")
        #expect(truncate(path, 400 << 20) == 0)
        #expect(BoundedFile.read(path) == .failure(.tooLarge(size: 400 << 20, limit: BoundedFile.defaultLimit)))
        // Exactly the limit is allowed; one byte more is not.
        #expect(truncate(path, 64) == 0)
        #expect(BoundedFile.read(path, limit: 64) == .success([UInt8](repeating: 0, count: 64)))
        #expect(BoundedFile.read(path, limit: 63) == .failure(.tooLarge(size: 64, limit: 63)))
    }

    @Test("directories, FIFOs and devices are not read; a link is refused where none is expected")
    func notRegular() throws {
        let directory = TemporaryDirectory()
        #expect(BoundedFile.read(directory.path) == .failure(.notRegular))
        #expect(BoundedFile.read("/dev/zero") == .failure(.notRegular))
        let fifo = directory.path + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(BoundedFile.read(fifo) == .failure(.notRegular), "opened without blocking, refused by fstat")
        let file = directory.write("a.yaml", "a: 1\n")
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/link.yaml", withDestinationPath: file)
        #expect(BoundedFile.read(directory.path + "/link.yaml", followLinks: false) == .failure(.isLink))
    }

    @Test("more registry files than the limit is an error that says so")
    func fileCountLimit() throws {
        // Tested with a bound of 3 rather than 100,001 files: spread over folders, then in one folder.
        #expect(RegistryLoader.maxFiles == 100_000)
        let directory = TemporaryDirectory()
        for name in ["a/1.yaml", "b/2.yaml", "c/3.yaml", "d/4.yaml"] { directory.write(name, "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: t}\n") }
        var loader = RegistryLoader()
        loader.fileLimit = 3
        #expect(throws: RegistryError.tooManyFiles(directory: directory.path, limit: 3)) { try loader.load(directory: directory.path) }
        let flat = TemporaryDirectory()
        for index in 0..<5 { flat.write("x\(index).txt", "") }
        #expect(throws: RegistryError.tooManyFiles(directory: flat.path, limit: 3)) { try loader.load(directory: flat.path) }
        loader.fileLimit = 4
        #expect(try loader.load(directory: directory.path).registry.files.count == 4)
        #expect(RegistryError.tooManyFiles(directory: "r", limit: 100_000).description.contains("more than 100000 registry files"))
    }
}

/// Opens a FIFO for writing on another thread; the open returns only when some process opens it for reading.
private final class FIFOWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var wasOpened = false
    private var released = false
    private let path: String
    private let done = DispatchSemaphore(value: 0)

    init(_ path: String) {
        self.path = path
        Thread.detachNewThread { [self] in
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            lock.lock()
            if !released { wasOpened = true }
            lock.unlock()
            if descriptor >= 0 { close(descriptor) }
            done.signal()
        }
        // Let the writer reach its blocking open before the code under test runs.
        Thread.sleep(forTimeInterval: 0.1)
    }

    var opened: Bool {
        lock.lock()
        defer { lock.unlock() }
        return wasOpened
    }

    /// Opens the FIFO for reading ourselves, so the writer thread ends.
    func release() {
        lock.lock()
        released = true
        lock.unlock()
        let reader = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        done.wait()
        if reader >= 0 { close(reader) }
    }
}
