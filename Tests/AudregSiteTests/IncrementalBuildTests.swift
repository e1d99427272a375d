import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
import AudregTestHelpers

/// `build` takes unchanged pages from the previous site (Incremental/): after every kind of change the
/// incremental result must be the same bytes as a full build of the same registry in a fresh folder.
@Suite("Rendering: incremental builds", .serialized)
struct IncrementalBuildTests {
    let base: String
    let registry: String
    let site: String
    var count = 0

    init() throws {
        base = try SiteTestSupport.temporaryDirectory("incremental")
        var services: [String: String] = [:]
        for name in ["alpha", "beta", "gamma", "delta", "epsilon"] {
            services[name] = SiteTestSupport.service(name, audience: "https://\(name).example.com")
        }
        registry = try SiteTestSupport.registry(services)
        site = base + "/site"
    }

    func options(out: String, templates: String?, reuse: SiteBuildReuse, version: String?) -> SiteBuildOptions {
        var options = SiteBuildOptions(outputDirectory: out, templatesDirectory: templates, today: SiteTestSupport.today, engine: .builtIn)
        options.reuse = reuse
        if let version { options.version = version }
        return options
    }

    /// Builds `site` again (reusing what it can), then the same registry in full into a fresh folder, and
    /// requires both trees to be equal byte for byte. Returns the incremental build's result.
    @discardableResult
    mutating func rebuildAndCompare(templates: String? = nil, version: String? = nil,
                                    sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> SiteBuildResult {
        let report = try SiteTestSupport.report(directory: registry)
        let result = try SiteBuilder.build(report: report, options: options(out: site, templates: templates, reuse: .output, version: version))
        count += 1
        let fresh = base + "/full-\(count)"
        let full = try SiteBuilder.build(report: report, options: options(out: fresh, templates: templates, reuse: .none, version: version))
        #expect(full.reusedPages == 0 && full.fullBuildReason == "--full", sourceLocation: sourceLocation)
        let different = Self.differences(site, fresh)
        #expect(different.isEmpty, "differs from a full build: \(different.prefix(5))", sourceLocation: sourceLocation)
        #expect(FileManager.default.fileExists(atPath: site + "/" + SiteManifest.fileName), sourceLocation: sourceLocation)
        #expect(Self.regularFiles(site) == Self.regularFiles(fresh), "a page of the site is not a regular file", sourceLocation: sourceLocation)
        return result
    }

    /// The files that differ between two folders, or are in only one of them; the record of the files'
    /// stamps (which `tree` leaves out) differs on every build, so it is only required to be in both.
    static func differences(_ one: String, _ other: String) -> [String] {
        let record = SiteFileStamps.fileName
        guard FileManager.default.fileExists(atPath: one + "/" + record), FileManager.default.fileExists(atPath: other + "/" + record) else {
            return [record]
        }
        let left = SiteTestSupport.tree(one), right = SiteTestSupport.tree(other)
        return Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
    }

    /// Every path under `folder` that `lstat` says is a regular file (a symlink to a file is not).
    static func regularFiles(_ folder: String) -> Set<String> {
        var files: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            if FileStamp.regularFile(at: folder + "/" + relative) != nil { files.insert(relative) }
        }
        return files
    }

