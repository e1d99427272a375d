/// Renders a trust diff as a pull-request comment (GitHub-flavoured Markdown): a summary line, then a table
/// per entity with before → after, widening first, each change with the rule findings it triggered.
/// Everything taken from the registry is escaped, so a pull request cannot inject links, mentions or HTML.
public enum MarkdownDiffRenderer {
    /// The first line of every comment, so a workflow can find and update its previous comment.
    public static let marker = "<!-- audreg-diff -->"
    /// Lists longer than this are folded into `<details>`.
    static let foldAfter = 5

    /// Where finding locations point.
    public struct Options: Sendable {
        /// Turns registry-relative paths into repository-relative ones (`registry/`), as for GitHub annotations.
        public var pathPrefix: String
        /// When set, locations of head-side findings link to `linkBase + path#Lline`, for example
        /// `https://github.com/org/repo/blob/<head sha>/`.
        public var linkBase: String?
        /// The longest comment to produce, in UTF-8 bytes (GitHub accepts 65,536 characters).
        public var maxCharacters: Int

        public init(pathPrefix: String = "", linkBase: String? = nil, maxCharacters: Int = 60_000) {
            self.pathPrefix = pathPrefix
            self.linkBase = linkBase
            self.maxCharacters = maxCharacters
        }
    }

    public static func render(_ diff: TrustDiff, options: Options = Options()) -> String {
        let renderer = Renderer(options: options)
        return renderer.render(diff)
    }

    struct Renderer {
        let options: Options

        func render(_ diff: TrustDiff) -> String {
            var out = MarkdownDiffRenderer.marker + "\n"
            out += "## audreg trust diff\n\n"
            out += summaryLine(diff) + "\n\n"
            if diff.hasWidening {
                out += "> [!WARNING]\n> This change widens trust. Widening changes need a security review before merging.\n\n"
            }
            if !diff.notCompared.isEmpty {
                out += "> [!WARNING]\n> Some of the registry could not be compared, so this diff cannot say it is safe:\n"
                // Listed up to a share of the comment's size: thousands of unread files must not push the
                // whole comment past the limit, so the rest are counted.
                var listed = 0
                for sentence in diff.notCompared {
                    let line = "> - \(MarkdownText.text(sentence))\n"
                    guard out.utf8.count + line.utf8.count <= options.maxCharacters / 4 else { break }
                    out += line
                    listed += 1
                }
                if listed < diff.notCompared.count { out += "> - and \(diff.notCompared.count - listed) more (`audreg diff --format text` lists them all)\n" }
                out += "\n"
            }
            if diff.changes.isEmpty && diff.notCompared.isEmpty {
                out += "No trust-boundary changes between \(MarkdownText.code(diff.baseLabel)) and \(MarkdownText.code(diff.headLabel)).\n\n"
            }

            // Blocks in order of importance; a comment has a size limit (GitHub: 65,536 characters), so
            // blocks that no longer fit are left out with a note, and widening comes first.
            var blocks: [(text: String, entities: Int)] = []
            let groups = diff.byEntity
            let judged = groups.filter { group in group.changes.contains { $0.kind != .neutral } }
            let neutralOnly = groups.filter { group in group.changes.allSatisfy { $0.kind == .neutral } }
            for group in judged {
                blocks.append((section(group.entity, group.changes), 1))
            }
            let neutralCount = neutralOnly.reduce(0) { $0 + $1.changes.count }
            if neutralCount > MarkdownDiffRenderer.foldAfter {
                var folded = "<details><summary>\(neutralCount) neutral changes in \(neutralOnly.count) entities</summary>\n\n"
                for group in neutralOnly { folded += section(group.entity, group.changes) }
                blocks.append((folded + "</details>\n\n", neutralOnly.count))
            } else {
                for group in neutralOnly { blocks.append((section(group.entity, group.changes), 1)) }
            }
            let unattributed = diff.unattributed
            if !unattributed.isEmpty {
                blocks.append((findingList("Other findings introduced", unattributed, linked: true), 0))
            }
            if !diff.fixed.isEmpty {
                blocks.append((findingList("Findings fixed", diff.fixed, linked: false), 0))
            }
            if !diff.newlySuppressed.isEmpty {
                blocks.append((findingList("Findings now covered by an exception", diff.newlySuppressed, linked: false), 0))
            }
            let reserve = 600 // the truncation note and the footer
            for (index, block) in blocks.enumerated() {
                // One block too large to fit (a service with thousands of audiences) is left out with a
                // note while smaller ones after it still fit; the comment ends only when little room is left.
                if out.utf8.count + block.text.utf8.count + reserve > options.maxCharacters,
                   index + 1 < blocks.count, block.text.utf8.count > options.maxCharacters / 4,
                   out.utf8.count + 400 + reserve < options.maxCharacters {
                    out += "> [!NOTE]\n> One entity's changes are too long for a pull-request comment and are left out here; `audreg diff --format text` shows them.\n\n"
                    continue
                }
                if out.utf8.count + block.text.utf8.count + reserve > options.maxCharacters {
                    let left = blocks[index...].reduce(0) { $0 + $1.entities }
                    out += "> [!NOTE]\n> This comment stops at the size limit of a pull-request comment"
                    out += left > 0 ? ": \(left) more \(left == 1 ? "entity is" : "entities are") not shown" : ""
                    out += ". Run `audreg diff --git-base <base> --format text` for the whole diff.\n\n"
                    break
                }
                out += block.text
            }
            out += "<sub>audreg \(MarkdownText.text(AudregVersion.current)) · \(MarkdownText.code(diff.baseLabel)) → \(MarkdownText.code(diff.headLabel))</sub>\n"
            return out
        }

