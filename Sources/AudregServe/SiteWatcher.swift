import AudregCore
import Foundation

/// What the preview watches: the registry, the template overrides and the added control catalogs.
///
/// Polling, not inotify: Foundation has no file-event API on Linux, inotify would be a second,
/// Linux-only code path (FSEvents on macOS), and it misses changes on network and container-mounted
/// folders, where editors on the host write. Comparing each file's modification time, size and inode
/// every 200 ms finds a save within a fifth of a second; the inode catches editors that save by
/// renaming a new file over the old one within the same tick.
public struct WatchedTree: Sendable, Equatable {
    public var path: String
    /// File name endings that count (`[".yaml", ".yml"]`); empty: every file.
    public var suffixes: [String]

    /// `--root`: linked files count only when they resolve inside it. nil: the tree's git top-level, else
    /// the tree itself, as for the registry loader.
    public var root: String?

    public init(path: String, suffixes: [String] = [], root: String? = nil) {
        self.path = path
        self.suffixes = suffixes
        self.root = root
    }

    func repositoryRoot() -> RepositoryRoot? {
        if let root { return RepositoryRoot(directory: root) }
        return RepositoryRoot.discovered(forRegistry: path)
    }

    func includes(_ name: String) -> Bool {
        suffixes.isEmpty || suffixes.contains { name.hasSuffix($0) }
    }
}

/// The state of the watched files at one moment; two snapshots differ when a file was added, removed
/// or changed.
public struct FileSnapshot: Equatable, Sendable {
    struct Stamp: Equatable, Sendable {
        var seconds: Int
        var nanoseconds: Int
        var size: Int64
        var inode: UInt64
    }

    var stamps: [String: Stamp] = [:]

    public var fileCount: Int { stamps.count }

    /// Walks each tree as the registry loader does (`DirectoryWalker`): hidden entries (`.git`, `.build`,
    /// except the ignore file) and folders holding a built site (its marker file) are skipped, a link to a
    /// folder is never followed, and a link to a file counts only when it resolves inside the repository
    /// root. A tree that does not exist is empty. Each tree stops after `maxEntries` entries: the build
    /// refuses a registry that large anyway, and the walk runs every 200 ms.
    public static func take(_ trees: [WatchedTree], siteMarker: String = RegistryIgnore.siteMarker,
                            maxEntries: Int = RegistryLoader.maxFiles) -> FileSnapshot {
        var snapshot = FileSnapshot()
        for tree in trees {
            var info = stat()
            guard stat(tree.path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFREG {
                snapshot.stamps[tree.path] = Stamp(info)
            } else if info.st_mode & S_IFMT == S_IFDIR {
                guard let root = tree.repositoryRoot() else { continue }
                var budget = maxEntries
                walk(tree.path, tree: tree, root: root, siteMarker: siteMarker, budget: &budget, into: &snapshot)
            }
        }
        return snapshot
    }

    static func walk(_ folder: String, tree: WatchedTree, root: RepositoryRoot, siteMarker: String, budget: inout Int,
                     into snapshot: inout FileSnapshot) {
        var marker = stat()
        if lstat(folder + "/" + siteMarker, &marker) == 0 { return }
        guard let handle = opendir(folder) else { return }
        var folders: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            // Hidden names are skipped, except the registry's ignore file, which changes what the loader reads.
            if name.hasBytePrefix("."), !name.isExactly(RegistryIgnore.fileName) { continue }
            budget -= 1
            if budget < 0 { break }
            let path = folder + "/" + name
            var info = stat()
            // lstat, not stat: a link to a folder (`a -> .`) followed is a cycle, and two of them make the
            // walk exponential.
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: folders.append(path)
            case S_IFREG where tree.includes(name): snapshot.stamps[path] = Stamp(info)
            case S_IFLNK where tree.includes(name):
                // The build reads a linked file only inside the root; the target's stamp catches an edit
                // made through the link.
                guard case .inside(let target) = root.resolve(path), stat(target, &info) == 0,
                      info.st_mode & S_IFMT == S_IFREG else { continue }
                snapshot.stamps[path] = Stamp(info)
            default: continue
            }
        }
        closedir(handle)
        for path in folders where budget >= 0 {
            walk(path, tree: tree, root: root, siteMarker: siteMarker, budget: &budget, into: &snapshot)
        }
    }

    /// The files added, removed or changed since `earlier`, sorted (for the log line).
    public func changes(since earlier: FileSnapshot) -> [String] {
        var changed = stamps.filter { earlier.stamps[$0.key] != $0.value }.map(\.key)
        changed += earlier.stamps.keys.filter { stamps[$0] == nil }
        return changed.sorted()
    }
}

extension FileSnapshot.Stamp {
    init(_ info: stat) {
        #if canImport(Darwin)
        seconds = Int(info.st_mtimespec.tv_sec)
        nanoseconds = Int(info.st_mtimespec.tv_nsec)
        #else
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
        #endif
        size = Int64(info.st_size)
        inode = UInt64(info.st_ino)
    }
}

/// How long to wait before the next look: the poll interval, or four times the last walk when that is
/// longer, so a large registry (50k files take tens of milliseconds to walk) never keeps a core more
/// than a fifth busy with watching.
public func nextPollDelay(interval: Duration, lastWalk: Duration) -> Duration {
    max(interval, lastWalk * 4)
}
