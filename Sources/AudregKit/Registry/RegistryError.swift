/// Problems that stop audreg before it can report findings. Each says what to do next.
public enum RegistryError: Error, Equatable, CustomStringConvertible {
    case directoryNotFound(String)
    case notADirectory(String)
    case unreadable(path: String, reason: String)
    case noRegistryFiles(String)

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
        }
    }
}

/// IDs of the findings the loader itself reports. They are rules like any other in the catalog.
public enum LoaderRuleID {
    public static let yamlSyntax = "yaml-syntax"
    public static let duplicateKey = "duplicate-key"
    public static let schema = "schema"
}
