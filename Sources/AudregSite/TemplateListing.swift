import AudregCore
/// The text of `audreg templates list`: pages and the files that render them, then every template.
public enum TemplateListing {
    public static func text(_ set: TemplateSet) -> String {
        let builtIn = Dictionary(uniqueKeysWithValues: TemplateSet.builtIn.entries.map { ($0.name, $0.text) })
        func describe(_ entry: TemplateSet.Entry) -> String {
            guard entry.source != .builtIn else { return "built-in" }
            return entry.source.description + (builtIn[entry.name] == entry.text ? " (same as built-in)" : "")
        }
        func source(_ name: String) -> String { set.entry(name).map(describe) ?? "missing" }
        // Columns as wide as their longest value plus two spaces, so no two run together.
        let pageWidth = max("PAGE".count, TemplateSet.pages.map(\.page.count).max() ?? 0) + 2
        var output = "PAGE".padding(to: pageWidth) + "HTML TEMPLATE (SOURCE)  /  MARKDOWN TEMPLATE (SOURCE)\n"
        for page in TemplateSet.pages {
            output += page.page.padding(to: pageWidth) + "\(page.html) (\(source(page.html)))  /  \(page.markdown) (\(source(page.markdown)))\n"
        }
        output += "\nALL TEMPLATES, PARTIALS AND ASSETS\n"
        let width = (set.entries.map(\.name.count).max() ?? 0) + 2
        for entry in set.entries {
            output += entry.name.padding(to: width) + describe(entry) + "\n"
        }
        let overridden = set.entries.filter { $0.source != .builtIn }.count
        let changed = set.entries.filter { $0.source != .builtIn && builtIn[$0.name] != $0.text }.count
        output += "\n\(set.entries.count) files, \(overridden) from the override folder, \(changed) of them different from the built-in ones. Copy a file into the override folder under the same relative name to change it.\n"
        return output
    }
}
