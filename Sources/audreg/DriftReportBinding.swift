import AudregCore
import AudregDrift

/// A drift report counts as evidence only for the registry files it checked: `build`, `export oscal`
/// and `serve` match its coverage to services by name and to deployments by position, so a report of
/// another registry, or of this one before a deployment was added, would vouch for what it never read.
enum DriftReportBinding {
    static func bind(_ report: DriftReport?, toRegistryAt directory: String, root: String?) -> DriftReport? {
        guard var report else { return nil }
        guard let recorded = report.run.registry else {
            report.run.notOfThisRegistry = "the drift report does not say which registry files it checked (an earlier audreg wrote it); run 'audreg drift --format json' on this registry again"
            return report
        }
        guard let resolved = RepositoryRoot.realPath(directory),
              let files = try? RegistryLoader.registryFiles(in: directory, root: root) else {
            report.run.notOfThisRegistry = "the registry's files could not be listed to match them with the drift report's"
            return report
        }
        let digest = DriftIdentity.registryDigest(files: files, directory: resolved)
        if !recorded.isExactly(digest) {
            report.run.notOfThisRegistry = "the drift report checked other registry files than these (its digest \(recorded), this registry's \(digest)); run 'audreg drift --format json' on this registry and pass that report"
        }
        return report
    }
}
