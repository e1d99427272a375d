import Foundation

/// What the file system says of a file audreg wrote: enough to tell, with one `lstat` and without
/// reading it, that a file is no longer that one. A hard link keeps the inode, size and modification
/// time, so a page reused by linking keeps its stamp; replacing the file (a git checkout, an editor
/// that saves by renaming, a symlink) changes the inode, and writing it changes the modification time.
/// The change time is left out on purpose: linking a page into the next site, and removing the old
/// site's name for it, change it on every build. So an in-place rewrite of the same size that also
/// sets the modification time back to the nanosecond is not noticed; whoever can do that to the site
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

    var text: String { "\(device) \(inode) \(size) \(seconds) \(nanoseconds)" }
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
    /// five decimal numbers (device, inode, size, modification seconds and nanoseconds).
    var text: String {
        var out = "\(Self.formatLine)\nmanifest \(manifest.text)\n"
        out.reserveCapacity(out.utf8.count + pages.count * 120)
        for page in pages { out += "\(page.files.html.text) \(page.files.markdown.text) \(page.path)\n" }
        return out
    }

    /// nil for anything but a record this format writes.
    init?(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.last == "", lines.count >= 3, lines[0] == Self.formatLine, lines[1].hasPrefix("manifest "),
              let manifest = Self.stamp(lines[1].dropFirst("manifest ".count).split(separator: " ", omittingEmptySubsequences: false)[...])
        else { return nil }
        lines.removeLast()
        self.manifest = manifest
        var pages: [(path: String, files: Page)] = []
        pages.reserveCapacity(lines.count - 2)
        for line in lines.dropFirst(2) {
            let fields = line.split(separator: " ", maxSplits: 10, omittingEmptySubsequences: false)
            guard fields.count == 11, let html = Self.stamp(fields[0..<5]), let markdown = Self.stamp(fields[5..<10]),
                  !fields[10].isEmpty else { return nil }
            pages.append((String(fields[10]), Page(html: html, markdown: markdown)))
        }
        self.pages = pages
    }

    private static func stamp(_ fields: ArraySlice<Substring>) -> FileStamp? {
        guard fields.count == 5 else { return nil }
        let start = fields.startIndex
        guard let device = UInt64(fields[start]), let inode = UInt64(fields[start + 1]), let size = Int64(fields[start + 2]),
              let seconds = Int64(fields[start + 3]), let nanoseconds = Int64(fields[start + 4]) else { return nil }
        return FileStamp(device: device, inode: inode, size: size, seconds: seconds, nanoseconds: nanoseconds)
    }
}
