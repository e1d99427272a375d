import Foundation
import Testing
@testable import AudregServe
import AudregTestHelpers

@Suite("Serve: watching the inputs")
struct WatcherTests {
    func snapshot(_ root: String) -> FileSnapshot {
        FileSnapshot.take([WatchedTree(path: root + "/registry", suffixes: [".yaml", ".yml", ".audregignore"]), WatchedTree(path: root + "/templates")])
    }

    @Test("an added, changed, renamed-over or removed file is a change; an untouched tree is not")
    func changes() throws {
        let temporary = TemporaryDirectory()
        let service = temporary.write("registry/services/a.yaml", "name: a\n")
        temporary.write("templates/html/page.mustache", "<p>{{x}}</p>")
        let first = snapshot(temporary.path)
        #expect(first.fileCount == 2)
        #expect(snapshot(temporary.path) == first)

        // Same size, new content: caught by the modification time.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 5)], ofItemAtPath: service)
        let touched = snapshot(temporary.path)
        #expect(touched.changes(since: first) == [service])

        // An editor's save: a new file renamed over the old one, same size and time.
        let attributes = try FileManager.default.attributesOfItem(atPath: service)
        let replacement = temporary.write("registry/services/a.yaml.new", "name: b\n")
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: replacement)
        #expect(rename(replacement, service) == 0)
        let renamed = snapshot(temporary.path)
        #expect(renamed.changes(since: touched) == [service])

        let added = temporary.write("registry/services/b.yml", "name: b\n")
        let template = temporary.path + "/templates/html/page.mustache"
        try FileManager.default.removeItem(atPath: template)
        #expect(snapshot(temporary.path).changes(since: renamed) == [added, template].sorted())
    }

    @Test("only the files the build reads count: other suffixes, hidden folders and built sites are not watched")
    func whatIsWatched() throws {
        let temporary = TemporaryDirectory()
        temporary.write("registry/services/a.yaml", "name: a\n")
        let ignore = temporary.write("registry/.audregignore", "drafts/\n")
        let first = snapshot(temporary.path)
        #expect(first.fileCount == 2, "the ignore file changes what the loader reads")
        temporary.write("registry/notes.txt", "x")
        temporary.write("registry/.git/objects/x.yaml", "x")
        temporary.write("registry/.build/x.yaml", "x")
        temporary.write("registry/site/.audreg-site", "")
        temporary.write("registry/site/markdown/mkdocs.yml", "x")
        temporary.write("registry/services/.a.yaml.swp", "x")
        #expect(snapshot(temporary.path) == first)
        try "other/\n".write(toFile: ignore, atomically: true, encoding: .utf8)
        #expect(snapshot(temporary.path).changes(since: first) == [ignore])
    }

    @Test("links to folders are not followed, so self-links end the walk at once; linked files count only inside the root")
    func linkedFolders() throws {
        let temporary = TemporaryDirectory()
        let registry = temporary.path + "/registry"
        let service = temporary.write("registry/services/a.yaml", "name: a\n")
        // The registry folder is the repository root, so a link to the folder above leads outside it.
        try FileManager.default.createDirectory(atPath: registry + "/.git", withIntermediateDirectories: true)
        let outside = temporary.write("outside.yaml", "name: o\n")
        for name in ["a", "b", "services/up"] {
            try FileManager.default.createSymbolicLink(atPath: registry + "/" + name, withDestinationPath: name == "services/up" ? ".." : ".")
        }
        try FileManager.default.createSymbolicLink(atPath: registry + "/linked.yaml", withDestinationPath: service)
        try FileManager.default.createSymbolicLink(atPath: registry + "/leak.yaml", withDestinationPath: outside)

        // Followed, `a` and `b` make 2^depth paths before ELOOP or PATH_MAX stops them: hours, not seconds.
        let done = DispatchSemaphore(value: 0)
        let result = LockedBox<FileSnapshot?>(nil)
        Thread.detachNewThread {
            result.set(FileSnapshot.take([WatchedTree(path: registry, suffixes: [".yaml"])]))
            done.signal()
        }
        try #require(done.wait(timeout: .now() + 5) == .success, "the walk did not end within 5 seconds")
        let snapshot = try #require(result.get())
        #expect(snapshot.stamps.keys.sorted() == [registry + "/linked.yaml", service])
    }

    @Test("a tree stops after the entry limit")
    func entryLimit() {
        let temporary = TemporaryDirectory()
        for index in 0..<10 { temporary.write("registry/\(index).yaml", "x") }
        #expect(FileSnapshot.take([WatchedTree(path: temporary.path + "/registry")], maxEntries: 4).fileCount == 4)
        #expect(FileSnapshot.take([WatchedTree(path: temporary.path + "/registry")]).fileCount == 10)
    }

    @Test("a missing tree is empty, and a watched file may be a single file")
    func missingAndSingleFiles() {
        let temporary = TemporaryDirectory()
        let file = temporary.write("catalog.yaml", "x")
        #expect(FileSnapshot.take([WatchedTree(path: temporary.path + "/nothing")]).fileCount == 0)
        #expect(FileSnapshot.take([WatchedTree(path: file, suffixes: [".yaml"])]).fileCount == 1)
    }

    @Test("the poll interval stretches to four times a slow walk")
    func pollDelay() {
        #expect(nextPollDelay(interval: .milliseconds(200), lastWalk: .milliseconds(3)) == .milliseconds(200))
        #expect(nextPollDelay(interval: .milliseconds(200), lastWalk: .milliseconds(100)) == .milliseconds(400))
    }
}

/// A value a detached thread hands to the test, which may stop waiting for it.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value { lock.withLock { value } }
}
