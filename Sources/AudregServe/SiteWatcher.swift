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

    public init(path: String, suffixes: [String] = []) {
        self.path = path
        self.suffixes = suffixes
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

    /// Walks each tree. Hidden folders (`.git`, `.build`) and folders holding a built site (its marker
    /// file) are skipped, as the registry loader skips them; a tree that does not exist is empty.
    public static func take(_ trees: [WatchedTree], siteMarker: String = RegistryIgnore.siteMarker) -> FileSnapshot {
        var snapshot = FileSnapshot()
        for tree in trees {
            var info = stat()
            guard stat(tree.path, &info) == 0 else { continue }
            if info.st_mode & S_IFMT == S_IFREG {
                snapshot.stamps[tree.path] = Stamp(info)
            } else if info.st_mode & S_IFMT == S_IFDIR {
                walk(tree.path, tree: tree, siteMarker: siteMarker, into: &snapshot)
            }
        }
        return snapshot
    }

    static func walk(_ folder: String, tree: WatchedTree, siteMarker: String, into snapshot: inout FileSnapshot) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        if names.contains(siteMarker) { return }
        // Hidden names are skipped, except the registry's ignore file, which changes what the loader reads.
        for name in names where !name.hasBytePrefix(".") || name == RegistryIgnore.fileName {
            let path = folder + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: walk(path, tree: tree, siteMarker: siteMarker, into: &snapshot)
            case S_IFREG where tree.includes(name): snapshot.stamps[path] = Stamp(info)
            default: continue
            }
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
