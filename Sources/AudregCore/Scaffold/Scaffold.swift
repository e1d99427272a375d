import Foundation

/// A file scaffolding wants to write.
public struct ScaffoldFile: Sendable, Hashable {
    /// As given by the caller (relative to the current directory, or absolute).
    public var path: String
    public var contents: String

    public init(path: String, contents: String) {
        self.path = path
        self.contents = contents
    }
}

/// What a scaffolding run did. Existing files are never overwritten: they are listed as kept.
public struct ScaffoldResult: Sendable {
    public var written: [String] = []
    public var kept: [String] = []
}

public struct ScaffoldError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// Findings that stopped `new service`, for the caller to print.
    public var findings: [Finding]

    public init(_ description: String, findings: [Finding] = []) {
        self.description = description
        self.findings = findings
    }
}

/// Shared pieces of `init` and `new service`.
public enum Scaffold {
    public static let schemaFileName = "audreg-v1.json"

    /// Writes files that do not exist yet, creating folders as needed; an existing file is kept untouched.
    /// The file is created exclusively (O_EXCL), so a file appearing meanwhile is not overwritten either.
    public static func write(_ files: [ScaffoldFile]) throws -> ScaffoldResult {
        var result = ScaffoldResult()
        for file in files {
            if FileManager.default.fileExists(atPath: file.path) || isSymbolicLink(file.path) {
                result.kept.append(file.path)
                continue
            }
            let folder = (file.path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
            guard descriptor >= 0 else {
                if errno == EEXIST { result.kept.append(file.path); continue }
                throw ScaffoldError("cannot create '\(file.path)': \(String(cString: strerror(errno)))")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: Data(file.contents.utf8))
            try handle.close()
            result.written.append(file.path)
        }
        return result
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }

    /// The `# yaml-language-server: $schema=…` line for a file at `filePath`, pointing at `schemaPath`.
    public static func schemaComment(forFileAt filePath: String, schemaPath: String) -> String {
        let folder = (absolute(filePath) as NSString).deletingLastPathComponent
        return "# yaml-language-server: $schema=\(relativePath(from: folder, to: absolute(schemaPath)))"
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (full as NSString).standardizingPath
    }

    /// `../../schema/audreg-v1.json` from `/r/registry/services` to `/r/schema/audreg-v1.json`.
    static func relativePath(from folder: String, to target: String) -> String {
        let from = folder.splitOnScalar("/")
        let to = target.splitOnScalar("/")
        var common = 0
        while common < from.count, common < to.count - 1, from[common].isExactly(to[common]) { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        let path = (ups + to[common...]).joined(separator: "/")
        return path
    }

    /// The schema that `audreg schema` prints, for the local copy generated files point at.
    public static func schemaFile(at path: String) -> ScaffoldFile {
        ScaffoldFile(path: path, contents: JSONSchemaExport.document().serialized())
    }

    /// A YAML scalar: plain when that is unambiguous, double-quoted with escapes otherwise.
    static func yamlScalar(_ value: String) -> String {
        let plainSafe = value.range(of: #"^[A-Za-z0-9][A-Za-z0-9._/+-]*(:[A-Za-z0-9._/+@%=?&#~-][A-Za-z0-9._/+@%=?&#~:-]*)?$"#, options: .regularExpression) != nil
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"].contains(value.lowercased())
        if plainSafe && !reserved && Double(value) == nil && Int(value) == nil { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func yamlList(_ values: [String]) -> String {
        "[" + values.map(yamlScalar).joined(separator: ", ") + "]"
    }
}