        func summaryLine(_ diff: TrustDiff) -> String {
            let widening = diff.count(.widening)
            let entities = diff.byEntity.count
            let parts = [widening > 0 ? "**⚠️ \(widening) widening**" : "0 widening",
                         "\(diff.count(.narrowing)) narrowing", "\(diff.count(.neutral)) neutral"]
            let scope = "in \(entities) \(entities == 1 ? "entity" : "entities")"
            let findings = "findings: \(diff.introduced.count) introduced, \(diff.fixed.count) fixed"
            return parts.joined(separator: " · ") + " " + scope + " · " + findings
        }

        func icon(_ kind: TrustChangeKind) -> String {
            switch kind {
            case .widening: return "🔺 widening"
            case .narrowing: return "🔻 narrowing"
            case .neutral: return "▫️ neutral"
            }
        }

        func section(_ entity: EntityRef, _ changes: [TrustChange]) -> String {
            var out = "### \(entity.kind.rawValue) \(MarkdownText.code(entity.name))\n\n"
            out += "| | Change | Before → After | Findings |\n|---|---|---|---|\n"
            for change in changes {
                let before = change.before.map(MarkdownText.code) ?? "—"
                let after = change.after.map(MarkdownText.code) ?? "—"
                out += "| \(icon(change.kind)) | \(MarkdownText.text(change.summary)) | \(before) → \(after) | \(findingsCell(change.findings)) |\n"
            }
            return out + "\n"
        }

        func findingsCell(_ findings: [Finding]) -> String {
            guard !findings.isEmpty else { return "" }
            let items = findings.map { findingInline($0) }
            if items.count <= 3 { return items.joined(separator: "<br>") }
            return "<details><summary>\(items.count) findings</summary>" + items.joined(separator: "<br>") + "</details>"
        }

        func severityIcon(_ severity: Severity) -> String {
            switch severity {
            case .error: return "🛑"
            case .warning: return "⚠️"
            case .note: return "ℹ️"
            }
        }

        /// `registry/services/x.yaml:12:5`, linked to the head commit when a link base is given.
        func place(_ location: SourceLocation, linked: Bool) -> String {
            let path = location.file.hasPrefix("/") || location.file.hasPrefix("..") ? location.file : options.pathPrefix + location.file
            let text = MarkdownText.code("\(path):\(location.line):\(location.column)")
            guard linked, let base = options.linkBase, !location.file.hasPrefix("/"), !location.file.hasPrefix("..") else { return text }
            return "[\(text)](\(base)\(MarkdownText.urlPath(path))#L\(location.line))"
        }

        func findingInline(_ finding: Finding, linked: Bool = true) -> String {
            "\(severityIcon(finding.severity)) \(finding.severity.rawValue) \(MarkdownText.code(finding.ruleID)): \(MarkdownText.text(finding.message)) (\(place(finding.location, linked: linked)))"
        }

        func findingList(_ title: String, _ findings: [Finding], linked: Bool) -> String {
            var body = ""
            for finding in findings { body += "- \(findingInline(finding, linked: linked))\n" }
            if findings.count > MarkdownDiffRenderer.foldAfter {
                return "<details><summary>\(title) (\(findings.count))</summary>\n\n\(body)\n</details>\n\n"
            }
            return "**\(title) (\(findings.count))**\n\n\(body)\n"
        }
    }
}
