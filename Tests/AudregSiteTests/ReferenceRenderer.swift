import Foundation
import Mustache
@testable import AudregCore
@testable import AudregSite

/// swift-mustache, as the reference the site's compiled template engine is compared with: the same
/// templates, the same boxed view models (given to it as dictionaries and arrays), and the site's
/// escaping. swift-mustache hard-codes its HTML escaping for templates without a pragma and for every
/// partial, so each template gets a first line `{{% CONTENT_TYPE: REFERENCE_HTML}}` (a standalone
/// pragma line, which renders nothing) whose escaping adds what the site's encoder adds to
/// swift-mustache's: bidirectional controls shown as their code points.
struct ReferenceRenderer {
    let library: MustacheLibrary

    init(templates: TemplateSet) throws {
        _ = Self.registered
        var library = MustacheLibrary()
        for entry in templates.entries where entry.name.hasSuffix(".mustache") {
            try library.register("{{% CONTENT_TYPE: REFERENCE_HTML}}\n" + entry.text, named: String(entry.name.dropLast(".mustache".count)))
        }
        self.library = library
    }

    func render(_ context: BoxValue, withTemplate name: String) -> String? {
        library.render(context.materialized, withTemplate: name)
    }

    func render(_ context: Any, withTemplate name: String) -> String? {
        render(BoxValue(any: context), withTemplate: name)
    }

    /// Every page and support file of `model`, as `SiteBuilder.renderAll` lays them out.
    func renderAll(model: SiteModel, templates: TemplateSet) throws -> [String: String] {
        var files: [String: String] = [:]
        for job in SiteBuilder.jobs(model) {
            let (path, context, html, markdown) = SiteBuilder.pageContext(job, model: model)
            files[path + ".html"] = render(context, withTemplate: html)
            files[SiteBuilder.markdownDocs + path + ".md"] = render(context, withTemplate: markdown)
        }
        let compiled = try PageRenderer(templates: templates)
        SiteBuilder.supportFiles(model: model, templates: templates, library: compiled) { path, produce in
            files[path] = OutputBuffer.string(capacity: 4096, produce)
        }
        if let mkdocs = MustacheBox.convert(MkDocsContext(model: model)) {
            files["markdown/mkdocs.yml"] = render(mkdocs, withTemplate: "markdown/mkdocs.yml")
        }
        return files
    }

    /// swift-mustache's HTML escaping (per `Character`), with bidirectional controls as code points.
    struct HTMLWithBidi: MustacheContentType {
        func escapeText(_ text: String) -> String {
            var output = ""
            for character in text {
                switch character {
                case "<": output += "&lt;"
                case ">": output += "&gt;"
                case "&": output += "&amp;"
                case "\"": output += "&quot;"
                case "'": output += "&#39;"
                default:
                    let scalars = character.unicodeScalars
                    if scalars.count == 1, let scalar = scalars.first, UnsafeScalar.kind(scalar) == .bidi {
                        output += UnsafeScalar.codePoint(scalar)
                    } else {
                        output.append(character)
                    }
                }
            }
            return output
        }
    }

    struct Markdown: MustacheContentType {
        func escapeText(_ text: String) -> String { MarkdownEscaping.escape(text) }
    }

    static let registered: Bool = {
        MustacheContentTypes.register(HTMLWithBidi(), named: "REFERENCE_HTML")
        MustacheContentTypes.register(Markdown(), named: "MARKDOWN")
        return true
    }()
}