    /// Rewrites the record of the site's files to name the manifest as it is now, as if audreg had
    /// written this manifest: so a test can change the manifest and see only that change's effect.
    func restampManifest() throws {
        let path = site + "/" + SiteFileStamps.fileName
        var stamps = try #require(SiteFileStamps(text: try String(contentsOfFile: path, encoding: .utf8)))
        stamps.manifest = try #require(FileStamp.regularFile(at: site + "/" + SiteManifest.fileName))
        try Data(stamps.text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func edit(_ name: String, _ yaml: String) throws {
        try SiteTestSupport.write(["services/\(name).yaml": yaml], under: registry)
    }

    @Test mutating func editsAdditionsRemovalsAndIssuerChangesGiveAFullBuildsBytes() throws {
        let first = try rebuildAndCompare()
        #expect(first.fullBuildReason == "no earlier site")

        let unchanged = try rebuildAndCompare()
        #expect(unchanged.fullBuildReason == nil)
        #expect(unchanged.reusedPages == unchanged.htmlPages && unchanged.changedFilePages == 0)
        #expect(first.reuseSummary == "", "a full build says nothing of reuse")
        #expect(unchanged.reuseSummary == " (0 rendered, \(unchanged.htmlPages) unchanged)")

        try edit("alpha", SiteTestSupport.service("alpha", audience: "https://alpha-moved.example.com"))
        let edited = try rebuildAndCompare()
        #expect(edited.fullBuildReason == nil)
        #expect(edited.reusedPages > 0 && edited.reusedPages < edited.htmlPages)
        #expect(String(decoding: SiteTestSupport.tree(site)["services/alpha.html"] ?? Data(), as: UTF8.self).contains("alpha-moved.example.com"))

        try edit("zeta", SiteTestSupport.service("zeta", audience: "https://zeta.example.com"))
        let added = try rebuildAndCompare()
        #expect(added.fullBuildReason == nil && added.reusedPages > 0)
        #expect(FileManager.default.fileExists(atPath: site + "/services/zeta.html"))

        try FileManager.default.removeItem(atPath: registry + "/services/beta.yaml")
        let removed = try rebuildAndCompare()
        #expect(removed.fullBuildReason == nil && removed.reusedPages > 0)
        #expect(!FileManager.default.fileExists(atPath: site + "/services/beta.html"))
        #expect(!FileManager.default.fileExists(atPath: site + "/markdown/docs/services/beta.md"))

        // Every service accepts this issuer, so every service page shows the new URL.
        let moved = SiteTestSupport.issuerAndTeam.replacingOccurrences(of: "https://id.example.com/keys", with: "https://id.example.com/jwks-2")
        try SiteTestSupport.write(["base.yaml": moved], under: registry)
        let issuer = try rebuildAndCompare()
        #expect(issuer.fullBuildReason == nil)

        // Only the description: a field of the service page alone.
        try edit("gamma", SiteTestSupport.service("gamma", audience: "https://gamma.example.com", description: "Now described."))
        let described = try rebuildAndCompare()
        #expect(described.reusedPages > 0 && described.reusedPages < described.htmlPages)
    }

    @Test mutating func templatesAndVersionForceAFullBuild() throws {
        try rebuildAndCompare()
        let templates = base + "/templates"
        try SiteTestSupport.write(["html/service.mustache": "{{#page}}<p>{{chrome.pageTitle}}</p>{{/page}}\n"], under: templates)
        let changed = try rebuildAndCompare(templates: templates)
        #expect(changed.fullBuildReason == "the templates changed" && changed.reusedPages == 0)
        #expect(try rebuildAndCompare(templates: templates).reusedPages > 0)

        // An asset is part of the template set too.
        try SiteTestSupport.write(["assets/style.css": "body { color: black }\n"], under: templates)
        #expect(try rebuildAndCompare(templates: templates).fullBuildReason == "the templates changed")

        let upgraded = try rebuildAndCompare(templates: templates, version: "audreg 99.0.0 (test)")
        #expect(upgraded.fullBuildReason == "the site was built by \(AudregVersion.long)" && upgraded.reusedPages == 0)
        #expect(try rebuildAndCompare(templates: templates, version: "audreg 99.0.0 (test)").reusedPages > 0)
    }

    @Test mutating func aDamagedManifestOrMissingPageIsRebuilt() throws {
        try rebuildAndCompare()
        let manifest = site + "/" + SiteManifest.fileName
        try Data("audreg-site-manifest 2\nversion x\n".utf8).write(to: URL(fileURLWithPath: manifest))
        let corrupt = try rebuildAndCompare()
        #expect(corrupt.fullBuildReason == "the manifest is unreadable" && corrupt.reusedPages == 0)

        try FileManager.default.removeItem(atPath: manifest)
        #expect(try rebuildAndCompare().fullBuildReason == "no manifest")

        // A manifest is trusted only to skip work: a page whose file is gone is rendered again, and one
        // whose fingerprint the manifest gets wrong is rendered too.
        try FileManager.default.removeItem(atPath: site + "/services/alpha.html")
        try FileManager.default.removeItem(atPath: site + "/markdown/docs/services/gamma.md")
        var text = try String(contentsOfFile: manifest, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasSuffix(" services/delta") })
        text = text.replacingOccurrences(of: line, with: String(repeating: "0", count: 32) + " services/delta")
        try Data(text.utf8).write(to: URL(fileURLWithPath: manifest))
        try restampManifest()
        let repaired = try rebuildAndCompare()
        #expect(repaired.fullBuildReason == nil && repaired.reusedPages == repaired.htmlPages - 3)
        // The two missing files are files changed since the last build; the wrong fingerprint is not.
        #expect(repaired.changedFilePages == 2)
    }

    // A page is taken from the earlier site only while its files are the ones audreg wrote: the
    // manifest says what a page was made from, `.audreg-manifest-stat` that the files are still those.

    /// `lstat` of a file: its stamp and its access and modification times, to put back.
    static func times(_ path: String) throws -> (stamp: FileStamp, access: timespec, modification: timespec) {
        var info = stat()
        try #require(lstat(path, &info) == 0)
        return (FileStamp(info), info.st_atim, info.st_mtim)
    }

    /// Sets a file's times to the nanosecond, as `touch -d` or a careful tool would.
    static func setTimes(_ path: String, access: timespec, modification: timespec) throws {
        var times = [access, modification]
        try #require(utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0)
    }

    /// The same number of bytes, not the same bytes: the page's text with its letters turned to upper case.
    static func sameSizeEdit(_ path: String) throws -> Data {
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let edited = Data(original.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) ? $0 - 32 : $0 })
        try #require(edited.count == original.count && edited != original)
        return edited
    }

    @Test mutating func aPageFileChangedWithItsSizeAndTimeKeptIsRenderedAgain() throws {
        try rebuildAndCompare()
        // Replaced as git checkout and most editors do (a new file in its place), same size, and its
        // modification time set back to the nanosecond: only the inode tells.
        let replaced = site + "/services/alpha.html"
        let before = try Self.times(replaced)
        let edited = try Self.sameSizeEdit(replaced)
        try edited.write(to: URL(fileURLWithPath: replaced), options: .atomic)
        try Self.setTimes(replaced, access: before.access, modification: before.modification)
        let after = try Self.times(replaced).stamp
        try #require(after.size == before.stamp.size && after.seconds == before.stamp.seconds
                     && after.nanoseconds == before.stamp.nanoseconds && after.inode != before.stamp.inode)
        // Written in place (the same inode), same size, its time a nanosecond off: only the time tells.
        let rewritten = site + "/markdown/docs/services/gamma.md"
        let old = try Self.times(rewritten)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: rewritten))
        try handle.write(contentsOf: try Self.sameSizeEdit(rewritten))
        try handle.close()
        var later = old.modification
        later.tv_nsec = later.tv_nsec == 999_999_999 ? 0 : later.tv_nsec + 1
        if later.tv_nsec == 0 { later.tv_sec += 1 }
        try Self.setTimes(rewritten, access: old.access, modification: later)
        try #require(try Self.times(rewritten).stamp.inode == old.stamp.inode)

        let rebuilt = try rebuildAndCompare()
        #expect(rebuilt.fullBuildReason == nil)
        #expect(rebuilt.changedFilePages == 2 && rebuilt.reusedPages == rebuilt.htmlPages - 2)
        #expect(rebuilt.reuseSummary == " (2 rendered, \(rebuilt.htmlPages - 2) unchanged; 2 re-rendered because their file changed since the last build)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: replaced)) != edited)
        // The pages just rendered are recorded as written, so the next build takes them again.
        let again = try rebuildAndCompare()
        #expect(again.reusedPages == again.htmlPages && again.changedFilePages == 0)
    }

    @Test mutating func aPageReplacedByASymlinkIsRenderedAsARegularFile() throws {
        try rebuildAndCompare()
        let page = site + "/services/beta.html", outside = base + "/outside.html"
        try Data("<p>not from the registry</p>\n".utf8).write(to: URL(fileURLWithPath: outside))
        try FileManager.default.removeItem(atPath: page)
        try FileManager.default.createSymbolicLink(atPath: page, withDestinationPath: outside)
        let markdown = site + "/markdown/docs/services/beta.md"
        try FileManager.default.moveItem(atPath: markdown, toPath: base + "/beta.md")
        try FileManager.default.createSymbolicLink(atPath: markdown, withDestinationPath: base + "/beta.md")

        let rebuilt = try rebuildAndCompare()
        #expect(rebuilt.fullBuildReason == nil && rebuilt.changedFilePages == 1 && rebuilt.reusedPages == rebuilt.htmlPages - 1)
        #expect(FileStamp.regularFile(at: page) != nil && FileStamp.regularFile(at: markdown) != nil)
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "<p>not from the registry</p>\n")
    }

    @Test mutating func anUntouchedSiteIsReusedWholeBuildAfterBuild() throws {
        try rebuildAndCompare()
        for _ in 0..<3 {
            let unchanged = try rebuildAndCompare()
            #expect(unchanged.fullBuildReason == nil && unchanged.reusedPages == unchanged.htmlPages && unchanged.changedFilePages == 0)
        }
        try edit("alpha", SiteTestSupport.service("alpha", audience: "https://alpha-4.example.com"))
        let edited = try rebuildAndCompare()
        #expect(edited.changedFilePages == 0 && edited.reusedPages > 0 && edited.reusedPages < edited.htmlPages)
        let after = try rebuildAndCompare()
        #expect(after.reusedPages == after.htmlPages && after.changedFilePages == 0)
        // As `serve` rebuilds, from the folder it shows: the stamps hold there too, and in the new folder.
        let report = try SiteTestSupport.report(directory: registry)
        let next = base + "/next"
        let served = try SiteBuilder.build(report: report, options: options(out: next, templates: nil, reuse: .folder(site), version: nil))
        #expect(served.reusedPages == served.htmlPages && served.changedFilePages == 0)
        let fromNext = try SiteBuilder.build(report: report, options: options(out: site, templates: nil, reuse: .folder(next), version: nil))
        #expect(fromNext.reusedPages == fromNext.htmlPages && fromNext.changedFilePages == 0)
    }

    @Test mutating func anOlderManifestOrAnotherRecordMeansAFullBuild() throws {
        try rebuildAndCompare()
        let manifest = site + "/" + SiteManifest.fileName, record = site + "/" + SiteFileStamps.fileName
        // The same manifest in format 1, which had no record of the files: whatever the record says.
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
        try #require(text.hasPrefix("audreg-site-manifest 2\n"))
        try Data(("audreg-site-manifest 1" + text.dropFirst("audreg-site-manifest 2".count)).utf8).write(to: URL(fileURLWithPath: manifest))
        try restampManifest()
        let older = try rebuildAndCompare()
        #expect(older.fullBuildReason == "the manifest is of another format" && older.reusedPages == 0)

        // A manifest that is not the one the record was written with (a committed site's, changed in a
        // pull request): here it gives delta's page, whose service changed, the new fingerprint, so that
        // trusting it would keep the old page.
        try rebuildAndCompare()
        try edit("delta", SiteTestSupport.service("delta", audience: "https://delta-moved.example.com"))
        let peek = base + "/peek"
        let report = try SiteTestSupport.report(directory: registry)
        _ = try SiteBuilder.build(report: report, options: options(out: peek, templates: nil, reuse: .none, version: nil))
        let delta = { (text: String) throws -> Substring in try #require(text.split(separator: "\n").first { $0.hasSuffix(" services/delta") }) }
        var changed = try String(contentsOfFile: manifest, encoding: .utf8)
        changed = changed.replacingOccurrences(of: try delta(changed), with: try delta(try String(contentsOfFile: peek + "/" + SiteManifest.fileName, encoding: .utf8)))
        try Data(changed.utf8).write(to: URL(fileURLWithPath: manifest))
        #expect(try rebuildAndCompare().fullBuildReason == "the manifest changed since the last build")

        // A copy of a site (a fresh clone of a committed one, with or without the record) has new files.
        let copy = base + "/copy"
        try FileManager.default.copyItem(atPath: site, toPath: copy)
        try FileManager.default.removeItem(atPath: site)
        try FileManager.default.moveItem(atPath: copy, toPath: site)
        #expect(try rebuildAndCompare().fullBuildReason == "the manifest changed since the last build")
        try FileManager.default.removeItem(atPath: record)
        let missing = try rebuildAndCompare()
        #expect(missing.fullBuildReason == "no record of the site's files" && missing.reusedPages == 0)
        try Data("audreg-site-stat 1\nmanifest 1 2 3\n".utf8).write(to: URL(fileURLWithPath: record))
        #expect(try rebuildAndCompare().fullBuildReason == "the record of the site's files is unreadable")
        #expect(try rebuildAndCompare().reusedPages > 0)
        // The site's .gitignore keeps the record out of a committed site.
        #expect(try String(contentsOfFile: site + "/.gitignore", encoding: .utf8).contains("\n/\(SiteFileStamps.fileName)\n"))
    }

    @Test func fileStampsTextRoundTripsAndRefusesOtherText() throws {
        let one = FileStamp(device: 2049, inode: 1_234_567, size: 19_277, seconds: 1_796_000_000, nanoseconds: 123_456_789)
        let two = FileStamp(device: .max, inode: 0, size: .max, seconds: .min, nanoseconds: 0)
        let stamps = SiteFileStamps(manifest: one, pages: [("index", .init(html: one, markdown: two)), ("services/a b", .init(html: two, markdown: one))])
        #expect(SiteFileStamps(text: stamps.text) == stamps)
        for bad in ["", "audreg-site-stat 2\nmanifest 1 2 3 4 5\n", stamps.text + "1 2 3 4 5 1 2 3 4 index\n",
                    stamps.text + "1 2 3 4 5 1 2 3 4 x index\n", stamps.text + "1 2 3 4 5 1 2 3 4 5 \n", String(stamps.text.dropLast()),
                    stamps.text + "18446744073709551616 2 3 4 5 1 2 3 4 5 index\n", stamps.text + "1 2 9223372036854775808 4 5 1 2 3 4 5 index\n",
                    stamps.text + "1 2 3 -9223372036854775809 5 1 2 3 4 5 index\n"] {
            #expect(SiteFileStamps(text: bad) == nil)
        }
    }

    @Test mutating func aFailedIncrementalBuildLeavesThePreviousSiteUntouched() throws {
        try rebuildAndCompare()
        try edit("alpha", SiteTestSupport.service("alpha", audience: "https://alpha-2.example.com"))
        let before = SiteTestSupport.tree(site)
        let broken = base + "/broken"
        try SiteTestSupport.write(["html/rule.mustache": "{{#page}}unclosed"], under: broken)
        let report = try SiteTestSupport.report(directory: registry)
        #expect(throws: SiteBuildError.self) {
            try SiteBuilder.build(report: report, options: options(out: site, templates: broken, reuse: .output, version: nil))
        }
        #expect(SiteTestSupport.tree(site) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.contains(".tmp-") }.isEmpty)
    }

    /// As `serve` rebuilds: into a new folder, taking pages from the one being shown, which stays as it was.
    @Test mutating func anotherFoldersPagesAreReusedAndThatFolderIsLeftAlone() throws {
        try rebuildAndCompare()
        let shown = SiteTestSupport.tree(site)
        try edit("alpha", SiteTestSupport.service("alpha", audience: "https://alpha-3.example.com"))
        let report = try SiteTestSupport.report(directory: registry)
        let next = base + "/next"
        let result = try SiteBuilder.build(report: report, options: options(out: next, templates: nil, reuse: .folder(site), version: nil))
        #expect(result.fullBuildReason == nil && result.reusedPages > 0)
        #expect(SiteTestSupport.tree(site) == shown)
        let full = base + "/next-full"
        _ = try SiteBuilder.build(report: report, options: options(out: full, templates: nil, reuse: .none, version: nil))
        let different = Self.differences(next, full)
        #expect(different.isEmpty, "differs from a full build: \(different.prefix(5))")
    }

    @Test func manifestTextRoundTripsAndRefusesOtherText() throws {
        let manifest = SiteManifest(version: "audreg 1 (x)", templates: String(repeating: "a", count: 32),
                                    pages: [("index", PageFingerprint(hex: String(repeating: "b", count: 32).utf8)!),
                                            ("services/a b", PageFingerprint(hex: "0123456789abcdef0f1e2d3c4b5a6978".utf8)!)])
        #expect(manifest.text.contains("\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb index\n0123456789abcdef0f1e2d3c4b5a6978 services/a b\n"))
        #expect(SiteManifest(text: manifest.text) == manifest)
        for bad in ["", "audreg-site-manifest 1\nversion x\ntemplates y\n", manifest.text.replacingOccurrences(of: "bbbb", with: "BBBB"),
                    manifest.text + "zz index\n", String(manifest.text.dropLast())] {
            #expect(SiteManifest(text: bad) == nil)
        }
    }
}

