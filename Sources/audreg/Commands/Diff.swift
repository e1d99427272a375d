import ArgumentParser
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show who gains access to what between two registries: widening, narrowing and neutral changes.",
        discussion: """
            audreg diff BASE HEAD compares two registry directories; audreg diff --git-base REF [HEAD] reads the base \
            from git at REF (the same folder as HEAD, default registry) and compares it with the working tree. \
            The rules run on both sides, so the report also lists the findings the change introduces and fixes.

            Examples:
              audreg diff --git-base origin/main registry --format markdown >> "$GITHUB_STEP_SUMMARY"
              audreg diff base/registry registry --fail-on widening

            Exit status: 0 unless --fail-on matches; 1 when it does (--fail-on widening: any widening change); 2 for \
            a usage error or a registry that cannot be read.
            """)

    @Argument(help: "BASE and HEAD registry directories; with --git-base only HEAD (default: registry).", completion: .directory)
    var directories: [String] = []

    @Option(help: "Read the base registry from git at this ref (a branch, tag or commit), e.g. origin/main.")
    var gitBase: String?

    @Option(name: .shortAndLong, help: "Output format: \(DiffFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: DiffFormat = .text

    @Option(help: "Exit 1 on: widening (any widening change), change (any widening or narrowing), finding (a new error finding), never.")
    var failOn: DiffFailOn = .never

    @Option(help: "Markdown only: link finding locations to this URL plus the path, e.g. https://github.com/ORG/REPO/blob/HEAD_SHA/.")
    var linkBase: String?

    @OptionGroup var date: DateOptions

    @OptionGroup var paths: RootOptions

    func validate() throws {
        if gitBase == nil, directories.count != 2 {
            throw ValidationError("give two registry directories (BASE HEAD), or --git-base REF and at most one directory")
        }
        if gitBase != nil, directories.count > 1 {
            throw ValidationError("with --git-base, give only the HEAD directory (the base comes from git)")
        }
    }

    func run() throws {
        let differ = TrustDiffer(today: try date.resolved(), timing: ProcessSettings.timing)
        let diff: TrustDiff
        let head = gitBase == nil ? directories[1] : (directories.first ?? "registry")
        if let gitBase {
            do {
                diff = try differ.diff(gitBase: gitBase, headDirectory: head, loader: paths.loader)
            } catch let error as GitBaseError {
                throw AudregCLIError(error.description)
            }
        } else {
            diff = try differ.diff(baseDirectory: directories[0], headDirectory: directories[1], loader: paths.loader)
        }
        let markdown = MarkdownDiffRenderer.Options(pathPrefix: ReportPaths.prefix(forRegistry: head), linkBase: linkBase)
        Terminal.write(format.render(diff, color: format == .text && Terminal.colorAllowed, markdown: markdown))
        if failOn.fails(diff) { throw ExitCode(1) }
    }
}

extension DiffFormat: ExpressibleByArgument {}
extension DiffFailOn: ExpressibleByArgument {}
