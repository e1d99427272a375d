/// Problems that stop audreg before it can report findings. Each says what to do next.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    case directoryNotFound(String)
    case notADirectory(String)
    case unreadable(path: String, reason: String)
    case noRegistryFiles(String)
    /// `--root` names no folder.
    case rootNotFound(String)
    /// The registry folder itself lies outside the repository root.
    case outsideRoot(directory: String, root: String)
    /// More registry files than `RegistryLoader.maxFiles`.
    case tooManyFiles(directory: String, limit: Int)

    public var description: String {
        switch self {
        case .directoryNotFound(let path):
            return "registry directory '\(path)' does not exist; pass the folder that holds your audreg/v1 YAML files, or create one with 'audreg init \(path)'"
        case .notADirectory(let path):
            return "'\(path)' is not a directory; pass the folder that holds your audreg/v1 YAML files"
        case .unreadable(let path, let reason):
            return "cannot read '\(path)': \(reason); check its permissions"
        case .noRegistryFiles(let path):
            return "no *.yaml or *.yml files under '\(path)'; add entity files there, or create a starter registry with 'audreg init \(path)'"
        case .rootNotFound(let path):
            return "--root '\(path)' is not a folder; pass the repository's top-level folder"
        case .outsideRoot(let directory, let root):
            return "registry directory '\(directory)' is outside the repository root '\(root)'; pass a registry inside it, or the right folder with --root"
        case .tooManyFiles(let directory, let limit):
            return "'\(directory)' holds more than \(limit) registry files, the limit; pass the registry folder itself, not a folder above it"
        }
    }
}

/// IDs of the findings the loader itself reports. They are rules like any other in the catalog.
public enum LoaderRuleID {
    public static let yamlSyntax = "yaml-syntax"
    public static let duplicateKey = "duplicate-key"
    public static let schema = "schema"
}
