import Foundation
import AudregCore

/// `audreg templates eject`: copies chosen built-in templates into the override folder and records, in
/// `.audreg-ejected` beside them, which audreg version they came from and a hash of the built-in text.
/// `build` compares that record with the built-in templates of the running audreg and warns when one
/// changed since it was ejected, so a stale copy never silently wins after an upgrade.
public enum TemplateEjection {
    public static let recordFile = ".audreg-ejected"

    public struct Record: Sendable, Equatable {
        public var name: String
        public var version: String
        public var hash: String
    }

    public struct Plan: Sendable {
        public var files: [ScaffoldFile]
        public var records: [Record]
    }

    /// The templates a name stands for: a template's own name (`html/service.mustache`, with or without
    /// `.mustache`), or a page of `audreg templates list` (`Service`), which is its HTML and Markdown pair.
    public static func templates(named name: String) -> [String]? {
        let builtIn = Set(TemplateSet.builtIn.entries.map(\.name))
        if builtIn.contains(name) { return [name] }
        if builtIn.contains(name + ".mustache") { return [name + ".mustache"] }
        let lowered = name.lowercased()
        if let page = TemplateSet.pages.first(where: { $0.page.lowercased() == lowered || $0.page.lowercased().hasPrefix(lowered + " (") }) {
            return [page.html, page.markdown]
        }
        return nil
    }

    public static func plan(_ names: [String], into directory: String) throws -> Plan {
        var chosen: [String] = []
        for name in names {
            guard let templates = templates(named: name) else {
                let pages = TemplateSet.pages.map { $0.page.components(separatedBy: " (")[0] }
                let candidates = TemplateSet.builtIn.entries.map(\.name) + TemplateSet.builtIn.entries.map { $0.name.replacingOccurrences(of: ".mustache", with: "") } + pages
                let hint = Suggestion.closest(to: name, in: candidates).map { "; did you mean '\($0)'?" } ?? "; 'audreg templates list' shows the names"
                throw ScaffoldError("no built-in template or page named '\(name)'\(hint)")
            }
            for template in templates where !chosen.contains(template) { chosen.append(template) }
        }
        var files: [ScaffoldFile] = []
        var records: [Record] = []
        for name in chosen {
            guard let entry = TemplateSet.builtIn.entry(name) else { continue }
            files.append(ScaffoldFile(path: StarterRegistry.Layout.join(directory, name), contents: entry.text))
            records.append(Record(name: name, version: AudregVersion.current, hash: StableHash.hex(entry.text)))
        }
        return Plan(files: files, records: records)
    }

    /// Writes the planned templates (never over an existing file) and adds their records.
    public static func write(_ plan: Plan, into directory: String) throws -> ScaffoldResult {
        let result = try Scaffold.write(plan.files)
        var records = Dictionary(uniqueKeysWithValues: read(directory).map { ($0.name, $0) })
        for record in plan.records where result.written.contains(StarterRegistry.Layout.join(directory, record.name)) {
            records[record.name] = record
        }
        let text = records.values.sorted { $0.name < $1.name }.map { "\($0.name)\t\($0.version)\t\($0.hash)\n" }.joined()
        let header = "# Templates copied by 'audreg templates eject': name, audreg version, hash of the built-in text then.\n"
        try Data((header + text).utf8).write(to: URL(fileURLWithPath: StarterRegistry.Layout.join(directory, recordFile)), options: .atomic)
        return result
    }

    /// The records of an override folder; none when it has no record file.
    public static func read(_ directory: String) -> [Record] {
        guard case .success(let bytes) = BoundedFile.read(StarterRegistry.Layout.join(directory, recordFile), limit: 1 << 20) else { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else { return nil }
            return Record(name: String(fields[0]), version: String(fields[1]), hash: String(fields[2]))
        }
    }

    /// Ejected templates whose built-in original changed since they were copied.
    public static func stale(in directory: String) -> [Record] {
        read(directory).filter { record in
            guard let entry = TemplateSet.builtIn.entry(record.name) else { return false }
            return StableHash.hex(entry.text) != record.hash
        }
    }
}