/// The fingerprint hashes its input in blocks as it comes; the digest must be SHA-256 of the whole
/// encoding, whatever the block boundaries, as an independent implementation (coreutils) computes it.
@Suite("Rendering: page fingerprints")
struct FingerprintTests {
    @Test("a fingerprint fed across block boundaries is the SHA-256 of its whole encoding")
    func streamedDigestIsWholeDigest() throws {
        var fingerprinter = Fingerprinter()
        var encoding: [UInt8] = []
        func length(_ count: Int) { withUnsafeBytes(of: UInt64(count).littleEndian) { encoding += $0 } }
        // Sizes around the 64 KiB block: empty, below, at, just past, and several blocks at once.
        for (step, size) in [0, 1, 65_535, 65_536, 1, 70_001, 200_003, 3].enumerated() {
            let text = String(repeating: step % 2 == 0 ? "a" : "\u{E9}", count: size)
            fingerprinter.add(text)
            length(text.utf8.count)
            encoding += text.utf8
            fingerprinter.add(step)
            length(step)
            fingerprinter.add(step % 3 == 0)
            encoding.append(step % 3 == 0 ? 1 : 0)
            if step % 2 == 0 { fingerprinter.present() } else { fingerprinter.absent() }
            encoding.append(step % 2 == 0 ? 1 : 0)
        }
        let directory = try SiteTestSupport.temporaryDirectory("fingerprint")
        let file = directory + "/encoding"
        try Data(encoding).write(to: URL(fileURLWithPath: file))
        let sum = try run("/usr/bin/sha256sum", [file])
        try #require(sum.status == 0, "\(sum.stderr)")
        #expect(fingerprinter.digest == String(sum.stdout.prefix(32)))
        // Reset starts a new digest.
        fingerprinter.reset()
        fingerprinter.add("")
        var empty = Fingerprinter()
        empty.add("")
        #expect(fingerprinter.digest == empty.digest)
        #expect(fingerprinter.digest != String(sum.stdout.prefix(32)))
    }

