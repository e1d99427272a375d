import Foundation

/// Lists regular files below a directory with readdir: FileManager's enumerator costs more than parsing
/// the files it finds. Hidden entries are skipped; symbolic links are not followed into directories, and
/// a link to a file counts only when it resolves inside the repository root.
enum DirectoryWalker {
    enum Entry {
        case file(String)
        case linkOutsideRoot(String)
        /// One folder holds more entries than a registry may hold files; the rest were not listed.
        case tooManyEntries
    }

    /// Calls `visit` for each entry in sorted order; `visit` returns false to stop the walk.
    @discardableResult
    static func walk(_ directory: String, relative: String, root: RepositoryRoot, ignore: RegistryIgnore = RegistryIgnore(),
                     maxEntries: Int, visit: (Entry) -> Bool) -> Bool {
        // A folder `audreg build` wrote (its mkdocs.yml would otherwise be read) is never registry.
        if !relative.isEmpty, RegistryIgnore.isSiteFolder(directory) { return true }
        guard let handle = opendir(directory) else { return true }
        var names: [(name: String, kind: Kind)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name.hasBytePrefix(".") { continue }
            var type = Int32(entry.pointee.d_type)
            if type == Int32(DT_UNKNOWN) {
                var info = stat()
                guard lstat(directory + "/" + name, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: type = Int32(DT_DIR)
                case S_IFLNK: type = Int32(DT_LNK)
                case S_IFREG: type = Int32(DT_REG)
                default: continue
                }
            }
            switch type {
            case Int32(DT_DIR): names.append((name, .directory))
            case Int32(DT_REG): names.append((name, .file))
            case Int32(DT_LNK):
                // realpath only reads links; the target is not opened. A link to a directory is not
                // followed, to avoid cycles; one to a file counts only when it stays inside the root.
                switch root.resolve(directory + "/" + name) {
                case .inside(let target):
                    var info = stat()
                    if stat(target, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { names.append((name, .file)) }
                case .outside: names.append((name, .outside))
                case .missing: continue
                }
            default: continue
            }
            // A folder with millions of entries is refused without listing it all.
            if names.count > maxEntries {
                closedir(handle)
                return visit(.tooManyEntries) && false
            }
        }
        closedir(handle)
        for (name, kind) in names.sorted(by: { ExactText.precedes($0.name, $1.name) }) {
            let path = relative.isEmpty ? name : relative + "/" + name
            if ignore.ignores(path, isDirectory: kind == .directory) { continue }
            switch kind {
            case .directory:
                if !walk(directory + "/" + name, relative: path, root: root, ignore: ignore, maxEntries: maxEntries, visit: visit) { return false }
            case .file:
                if !visit(.file(path)) { return false }
            case .outside:
                if !visit(.linkOutsideRoot(path)) { return false }
            }
        }
        return true
    }

    enum Kind {
        case directory, file, outside
    }
}
