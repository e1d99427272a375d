/// The text of `audreg templates list`: pages and the files that render them, then every template.
public enum TemplateListing {
    public static func text(_ set: TemplateSet) -> String {
        func source(_ name: String) -> String { set.entry(name)?.source.description ?? "missing" }
        var output = "PAGE                           HTML TEMPLATE (SOURCE)  /  MARKDOWN TEMPLATE (SOURCE)\n"
        for page in TemplateSet.pages {
            output += page.page.padding(to: 31) + "\(page.html) (\(source(page.html)))  /  \(page.markdown) (\(source(page.markdown)))\n"
        }
        output += "\nALL TEMPLATES, PARTIALS AND ASSETS\n"
        let width = (set.entries.map(\.name.count).max() ?? 0) + 2
        for entry in set.entries {
            output += entry.name.padding(to: width) + entry.source.description + "\n"
        }
        let overridden = set.entries.filter { $0.source != .builtIn }.count
        output += "\n\(set.entries.count) files, \(overridden) from the override folder. Copy a file into the override folder under the same relative name to change it.\n"
        return output
    }
}
