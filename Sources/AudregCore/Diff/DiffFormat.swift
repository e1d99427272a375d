/// The output formats of `audreg diff`.
public enum DiffFormat: String, CaseIterable, Sendable {
    case markdown, json, text

    public func render(_ diff: TrustDiff, color: Bool = false, markdown: MarkdownDiffRenderer.Options = .init()) -> String {
        switch self {
        case .markdown: return MarkdownDiffRenderer.render(diff, options: markdown)
        case .json: return JSONDiffRenderer.render(diff)
        case .text: return TextDiffRenderer.render(diff, color: color)
        }
    }
}