    /// Streamed text (the token-flow drawing) is hashed as it is written: its length, then the SHA-256
    /// of its bytes, so the encoding stays unambiguous without holding the text.
    @Test("streamed text is fingerprinted by its length and the SHA-256 of its bytes, written in pieces")
    func streamedTextDigest() throws {
        let text = String(repeating: "<g>\u{E9}</g>", count: 20_000)  // several 64 KiB drains
        var fingerprinter = Fingerprinter()
        fingerprinter.add(StreamedText(isEmpty: false) { output in
            for _ in 0..<20_000 { output.append("<g>\u{E9}</g>") }
        })
        let directory = try SiteTestSupport.temporaryDirectory("fingerprint-streamed")
        try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/text"))
        let inner = try run("/usr/bin/sha256sum", [directory + "/text"])
        try #require(inner.status == 0, "\(inner.stderr)")
        var encoding: [UInt8] = []
        withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { encoding += $0 }
        var digest = String(inner.stdout.prefix(64)).utf8.makeIterator()
        while let high = digest.next(), let low = digest.next() { encoding.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!) }
        try Data(encoding).write(to: URL(fileURLWithPath: directory + "/encoding"))
        let outer = try run("/usr/bin/sha256sum", [directory + "/encoding"])
        #expect(fingerprinter.digest == String(outer.stdout.prefix(32)))
        var changed = Fingerprinter()
        changed.add(StreamedText(text + " "))
        #expect(changed.digest != fingerprinter.digest)
    }
}

