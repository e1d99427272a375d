import Foundation
import AudregCore

/// The templates and assets a site is built from: the built-in set compiled into the binary, with any
/// file of the same relative name under an override directory taking its place (partials and assets
/// included). Extra `.mustache` files in the override directory are registered too, so an override can
/// include partials of its own.
public struct TemplateSet: Sendable {
    public enum Source: Sendable, Equatable {
        case builtIn
        case file(String)

        public var description: String {
            switch self {
            case .builtIn: return "built-in"
            case .file(let path): return path
            }
        }
    }

    public struct Entry: Sendable {
        /// Relative name: `html/service.mustache`, `assets/style.css`.
        public var name: String
        public var text: String
        public var source: Source

        /// How an error names the file: its path, or where a built-in template comes from.
        public var displayPath: String {
            switch source {
            case .file(let path): return path
            case .builtIn: return "templates/" + name + " (built in)"
            }
        }
    }

    /// Every template and asset, sorted by name.
    public var entries: [Entry]

    /// What each kind of page is rendered with, for `audreg templates list` and the footer.
    public static let pages: [(page: String, html: String, markdown: String)] = SitePage.all.map { ($0.name, $0.html, $0.markdown) }

    /// The built-in templates, as compiled in from `templates/`.
    public static var builtIn: TemplateSet {
        let prefix = "templates/"
        let entries = EmbeddedTemplates.files.filter { $0.key.hasPrefix(prefix) }
            .map { Entry(name: String($0.key.dropFirst(prefix.count)), text: $0.value, source: .builtIn) }
        return TemplateSet(entries: entries.sorted { $0.name < $1.name })
    }

    /// The built-in set with files from `directory` in place of those of the same relative name.
    public static func resolve(overrides directory: String?) throws -> TemplateSet {
        var byName = Dictionary(uniqueKeysWithValues: builtIn.entries.map { ($0.name, $0) })
        guard let directory else { return TemplateSet(entries: byName.values.sorted { $0.name < $1.name }) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SiteBuildError.templates("template directory '\(directory)' does not exist")
        }
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else {
            throw SiteBuildError.templates("cannot read template directory '\(directory)'")
        }
        var relativeNames: [String] = []
        while let relative = enumerator.nextObject() as? String { relativeNames.append(relative) }
        for relative in relativeNames.sorted() {
            let name = relative.replacingOccurrences(of: "\\", with: "/")
            let last = (name as NSString).lastPathComponent
            if last.hasPrefix(".") || last == "README.md" { continue }
            let known = byName[name] != nil
            guard known || name.hasSuffix(".mustache") else { continue }
            let path = (directory as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let data: Data
            switch BoundedFile.data(path) {
            case .success(let contents): data = contents
            case .failure(let failure): throw SiteBuildError.templates("cannot read template '\(path)': \(failure.message)")
            }
            byName[name] = Entry(name: name, text: String(decoding: data, as: UTF8.self), source: .file(path))
        }
        return TemplateSet(entries: byName.values.sorted { $0.name < $1.name })
    }

    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// Static files copied as they are: everything under `assets/`.
    public var assets: [Entry] { entries.filter { $0.name.hasPrefix("assets/") } }
}

/// Why a site could not be built. The previous site is left as it was.
public enum SiteBuildError: Error, CustomStringConvertible, Equatable {
    case templates(String)
    case render(String)
    case output(String)

    public var description: String {
        switch self {
        case .templates(let message), .render(let message), .output(let message): return message
        }
    }
}
