/// A workload-identity federation trust as deployed (an AWS IAM role trust policy, a Vault JWT role):
/// which workloads' tokens it admits, by the claims that name a workload. The audience and issuer are
/// the provider's own fields; this holds what only a trust has.
public struct DeployedTrust: Sendable {
    /// One value a claim condition admits, as written.
    public struct Pattern: Sendable {
        /// The claim it constrains: `sub`, or a claim that names a repository or project (`repository`).
        public var claim: String
        public var value: Located<ExactString>
        /// Whether `*` (and for IAM `?`) are wildcards here (IAM `StringLike`, Vault `glob`); in an
        /// exact comparison they are plain characters.
        public var isGlob: Bool

        public init(claim: String, value: Located<String>, isGlob: Bool) {
            self.claim = claim
            self.value = Located(ExactString(value.value), at: value.location)
            self.isGlob = isGlob
        }
    }

    /// One condition on a claim: any of its values passes. Several conditions must all pass.
    public struct Condition: Sendable {
        /// How the config names it (`StringLike token.actions.githubusercontent.com:sub`, `bound_subject`).
        public var field: String
        public var patterns: [Pattern]
        public var location: SourceLocation
        /// Why the condition pins no workload whatever its values (an IAM `…IfExists` operator, which
        /// passes when the key is absent; a claim IAM has no condition key for); nil when its values decide.
        public var notPinning: String?

        public init(field: String, patterns: [Pattern], location: SourceLocation, notPinning: String? = nil) {
            self.field = field
            self.patterns = patterns
            self.location = location
            self.notPinning = notPinning
        }
    }

    /// Conditions on `sub` or on a claim that names the workload; empty when the trust sets none.
    public var conditions: [Condition]
    /// Where a subject condition is written, or belongs when absent.
    public var location: SourceLocation
    /// What the enforcer calls the subject setting, for the message when it is missing.
    public var subjectField: String
    /// Set when a subject value could not be read as written (a CloudFormation substitution): the
    /// subjects are then not compared with the registry's (a note says why).
    public var subjectsUnresolved = false

    public init(conditions: [Condition], location: SourceLocation, subjectField: String) {
        self.conditions = conditions
        self.location = location
        self.subjectField = subjectField
    }

    /// The `sub` patterns, the values compared with a registry deployment's `trust.subjects`.
    public var subjects: [Pattern] {
        conditions.flatMap(\.patterns).filter { $0.claim == "sub" }
    }

    /// Whether some condition pins the workload: every value of it names one repository, project or
    /// subject (wildcards only after that part). Conditions are AND-ed, so one pinned condition is enough.
    public var isPinned: Bool {
        conditions.contains { condition in
            condition.notPinning == nil && !condition.patterns.isEmpty && condition.patterns.allSatisfy { FederationSubject.unpinnedReason($0) == nil }
        }
    }

    /// The claims whose conditions name a workload. GitHub's `repository` / `job_workflow_ref`, GitLab's
    /// `project_path`, and their numeric ids pin a workload as well as `sub` does.
    public static let identityClaims: Set<String> = [
        "sub", "repository", "repository_id", "job_workflow_ref", "project_path", "project_id",
    ]
}

/// What counts as a wildcard subject. A pattern admits "any repository" when a wildcard stands in
/// the part of the subject that names the workload: for GitHub (`repo:OWNER/REPO:…`) in OWNER/REPO,
/// so `repo:*`, `repo:acme/*` and `repo:acme/deploy*` are unpinned and `repo:acme/deploy:*` (any branch
/// or event of one repository) is pinned; for GitLab (`project_path:GROUP/PROJECT:…`) in the path; for
/// Kubernetes (`system:serviceaccount:NAMESPACE:NAME`) in the namespace or name. A subject of another
/// form is unpinned only when it starts with a wildcard. Exact comparisons have no wildcards.
public enum FederationSubject {
    static func isWildcard(_ scalar: Unicode.Scalar) -> Bool { scalar == "*" || scalar == "?" }

    /// Scalar by scalar, as IAM and Vault match: `String`'s character view would join a combining
    /// mark to the `:` or `/` before it and hide the separator.
    typealias Scalars = ArraySlice<Unicode.Scalar>

    static func hasWildcard(_ text: Scalars) -> Bool { text.contains(where: isWildcard) }

    static func split(_ text: Scalars, on separator: Unicode.Scalar, maxSplits: Int = .max) -> [Scalars] {
        text.split(separator: separator, maxSplits: maxSplits, omittingEmptySubsequences: false)
    }

    /// Why the pattern admits any workload, or nil when it names one.
    public static func unpinnedReason(_ pattern: DeployedTrust.Pattern) -> String? {
        guard pattern.isGlob else { return nil }
        let text = Scalars(pattern.value.value.text.unicodeScalars)
        guard let first = text.first else { return nil }
        if text.allSatisfy(isWildcard) { return "it admits every subject" }
        switch pattern.claim {
        case "sub":
            for (prefix, what, segments) in [("repo:", "repository", 1), ("project_path:", "project", 1), ("system:serviceaccount:", "service account", 2)] {
                let prefixScalars = Array(prefix.unicodeScalars)
                guard text.starts(with: prefixScalars) else { continue }
                let parts = split(text.dropFirst(prefixScalars.count), on: ":", maxSplits: segments)
                let named = parts.prefix(segments)
                // A wildcard that reaches over the ':' (`repo:acme*`) also stands in the name.
                if named.count < segments || named.contains(where: hasWildcard) {
                    return "a wildcard stands in the \(what) part, so any \(what) matching it is admitted"
                }
                return nil
            }
            return isWildcard(first) ? "it starts with a wildcard, so any subject ending like it is admitted" : nil
        case "repository", "project_path", "job_workflow_ref":
            // OWNER/REPO (GitHub), GROUP/…/PROJECT (GitLab), OWNER/REPO/PATH@REF.
            let name = split(text, on: "@", maxSplits: 1).first ?? text
            let owned = pattern.claim == "project_path" ? Array(name) : Array(split(name, on: "/").prefix(2).joined(separator: ["/"]))
            let what = pattern.claim == "project_path" ? "project" : "repository"
            return hasWildcard(owned[...]) ? "a wildcard stands in the \(what) part, so any \(what) matching it is admitted" : nil
        default:
            return hasWildcard(text) ? "a wildcard stands in the id" : nil
        }
    }
}
