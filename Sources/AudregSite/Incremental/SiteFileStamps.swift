import AudregCore
import Foundation

/// What the file system says of a file audreg wrote: enough to tell, with one `lstat` and without
/// reading it, that a file is no longer that one. A hard link keeps the inode, size and modification
/// time, so a page reused by linking keeps its stamp; replacing the file (a git checkout, an editor
/// that saves by renaming, a symlink) changes the inode, and writing it changes the modification time.
/// The change time is left out on purpose: linking a page into the next site, and removing the old
/// site's name for it, change it on every build. So a rewrite of the same size that also sets the
/// modification time back to the nanosecond is not noticed when it is made in place, or by a new file
/// that the file system happens to give the freed inode number; whoever sets times back in the site
/// folder can rewrite this record too.
struct FileStamp: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64

    init(device: UInt64, inode: UInt64, size: Int64, seconds: Int64, nanoseconds: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    init(_ info: stat) {
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        seconds = Int64(info.st_mtimespec.tv_sec)
        nanoseconds = Int64(info.st_mtimespec.tv_nsec)
        #else
        seconds = Int64(info.st_mtim.tv_sec)
        nanoseconds = Int64(info.st_mtim.tv_nsec)
        #endif
    }

    /// The stamp of the file at `path` itself (a symlink is not followed), or nil when it is not a
    /// regular file or cannot be read.
    static func regularFile(at path: String) -> FileStamp? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return FileStamp(info)
    }

    /// The stamp of a file open for writing, taken after its last write.
    static func open(_ descriptor: Int32) -> FileStamp? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// Five decimal numbers: device, inode, size, modification seconds and nanoseconds.
    func append(to out: OutputBuffer) {
        out.append(decimal: device)
        out.append(UInt8(ascii: " "))
        out.append(decimal: inode)
        for value in [size, seconds, nanoseconds] {
            out.append(UInt8(ascii: " "))
            out.append(decimal: Int(value))
        }
    }
}

/// `.audreg-manifest-stat` in a built site: the stamp of the manifest and of each page's two files as
/// audreg wrote (or linked) them. The manifest says what a page was made from; this says that the
/// files on disk are still the ones made from it, so an edited, replaced or symlinked page file (a
/// committed site changed in a pull request, a page edited by hand) is rendered again instead of being
/// carried into the next site. It holds inode numbers and times, which differ on every build and every
/// machine, so it is kept apart from the manifest, whose bytes are part of the deterministic site; the
/// site's `.gitignore` names it, so a committed site never holds it. A site without it (a fresh clone
/// of a committed site) is built in full.
struct SiteFileStamps: Equatable {
    static let fileName = ".audreg-manifest-stat"
    static let formatLine = "audreg-site-stat 1"

    struct Page: Equatable {
        var html: FileStamp
        var markdown: FileStamp
    }

    var manifest: FileStamp
    /// Root-relative page path (without extension) → its files' stamps, in job order.
    var pages: [(path: String, files: Page)]

    static func == (lhs: SiteFileStamps, rhs: SiteFileStamps) -> Bool {
        lhs.manifest == rhs.manifest && lhs.pages.elementsEqual(rhs.pages) { $0.path == $1.path && $0.files == $1.files }
    }

    init(manifest: FileStamp, pages: [(path: String, files: Page)]) {
        self.manifest = manifest
        self.pages = pages
    }

    /// The format, `manifest <stamp>`, then `<HTML stamp> <Markdown stamp> <path>` per page; a stamp is
    /// five decimal numbers (device, inode, size, modification seconds and nanoseconds). Written and read
    /// as bytes: at 50,000 pages it is 5 MB, read and written on every build.
    var bytes: [UInt8] {
        let out = OutputBuffer(capacity: 64 + pages.count * 128)
        write(to: out)
        return out.array
    }

    /// `bytes`, appended to `out` (a build drains them to the file as they come).
    func write(to out: OutputBuffer) { Self.write(manifest: manifest, pages: pages, to: out) }

    /// A record's bytes made from its parts as they come: a build writes its record from what it kept
    /// per job, without first gathering the pages into an array (9 MiB at 50,000 pages, at its peak).
    static func write<Pages: Sequence<(path: String, files: Page)>>(manifest: FileStamp, pages: Pages, to out: OutputBuffer) {
        out.append(Self.formatLine + "\nmanifest ")
        manifest.append(to: out)
        out.append(UInt8(ascii: "\n"))
        for page in pages {
            page.files.html.append(to: out)
            out.append(UInt8(ascii: " "))
            page.files.markdown.append(to: out)
            out.append(UInt8(ascii: " "))
            out.append(page.path)
            out.append(UInt8(ascii: "\n"))
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    init?(text: String) { self.init(bytes: Array(text.utf8)) }

    /// nil for anything but a record this format writes.
    init?(bytes: [UInt8]) {
        var reader = Reader(bytes: bytes)
        guard reader.skip(Self.formatLine + "\nmanifest "), let manifest = reader.stamp(), reader.skip("\n") else { return nil }
        self.manifest = manifest
        var pages: [(path: String, files: Page)] = []
        pages.reserveCapacity(bytes.count / 128)
        while !reader.atEnd {
            guard let html = reader.stamp(), reader.skip(" "), let markdown = reader.stamp(), reader.skip(" "),
                  let path = reader.line(), !path.isEmpty else { return nil }
            pages.append((path, Page(html: html, markdown: markdown)))
        }
        self.pages = pages
    }

    /// Reads the record's bytes front to back.
    private struct Reader {
        let bytes: [UInt8]
        var at = 0

        var atEnd: Bool { at == bytes.count }

        mutating func skip(_ text: String) -> Bool {
            for byte in text.utf8 {
                guard at < bytes.count, bytes[at] == byte else { return false }
                at += 1
            }
            return true
        }

        /// Decimal digits, at least one; nil when they do not fit.
        mutating func unsigned() -> UInt64? {
            let start = at
            var value: UInt64 = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
                let (times, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, carry) = times.addingReportingOverflow(UInt64(bytes[at] - UInt8(ascii: "0")))
                guard !overflow, !carry else { return nil }
                value = sum
                at += 1
            }
            return at > start ? value : nil
        }

        /// As `unsigned`, with an optional leading minus.
        mutating func signed() -> Int64? {
            let negative = at < bytes.count && bytes[at] == UInt8(ascii: "-")
            if negative { at += 1 }
            guard let magnitude = unsigned() else { return nil }
            if negative { return magnitude <= Int64.min.magnitude ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }

        mutating func stamp() -> FileStamp? {
            guard let device = unsigned(), skip(" "), let inode = unsigned(), skip(" "), let size = signed(), skip(" "),
                  let seconds = signed(), skip(" "), let nanoseconds = signed() else { return nil }
            return FileStamp(device: device, inode: inode, size: size, seconds: seconds, nanoseconds: nanoseconds)
        }

        /// The rest of the line (which must end in a line break), without its line break.
        mutating func line() -> String? {
            guard let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            defer { at = end + 1 }
            return String(decoding: bytes[at..<end], as: UTF8.self)
        }
    }
}
